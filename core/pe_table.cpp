#include "pe_table.h"

#include "file_util.h"
#include "positional_encoding.h"

#include <cmath>

namespace posenc::core {

PeTable computePeTable(const EncodingConfig &config, quint64 seed) {
    PeTable table;
    if (!checkEncoding(config).isEmpty())
        return table;
    c10::optional<at::Generator> gen;
    if (config.kind == PeKind::Learned)
        gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return toPeTable(positionalEncoding(config.kind, config.maxLen, config.dModel, config.base, gen));
}

PeColumnInfo columnInfo(const EncodingConfig &config, int dim) {
    PeColumnInfo info;
    if (config.kind == PeKind::SinusoidalConcat) {
        const int sinCount = (config.dModel + 1) / 2;
        info.isSin = dim < sinCount;
        info.freqIndex = info.isSin ? dim : dim - sinCount;
    } else {
        info.isSin = dim % 2 == 0;
        info.freqIndex = dim / 2;
    }
    info.wavelength = 2.0 * M_PI * std::pow(config.base, 2.0 * info.freqIndex / config.dModel);
    return info;
}

double peValue(const EncodingConfig &config, int position, int dim) {
    if (!isSinusoidal(config.kind))
        return 0.0;
    const PeColumnInfo info = columnInfo(config, dim);
    const double angle = position / std::pow(config.base, 2.0 * info.freqIndex / config.dModel);
    return info.isSin ? std::sin(angle) : std::cos(angle);
}

QString writePeCsv(const PeTable &table, const QString &path) {
    QByteArray text = "position";
    for (int d = 0; d < table.cols; ++d)
        text += ",dim_" + QByteArray::number(d);
    text += '\n';
    for (int p = 0; p < table.rows; ++p) {
        text += QByteArray::number(p);
        for (int d = 0; d < table.cols; ++d) {
            text += ',';
            text += QByteArray::number(double(table.at(p, d)), 'g', 9);
        }
        text += '\n';
    }
    return writeFileAtomically(path, text);
}

} // namespace posenc::core
