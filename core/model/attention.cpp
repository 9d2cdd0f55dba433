#include "model/attention.h"

#include <cmath>
#include <vector>

namespace posenc::core {

namespace {
// Caches hold one entry per length seen (training length plus a few probe lengths).
constexpr size_t kMaxCachedLengths = 16;
// The bias repeated for each sample of a batch is kept up to this many values (4 MB): a training
// batch's, not a long probe's.
constexpr int64_t kMaxBatchedBiasValues = int64_t(1) << 20;

template <typename Map> void trimCache(Map &cache) {
    if (cache.size() > kMaxCachedLengths)
        cache.clear();
}
} // namespace

torch::Tensor ropeAngles(int length, int headDim, double base) {
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    const auto inv = torch::pow(base, -torch::arange(0, headDim, 2, f64) / double(headDim));
    return torch::arange(length, f64).unsqueeze(1) * inv;
}

torch::Tensor alibiSlopes(int heads) {
    const auto pow2 = [](int n) {
        std::vector<float> s;
        for (int k = 0; k < n; ++k)
            s.push_back(float(std::pow(2.0, -8.0 * (k + 1) / n)));
        return s;
    };
    const int p = 1 << int(std::floor(std::log2(double(heads))));
    std::vector<float> slopes = pow2(p);
    if (p != heads) { // the paper's mix: every other slope of the 2p series fills the rest
        const std::vector<float> extra = pow2(2 * p);
        for (int k = 0; k < heads - p; ++k)
            slopes.push_back(extra[size_t(2 * k)]);
    }
    return torch::tensor(slopes, torch::kFloat32);
}

torch::Tensor applyRope(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin) {
    const auto x1 = x.slice(-1, 0, c10::nullopt, 2), x2 = x.slice(-1, 1, c10::nullopt, 2);
    return torch::stack({x1 * cos - x2 * sin, x1 * sin + x2 * cos}, -1).flatten(-2);
}

AttentionImpl::AttentionImpl(int dModel, int heads, PeKind kind, bool causal, double base)
    : m_heads(heads), m_kind(kind), m_causal(causal), m_base(base), m_slopes(alibiSlopes(heads)) {
    qkv = register_module("qkv", torch::nn::Linear(dModel, 3 * dModel));
    out = register_module("out", torch::nn::Linear(dModel, dModel));
}

const std::pair<torch::Tensor, torch::Tensor> &AttentionImpl::rotation(int length) {
    auto it = m_rotationCache.find(length);
    if (it == m_rotationCache.end()) {
        trimCache(m_rotationCache);
        const int headDim = int(qkv->options.in_features()) / m_heads;
        const auto angles = ropeAngles(length, headDim, m_base).to(torch::kFloat32);
        it = m_rotationCache.emplace(length, std::make_pair(angles.cos(), angles.sin())).first;
    }
    return it->second;
}

torch::Tensor AttentionImpl::scoreBias(int length) {
    const bool alibi = m_kind == PeKind::Alibi;
    if (!alibi && !m_causal)
        return {};
    auto it = m_biasCache.find(length);
    if (it != m_biasCache.end())
        return it->second;
    trimCache(m_biasCache);
    const auto pos = torch::arange(length, torch::kLong);
    const auto rel = (pos.view({1, -1}) - pos.view({-1, 1})).to(torch::kFloat32); // key - query
    auto bias = alibi ? -(m_slopes.view({-1, 1, 1}) * rel.abs()) : torch::zeros({1, length, length});
    if (m_causal)
        bias = bias.masked_fill(rel > 0, -std::numeric_limits<float>::infinity());
    return m_biasCache.emplace(length, bias.contiguous()).first->second;
}

torch::Tensor AttentionImpl::batchedScoreBias(int batch, int length, int queries) {
    const auto bias = scoreBias(length);
    if (!bias.defined())
        return {};
    const auto expanded = [&] {
        return bias.narrow(1, length - queries, queries)
            .expand({batch, m_heads, queries, length})
            .reshape({int64_t(batch) * m_heads, queries, length});
    };
    if (int64_t(batch) * m_heads * queries * length > kMaxBatchedBiasValues)
        return expanded();
    auto it = m_batchedBiasCache.find({batch, length, queries});
    if (it == m_batchedBiasCache.end()) {
        trimCache(m_batchedBiasCache);
        it = m_batchedBiasCache.emplace(std::make_tuple(batch, length, queries), expanded()).first;
    }
    return it->second;
}

torch::Tensor AttentionImpl::forward(const torch::Tensor &x, bool lastQueryOnly) {
    const int64_t b = x.size(0), length = x.size(1), d = x.size(2), headDim = d / m_heads;
    const int64_t queries = lastQueryOnly ? 1 : length;
    // q, k and v as [batch * heads, length, head_dim] (one copy), so that scores, scale and bias are one
    // baddbmm and the mix one bmm: fewer ATen calls and autograd nodes than 4-D matmuls, a division and
    // an addition, which is where a step of this small model spends its time.
    const auto heads = qkv->forward(x)
                           .view({b, length, 3, m_heads, headDim})
                           .permute({2, 0, 3, 1, 4})
                           .reshape({3, b * m_heads, length, headDim});
    auto q = heads[0].narrow(1, length - queries, queries), k = heads[1];
    const auto v = heads[2];
    if (m_kind == PeKind::Rope) {
        const auto &[cos, sin] = rotation(int(length));
        q = applyRope(q, cos.narrow(0, length - queries, queries), sin.narrow(0, length - queries, queries));
        k = applyRope(k, cos, sin);
    }
    const double scale = 1.0 / std::sqrt(double(headDim));
    const auto bias = batchedScoreBias(int(b), int(length), int(queries));
    const auto scores = bias.defined() ? torch::baddbmm(bias, q, k.transpose(1, 2), 1.0, scale)
                                       : torch::bmm(q, k.transpose(1, 2)) * scale;
    const auto mixed = torch::bmm(scores.softmax(-1), v);
    return out->forward(mixed.view({b, m_heads, queries, headDim}).transpose(1, 2).reshape({b, queries, d}));
}

BlockImpl::BlockImpl(int dModel, int heads, PeKind kind, bool causal, double base) {
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dModel})));
    attn = register_module("attn", Attention(dModel, heads, kind, causal, base));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dModel})));
    mlp =
        register_module("mlp", torch::nn::Sequential(torch::nn::Linear(dModel, 2 * dModel), torch::nn::GELU(),
                                                     torch::nn::Linear(2 * dModel, dModel)));
}

torch::Tensor BlockImpl::forward(const torch::Tensor &x, bool lastStepOnly) {
    const auto residual = lastStepOnly ? x.narrow(1, x.size(1) - 1, 1) : x;
    const auto h = residual + attn->forward(norm1->forward(x), lastStepOnly);
    return h + mlp->forward(norm2->forward(h));
}

} // namespace posenc::core
