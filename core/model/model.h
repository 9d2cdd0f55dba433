#pragma once
// The lab's SequenceModel (pe_lab.py): Linear embedding, positional encoding, a backbone, Linear fc.
// With the `lstm` backbone it is the seed notebook's SimpleTransformerModel (read at the last step);
// `transformer` is bidirectional pre-LayerNorm attention blocks read by the mean over steps,
// `causal-transformer` causal blocks read at the last step. Submodule names are pe_lab.py's, so
// parameter names are its (and the seed's) state_dict keys.

#include "encoding/positional_encoding.h"
#include "model/attention.h"
#include "settings/config.h"

#include <torch/torch.h>

#include <memory>

namespace posenc::core {

class FusedLstmWorkspace;

class SequenceModelImpl : public torch::nn::Module {
public:
    // A learned table starts from a generator seeded with config.seed: the table computePeTable() shows.
    explicit SequenceModelImpl(const TrainConfig &config);
    // The seed's LSTM model (kept for the tests that build one directly).
    SequenceModelImpl(int featureDim, const EncodingConfig &encoding, int layers, quint64 seed);
    // [batch, seq_len, features] -> [batch, 1]
    torch::Tensor forward(const torch::Tensor &x);

    torch::nn::Linear embedding{nullptr};
    PositionalEncoding positional_encoding{nullptr};
    torch::nn::LSTM lstm{nullptr};         // the lstm backbone only
    torch::nn::ModuleList blocks{nullptr}; // the transformer backbones only
    torch::nn::LayerNorm norm{nullptr};    // the transformer backbones only
    torch::nn::Linear fc{nullptr};

private:
    // The LSTM backbone's output [batch, seq_len, d_model] for the model's input x. The fused LSTM takes the
    // embedding and the encoding in factored form (fusedLstmOfAffineInput) when the features are fewer
    // than d_model, which skips most of layer 0's input projection; otherwise the layers run in turn.
    torch::Tensor lstmForward(const torch::Tensor &x);

    Backbone m_backbone;
    LstmImpl m_lstmImpl;
    std::shared_ptr<FusedLstmWorkspace> m_lstmWorkspace; // the fused LSTM's buffers, kept between steps
};
TORCH_MODULE(SequenceModel);

// Writes the model's parameters as a PyTorch state_dict (name -> tensor, via torch::pickle_save)
// that Python's torch.load reads and the seed's model (or pe_lab.py's SequenceModel) accepts with
// load_state_dict. Buffers are left out: the fixed PE tables are not in those state_dicts either.
// Empty string on success, else the reason.
QString saveStateDict(const SequenceModelImpl &model, const QString &path);

} // namespace posenc::core
