#pragma once
// Adam over one flat buffer: the same update as torch::optim::Adam (which it is, to everyone who saves,
// loads or inspects an optimiser), computed in one loop over all parameters instead of about eight
// ATen calls per parameter. The parameters, their gradients and the AdamParamState moments become
// views of four flat buffers; whatever replaces one of them (a loaded checkpoint, Adam::load) is
// copied back in at the next step.

#include <torch/torch.h>

#include <string>
#include <vector>

namespace posenc::core {

class FusedAdam : public torch::optim::Adam {
public:
    // The parameters of one group with Adam's options (amsgrad falls back to torch::optim::Adam::step).
    FusedAdam(std::vector<torch::Tensor> params, torch::optim::AdamOptions options);
    // One Adam step for every parameter that has a gradient; the closure, if any, is evaluated first.
    torch::Tensor step(LossClosure closure = nullptr) override;
    // Optimizer::zero_grad() in one pass over the flat gradient buffer (plus any gradient not in it yet).
    void zeroGrad();

private:
    // Points parameters, gradients and moments at their slices of the flat buffers, copying in any
    // that were replaced since the last step. False when a parameter is not a float CPU tensor.
    bool bind();

    std::vector<int64_t> m_offsets;  // each parameter's first element in the flat buffers
    std::vector<std::string> m_keys; // each parameter's key in Optimizer::state()
    torch::Tensor m_params, m_grads, m_expAvg, m_expAvgSq;
};

} // namespace posenc::core
