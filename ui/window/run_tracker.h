#pragma once
// Which run row the training writes to, and what may come back: the live row (the run the worker
// trains or last trained), the loaded checkpoint's row that Continue trains on in, the queued rows
// of a comparison in queue order, and the last deleted run while its undo is offered. It writes the
// training's values into the live row of the RunList and says what changed through its signals;
// no widget and no controller: the window feeds it the controller's values.

#include "settings/config.h"
#include "train/training_controller.h"
#include "train/training_types.h"
#include "window/run_list.h"

#include <QObject>
#include <QTimer>
#include <QVector>

namespace posenc::ui {

class RunTracker : public QObject {
    Q_OBJECT
public:
    // How long a deleted run can come back.
    static constexpr int kUndoMs = 8000;

    // Tracks rows of `runs` (not owned).
    explicit RunTracker(RunList *runs, QObject *parent = nullptr);

    // The run the worker trains or last trained (0 before the first Start).
    int liveRunId() const { return m_liveRun; }
    // The row of the last loaded checkpoint (0: none).
    int loadedRunId() const { return m_loadedRunId; }
    // True while Start continues the loaded checkpoint's run rather than starting afresh.
    bool continuesLoaded() const { return m_continues; }
    // True when a run trained since the last saved checkpoint or session.
    bool isUnsaved() const { return m_unsaved; }
    // The queued rows that have not started, in queue order.
    QVector<int> queuedIds() const { return m_queuedIds; }
    // True while a deleted run can come back.
    bool canUndo() const { return m_deleted.row >= 0; }

    // The controller's runStarted: names the live row (the queued row whose turn it is, the loaded
    // row when a checkpoint continues, else a new row) and sets it training.
    void runStarted(const core::TrainConfig &config, int startEpoch);
    // The controller's state: the live row shows training or paused while it is live.
    void setTrainingState(core::TrainingController::State state);
    // The live run's values, into its row.
    void appendBatchLosses(const QVector<core::BatchLoss> &losses);
    void addEpoch(const core::EpochStats &stats);
    void setSamplesPerSec(double samplesPerSec);
    void setProbe(const core::ProbeResult &probe);
    void setTable(const core::PeTable &table);
    // The run ended: its row's status; `table` (empty: none) is its table as trained.
    void runFinished(const core::TrainResult &result, const core::PeTable &table = {});

    // A checkpoint was loaded: adds its row; Start continues it while the settings stay `shown`
    // (the fields as they show the checkpoint's settings) but for the epochs. Returns the row's id.
    int addLoaded(const core::RunRecord &run, const core::TrainConfig &shown);
    // The settings changed: any change but the epochs means Start begins a new run.
    void settingsChanged(const core::TrainConfig &config);
    // Start was pressed: true when it continues the loaded run (only once per load).
    bool takeContinue();
    // The live run was saved (checkpoint or session).
    void markSaved() { m_unsaved = false; }
    // Forgets the live and loaded rows (the runs were replaced, e.g. by a session).
    void forgetRuns();

    // Adds one queued row per config, in order (the queue trains them one after another).
    void queue(const QVector<core::TrainConfig> &configs);
    // The queue starts its next run: the next runStarted trains in the first queued row.
    void queuedRunStarting();
    // The queue skipped its next run: that row fails. Returns its id (0: none was queued).
    int queuedRunRejected();
    // Removes the queued rows that have not started.
    void dropQueued();

    // Removes run `id`, offering undo for kUndoMs; empty string, or why not (the live run while
    // training). Also says it in message().
    QString deleteRun(int id);
    // Puts the last deleted run back at its row; false when none can come back.
    bool undoDelete();
    // Withdraws the undo offer.
    void dropUndo();

Q_SIGNALS:
    // The live row moved to `id` (a queued or loaded row, or a new one).
    void liveRunChanged(int id);
    // Start now continues the loaded run (true) or starts a new one (false).
    void continueChanged(bool continues);
    // Undo became possible (after a delete) or impossible (undone, expired, dropped).
    void undoAvailable(bool available);
    // Run `id` came back from a delete.
    void runRestored(int id);
    // A line for the status bar, shown for `timeoutMs` (0: until the next one).
    void message(const QString &text, int timeoutMs);

private:
    void setLive(int id);
    void setContinues(bool continues);

    RunList *m_runs;
    int m_liveRun = 0;                // the run the controller trains or last trained
    bool m_training = false;          // the controller is live (running or paused)
    int m_loadedRunId = 0;            // the loaded checkpoint's row: Continue trains on in it
    bool m_continues = false;         // a checkpoint is loaded and Start continues it
    core::TrainConfig m_loadedConfig; // its settings; changing any but the epochs starts afresh
    bool m_unsaved = false;           // a run trained since the last save
    QVector<int> m_queuedIds;         // queued rows, in queue order
    int m_nextQueuedId = 0;           // the queued row the next runStarted trains in
    RunList::Removed m_deleted;       // the last deleted run, while its undo is offered
    QTimer m_undoTimer;
};

} // namespace posenc::ui
