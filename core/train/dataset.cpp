#include "train/dataset.h"

namespace posenc::core {

namespace {
constexpr double kInputScale = 0.5;
constexpr double kStdEpsilon = 1e-8;
// Keeps the validation stream away from the training stream of the same seed.
constexpr quint64 kValidationSeedSalt = 0x9E3779B97F4A7C15ull;
constexpr quint64 kProbeSeedSalt = 0xC2B2AE3D27D4EB4Full;
} // namespace

torch::Tensor taskWeights(Task task, int length) {
    switch (task) {
    case Task::Recency: // 0.5 * 0.8^(distance from the last step), in float as pe_lab.py
        return torch::pow(0.8, torch::arange(length - 1, -1, -1, torch::kFloat32)) * 0.5;
    case Task::Sum:
        return torch::full({length}, 0.3, torch::kFloat32);
    case Task::Seed:
        break;
    }
    return torch::linspace(0.1, 0.5, length);
}

torch::Tensor weightedSumLabels(const torch::Tensor &sequences, Task task) {
    const auto weights = taskWeights(task, int(sequences.size(1))).unsqueeze(1);
    return torch::sum(sequences * weights, {1, 2});
}

SequenceData makeSeedDataset(int samples, int seqLen, int featureDim, c10::optional<at::Generator> generator,
                             double *labelMean, double *labelStd, Task task) {
    SequenceData data;
    data.sequences = torch::randn({samples, seqLen, featureDim}, generator) * kInputScale;
    const auto raw = weightedSumLabels(data.sequences, task);
    const auto mean = raw.mean();
    // Unbiased std, as torch's default; a single sample has none, so it normalises by eps only.
    const auto stdev = samples > 1 ? raw.std() : torch::zeros({});
    data.labels = (raw - mean) / (stdev + kStdEpsilon);
    if (labelMean)
        *labelMean = mean.item<double>();
    if (labelStd)
        *labelStd = stdev.item<double>();
    return data;
}

SequenceData makeValidationSet(int samples, int seqLen, int featureDim, at::Generator generator,
                               double labelMean, double labelStd, Task task) {
    SequenceData data;
    data.sequences = torch::randn({samples, seqLen, featureDim}, generator) * kInputScale;
    data.labels = (weightedSumLabels(data.sequences, task) - labelMean) / (labelStd + kStdEpsilon);
    return data;
}

at::Generator validationGenerator(quint64 seed) {
    return at::make_generator<at::CPUGeneratorImpl>(seed ^ kValidationSeedSalt);
}

at::Generator probeGenerator(Task task, int length) {
    return at::make_generator<at::CPUGeneratorImpl>(kProbeSeedSalt ^ (quint64(task) << 40) ^ quint64(length));
}

} // namespace posenc::core
