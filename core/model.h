#pragma once
// The seed notebook's SimpleTransformerModel: Linear embedding, positional encoding, LSTM,
// Linear on the last step. Submodule names match the seed so parameter names are its
// state_dict keys (embedding.weight, lstm.weight_ih_l0, ..., fc.bias).

#include "config.h"
#include "positional_encoding.h"

#include <torch/torch.h>

namespace posenc::core {

class SequenceModelImpl : public torch::nn::Module {
public:
    // A learned table starts from a generator seeded with `seed`: the table computePeTable() shows.
    SequenceModelImpl(int featureDim, const EncodingConfig &encoding, int layers, quint64 seed);
    // [batch, seq_len, features] -> [batch, 1]
    torch::Tensor forward(const torch::Tensor &x);

    torch::nn::Linear embedding{nullptr};
    PositionalEncoding positional_encoding{nullptr};
    torch::nn::LSTM lstm{nullptr};
    torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(SequenceModel);

} // namespace posenc::core
