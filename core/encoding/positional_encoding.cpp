#include "encoding/positional_encoding.h"

#include <cmath>
#include <cstring>

namespace posenc::core {

namespace {
constexpr double kLearnedInitStd = 0.02;
} // namespace

torch::Tensor positionalEncoding(PeKind kind, int maxLen, int dModel, double base,
                                 c10::optional<at::Generator> generator) {
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    switch (kind) {
    case PeKind::None:
    case PeKind::Rope:
    case PeKind::Alibi:
        return torch::zeros({maxLen, dModel}, f32);
    case PeKind::Learned:
        return torch::randn({maxLen, dModel}, generator, f32) * kLearnedInitStd;
    case PeKind::Sinusoidal:
    case PeKind::SinusoidalConcat:
        break;
    }
    // Written straight into the float tensor: no double intermediates, one pass over the memory.
    auto pe = torch::empty({maxLen, dModel}, f32);
    EncodingConfig config;
    config.kind = kind;
    config.maxLen = maxLen;
    config.dModel = dModel;
    config.base = base;
    fillSinusoidal(config, 0, maxLen, pe.data_ptr<float>());
    return pe;
}

PeTable toPeTable(const torch::Tensor &table) {
    if (!table.defined() || table.dim() != 2)
        return {}; // callers check shapes first; an empty table is drawn as nothing
    const auto t = table.detach().to(torch::kFloat32).contiguous();
    PeTable out;
    out.rows = int(t.size(0));
    out.cols = int(t.size(1));
    out.values.resize(t.numel());
    std::memcpy(out.values.data(), t.data_ptr<float>(), sizeof(float) * size_t(t.numel()));
    return out;
}

PositionalEncodingImpl::PositionalEncodingImpl(const EncodingConfig &config,
                                               c10::optional<at::Generator> generator)
    : m_config(config) {
    auto table = positionalEncoding(config.kind, config.maxLen, config.dModel, config.base, generator);
    if (config.kind == PeKind::Learned)
        m_table = register_parameter("pe", table);
    else if (hasTable(config.kind))
        m_table = register_buffer("pe", table);
    else
        m_table = table; // none, rope, alibi add nothing: zeros to show, no entry in the module
}

torch::Tensor PositionalEncodingImpl::forward(const torch::Tensor &x) {
    if (!hasTable(m_config.kind))
        return x; // any length: nothing limits none, rope and alibi to max_len
    return x + m_table.narrow(0, 0, x.size(1)).unsqueeze(0);
}

} // namespace posenc::core
