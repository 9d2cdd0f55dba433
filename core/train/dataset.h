#pragma once
// The seed notebook's SequenceDataset, generalised to the lab's tasks: random sequences
// randn * 0.5 and a normalised weighted-sum label whose weights are defined at any length.

#include "settings/config.h"

#include <torch/torch.h>

namespace posenc::core {

struct SequenceData {
    torch::Tensor sequences; // [samples, seq_len, features]
    torch::Tensor labels;    // [samples]
};

// The per-step weights [length] of a task, as pe_lab.py defines them: `seed` linspace(0.1, 0.5, L),
// `recency` 0.5 * 0.8^(L-1-t), `sum` 0.3 everywhere.
torch::Tensor taskWeights(Task task, int length);

// Raw labels: sum over sequence and features of x * taskWeights(task, seq_len).
torch::Tensor weightedSumLabels(const torch::Tensor &sequences, Task task = Task::Seed);

// The seed's dataset: randn(samples, seq_len, features) * 0.5 from `generator` (or the global
// generator, as the seed does), labels normalised by their mean and (std + 1e-8).
// `labelMean` / `labelStd` receive the statistics used, for normalising a validation set.
SequenceData makeSeedDataset(int samples, int seqLen, int featureDim, c10::optional<at::Generator> generator,
                             double *labelMean = nullptr, double *labelStd = nullptr, Task task = Task::Seed);

// A validation (or probe) set of the same distribution at any length, normalised with the
// training set's statistics.
SequenceData makeValidationSet(int samples, int seqLen, int featureDim, at::Generator generator,
                               double labelMean, double labelStd, Task task = Task::Seed);

// The generator of the validation set for a run seed (independent of the training stream).
at::Generator validationGenerator(quint64 seed);
// The generator of the probe set at `length` for `task`: fixed, so every run is probed on the
// same sequences whatever its seed.
at::Generator probeGenerator(Task task, int length);

} // namespace posenc::core
