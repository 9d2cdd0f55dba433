#include "model.h"

#include "file_util.h"

namespace posenc::core {

SequenceModelImpl::SequenceModelImpl(int featureDim, const EncodingConfig &encoding, int layers,
                                     quint64 seed) {
    // Registration order is the seed's, so parameters are initialised from the same random stream.
    embedding = register_module("embedding", torch::nn::Linear(featureDim, encoding.dModel));
    positional_encoding = register_module(
        "positional_encoding", PositionalEncoding(encoding, at::make_generator<at::CPUGeneratorImpl>(seed)));
    lstm = register_module(
        "lstm",
        torch::nn::LSTM(
            torch::nn::LSTMOptions(encoding.dModel, encoding.dModel).num_layers(layers).batch_first(true)));
    fc = register_module("fc", torch::nn::Linear(encoding.dModel, 1));
}

torch::Tensor SequenceModelImpl::forward(const torch::Tensor &x) {
    auto h = embedding->forward(x);
    h = positional_encoding->forward(h);
    h = std::get<0>(lstm->forward(h));
    return fc->forward(h.select(1, h.size(1) - 1));
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
