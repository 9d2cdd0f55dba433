#pragma once
// Positional encodings as LibTorch tensors and as the model's module (LibTorch header: core only).

#include "encoding/pe_table.h"
#include "settings/config.h"

#include <torch/torch.h>

namespace posenc::core {

// The [max_len, d_model] float table of a fixed kind: `sinusoidal` (the seed: even columns
// sin, odd columns cos of pos / base^(2i/d_model)), `sinusoidal-concat` (first ceil(d/2)
// columns sin, the rest cos), `none` (zeros). Evaluated in double precision (fillSinusoidal), then rounded
// to float, so it is within 1e-6 of the formula; an odd d_model ends on a sine column.
// `rope` and `alibi` act inside attention and add nothing: zeros, like `none`.
// `learned` gives its initial values: N(0, 0.02^2) from `generator` (or the global one).
torch::Tensor positionalEncoding(PeKind kind, int maxLen, int dModel, double base,
                                 c10::optional<at::Generator> generator = c10::nullopt);

// A [max_len, d_model] float tensor as plain values for the views and CSV export (empty unless 2-D).
PeTable toPeTable(const torch::Tensor &table);

// Adds the encoding of positions 0..seq_len-1 to a [batch, seq_len, d_model] input.
// The fixed table is a registered buffer, the learned one a registered parameter; both are
// named "pe", so the module's entry is "positional_encoding.pe". `none`, `rope` and `alibi`
// register nothing and return the input unchanged, at any length.
class PositionalEncodingImpl : public torch::nn::Module {
public:
    // `generator` draws the learned table's initial values (the global generator when absent).
    explicit PositionalEncodingImpl(const EncodingConfig &config,
                                    c10::optional<at::Generator> generator = c10::nullopt);
    torch::Tensor forward(const torch::Tensor &x);

    const EncodingConfig &config() const { return m_config; }
    const torch::Tensor &table() const { return m_table; }

private:
    EncodingConfig m_config;
    torch::Tensor m_table;
};
TORCH_MODULE(PositionalEncoding);

} // namespace posenc::core
