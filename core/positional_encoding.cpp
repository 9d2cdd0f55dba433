#include "positional_encoding.h"

#include <cmath>
#include <cstring>

namespace posenc::core {

namespace {
constexpr double kLearnedInitStd = 0.02;

// Angles pos / base^(2i/d_model) for positions [0, maxLen) and frequency indices [0, count),
// in double precision: float angles at position 5000 are off by ~3e-4 rad.
torch::Tensor angles(int maxLen, int count, int dModel, double base) {
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    const auto position = torch::arange(0, maxLen, f64).unsqueeze(1);
    const auto i = torch::arange(0, count, f64);
    const auto invFreq = torch::exp(i * (-2.0 * std::log(base) / dModel));
    return position * invFreq;
}
} // namespace

torch::Tensor positionalEncoding(PeKind kind, int maxLen, int dModel, double base,
                                 c10::optional<at::Generator> generator) {
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    switch (kind) {
    case PeKind::None:
        return torch::zeros({maxLen, dModel}, f32);
    case PeKind::Learned:
        return torch::randn({maxLen, dModel}, generator, f32) * kLearnedInitStd;
    case PeKind::Sinusoidal:
    case PeKind::SinusoidalConcat:
        break;
    }
    const int sinCount = (dModel + 1) / 2; // columns 0,2,4,... (or the first half)
    const int cosCount = dModel / 2;
    const auto a = angles(maxLen, sinCount, dModel, base);
    const auto sines = torch::sin(a);
    const auto cosines = torch::cos(a.narrow(1, 0, cosCount));
    torch::Tensor pe;
    if (kind == PeKind::SinusoidalConcat) {
        pe = torch::cat({sines, cosines}, 1);
    } else {
        // Interleave: [sin_0, cos_0, sin_1, cos_1, ...], with a lone last sine for odd d_model.
        pe = torch::stack({sines.narrow(1, 0, cosCount), cosines}, 2).reshape({maxLen, 2 * cosCount});
        if (sinCount > cosCount)
            pe = torch::cat({pe, sines.narrow(1, cosCount, 1)}, 1);
    }
    return pe.to(torch::kFloat32).contiguous();
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
    else
        m_table = register_buffer("pe", table);
}

torch::Tensor PositionalEncodingImpl::forward(const torch::Tensor &x) {
    return x + m_table.narrow(0, 0, x.size(1)).unsqueeze(0);
}

} // namespace posenc::core
