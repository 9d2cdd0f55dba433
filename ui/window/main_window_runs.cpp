// MainWindow's runs: the Runs dock over the RunList, the views that follow it (loss, extrapolation,
// similarity vs offset), showing a selected run's encoding, and delete with undo.

#include "encoding/compute_table.h"
#include "window/main_window.h"

#include "plots/curves_view.h"
#include "plots/extrapolation_view.h"
#include "plots/heatmap_view.h"
#include "plots/loss_view.h"
#include "plots/palette.h"
#include "plots/similarity_view.h"
#include "window/runs_panel.h"

#include <QAction>
#include <QDockWidget>
#include <QPushButton>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>

namespace posenc::ui {

namespace {
// How long the status bar offers to undo a delete.
constexpr int kUndoMs = 8000;
} // namespace

void MainWindow::createRunsDock() {
    m_runsPanel = new RunsPanel(m_runs);
    m_runsDock = new QDockWidget(tr("Runs"), this);
    m_runsDock->setObjectName(QStringLiteral("runsDock"));
    m_runsDock->setWidget(m_runsPanel);
    m_runsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                            QDockWidget::DockWidgetClosable);
    // Under the views, right of the settings (which keep the whole height).
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, m_runsDock);
}

void MainWindow::connectRuns() {
    connect(m_runs, &RunList::runAdded, this, &MainWindow::addRunToViews);
    connect(m_runs, &RunList::batchesAppended, m_loss,
            qOverload<int, const QVector<core::BatchLoss> &>(&LossView::appendBatchLosses));
    connect(m_runs, &RunList::epochAdded, m_loss, &LossView::addEpoch);
    connect(m_runs, &RunList::probeChanged, this, [this](int id) {
        const core::RunRecord *run = m_runs->record(id);
        m_extrapolation->setRun(id, runLabel(*run), runColor(id - 1), run->probe, run->config.seqLen);
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
    connect(m_runsPanel, &RunsPanel::currentRunChanged, this, &MainWindow::showRun);
    connect(m_runsPanel, &RunsPanel::deleteRequested, this, &MainWindow::deleteRun);
}

void MainWindow::addRunToViews(int id) {
    const core::RunRecord *run = m_runs->record(id);
    const QString label = runLabel(*run);
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
                                  runColor(id - 1), tableOf(*run));
    else
        m_similarity->removeRunCurve(id);
}

QString MainWindow::runLabel(const core::RunRecord &run) const {
    return tr("run %1 \u00b7 %2").arg(run.id).arg(run.name());
}

core::PeTable MainWindow::tableOf(const core::RunRecord &run) {
    return run.table.isEmpty() ? core::computePeTable(run.config.encoding, run.config.seed) : run.table;
}

void MainWindow::showRun(int id) {
    const core::RunRecord *run = m_runs->record(id);
    if (!run) {
        refreshEncoding(); // nothing selected: the settings' encoding again
        return;
    }
    m_loss->setCurrentRun(id);
    m_tables->cancel();
    showTableFor(tableOf(*run), run->config);
    QStringList probe;
    for (const core::ProbePoint &point : run->probe.points)
        probe << tr("%1: %2").arg(point.length).arg(point.loss, 0, 'g', 3);
    statusBar()->showMessage(probe.isEmpty() ? tr("Showing %1").arg(runLabel(*run))
                                             : tr("Showing %1 · probe loss by length %2")
                                                   .arg(runLabel(*run), probe.join(QStringLiteral(", "))));
}

void MainWindow::createUndo() {
    m_undoButton = new QPushButton(tr("Undo"));
    m_undoButton->setObjectName(QStringLiteral("undoDelete"));
    m_undoButton->setFlat(true);
    m_undoButton->setCursor(Qt::PointingHandCursor);
    m_undoButton->setStyleSheet(
        QStringLiteral("QPushButton { color: palette(link); text-decoration: underline; }"));
    m_undoButton->setToolTip(tr("Put the deleted run back (Ctrl+Z)"));
    m_undoButton->hide();
    statusBar()->insertPermanentWidget(0, m_undoButton);
    m_undoDelete = new QAction(tr("Undo delete run"), this);
    m_undoDelete->setShortcut(QKeySequence::Undo);
    m_undoDelete->setEnabled(false);
    addAction(m_undoDelete);
    m_undoTimer = new QTimer(this);
    m_undoTimer->setSingleShot(true);
    m_undoTimer->setInterval(kUndoMs);
    connect(m_undoTimer, &QTimer::timeout, this, &MainWindow::dropUndo);
    connect(m_undoButton, &QPushButton::clicked, this, &MainWindow::undoDeleteRun);
    connect(m_undoDelete, &QAction::triggered, this, &MainWindow::undoDeleteRun);
}

void MainWindow::dropUndo() {
    m_deleted = {};
    m_undoTimer->stop();
    m_undoButton->hide();
    m_undoDelete->setEnabled(false);
}

QString MainWindow::deleteRun(int id) {
    const core::RunRecord *run = m_runs->record(id);
    if (!run)
        return tr("No run %1").arg(id);
    if (id == m_liveRun && m_controller->isLive()) {
        const QString why = tr("Run %1 is training: stop it before deleting it").arg(id);
        statusBar()->showMessage(why, 5000);
        return why;
    }
    const QString label = runLabel(*run);
    m_deleted = m_runs->removeRun(id);
    m_undoButton->show();
    m_undoDelete->setEnabled(true);
    m_undoTimer->start();
    statusBar()->showMessage(tr("Deleted %1").arg(label), kUndoMs);
    return {};
}

bool MainWindow::undoDeleteRun() {
    if (m_deleted.row < 0)
        return false;
    const RunList::Removed removed = m_deleted;
    dropUndo();
    m_runs->restoreRun(removed.record, removed.row);
    m_runsPanel->selectRun(removed.record.id);
    statusBar()->showMessage(tr("Restored %1").arg(runLabel(removed.record)), 5000);
    return true;
}

} // namespace posenc::ui
