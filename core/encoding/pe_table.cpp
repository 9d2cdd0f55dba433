#include "encoding/pe_table.h"

#include "util/file_util.h"

#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <vector>

namespace posenc::core {

namespace {
// Rows between exact sin/cos anchors: the recurrence drifts by about 1e-16 per step, so the
// error stays near float rounding (3e-8) while the anchors cost 1/128 of the transcendentals.
constexpr int kAnchorRows = 128;

// sin/cos of position * w_i for every frequency, stepped one position at a time by angle addition:
// sin(a + w) = sin a cos w + cos a sin w, cos(a + w) = cos a cos w - sin a sin w.
struct Rotor {
    std::vector<double> denom, stepSin, stepCos, sin, cos;

    Rotor(const EncodingConfig &config, int count)
        : denom(count), stepSin(count), stepCos(count), sin(count), cos(count) {
        for (int i = 0; i < count; ++i) {
            denom[i] = std::pow(config.base, 2.0 * i / config.dModel); // as peValue() divides
            stepSin[i] = std::sin(1.0 / denom[i]);
            stepCos[i] = std::cos(1.0 / denom[i]);
        }
    }
    // Exact values at `position`.
    void anchor(int position) {
        for (size_t i = 0; i < denom.size(); ++i) {
            sin[i] = std::sin(position / denom[i]);
            cos[i] = std::cos(position / denom[i]);
        }
    }
    // Writes the current row (sines and cosines interleaved or concatenated), then steps on.
    void writeAndStep(float *__restrict row, int dModel, bool concat) {
        const int n = int(denom.size()), nCos = dModel / 2;
        double *__restrict s = sin.data();
        double *__restrict c = cos.data();
        const double *__restrict ss = stepSin.data();
        const double *__restrict sc = stepCos.data();
        if (concat) {
            for (int i = 0; i < n; ++i)
                row[i] = float(s[i]);
            for (int i = 0; i < nCos; ++i)
                row[n + i] = float(c[i]);
        } else {
            for (int i = 0; i < nCos; ++i) {
                row[2 * i] = float(s[i]);
                row[2 * i + 1] = float(c[i]);
            }
            if (n > nCos)
                row[dModel - 1] = float(s[n - 1]); // odd d_model ends on a sine
        }
        for (int i = 0; i < n; ++i) {
            const double si = s[i], ci = c[i];
            s[i] = si * sc[i] + ci * ss[i];
            c[i] = ci * sc[i] - si * ss[i];
        }
    }
};
} // namespace

void fillSinusoidal(const EncodingConfig &config, int firstRow, int rowCount, float *out) {
    const int dModel = config.dModel;
    const bool concat = config.kind == PeKind::SinusoidalConcat;
    Rotor rotor(config, (dModel + 1) / 2);
    for (int block = 0; block < rowCount; block += kAnchorRows) {
        rotor.anchor(firstRow + block);
        const int rows = std::min(kAnchorRows, rowCount - block);
        for (int r = 0; r < rows; ++r)
            rotor.writeAndStep(out + size_t(block + r) * size_t(dModel), dModel, concat);
    }
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
