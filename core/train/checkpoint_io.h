#pragma once
// The checkpoint file, apart from the trainer: reading a file without trusting it, the format
// (a pickled dict that Python's torch.load reads, sealed with a SHA-256 of its bytes) and every
// check a loaded state passes before a trainer uses it. LibTorch header: core only.

#include "settings/config.h"
#include "train/training_types.h"

#include <QByteArray>
#include <QString>

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace posenc::core {

// The format tag of the pickled checkpoints ("posenc-studio-checkpoint-1" was the TorchScript archive).
inline constexpr const char *kCheckpointFormat = "posenc-studio-checkpoint-2";

// One parameter's Adam moments; undefined tensors when the optimiser holds no state for it.
struct AdamSlot {
    qint64 step = 0;
    torch::Tensor expAvg;
    torch::Tensor expAvgSq;
};

// Everything a checkpoint holds, as plain values and tensors; untrusted until checkCheckpoint().
struct CheckpointState {
    TrainConfig config;
    qint64 epochsDone = 0;
    qint64 steps = 0;
    qint64 nextBatch = 0;
    double lastTrainLoss = 0;
    double lastValLoss = 0;
    double epochLossSum = 0;
    double startLoss = 0; // the run's first batch loss; NaN when unknown (old files) or before it
    torch::Tensor shuffleRng;
    torch::Tensor order; // the current epoch's sample order; undefined between epochs
    std::vector<std::pair<std::string, torch::Tensor>> model; // parameters, then buffers
    qint64 parameterCount = 0;  // how many of `model` are parameters (Adam's "params" 0..n-1)
    std::vector<AdamSlot> adam; // one per parameter (model->parameters() order), or none
    double lr = 0, beta1 = 0, beta2 = 0, eps = 0, weightDecay = 0;
    RunHistory history; // empty in files written before the history was kept
};

// What the model built from a checkpoint's settings holds: one entry per parameter and buffer.
struct TensorSpec {
    std::string name;
    std::vector<int64_t> shape;
    bool isParameter = true;
};

// The largest file a checkpoint may be: a few times the largest one the limits allow.
qint64 maxCheckpointBytes();
// Reads a regular file of at most `maxBytes` (FIFOs, devices and folders are refused before
// any read blocks); empty string or the reason, in words a user reads.
QString readRegularFile(const QString &path, qint64 maxBytes, QByteArray *bytes);

// The checkpoint file for `state`: torch::pickle_save's zip with a SHA-256 of every byte before it
// as the zip comment. Throws what LibTorch throws.
QByteArray encodeCheckpoint(const CheckpointState &state);
// True when `bytes` end in the checksum comment that encodeCheckpoint() writes.
bool hasCheckpointChecksum(const QByteArray &bytes);
// Verifies the checksum, unpickles (no code runs) and reads every field with its type and the
// settings (validated); empty string or the reason.
QString decodeCheckpoint(const QByteArray &bytes, CheckpointState *state);
// Parses and validates a checkpoint's settings text; empty string or the reason.
QString readCheckpointSettings(const std::string &text, TrainConfig *config);
// Refuses a legacy (TorchScript) checkpoint before LibTorch reads it when a pickle in it is
// malformed (a length past its end, a pop from an empty stack) or its embedded code could exhaust
// the parser's stack (deep nesting); empty string or the reason.
QString checkLegacyCode(const QByteArray &bytes);

// Checks a state against the model its settings build (`layout`), the table its settings give
// (`fixedTable`, undefined for a learned table) and the size of a shuffle-generator state; every
// tensor's dtype and shape, every counter and loss. Empty string or the reason.
QString checkCheckpoint(const CheckpointState &state, const std::vector<TensorSpec> &layout,
                        const torch::Tensor &fixedTable, int64_t rngStateSize);

// A reason fit for a one-line message: control characters shown as escapes, long text cut,
// LibTorch's internal-assert wording replaced.
QString printableReason(const QString &text);

} // namespace posenc::core
