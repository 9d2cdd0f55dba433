#pragma once
// The GUI-side owner of the training thread: starts, pauses, resumes and stops runs on a
// TrainingWorker living on its own QThread, and re-emits the worker's signals on the owner's
// thread. Destroying it mid-run stops the run and joins the thread within one batch.
//
// Which calls may block the GUI thread, and for how long:
// - start, continueLoaded, probe, pause, resume, stop: never; they queue a call or set an atomic.
// - saveCheckpoint, exportStateDict, currentPeTable, history: wait for the batch in flight (a few ms for
//   the seed's sizes; one batch of the run's size in general), then copy or write the model.
// - loadCheckpoint: reads and checks the file on the calling thread (only while idle).
// - the destructor: stops the run and joins the thread, i.e. waits for the batch in flight.
// Nothing waits on an event loop: results come back as the signals below (finished after a stop).

#include "encoding/pe_table.h"
#include "settings/config.h"
#include "train/training_types.h"

#include <QObject>
#include <QThread>

namespace posenc::core {

class TrainingWorker;

class TrainingController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused };
    Q_ENUM(State)

    explicit TrainingController(QObject *parent = nullptr);
    ~TrainingController() override;

    State state() const { return m_state; }
    bool isLive() const { return m_state != State::Idle; }

    // Starts a fresh run; returns the validation errors (and starts nothing) when invalid.
    QStringList start(const TrainConfig &config);
    // Continues the run loaded from a checkpoint, up to `totalEpochs`.
    void continueLoaded(int totalEpochs);
    // Probes the held run (e.g. a loaded checkpoint) at its probe lengths; probed() brings the
    // result. False (and nothing happens) while a run is live or when there is no run.
    bool probe();
    // Pause holds the run before its next batch (paused() says when it is held); resume unpauses.
    void pause();
    void resume();
    // Stops after the batch in flight; finished() follows.
    void stop();

    QString saveCheckpoint(const QString &path) const;
    QString exportStateDict(const QString &path) const;
    // Loads a checkpoint into the worker (only when idle); fills its config and epoch.
    QString loadCheckpoint(const QString &path, TrainConfig *config, int *epochsDone);
    // The current run's PE table (empty when there is none).
    PeTable currentPeTable() const;
    // The held run's whole loss history (live, finished or loaded from a checkpoint; empty when
    // there is none): what a loss plot redraws after loadCheckpoint(). Waits for the batch in flight.
    RunHistory history() const;
    // The settings of the run the worker holds (live, finished or loaded); false when none.
    bool runConfig(TrainConfig *config) const;

Q_SIGNALS:
    void stateChanged(posenc::core::TrainingController::State state);
    void runStarted(const posenc::core::TrainConfig &config, int startEpoch, qint64 startStep);
    void batchLosses(const QVector<posenc::core::BatchLoss> &losses);
    void epochFinished(const posenc::core::EpochStats &stats);
    void progress(const posenc::core::Progress &progress);
    void learnedTable(const posenc::core::PeTable &table);
    // The length-extrapolation probe of a completed run, sent just before finished().
    void probed(const posenc::core::ProbeResult &probe);
    void finished(const posenc::core::TrainResult &result);
    void failed(const QString &message);
    // The run is held at `step` (every batch loss up to it was sent before this).
    void paused(qint64 step);

private:
    void setState(State state);

    QThread m_thread;
    TrainingWorker *m_worker = nullptr; // lives on m_thread; deleted by QThread::finished
    State m_state = State::Idle;
};

} // namespace posenc::core
