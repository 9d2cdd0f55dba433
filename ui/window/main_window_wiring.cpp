// MainWindow's wiring: the settings to the encoding views, the training controller to the run rows and
// the status bar, the runs to the views that follow them; and the training commands (Start, Pause,
// Stop, Reset) with what the window shows when a run ends.

#include "window/main_window.h"

#include "encoding/pe_table.h"
#include "plots/curves_view.h"
#include "plots/extrapolation_view.h"
#include "plots/heatmap_view.h"
#include "plots/loss_view.h"
#include "plots/palette.h"
#include "plots/similarity_view.h"
#include "window/action_util.h"
#include "window/encoding_display.h"
#include "window/lab_actions.h"
#include "window/run_list.h"
#include "window/run_tracker.h"
#include "window/runs_panel.h"
#include "window/settings_panel.h"
#include "window/training_status.h"

#include <QAction>
#include <QStatusBar>
#include <QStyle>

#include <utility>

namespace posenc::ui {

void MainWindow::connectSettings() {
    connect(m_settings, &SettingsPanel::encodingChanged, m_display,
            qOverload<const core::TrainConfig &>(&EncodingDisplay::showSettings));
    connect(m_settings, &SettingsPanel::configChanged, this,
            [this](const core::TrainConfig &config, const QStringList &problems) {
                m_settingsValid = problems.isEmpty();
                m_display->setSettings(config);
                m_tracker->settingsChanged(config);
                updateActions(m_controller->state());
            });
    connect(m_heatmap, &HeatmapView::hoveredPosition, m_curves, &CurvesView::setCursorPosition);
    connect(m_heatmap, &HeatmapView::positionRangeChanged, m_curves, &CurvesView::setPositionRange);
}

void MainWindow::connectController() {
    using Controller = core::TrainingController;
    connect(m_controller, &Controller::stateChanged, this, [this](Controller::State state) {
        updateActions(state);
        m_tracker->setTrainingState(state);
    });
    connect(m_controller, &Controller::runStarted, this,
            [this](const core::TrainConfig &config, int startEpoch, qint64) {
                if (startEpoch == 0)
                    m_heatmap->resetColorRange(); // a fresh run's learned range starts again
                m_tracker->runStarted(config, startEpoch);
                m_status->runStarted();
            });
    connect(m_controller, &Controller::batchLosses, m_tracker, &RunTracker::appendBatchLosses);
    connect(m_controller, &Controller::epochFinished, this, [this](const core::EpochStats &stats) {
        m_tracker->addEpoch(stats);
        m_status->showEpoch(stats);
    });
    connect(m_controller, &Controller::progress, this, [this](const core::Progress &progress) {
        m_status->showProgress(progress);
        m_tracker->setSamplesPerSec(progress.samplesPerSec);
    });
    connect(m_controller, &Controller::learnedTable, this, [this](const core::PeTable &table) {
        const core::RunRecord *run = m_runs->record(m_tracker->liveRunId()); // a queued run's kind may differ
        m_display->showLiveTable(table, run ? run->config.encoding : m_display->settings().encoding);
        m_tracker->setTable(table);
    });
    connect(m_controller, &Controller::probed, m_tracker, &RunTracker::setProbe);
    connect(m_controller, &Controller::finished, this, &MainWindow::onFinished);
    connect(m_controller, &Controller::failed, this,
            [this](const QString &message) { showError(this, tr("Training could not start"), message); });
}

void MainWindow::connectRuns() {
    connect(m_runs, &RunList::runAdded, this, &MainWindow::addRunToViews);
    connect(m_runs, &RunList::batchesAppended, m_loss,
            qOverload<int, const QVector<core::BatchLoss> &>(&LossView::appendBatchLosses));
    connect(m_runs, &RunList::epochAdded, m_loss, &LossView::addEpoch);
    connect(m_runs, &RunList::probeChanged, this, [this](int id) {
        const core::RunRecord *run = m_runs->record(id);
        m_extrapolation->setRun(id, RunList::label(*run), runColor(id - 1), run->probe, run->config.seqLen);
        m_extrapolation->setRunVisible(id, run->visible);
    });
    connect(m_runs, &RunList::tableChanged, this, &MainWindow::showRunCurve);
    connect(m_runs, &RunList::visibilityChanged, this, [this](int id, bool visible) {
        m_loss->setRunVisible(id, visible);
        m_extrapolation->setRunVisible(id, visible);
        showRunCurve(id);
    });
    connect(m_runs, &RunList::runRemoved, this, [this](int id) {
        m_loss->removeRun(id);
        m_extrapolation->removeRun(id);
        m_similarity->removeRunCurve(id);
    });
    connect(m_runs, &RunList::cleared, this, [this] {
        m_loss->clear();
        m_extrapolation->clear();
    });
    connect(m_runsPanel, &RunsPanel::currentRunChanged, this, &MainWindow::showRun);
    connect(m_runsPanel, &RunsPanel::deleteRequested, m_tracker, &RunTracker::deleteRun);
    connect(m_tracker, &RunTracker::liveRunChanged, m_loss, &LossView::setCurrentRun);
    connect(m_tracker, &RunTracker::runRestored, m_runsPanel, &RunsPanel::selectRun);
    connect(m_tracker, &RunTracker::continueChanged, this, [this] { updateActions(m_controller->state()); });
    connect(m_tracker, &RunTracker::message, statusBar(), &QStatusBar::showMessage);
}

void MainWindow::addRunToViews(int id) {
    const core::RunRecord *run = m_runs->record(id);
    const QString label = RunList::label(*run);
    const QColor colour = runColor(id - 1);
    m_loss->addRun(id, label, colour);
    if (!run->batches.isEmpty() || !run->epochs.isEmpty())
        m_loss->setRunHistory(id, run->batches, run->epochs);
    m_loss->setRunVisible(id, run->visible);
    if (!run->probe.isEmpty()) {
        m_extrapolation->setRun(id, label, colour, run->probe, run->config.seqLen);
        m_extrapolation->setRunVisible(id, run->visible);
    }
    showRunCurve(id);
}

void MainWindow::showRunCurve(int id) {
    const core::RunRecord *run = m_runs->record(id);
    // Only a table has a similarity of positions: rope, alibi and none add nothing to the input.
    if (run && run->visible && core::hasTable(run->config.encoding.kind))
        m_similarity->setRunCurve(id,
                                  tr("run %1 \u00b7 %2").arg(id).arg(core::describe(run->config.encoding)),
                                  runColor(id - 1), EncodingDisplay::tableOf(*run));
    else
        m_similarity->removeRunCurve(id);
}

void MainWindow::showRun(int id) {
    const core::RunRecord *run = m_runs->record(id);
    if (!run) {
        m_display->showSettings(); // nothing selected: the settings' encoding again
        return;
    }
    m_loss->setCurrentRun(id);
    m_display->showRun(*run);
    QStringList probe;
    for (const core::ProbePoint &point : run->probe.points)
        probe << tr("%1: %2").arg(point.length).arg(point.loss, 0, 'g', 3);
    const QString label = RunList::label(*run);
    statusBar()->showMessage(
        probe.isEmpty()
            ? tr("Showing %1").arg(label)
            : tr("Showing %1 · probe loss by length %2").arg(label, probe.join(QStringLiteral(", "))));
}

void MainWindow::startOrPause() {
    switch (m_controller->state()) {
    case core::TrainingController::State::Running:
        m_controller->pause();
        statusBar()->showMessage(tr("Paused — Space resumes"));
        return;
    case core::TrainingController::State::Paused:
        m_controller->resume();
        statusBar()->showMessage(tr("Training…"));
        return;
    case core::TrainingController::State::Idle:
        break;
    }
    const QStringList problems = m_settings->problems();
    if (!problems.isEmpty()) {
        statusBar()->showMessage(tr("Cannot start: %1").arg(problems.first()));
        return;
    }
    if (m_tracker->takeContinue())
        m_controller->continueLoaded(m_settings->config().epochs);
    else
        m_controller->start(m_settings->config());
    statusBar()->showMessage(tr("Training…"));
}

void MainWindow::stopRun() {
    if (!m_controller->isLive())
        return;
    m_controller->stop();
    statusBar()->showMessage(tr("Stopping after the current batch…"));
}

void MainWindow::resetRun() {
    if (m_controller->isLive()) {
        // Reset acts on finished(), once the batch in flight is done: nothing waits here.
        m_resetPending = true;
        m_lab->dropQueue(); // before the stop, so that it does not ask about the queue
        m_controller->stop();
        statusBar()->showMessage(tr("Stopping, then resetting…"));
        return;
    }
    m_tracker->dropUndo();
    m_lab->dropQueue();
    m_runs->clear(); // the views follow, run by run
    m_status->clear();
    m_display->showSettings();
    statusBar()->showMessage(tr("Reset: the loss plot is empty"), 3000);
}

void MainWindow::updateActions(core::TrainingController::State state) {
    using State = core::TrainingController::State;
    const bool live = state != State::Idle;
    m_settings->setRunLive(live);
    switch (state) {
    case State::Idle: {
        const bool continues = m_tracker->continuesLoaded();
        m_startPause->setText(continues ? tr("&Continue") : tr("&Start"));
        m_startPause->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
        setTip(m_startPause, continues
                                 ? tr("Continue the loaded checkpoint's run (Space, or Return in a field)")
                                 : tr("Start training (Space, Return in a field, or Ctrl+Return)"));
        break;
    }
    case State::Running:
        m_startPause->setText(tr("&Pause"));
        m_startPause->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
        setTip(m_startPause, tr("Pause training"));
        break;
    case State::Paused:
        m_startPause->setText(tr("&Resume"));
        m_startPause->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
        setTip(m_startPause, tr("Resume training"));
        break;
    }
    m_startPause->setEnabled(live || m_settingsValid);
    m_stop->setEnabled(live);
}

void MainWindow::onFinished(const core::TrainResult &result) {
    m_status->showFinished(result);
    const int id = m_tracker->liveRunId();
    const core::RunRecord *run = m_runs->record(id);
    const bool learned = run && run->config.encoding.kind == core::PeKind::Learned;
    m_tracker->runFinished(result, learned ? m_controller->currentPeTable() : core::PeTable()); // as trained
    if (result.outcome != core::Outcome::Failed)
        m_lab->keepRunCheckpoint(id);
    if (std::exchange(m_resetPending, false)) {
        resetRun();
        return;
    }
    switch (result.outcome) {
    case core::Outcome::Completed:
        statusBar()->showMessage(tr("Completed %1 epochs: train %2, val %3")
                                     .arg(result.epochsDone)
                                     .arg(result.lastTrainLoss, 0, 'g', 4)
                                     .arg(result.lastValLoss, 0, 'g', 4));
        break;
    case core::Outcome::Stopped:
        statusBar()->showMessage(tr("Stopped after %1 epochs (step %2); Start begins a new run")
                                     .arg(result.epochsDone)
                                     .arg(result.steps));
        break;
    case core::Outcome::Diverged:
    case core::Outcome::Failed:
        statusBar()->showMessage(result.message);
        showError(this,
                  result.outcome == core::Outcome::Diverged ? tr("Training diverged") : tr("Training failed"),
                  result.message);
        break;
    }
}

} // namespace posenc::ui
