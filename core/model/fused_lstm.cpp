#include "model/fused_lstm.h"

#include "model/fused_lstm_kernel.h"

#include <dlfcn.h>

#include <cstring>

namespace posenc::core {

namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The Fortran BLAS sgemm that LibTorch itself calls (OpenBLAS on Debian), found at run time so that the
// app has no link-time dependency on one BLAS.
using SgemmFn = void (*)(const char *, const char *, const int *, const int *, const int *, const float *,
                         const float *, const int *, const float *, const int *, const float *, float *,
                         const int *);

SgemmFn sgemm() {
    static const SgemmFn fn = reinterpret_cast<SgemmFn>(dlsym(RTLD_DEFAULT, "sgemm_"));
    return fn;
}

// Row-major C[m, n] = alpha * op(A) * op(B) + beta * C (column-major BLAS on the transposed problem).
void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
          const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    const char ta = transA ? 'T' : 'N', tb = transB ? 'T' : 'N';
    const int im = int(m), in = int(n), ik = int(k), ilda = int(lda), ildb = int(ldb), ildc = int(ldc);
    sgemm()(&tb, &ta, &in, &im, &ik, &alpha, b, &ildb, a, &ilda, &beta, c, &ildc);
}

float *ptr(const Tensor &t) {
    return t.defined() ? t.data_ptr<float>() : nullptr;
}

// Workspace slots: per layer kSlotsPerLayer forward buffers, then the backward's shared ones. Runs without
// gradient use their own range, so evaluation does not evict the training step's buffers.
enum Slot : size_t { kGates, kCell, kTanhCell, kHiddenPrev, kOutput, kSlotsPerLayer };
constexpr size_t kNoGradBase = 1000, kBackwardBase = 2000;

Tensor take(FusedLstmWorkspace *ws, size_t slot, at::IntArrayRef sizes) {
    return ws ? ws->take(slot, sizes) : torch::empty(sizes, torch::kFloat32);
}

// Per layer: its parameters and what its forward keeps for the backward.
struct Layer {
    Tensor wih, whh, bih, bhh;       // [4H, I], [4H, H], [4H], [4H]
    Tensor x, gates, cell, tanhCell; // [B, T, I], activations [B, T, 4H], c_t and tanh(c_t) [B, T, H]
    Tensor hiddenPrev, y, h0, c0; // h_{t-1} [B, T, H] (h0 at t = 0), h_t [B, T, H]; h0/c0 [B, H] or undefined
    Tensor stepBias; // [T, 4H] added to step t's gate rows (a factored input's layer 0), or undefined
};

// One layer's forward: the input projection of all steps in one GEMM (with both biases), then per step
// the recurrent GEMM into that step's gate rows and the fused gate math.
void forwardLayer(Layer &L, FusedLstmWorkspace *ws, size_t base) {
    const int64_t B = L.x.size(0), T = L.x.size(1), I = L.x.size(2), H = L.whh.size(1), G4 = 4 * H;
    L.gates = take(ws, base + kGates, {B, T, G4});
    L.cell = take(ws, base + kCell, {B, T, H});
    L.tanhCell = take(ws, base + kTanhCell, {B, T, H});
    L.hiddenPrev = take(ws, base + kHiddenPrev, {B, T, H});
    L.y = take(ws, base + kOutput, {B, T, H});
    float *gates = ptr(L.gates), *hp = ptr(L.hiddenPrev);
    // The gate rows start from the biases (one row, or one per step with a step bias): row r is step r % T.
    const Tensor bias = L.stepBias.defined() ? (L.stepBias + (L.bih + L.bhh)).contiguous()
                                             : (L.bih + L.bhh).view({1, G4}).contiguous();
    const int64_t biasRows = bias.size(0);
    for (int64_t r = 0; r < B * T; ++r)
        std::memcpy(gates + r * G4, ptr(bias) + r % biasRows * G4, size_t(G4) * sizeof(float));
    gemm(false, true, B * T, G4, I, 1.0f, ptr(L.x), I, ptr(L.wih), I, 1.0f, gates, G4);
    for (int64_t b = 0; b < B; ++b) {
        float *row = hp + b * T * H;
        if (L.h0.defined())
            std::memcpy(row, ptr(L.h0) + b * H, size_t(H) * sizeof(float));
        else
            std::memset(row, 0, size_t(H) * sizeof(float));
    }
    for (int64_t t = 0; t < T; ++t) {
        if (t > 0 || L.h0.defined())
            gemm(false, true, B, G4, H, 1.0f, hp + t * H, T * H, ptr(L.whh), H, 1.0f, gates + t * G4, T * G4);
        lstmkernel::StepForward a{};
        a.batch = B;
        a.hidden = H;
        a.gates = gates + t * G4;
        a.gatesStride = T * G4;
        a.cPrev = t > 0 ? ptr(L.cell) + (t - 1) * H : ptr(L.c0);
        a.cPrevStride = t > 0 ? T * H : H;
        a.c = ptr(L.cell) + t * H;
        a.tanhC = ptr(L.tanhCell) + t * H;
        a.h = ptr(L.y) + t * H;
        a.cStride = a.tanhCStride = a.hStride = a.hCopyStride = T * H;
        a.hCopy = t + 1 < T ? hp + (t + 1) * H : nullptr;
        lstmkernel::stepForwardAvx2(a);
    }
}

// What one layer's backward produces.
struct LayerGrads {
    Tensor dx, dwih, dwhh, db, dh0, dc0, dStepBias;
};

// One layer's backward through time: per step the fused gate gradients and one GEMM for the recurrent
// gradient; then the weight and input gradients of all steps in three GEMMs and a sum.
LayerGrads backwardLayer(const Layer &L, size_t layer, const Tensor &dy, const Tensor &dhN, const Tensor &dcN,
                         bool wantDx, FusedLstmWorkspace *ws) {
    const int64_t B = L.x.size(0), T = L.x.size(1), I = L.x.size(2), H = L.whh.size(1), G4 = 4 * H;
    const Tensor dGates = take(ws, kBackwardBase, {B, T, G4});
    Tensor dc = dcN.defined() ? dcN.contiguous().clone() : torch::zeros({B, H});
    Tensor dhRec = dhN.defined() ? dhN.contiguous().clone() : torch::empty({B, H});
    bool haveRec = dhN.defined();
    float *dg = ptr(dGates);
    for (int64_t t = T - 1; t >= 0; --t) {
        lstmkernel::StepBackward a{};
        a.batch = B;
        a.hidden = H;
        a.gates = ptr(L.gates) + t * G4;
        a.dGates = dg + t * G4;
        a.gatesStride = a.dGatesStride = T * G4;
        a.cPrev = t > 0 ? ptr(L.cell) + (t - 1) * H : ptr(L.c0);
        a.cPrevStride = t > 0 ? T * H : H;
        a.tanhC = ptr(L.tanhCell) + t * H;
        a.dy = dy.defined() ? ptr(dy) + t * H : nullptr;
        a.tanhCStride = a.dyStride = T * H;
        a.dhRec = haveRec ? ptr(dhRec) : nullptr;
        a.dc = ptr(dc);
        lstmkernel::stepBackwardAvx2(a);
        if (t > 0 || L.h0.defined()) {
            gemm(false, false, B, H, G4, 1.0f, dg + t * G4, T * G4, ptr(L.whh), H, 0.0f, ptr(dhRec), H);
            haveRec = true;
        }
    }
    LayerGrads g;
    g.dwhh = torch::empty({G4, H});
    gemm(true, false, G4, H, B * T, 1.0f, dg, G4, ptr(L.hiddenPrev), H, 0.0f, ptr(g.dwhh), H);
    g.dwih = torch::empty({G4, I});
    gemm(true, false, G4, I, B * T, 1.0f, dg, G4, ptr(L.x), I, 0.0f, ptr(g.dwih), I);
    if (L.stepBias.defined()) {
        g.dStepBias = dGates.sum(0);
        g.db = g.dStepBias.sum(0);
    } else {
        g.db = dGates.view({B * T, G4}).sum(0);
    }
    if (wantDx) {
        // Two slots in turn: a layer's input gradient is the next layer down's output gradient.
        g.dx = take(ws, kBackwardBase + 1 + layer % 2, {B, T, I});
        gemm(false, false, B * T, I, G4, 1.0f, dg, G4, ptr(L.wih), I, 0.0f, ptr(g.dx), I);
    }
    if (L.h0.defined()) {
        g.dh0 = dhRec;
        g.dc0 = dc;
    }
    return g;
}

// The layers of `weights` (4 per layer) over input x, with an optional initial state [layers, B, H] and
// an optional step bias [T, 4H] for layer 0.
std::vector<Layer> runForward(const Tensor &x, const Tensor &h0, const Tensor &c0, const Tensor &stepBias,
                              at::TensorList weights, FusedLstmWorkspace *ws, size_t base) {
    std::vector<Layer> layers(weights.size() / 4);
    Tensor input = x.contiguous();
    for (size_t l = 0; l < layers.size(); ++l) {
        Layer &L = layers[l];
        L.wih = weights[4 * l].contiguous();
        L.whh = weights[4 * l + 1].contiguous();
        L.bih = weights[4 * l + 2];
        L.bhh = weights[4 * l + 3];
        L.x = input;
        if (l == 0 && stepBias.defined())
            L.stepBias = stepBias.contiguous();
        if (h0.defined()) {
            L.h0 = h0[int64_t(l)].contiguous();
            L.c0 = c0[int64_t(l)].contiguous();
        }
        forwardLayer(L, ws, base + l * kSlotsPerLayer);
        input = L.y;
    }
    return layers;
}

// (output, h_n, c_n) of a forward.
variable_list outputs(const std::vector<Layer> &layers) {
    std::vector<Tensor> hs, cs;
    for (const Layer &L : layers) {
        hs.push_back(L.y.select(1, L.y.size(1) - 1));
        cs.push_back(L.cell.select(1, L.cell.size(1) - 1));
    }
    return {layers.back().y, torch::stack(hs), torch::stack(cs)};
}

std::vector<Tensor> field(const std::vector<Layer> &layers, Tensor Layer::*member) {
    std::vector<Tensor> v;
    for (const Layer &L : layers)
        v.push_back(L.*member);
    return v;
}

struct FusedLstmFunction : public torch::autograd::Function<FusedLstmFunction> {
    static variable_list forward(AutogradContext *ctx, const Tensor &x, const c10::optional<Tensor> &h0,
                                 const c10::optional<Tensor> &c0, const c10::optional<Tensor> &stepBias,
                                 at::TensorList weights, FusedLstmWorkspace *ws) {
        const Tensor h = h0.value_or(Tensor()), c = c0.value_or(Tensor());
        std::vector<Layer> layers = runForward(x, h, c, stepBias.value_or(Tensor()), weights, ws, 0);
        ctx->set_materialize_grads(false);
        ctx->saved_data["x"] = field(layers, &Layer::x);
        ctx->saved_data["gates"] = field(layers, &Layer::gates);
        ctx->saved_data["cell"] = field(layers, &Layer::cell);
        ctx->saved_data["tanh_cell"] = field(layers, &Layer::tanhCell);
        ctx->saved_data["hidden_prev"] = field(layers, &Layer::hiddenPrev);
        ctx->saved_data["weights"] = std::vector<Tensor>(weights.begin(), weights.end());
        ctx->saved_data["h0"] = h;
        ctx->saved_data["c0"] = c;
        ctx->saved_data["step_bias"] = layers[0].stepBias;
        ctx->saved_data["workspace"] = int64_t(reinterpret_cast<intptr_t>(ws));
        return outputs(layers);
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads) {
        const auto xs = ctx->saved_data["x"].toTensorVector();
        const auto weights = ctx->saved_data["weights"].toTensorVector();
        const auto gates = ctx->saved_data["gates"].toTensorVector();
        const auto cells = ctx->saved_data["cell"].toTensorVector();
        const auto tanhCells = ctx->saved_data["tanh_cell"].toTensorVector();
        const auto hiddenPrev = ctx->saved_data["hidden_prev"].toTensorVector();
        const Tensor h0 = ctx->saved_data["h0"].toTensor(), c0 = ctx->saved_data["c0"].toTensor();
        auto *ws = reinterpret_cast<FusedLstmWorkspace *>(intptr_t(ctx->saved_data["workspace"].toInt()));
        const Tensor stepBias = ctx->saved_data["step_bias"].toTensor();
        const size_t n = xs.size();
        // One entry per forward argument: x, h0, c0, the step bias, each weight, the workspace.
        variable_list result(4 + weights.size() + 1);
        std::vector<Tensor> dh0(n), dc0(n);
        Tensor dy = grads[0].defined() ? grads[0].contiguous() : Tensor();
        for (size_t l = n; l-- > 0;) {
            Layer L;
            L.x = xs[l];
            L.wih = weights[4 * l].contiguous();
            L.whh = weights[4 * l + 1].contiguous();
            L.gates = gates[l];
            L.cell = cells[l];
            L.tanhCell = tanhCells[l];
            L.hiddenPrev = hiddenPrev[l];
            if (l == 0)
                L.stepBias = stepBias;
            if (h0.defined()) {
                L.h0 = h0[int64_t(l)].contiguous();
                L.c0 = c0[int64_t(l)].contiguous();
            }
            const auto at = [](const Tensor &g, size_t i) { return g.defined() ? g[int64_t(i)] : Tensor(); };
            LayerGrads g = backwardLayer(L, l, dy, at(grads[1], l), at(grads[2], l),
                                         l > 0 || ctx->needs_input_grad(0), ws);
            result[4 + 4 * l] = g.dwih;
            result[4 + 4 * l + 1] = g.dwhh;
            result[4 + 4 * l + 2] = g.db;
            result[4 + 4 * l + 3] = g.db.clone();
            if (l == 0)
                result[3] = g.dStepBias;
            dh0[l] = g.dh0;
            dc0[l] = g.dc0;
            dy = g.dx;
        }
        result[0] = dy;
        if (h0.defined()) {
            result[1] = torch::stack(dh0);
            result[2] = torch::stack(dc0);
        }
        return result;
    }
};

std::vector<Tensor> lstmWeights(const torch::nn::LSTMImpl &lstm) {
    const auto params = lstm.named_parameters(false);
    std::vector<Tensor> w;
    for (int64_t l = 0; l < lstm.options.num_layers(); ++l) {
        const std::string s = "_l" + std::to_string(l);
        for (const char *name : {"weight_ih", "weight_hh", "bias_ih", "bias_hh"})
            w.push_back(params[name + s]);
    }
    return w;
}

} // namespace

bool fusedLstmAvailable() {
    static const bool available = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && sgemm() != nullptr;
    }();
    return available;
}

namespace {
// fusedLstmSupports() for an input of these sizes (B, T, I) and options.
bool supportsInput(const torch::nn::LSTMImpl &lstm, at::IntArrayRef sizes,
                   const torch::TensorOptions &options) {
    const auto &o = lstm.options;
    return fusedLstmAvailable() && o.bias() && o.batch_first() && !o.bidirectional() && o.proj_size() == 0 &&
           (o.dropout() == 0.0 || !lstm.is_training() || o.num_layers() == 1) && sizes.size() == 3 &&
           options.dtype() == torch::kFloat32 && options.device().is_cpu() && sizes[0] > 0 && sizes[1] > 0 &&
           sizes[2] == o.input_size() && lstm.parameters()[0].scalar_type() == torch::kFloat32;
}
} // namespace

bool fusedLstmSupports(const torch::nn::LSTMImpl &lstm, const torch::Tensor &x) {
    return supportsInput(lstm, x.sizes(), x.options());
}

bool fusedLstmFactorsAffineInput(const torch::nn::LSTMImpl &lstm, const torch::Tensor &u,
                                 const torch::Tensor &w) {
    return u.dim() == 3 && w.dim() == 2 && u.size(2) == w.size(1) && w.size(1) < w.size(0) &&
           w.scalar_type() == torch::kFloat32 && w.device().is_cpu() &&
           supportsInput(lstm, {u.size(0), u.size(1), w.size(0)}, u.options());
}

torch::Tensor FusedLstmWorkspace::take(size_t slot, at::IntArrayRef sizes) {
    if (slot >= m_slots.size())
        m_slots.resize(slot + 1);
    // The slot keeps its own tensor and hands out another tensor on the same storage, so the storage's
    // use count alone says whether anyone still holds what was handed out last time.
    Tensor &kept = m_slots[slot];
    if (!kept.defined() || kept.sizes() != sizes || kept.storage().use_count() != 1)
        kept = torch::empty(sizes, torch::kFloat32);
    return torch::empty({0}, torch::kFloat32).set_(kept.storage(), 0, kept.sizes(), kept.strides());
}

namespace {
// The fused layers over x (and layer 0's optional step bias), through the autograd Function when a
// gradient is wanted: the (output, h_n, c_n) of fusedLstm().
std::tuple<Tensor, std::tuple<Tensor, Tensor>> runFused(const Tensor &x, const Tensor &h0, const Tensor &c0,
                                                        const Tensor &stepBias,
                                                        const std::vector<Tensor> &weights,
                                                        FusedLstmWorkspace *workspace) {
    bool needsGrad = false;
    for (const Tensor &t : {x, h0, c0, stepBias})
        needsGrad = needsGrad || (t.defined() && t.requires_grad());
    for (const Tensor &w : weights)
        needsGrad = needsGrad || w.requires_grad();
    needsGrad = needsGrad && torch::GradMode::is_enabled();
    const auto optional = [](const Tensor &t) {
        return t.defined() ? c10::optional<Tensor>(t) : c10::nullopt;
    };
    variable_list out;
    if (needsGrad) {
        out = FusedLstmFunction::apply(x, optional(h0), optional(c0), optional(stepBias),
                                       at::TensorList(weights), workspace);
    } else {
        torch::NoGradGuard noGrad;
        out = outputs(runForward(x, h0, c0, stepBias, weights, workspace, kNoGradBase));
    }
    return {out[0], {out[1], out[2]}};
}
} // namespace

std::tuple<torch::Tensor, std::tuple<torch::Tensor, torch::Tensor>>
fusedLstm(torch::nn::LSTMImpl &lstm, const torch::Tensor &x, FusedLstmWorkspace *workspace,
          const torch::optional<std::tuple<torch::Tensor, torch::Tensor>> &state) {
    if (!fusedLstmSupports(lstm, x))
        return lstm.forward(x, state);
    Tensor h0, c0;
    if (state) {
        h0 = std::get<0>(*state).to(torch::kFloat32);
        c0 = std::get<1>(*state).to(torch::kFloat32);
    }
    return runFused(x, h0, c0, Tensor(), lstmWeights(lstm), workspace);
}

std::tuple<torch::Tensor, std::tuple<torch::Tensor, torch::Tensor>>
fusedLstmOfAffineInput(torch::nn::LSTMImpl &lstm, const torch::Tensor &u, const torch::Tensor &w,
                       const torch::Tensor &shift, FusedLstmWorkspace *workspace) {
    if (!fusedLstmFactorsAffineInput(lstm, u, w))
        return fusedLstm(lstm, torch::matmul(u, w.t()) + shift, workspace);
    const int64_t T = u.size(1), I = w.size(0);
    std::vector<Tensor> weights = lstmWeights(lstm);
    const Tensor wih = weights[0];
    // x_t W_ih^T = u_t (W_ih w)^T + shift_t W_ih^T: layer 0 reads u through the [4H, F] product, and the
    // shift's projection is one [T, I] x [I, 4H] product for the whole batch. Autograd carries both
    // products' gradients back to W_ih, w and the shift.
    weights[0] = torch::matmul(wih, w);
    const Tensor stepBias = torch::matmul(shift.expand({1, T, I}).reshape({T, I}), wih.t());
    return runFused(u, Tensor(), Tensor(), stepBias, weights, workspace);
}

} // namespace posenc::core
