#pragma once
// The fused LSTM's per-step gate math, compiled for AVX2 + FMA in fused_lstm_avx2.cpp only. This header
// holds plain structs and declarations, no inline code, so nothing built with those ISA flags is shared
// with the rest of the program. Call these only where fusedLstmAvailable() is true.
//
// Gate rows hold PyTorch's LSTM gate order [i | f | g | o], each `hidden` wide. Every matrix argument is
// `batch` rows at a row stride (in floats), so a step of a batch-first [B, T, ...] buffer is read in place.
// The structs are trivial (no member initialisers): fill them with `StepForward a{};`.

#include <cstdint>

namespace posenc::core::lstmkernel {

struct StepForward {
    int64_t batch, hidden;
    float *gates; // in: pre-activations (input and recurrent projections, biases); out: activations
    int64_t gatesStride;
    const float *cPrev; // c_{t-1}; null means zeros
    int64_t cPrevStride;
    float *c; // out: c_t
    int64_t cStride;
    float *tanhC; // out: tanh(c_t)
    int64_t tanhCStride;
    float *h; // out: h_t
    int64_t hStride;
    float *hCopy; // out: a second copy of h_t; may be null
    int64_t hCopyStride;
};

struct StepBackward {
    int64_t batch, hidden;
    const float *gates; // the forward's activations
    int64_t gatesStride;
    const float *cPrev; // c_{t-1}; null means zeros
    int64_t cPrevStride;
    const float *tanhC;
    int64_t tanhCStride;
    const float *dy; // gradient of h_t from the output; null means zeros
    int64_t dyStride;
    const float *dhRec; // gradient of h_t from step t+1, [batch, hidden] contiguous; may be null
    float *dc;          // [batch, hidden] contiguous; in: gradient of c_t from t+1; out: of c_{t-1}
    float *dGates;      // out: gradient of the pre-activations
    int64_t dGatesStride;
};

// One forward step: activations, c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t).
void stepForwardAvx2(const StepForward &a);
// One backward step: the gates' gradients and the cell gradient carried to step t-1.
void stepBackwardAvx2(const StepBackward &a);

} // namespace posenc::core::lstmkernel
