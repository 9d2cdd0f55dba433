#pragma once
// The lab's one attention module and the pre-LayerNorm block around it, as pe_lab.py defines them
// (module names are its state_dict keys: blocks.N.norm1, blocks.N.attn.qkv, blocks.N.attn.out,
// blocks.N.norm2, blocks.N.mlp.0, blocks.N.mlp.2). Written by hand, not torch::nn::MultiheadAttention,
// so that RoPE can rotate each head's queries and keys and ALiBi can bias the scores.

#include "settings/config.h"

#include <torch/torch.h>

#include <map>
#include <tuple>

namespace posenc::core {

// RoPE angles pos * base^(-2i/head_dim) for positions [0, length) and i in [0, head_dim/2), computed in
// double precision: [length, head_dim / 2] float64.
torch::Tensor ropeAngles(int length, int headDim, double base);
// The ALiBi paper's head slopes (2^(-8k/h), with the paper's mix when h is not a power of two): [heads].
torch::Tensor alibiSlopes(int heads);
// Rotates pairs (2i, 2i+1) of the last dimension of [.., length, head_dim] by the angles' cos and sin.
torch::Tensor applyRope(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);

class AttentionImpl : public torch::nn::Module {
public:
    AttentionImpl(int dModel, int heads, PeKind kind, bool causal, double base);
    // [batch, length, d_model] -> [batch, length, d_model]; with lastQueryOnly, only the last step's
    // output (attending to every step the mask allows): [batch, 1, d_model].
    torch::Tensor forward(const torch::Tensor &x, bool lastQueryOnly = false);

    torch::nn::Linear qkv{nullptr};
    torch::nn::Linear out{nullptr};

private:
    // What is added to the scores at `length`: ALiBi's -slope_h * |i - j| and the causal mask's
    // -inf above the diagonal, as [heads or 1, length, length]; undefined when nothing is added.
    torch::Tensor scoreBias(int length);
    // The last `queries` rows of scoreBias(length) repeated for each sample:
    // [batch * heads, queries, length], cached when small.
    torch::Tensor batchedScoreBias(int batch, int length, int queries);
    // cos and sin of ropeAngles(length), as float, cached per length.
    const std::pair<torch::Tensor, torch::Tensor> &rotation(int length);

    int m_heads;
    PeKind m_kind;
    bool m_causal;
    double m_base;
    torch::Tensor m_slopes;
    std::map<int, torch::Tensor> m_biasCache;
    std::map<std::tuple<int, int, int>, torch::Tensor> m_batchedBiasCache; // by (batch, length, queries)
    std::map<int, std::pair<torch::Tensor, torch::Tensor>> m_rotationCache;
};
TORCH_MODULE(Attention);

// LayerNorm -> attention -> residual; LayerNorm -> Linear(d, 2d) -> GELU -> Linear(2d, d) -> residual.
class BlockImpl : public torch::nn::Module {
public:
    BlockImpl(int dModel, int heads, PeKind kind, bool causal, double base);
    // [batch, length, d_model] -> the same; with lastStepOnly only the last step, [batch, 1, d_model]
    // (what a causal model read at its last step needs from its last block).
    torch::Tensor forward(const torch::Tensor &x, bool lastStepOnly = false);

    torch::nn::LayerNorm norm1{nullptr};
    Attention attn{nullptr};
    torch::nn::LayerNorm norm2{nullptr};
    torch::nn::Sequential mlp{nullptr};
};
TORCH_MODULE(Block);

} // namespace posenc::core
