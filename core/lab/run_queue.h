#pragma once
// A queue of runs (the window's Compare…) trained one after another by a TrainingController: the
// first starts when the controller is idle, the next each time a run ends (completed, diverged or
// failed). A Stop holds the queue and says how many runs wait, so the window can ask whether to drop
// them (dropPending) or go on (resumeQueue). LibTorch-free.

#include "settings/config.h"
#include "train/training_types.h"

#include <QObject>
#include <QVector>

namespace posenc::core {

class TrainingController;

class RunQueue : public QObject {
    Q_OBJECT
public:
    // Drives `controller` (not owned; it must outlive the queue or be its parent).
    explicit RunQueue(TrainingController *controller, QObject *parent = nullptr);

    // Appends `configs`; starts the first at once when the controller is idle and the queue not held.
    void enqueue(const QVector<TrainConfig> &configs);
    // How many runs wait (not counting the one training).
    int pending() const { return int(m_pending.size()); }
    // True after a Stop with runs waiting, until dropPending() or resumeQueue().
    bool isHeld() const { return m_held; }
    // True while a run this queue started is live.
    bool isRunning() const { return m_running; }
    // Forgets the waiting runs (the one training, if any, goes on) and releases a hold.
    void dropPending();
    // Releases a hold: the next waiting run starts when the controller is idle.
    void resumeQueue();

Q_SIGNALS:
    // The queue is about to start `config`, the `index`-th (0-based) of `total` runs of this batch.
    void runStarting(const posenc::core::TrainConfig &config, int index, int total);
    // The number of waiting runs changed.
    void pendingChanged(int pending);
    // A run was stopped by the user while `pending` runs wait; the queue holds until told. Sent after
    // the controller's finished() has reached every slot.
    void stoppedWithPending(int pending);
    // The controller refused a queued run (e.g. invalid settings); the queue moves on.
    void runRejected(const posenc::core::TrainConfig &config, const QString &reason);
    // The last queued run ended (or the rest was dropped) and nothing waits.
    void queueFinished();

private:
    void onRunEnded(bool stopped);
    void scheduleNext();
    void startNext();
    void finishBatchIfDone();

    TrainingController *m_controller;
    QVector<TrainConfig> m_pending;
    int m_started = 0; // runs of this batch started so far (the index of the next one)
    bool m_held = false;
    bool m_running = false;
    bool m_scheduled = false;
};

} // namespace posenc::core
