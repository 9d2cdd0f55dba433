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

// Writes the model's parameters as a PyTorch state_dict (name -> tensor, via torch::pickle_save)
// that Python's torch.load reads and the seed's model accepts with load_state_dict. Buffers are
// left out: the seed keeps its fixed PE table as a plain attribute, not in its state_dict.
// Empty string on success, else the reason.
QString saveStateDict(const SequenceModelImpl &model, const QString &path);

} // namespace posenc::core
