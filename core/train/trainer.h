#pragma once
// The seed notebook's training loop (MSE, Adam, shuffled mini-batches) on the seed's dataset and
// model, with a validation loss, pause/stop hooks at every batch, divergence detection and
// checkpoints. LibTorch stays behind the pimpl so this header is cheap to include.

#include "encoding/pe_table.h"
#include "settings/config.h"
#include "train/training_types.h"

#include <functional>
#include <memory>

namespace posenc::core {

class Trainer {
public:
    // Hooks the loop calls; any of them may be empty.
    struct Hooks {
        std::function<void(const BatchLoss &)> onBatch;
        std::function<void(const EpochStats &)> onEpoch;
        std::function<void(const Progress &)> onProgress;
        std::function<bool()> shouldStop;      // checked before every batch
        std::function<void()> waitWhilePaused; // called before every batch; blocks while paused
    };

    // A fresh run: data, model and optimiser built from `config` (which must be valid).
    // Returns null and sets `error` when the settings are invalid or LibTorch fails.
    static std::unique_ptr<Trainer> create(const TrainConfig &config, QString *error);
    // A run restored from a checkpoint file; null and `error` for a missing, truncated,
    // corrupt or mismatched file.
    static std::unique_ptr<Trainer> loadCheckpoint(const QString &path, QString *error);
    ~Trainer();

    const TrainConfig &config() const;
    int epochsDone() const;
    qint64 steps() const;
    int batchesPerEpoch() const;
    // The last completed epoch's losses (NaN before the first epoch).
    double lastTrainLoss() const;
    double lastValLoss() const;

    // Change how many epochs the run has in all (to continue a finished run for longer).
    void setTotalEpochs(int epochs);
    // LibTorch intra-op threads for run(); 0 (the default) means recommendedThreads(config()).
    void setThreads(int threads);
    // OpenBLAS threads for run(); 0 (the default) means as many as LibTorch's intra-op threads.
    void setBlasThreads(int threads);

    // Trains the remaining epochs (epochsDone()+1 .. config().epochs). Thread-compatible: the
    // methods below may be called from another thread while it runs; they wait for the batch.
    TrainResult run(const Hooks &hooks);

    // The length-extrapolation probe: the model's MSE on fresh data (a fixed set per task and length,
    // normalised with the training set's statistics) at probeLengths(config()). Lengths beyond max_len
    // are skipped with a note for the table kinds. Waits for the current batch, like peTable().
    ProbeResult probe() const;

    // Every batch loss and epoch of the run so far, restored with a checkpoint (empty for a file
    // written before histories were kept). Waits for the current batch, like peTable().
    RunHistory history() const;

    // The model's positional-encoding table as it is now (trained values for `learned`).
    PeTable peTable() const;

    // Model, optimiser state, config and epoch; empty string on success, else the reason.
    QString saveCheckpoint(const QString &path) const;
    // A PyTorch state_dict (name -> tensor) that torch.load reads and the seed's Python model
    // accepts with load_state_dict; empty string on success, else the reason.
    QString exportStateDict(const QString &path) const;

private:
    Trainer();
    struct Impl;
    std::unique_ptr<Impl> d;
};

// LibTorch intra-op threads chosen for a config (one thread is fastest for the seed's small model).
int recommendedThreads(const TrainConfig &config);
// OpenBLAS threads chosen for a config: two for GEMM-bound LSTMs (d_model >= 128) where the
// machine has them, one otherwise.
int recommendedBlasThreads(const TrainConfig &config);

} // namespace posenc::core
