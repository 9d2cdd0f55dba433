#include "window/run_tracker.h"

#include <utility>

namespace posenc::ui {

RunTracker::RunTracker(RunList *runs, QObject *parent) : QObject(parent), m_runs(runs) {
    m_undoTimer.setSingleShot(true);
    m_undoTimer.setInterval(kUndoMs);
    connect(&m_undoTimer, &QTimer::timeout, this, &RunTracker::dropUndo);
}

void RunTracker::runStarted(const core::TrainConfig &config, int startEpoch) {
    // A queued run trains in its row and a continued checkpoint trains on in its row (its curve goes
    // on); anything else is a new row.
    if (const int queued = std::exchange(m_nextQueuedId, 0); queued && m_runs->record(queued)) {
        m_runs->setStatus(queued, core::RunStatus::Training);
        setLive(queued);
    } else if (startEpoch > 0 && m_runs->record(m_loadedRunId)) {
        m_runs->setStatus(m_loadedRunId, core::RunStatus::Training);
        setLive(m_loadedRunId);
    } else {
        setLive(m_runs->addRun(config));
    }
}

void RunTracker::setTrainingState(core::TrainingController::State state) {
    using State = core::TrainingController::State;
    m_training = state != State::Idle;
    // Start sets Running before the worker's runStarted names the new run: only a live row follows.
    const core::RunRecord *run = m_runs->record(m_liveRun);
    const bool live =
        run && (run->status == core::RunStatus::Training || run->status == core::RunStatus::Paused);
    if (live && m_training)
        m_runs->setStatus(m_liveRun,
                          state == State::Paused ? core::RunStatus::Paused : core::RunStatus::Training);
}

void RunTracker::appendBatchLosses(const QVector<core::BatchLoss> &losses) {
    m_runs->appendBatchLosses(m_liveRun, losses);
}

void RunTracker::addEpoch(const core::EpochStats &stats) {
    m_runs->addEpoch(m_liveRun, stats);
}

void RunTracker::setSamplesPerSec(double samplesPerSec) {
    m_runs->setSamplesPerSec(m_liveRun, samplesPerSec);
}

void RunTracker::setProbe(const core::ProbeResult &probe) {
    m_runs->setProbe(m_liveRun, probe);
}

void RunTracker::setTable(const core::PeTable &table) {
    m_runs->setTable(m_liveRun, table);
}

void RunTracker::runFinished(const core::TrainResult &result, const core::PeTable &table) {
    m_unsaved = result.outcome == core::Outcome::Completed || result.outcome == core::Outcome::Stopped;
    m_runs->setStatus(m_liveRun, core::statusOf(result.outcome));
    if (!table.isEmpty())
        m_runs->setTable(m_liveRun, table);
}

int RunTracker::addLoaded(const core::RunRecord &run, const core::TrainConfig &shown) {
    m_loadedConfig = shown;
    m_loadedRunId = m_runs->addRecord(run);
    setContinues(true);
    return m_loadedRunId;
}

void RunTracker::settingsChanged(const core::TrainConfig &config) {
    // Continue trains the loaded run up to the epochs box; any other change means a new run.
    core::TrainConfig other = config;
    other.epochs = m_loadedConfig.epochs;
    setContinues(m_continues && other == m_loadedConfig);
}

bool RunTracker::takeContinue() {
    const bool continues = m_continues;
    setContinues(false);
    return continues;
}

void RunTracker::forgetRuns() {
    m_liveRun = 0;
    m_loadedRunId = 0;
    m_unsaved = false;
    setContinues(false);
}

void RunTracker::queue(const QVector<core::TrainConfig> &configs) {
    for (const core::TrainConfig &config : configs)
        m_queuedIds << m_runs->addRun(config, core::RunStatus::Queued);
}

void RunTracker::queuedRunStarting() {
    m_nextQueuedId = m_queuedIds.isEmpty() ? 0 : m_queuedIds.takeFirst();
}

int RunTracker::queuedRunRejected() {
    if (m_queuedIds.isEmpty())
        return 0;
    const int id = m_queuedIds.takeFirst();
    m_runs->setStatus(id, core::RunStatus::Failed);
    return id;
}

void RunTracker::dropQueued() {
    for (int id : std::exchange(m_queuedIds, {}))
        m_runs->removeRun(id);
    m_nextQueuedId = 0;
}

QString RunTracker::deleteRun(int id) {
    const core::RunRecord *run = m_runs->record(id);
    if (!run)
        return tr("No run %1").arg(id);
    if (id == m_liveRun && m_training) {
        const QString why = tr("Run %1 is training: stop it before deleting it").arg(id);
        Q_EMIT message(why, 5000);
        return why;
    }
    const QString label = RunList::label(*run);
    m_deleted = m_runs->removeRun(id);
    m_undoTimer.start();
    Q_EMIT undoAvailable(true);
    Q_EMIT message(tr("Deleted %1").arg(label), kUndoMs);
    return {};
}

bool RunTracker::undoDelete() {
    if (m_deleted.row < 0)
        return false;
    const RunList::Removed removed = m_deleted;
    dropUndo();
    m_runs->restoreRun(removed.record, removed.row);
    Q_EMIT runRestored(removed.record.id);
    Q_EMIT message(tr("Restored %1").arg(RunList::label(removed.record)), 5000);
    return true;
}

void RunTracker::dropUndo() {
    const bool was = canUndo();
    m_deleted = {};
    m_undoTimer.stop();
    if (was)
        Q_EMIT undoAvailable(false);
}

void RunTracker::setLive(int id) {
    m_liveRun = id;
    Q_EMIT liveRunChanged(id);
}

void RunTracker::setContinues(bool continues) {
    if (continues == m_continues)
        return;
    m_continues = continues;
    Q_EMIT continueChanged(continues);
}

} // namespace posenc::ui
