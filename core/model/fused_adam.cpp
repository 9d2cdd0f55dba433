#include "model/fused_adam.h"

#include <c10/util/strides.h>

#include <cmath>

namespace posenc::core {

namespace {
using torch::Tensor;
using torch::optim::AdamOptions;
using torch::optim::AdamParamState;

// Optimizer::state() keys a parameter by its TensorImpl's address, as torch::optim::Adam does.
std::string stateKey(const Tensor &p) {
    return c10::guts::to_string(p.unsafeGetTensorImpl());
}

// A tensor of `like`'s shape on flat's storage at `offset`. It shares the storage without being an
// autograd view, so Optimizer::zero_grad() may detach_() it like any gradient.
Tensor sliceOf(const Tensor &flat, int64_t offset, const Tensor &like) {
    return torch::empty({0}).set_(flat.storage(), offset, like.sizes(),
                                  c10::contiguous_strides(like.sizes()));
}

// `t` itself when it already sits on flat at `offset`; else a tensor there that holds t's values (zeros
// when t is undefined).
Tensor adopt(const Tensor &t, const Tensor &flat, int64_t offset, const Tensor &like) {
    if (t.defined() && t.data_ptr() == static_cast<void *>(flat.data_ptr<float>() + offset) &&
        t.sizes() == like.sizes() && t.is_contiguous())
        return t;
    const Tensor slice = sliceOf(flat, offset, like);
    if (t.defined())
        slice.copy_(t.reshape(like.sizes()));
    else
        slice.zero_();
    return slice;
}

// One parameter's Adam update over [0, n), in torch::optim::Adam's order of float operations.
void adamUpdate(float *p, const float *g, float *m, float *v, int64_t n, const AdamOptions &o, int64_t step) {
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    const double bc1 = 1 - std::pow(beta1, double(step)), bc2 = 1 - std::pow(beta2, double(step));
    const float b1 = float(beta1), b2 = float(beta2), c1 = float(1 - beta1), c2 = float(1 - beta2);
    const float wd = float(o.weight_decay()), eps = float(o.eps());
    const float sqrtBc2 = float(std::sqrt(bc2)), negStep = float(-(o.lr() / bc1));
    for (int64_t j = 0; j < n; ++j) {
        const float grad = wd != 0.0f ? g[j] + wd * p[j] : g[j];
        m[j] = m[j] * b1 + c1 * grad;
        v[j] = v[j] * b2 + c2 * grad * grad;
        const float denom = std::sqrt(v[j]) / sqrtBc2 + eps;
        p[j] = p[j] + negStep * m[j] / denom;
    }
}
} // namespace

FusedAdam::FusedAdam(std::vector<torch::Tensor> params, torch::optim::AdamOptions options)
    : torch::optim::Adam(std::move(params), options) {}

bool FusedAdam::bind() {
    const auto &params = param_groups_[0].params();
    for (const Tensor &p : params)
        if (p.scalar_type() != torch::kFloat32 || !p.device().is_cpu())
            return false;
    if (m_offsets.size() != params.size()) {
        m_offsets.clear();
        m_keys.clear();
        int64_t total = 0;
        for (const Tensor &p : params) {
            m_offsets.push_back(total);
            m_keys.push_back(stateKey(p));
            total += p.numel();
        }
        for (Tensor *flat : {&m_params, &m_grads, &m_expAvg, &m_expAvgSq})
            *flat = torch::zeros({total});
    }
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < params.size(); ++i) {
        Tensor p = params[i];
        const int64_t off = m_offsets[i];
        if (p.data_ptr() != static_cast<void *>(m_params.data_ptr<float>() + off) || !p.is_contiguous()) {
            const Tensor slice = sliceOf(m_params, off, p);
            slice.copy_(p);
            p.set_(m_params.storage(), off, p.sizes(), slice.strides());
        }
        if (p.grad().defined())
            p.mutable_grad() = adopt(p.grad(), m_grads, off, p);
        auto &entry = state_[m_keys[i]];
        if (!entry)
            entry = std::make_unique<AdamParamState>();
        auto &s = static_cast<AdamParamState &>(*entry);
        s.exp_avg(adopt(s.exp_avg(), m_expAvg, off, p));
        s.exp_avg_sq(adopt(s.exp_avg_sq(), m_expAvgSq, off, p));
    }
    return true;
}

void FusedAdam::zeroGrad() {
    const auto &params = param_groups_[0].params();
    const bool laidOut = param_groups_.size() == 1 && m_offsets.size() == params.size();
    if (laidOut)
        m_grads.zero_();
    torch::NoGradGuard noGrad;
    for (size_t g = 0; g < param_groups_.size(); ++g) {
        for (size_t i = 0; i < param_groups_[g].params().size(); ++i) {
            Tensor &grad = param_groups_[g].params()[i].mutable_grad();
            if (!grad.defined() ||
                (laidOut && grad.data_ptr() == static_cast<void *>(m_grads.data_ptr<float>() + m_offsets[i])))
                continue;
            grad.detach_();
            grad.zero_();
        }
    }
}

torch::Tensor FusedAdam::step(LossClosure closure) {
    const auto &options = static_cast<const AdamOptions &>(param_groups_[0].options());
    if (param_groups_.size() != 1 || options.amsgrad() || !bind())
        return torch::optim::Adam::step(closure);
    torch::NoGradGuard noGrad;
    Tensor loss;
    if (closure) {
        at::AutoGradMode enableGrad(true);
        loss = closure();
        bind(); // the closure's backward may have created gradients
    }
    const auto &params = param_groups_[0].params();
    float *p = m_params.data_ptr<float>(), *g = m_grads.data_ptr<float>();
    float *m = m_expAvg.data_ptr<float>(), *v = m_expAvgSq.data_ptr<float>();
    for (size_t i = 0; i < params.size(); ++i) {
        if (!params[i].grad().defined())
            continue;
        auto &s = static_cast<AdamParamState &>(*state_[m_keys[i]]);
        s.step(s.step() + 1);
        const int64_t off = m_offsets[i];
        adamUpdate(p + off, g + off, m + off, v + off, params[i].numel(), options, s.step());
    }
    return loss;
}

} // namespace posenc::core
