#include "model/model.h"

#include "model/fused_lstm.h"
#include "util/file_util.h"

namespace posenc::core {

namespace {
// True when the encoding's forward adds rows that do not depend on its input (or adds nothing), so that
// the LSTM's input is affine in the model's input. A new kind must say whether it is (-Wswitch).
bool encodingIsAdditive(PeKind kind) {
    switch (kind) {
    case PeKind::Sinusoidal:
    case PeKind::SinusoidalConcat:
    case PeKind::Learned:
    case PeKind::None:
    case PeKind::Rope:  // acts inside attention: the LSTM sees none
    case PeKind::Alibi: // likewise
        return true;
    }
    return false;
}

TrainConfig lstmConfig(int featureDim, const EncodingConfig &encoding, int layers, quint64 seed) {
    TrainConfig c;
    c.featureDim = featureDim;
    c.encoding = encoding;
    c.layers = layers;
    c.seed = seed;
    return c;
}
} // namespace

SequenceModelImpl::SequenceModelImpl(int featureDim, const EncodingConfig &encoding, int layers, quint64 seed)
    : SequenceModelImpl(lstmConfig(featureDim, encoding, layers, seed)) {}

SequenceModelImpl::SequenceModelImpl(const TrainConfig &c)
    : m_backbone(c.backbone), m_lstmImpl(c.lstm), m_lstmWorkspace(std::make_shared<FusedLstmWorkspace>()) {
    const int d = c.encoding.dModel;
    // Registration order is the seed's (and pe_lab.py's), so parameters are initialised from the
    // same random stream.
    embedding = register_module("embedding", torch::nn::Linear(c.featureDim, d));
    positional_encoding =
        register_module("positional_encoding",
                        PositionalEncoding(c.encoding, at::make_generator<at::CPUGeneratorImpl>(c.seed)));
    if (c.backbone == Backbone::Lstm) {
        lstm = register_module(
            "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(d, d).num_layers(c.layers).batch_first(true)));
    } else {
        const bool causal = c.backbone == Backbone::CausalTransformer;
        blocks = register_module("blocks", torch::nn::ModuleList());
        for (int i = 0; i < c.layers; ++i)
            blocks->push_back(Block(d, c.heads, c.encoding.kind, causal, c.encoding.base));
        norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    }
    fc = register_module("fc", torch::nn::Linear(d, 1));
}

torch::Tensor SequenceModelImpl::lstmForward(const torch::Tensor &x) {
    if (m_lstmImpl == LstmImpl::Fused && encodingIsAdditive(positional_encoding->config().kind) &&
        fusedLstmFactorsAffineInput(*lstm, x, embedding->weight)) {
        // The LSTM's input is x W_e^T + (b_e + pe_t): the encoding adds a table that does not depend on x
        // (or nothing), so the module's own forward on the bias gives the shift, with its max_len check.
        const int64_t T = x.size(1), d = embedding->weight.size(0);
        const auto shift = positional_encoding->forward(embedding->bias.view({1, 1, d}).expand({1, T, d}));
        return std::get<0>(fusedLstmOfAffineInput(*lstm, x, embedding->weight, shift, m_lstmWorkspace.get()));
    }
    const auto h = positional_encoding->forward(embedding->forward(x));
    return m_lstmImpl == LstmImpl::Fused ? std::get<0>(fusedLstm(*lstm, h, m_lstmWorkspace.get()))
                                         : std::get<0>(lstm->forward(h));
}

torch::Tensor SequenceModelImpl::forward(const torch::Tensor &x) {
    if (m_backbone == Backbone::Lstm) {
        const auto h = lstmForward(x);
        return fc->forward(h.select(1, h.size(1) - 1));
    }
    auto h = positional_encoding->forward(embedding->forward(x));
    // The causal model reads only its last step, so its last block computes only that step.
    const bool causal = m_backbone == Backbone::CausalTransformer;
    for (size_t i = 0; i < blocks->size(); ++i)
        h = blocks[i]->as<BlockImpl>()->forward(h, causal && i + 1 == blocks->size());
    // LayerNorm acts on each step alone, so the causal model normalises only the step it reads.
    if (m_backbone == Backbone::Transformer)
        return fc->forward(norm->forward(h).mean(1));
    return fc->forward(norm->forward(h.select(1, h.size(1) - 1)));
}

QString saveStateDict(const SequenceModelImpl &model, const QString &path) {
    try {
        c10::Dict<std::string, at::Tensor> dict;
        for (const auto &p : model.named_parameters())
            dict.insert(p.key(), p.value().detach().clone().contiguous());
        const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
        return writeFileAtomically(path, QByteArray(bytes.data(), qsizetype(bytes.size())));
    } catch (const std::exception &e) {
        return QStringLiteral("Cannot export state_dict %1: %2").arg(path, firstLine(e.what()));
    }
}

} // namespace posenc::core
