#pragma once
// The worker object that trains on its own QThread (Qt's worker-object pattern). It owns the
// Trainer; pause, resume and stop are atomics that any thread may set, checked at every batch.
// Batch losses and progress are batched and throttled to about 30 emissions a second.

#include "encoding/pe_table.h"
#include "settings/config.h"
#include "train/training_types.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace posenc::core {

class Trainer;

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    explicit TrainingWorker(QObject *parent = nullptr);
    ~TrainingWorker() override;

    // Thread-safe controls, callable from any thread while a run is live.
    void requestPause();
    void requestResume();
    void requestStop();
    bool isPaused() const { return m_paused.load(); }
    // Clears stop and pause before a new run is queued, so a stop pressed right after start holds.
    void resetFlags();

    // Thread-safe; they wait for the current batch. Empty string on success, else the reason.
    QString saveCheckpoint(const QString &path) const;
    QString exportStateDict(const QString &path) const;
    // Replace the held run by one loaded from a checkpoint (only while no run is live).
    QString loadCheckpoint(const QString &path, TrainConfig *loadedConfig, int *epochsDone);
    // The current run's PE table, or an empty table when there is none.
    PeTable currentPeTable() const;
    // The held run's loss history (empty when there is no run); waits for the current batch.
    RunHistory history() const;
    // The held run's settings; false when there is no run yet.
    bool heldConfig(TrainConfig *config) const;

    // Minimum time between two batch-loss / progress emissions.
    static constexpr int kEmitIntervalMs = 33;

    // Worker-thread entry points (the controller queues them with QMetaObject::invokeMethod):
    // Trains a fresh run with `config` (validated here again; invalid settings emit failed()).
    void start(const posenc::core::TrainConfig &config);
    // Continues the held run (after a loaded checkpoint) up to `totalEpochs`.
    void continueHeld(int totalEpochs);
    // Probes the held run and emits probed().
    void probeHeld();

Q_SIGNALS:
    void runStarted(const posenc::core::TrainConfig &config, int startEpoch, qint64 startStep);
    void batchLosses(const QVector<posenc::core::BatchLoss> &losses);
    void epochFinished(const posenc::core::EpochStats &stats);
    void progress(const posenc::core::Progress &progress);
    void learnedTable(const posenc::core::PeTable &table);
    void probed(const posenc::core::ProbeResult &probe);
    void paused(qint64 step);
    void finished(const posenc::core::TrainResult &result);
    void failed(const QString &message);

private:
    void runHeld();
    std::shared_ptr<Trainer> trainer() const;

    mutable std::mutex m_trainerMutex; // guards m_trainer (the pointer, not the run)
    std::shared_ptr<Trainer> m_trainer;

    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_paused{false};
    std::mutex m_pauseMutex;
    std::condition_variable m_pauseCv;
};

} // namespace posenc::core
