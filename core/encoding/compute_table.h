#pragma once
// The PE table of an encoding as plain values, for the views. The header is free of LibTorch, so the
// UI can ask for a table; the learned kind draws its start from the torch module.

#include "encoding/pe_table.h"
#include "settings/config.h"

namespace posenc::core {

// The table of a fixed kind (sinusoidal, sinusoidal-concat, none) for an encoding; for `learned`
// it is the table a fresh model starts from (seeded, so it is the same for the same seed).
// `reuse`, when given and held by nobody else, lends its memory: a buffer that was written
// before costs no page faults (the sinusoidal kinds only).
PeTable computePeTable(const EncodingConfig &config, quint64 seed = 0, PeTable *reuse = nullptr);

} // namespace posenc::core
