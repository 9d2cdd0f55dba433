#include "encoding/compute_table.h"

#include "encoding/positional_encoding.h"

namespace posenc::core {

PeTable computePeTable(const EncodingConfig &config, quint64 seed, PeTable *reuse) {
    PeTable table;
    if (!checkEncoding(config).isEmpty())
        return table;
    if (!isSinusoidal(config.kind)) {
        c10::optional<at::Generator> gen;
        if (config.kind == PeKind::Learned)
            gen = at::make_generator<at::CPUGeneratorImpl>(seed);
        return toPeTable(positionalEncoding(config.kind, config.maxLen, config.dModel, config.base, gen));
    }
    // A buffer nobody else holds keeps its pages: resizing within its capacity maps nothing new.
    if (reuse && reuse->values.isDetached())
        table.values = std::move(reuse->values);
    table.rows = config.maxLen;
    table.cols = config.dModel;
    table.values.resize(qsizetype(table.rows) * table.cols);
    fillSinusoidal(config, 0, table.rows, table.values.data());
    return table;
}

} // namespace posenc::core
