#pragma once
// The seed notebook's SequenceDataset: random sequences and a normalised weighted-sum label.

#include "config.h"

#include <torch/torch.h>

namespace posenc::core {

struct SequenceData {
    torch::Tensor sequences; // [samples, seq_len, features]
    torch::Tensor labels;    // [samples]
};

// Raw labels of the seed: sum over sequence and features of x * linspace(0.1, 0.5, seq_len).
torch::Tensor weightedSumLabels(const torch::Tensor &sequences);

// The seed's dataset: randn(samples, seq_len, features) * 0.5 from `generator` (or the global
// generator, as the seed does), labels normalised by their mean and (std + 1e-8).
// `labelMean` / `labelStd` receive the statistics used, for normalising a validation set.
SequenceData makeSeedDataset(int samples, int seqLen, int featureDim, c10::optional<at::Generator> generator,
                             double *labelMean = nullptr, double *labelStd = nullptr);

// A validation set of the same distribution, normalised with the training set's statistics.
SequenceData makeValidationSet(int samples, int seqLen, int featureDim, at::Generator generator,
                               double labelMean, double labelStd);

// The generator of the validation set for a run seed (independent of the training stream).
at::Generator validationGenerator(quint64 seed);

} // namespace posenc::core
