#pragma once
// A fused LSTM for CPU: the same computation and the same parameters as torch::nn::LSTM (weight_ih_l0,
// weight_hh_l0, bias_ih_l0, bias_hh_l0, ... per layer), so state_dicts and checkpoints do not change.
// Per layer, the input projection of all steps is one GEMM, each step one GEMM plus fused gate math
// (AVX2 + FMA, fused_lstm_avx2.cpp), and backward through time one GEMM per step plus three for the
// weight and input gradients, as one torch::autograd::Function. Where the CPU lacks AVX2/FMA or no BLAS
// sgemm is loaded, fusedLstm() runs torch::nn::LSTM itself.

#include <torch/torch.h>

#include <vector>

namespace posenc::core {

// True when the fused kernel can run here: the CPU has AVX2 and FMA and the process has a BLAS sgemm.
bool fusedLstmAvailable();

// True when fusedLstm() would run the fused kernel for this module and input (a batch-first float CPU
// LSTM with biases and without dropout, projections or a second direction, and fusedLstmAvailable()).
bool fusedLstmSupports(const torch::nn::LSTMImpl &lstm, const torch::Tensor &x);

// True when fusedLstmOfAffineInput() factors layer 0's input projection for u [B, T, F] and w [I, F]: the
// fused kernel supports an input [B, T, I] here and F < I (else the factored form saves nothing).
bool fusedLstmFactorsAffineInput(const torch::nn::LSTMImpl &lstm, const torch::Tensor &u,
                                 const torch::Tensor &w);

// Buffers the fused LSTM keeps from one training step to the next, so that its large per-step tensors
// are not mapped and faulted in anew each time. A buffer is reused only once nothing else (an autograd
// graph, a caller) holds it; otherwise a fresh one replaces it.
class FusedLstmWorkspace {
public:
    // A float tensor of `sizes` for buffer `slot`.
    torch::Tensor take(size_t slot, at::IntArrayRef sizes);

private:
    std::vector<torch::Tensor> m_slots;
};

// The LSTM's forward as torch::nn::LSTM::forward computes it: (output [B, T, H], (h_n, c_n) each
// [layers, B, H]) for a batch-first input [B, T, I] and an optional initial state. Runs the fused kernel
// when fusedLstmSupports(), else lstm.forward(). `workspace` may be null.
std::tuple<torch::Tensor, std::tuple<torch::Tensor, torch::Tensor>>
fusedLstm(torch::nn::LSTMImpl &lstm, const torch::Tensor &x, FusedLstmWorkspace *workspace = nullptr,
          const torch::optional<std::tuple<torch::Tensor, torch::Tensor>> &state = {});

// fusedLstm(lstm, x) for the input x = u w^T + shift (u [B, T, F], w [I, F], shift [T, I] or [1, T, I], the
// same for every sequence), without forming x: layer 0's input projection x W_ih^T is computed as
// u (W_ih w)^T + shift W_ih^T, which costs B*T*F*4H instead of B*T*I*4H multiply-adds (and likewise in
// the backward). Parameters and their gradients are those of the unfactored form, up to float rounding.
// Without fusedLstmFactorsAffineInput() it forms x and runs fusedLstm().
std::tuple<torch::Tensor, std::tuple<torch::Tensor, torch::Tensor>>
fusedLstmOfAffineInput(torch::nn::LSTMImpl &lstm, const torch::Tensor &u, const torch::Tensor &w,
                       const torch::Tensor &shift, FusedLstmWorkspace *workspace = nullptr);

} // namespace posenc::core
