#include "window/lab_actions.h"

#include "dialogs/compare_dialog.h"
#include "lab/run_queue.h"
#include "lab/session.h"
#include "train/training_controller.h"
#include "window/action_util.h"
#include "window/file_actions.h"
#include "window/recent_files.h"
#include "window/run_list.h"
#include "window/run_tracker.h"
#include "window/settings_panel.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTemporaryDir>

namespace posenc::ui {

namespace {
const QString kRecentSessionsKey = QStringLiteral("files/recentSessions");

// "1 run", "3 runs"; with another noun, "1 queued run", "2 queued runs".
QString runCount(int n, const QString &noun = QObject::tr("run")) {
    return QStringLiteral("%1 %2%3").arg(n).arg(noun, n == 1 ? QString() : QStringLiteral("s"));
}
} // namespace

LabActions::LabActions(QMainWindow *window, core::TrainingController *controller, SettingsPanel *settings,
                       RunList *runs, RunTracker *tracker, FileActions *files)
    : QObject(window), m_window(window), m_controller(controller), m_settings(settings), m_runs(runs),
      m_tracker(tracker), m_files(files), m_queue(new core::RunQueue(controller, this)) {
    connectQueue();
}

LabActions::~LabActions() = default;

QAction *LabActions::addCompareAction(QMenu *training) {
    return addMenuAction(training, tr("Co&mpare…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M),
                         tr("Train one run per checked encoding and backbone with the current settings, "
                            "one after another, side by side in the Runs panel"),
                         this, [this] {
                             CompareDialog dialog(m_settings->config(), m_window);
                             if (dialog.exec() == QDialog::Accepted)
                                 queueComparison(dialog.configs());
                         });
}

void LabActions::queueComparison(const QVector<core::TrainConfig> &configs) {
    if (configs.isEmpty())
        return;
    m_tracker->queue(configs);
    m_queue->enqueue(configs);
    m_window->statusBar()->showMessage(tr("Queued %1 to compare").arg(runCount(int(configs.size()))));
}

void LabActions::connectQueue() {
    connect(m_queue, &core::RunQueue::runStarting, this,
            [this](const core::TrainConfig &config, int index, int total) {
                m_tracker->queuedRunStarting();
                m_window->statusBar()->showMessage(
                    tr("Comparison: run %1 of %2 · %3").arg(index + 1).arg(total).arg(core::runName(config)));
            });
    connect(m_queue, &core::RunQueue::runRejected, this,
            [this](const core::TrainConfig &config, const QString &why) {
                m_tracker->queuedRunRejected();
                showError(m_window, tr("Run skipped"), core::runName(config) + QStringLiteral(": ") + why);
            });
    connect(m_queue, &core::RunQueue::stoppedWithPending, this, &LabActions::askDropQueue);
    connect(m_queue, &core::RunQueue::queueFinished, this, [this] {
        m_window->statusBar()->showMessage(tr("Comparison done: every queued run has trained"));
    });
}

void LabActions::askDropQueue(int pending) {
    QMessageBox box(QMessageBox::Question, tr("Stop the comparison?"),
                    tr("The run was stopped. %1 of the comparison did not start yet.")
                        .arg(runCount(pending, tr("queued run"))),
                    QMessageBox::NoButton, m_window);
    box.setObjectName(QStringLiteral("dropQueueQuestion"));
    QPushButton *drop = box.addButton(tr("Drop the rest"), QMessageBox::DestructiveRole);
    box.addButton(tr("Train them"), QMessageBox::AcceptRole);
    box.setDefaultButton(drop);
    box.setEscapeButton(drop);
    box.exec();
    if (box.clickedButton() == drop)
        dropQueue();
    else
        m_queue->resumeQueue();
}

void LabActions::dropQueue() {
    m_queue->dropPending();
    m_tracker->dropQueued();
}

void LabActions::keepRunCheckpoint(int id) {
    if (!m_runs->record(id))
        return;
    if (!m_runFiles)
        m_runFiles = std::make_unique<QTemporaryDir>();
    const QString path = m_runFiles->filePath(core::sessionCheckpointName(id));
    if (m_runFiles->isValid() && m_controller->saveCheckpoint(path).isEmpty())
        m_runs->setCheckpoint(id, path);
}

void LabActions::addSessionActions(QMenu *file) {
    m_files->addFileAction(
        file,
        {tr("Save sess&ion…"), tr("Save every run (settings, losses, probes and checkpoints) in one folder"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), tr("Save session"), QStringLiteral("session"),
         tr("Session folders (*)"), true, [this](const QString &path) { return saveSession(path); },
         tr("Saved the session in %1")});
    m_files->addFileAction(file, {tr("Op&en session…"),
                                  tr("Open a saved session: its runs replace the current ones"),
                                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), tr("Open session"),
                                  QString(), tr("Sessions (session.json)"), false,
                                  [this](const QString &path) { return openSession(path); }, QString()});
    m_recentSessions = new RecentFiles(kRecentSessionsKey, file, tr("Open Recent Sess&ion"));
    m_recentSessions->menu()->setObjectName(QStringLiteral("recentSessionsMenu"));
    connect(m_recentSessions, &RecentFiles::chosen, this, [this](const QString &path) {
        m_files->report(tr("Open session failed"), openSession(path), QString());
    });
    connect(m_recentSessions, &RecentFiles::missing, this, [this](const QString &path) {
        m_window->statusBar()->showMessage(
            tr("%1 no longer exists; removed from the recent sessions").arg(path));
    });
}

QString LabActions::saveSession(const QString &folder) {
    if (m_controller->isLive() || m_controller->runConfig(nullptr))
        keepRunCheckpoint(m_tracker->liveRunId()); // the live or held run as it is now
    QVector<core::RunRecord> records;
    for (int id : m_runs->ids())
        if (m_runs->record(id)->status != core::RunStatus::Queued)
            records << *m_runs->record(id);
    if (records.isEmpty())
        return tr("There is no run to save yet: train or compare first");
    const QString error = core::saveSession(folder, records);
    if (!error.isEmpty())
        return error;
    m_recentSessions->add(QDir(folder).filePath(QString::fromLatin1(core::kSessionFileName)));
    m_tracker->markSaved();
    return {};
}

QString LabActions::openSession(const QString &path) {
    if (m_controller->isLive())
        return tr("Stop the run before opening a session");
    const QString folder = QFileInfo(path).isDir() ? path : QFileInfo(path).absolutePath();
    QVector<core::RunRecord> records;
    const QString error = core::loadSession(folder, &records);
    if (!error.isEmpty())
        return error; // the current runs stay as they were
    dropQueue();
    m_tracker->dropUndo();
    m_runs->clear(); // the views follow
    for (int i = 0; i < records.size(); ++i) {
        core::RunRecord &run = records[i];
        // A run saved while it trained (or waited in the queue) is not training now.
        if (run.status == core::RunStatus::Training || run.status == core::RunStatus::Paused ||
            run.status == core::RunStatus::Queued)
            run.status = core::RunStatus::Stopped;
        m_runs->restoreRun(run, i); // under its saved id, so it keeps its colour
    }
    m_tracker->forgetRuns();
    m_recentSessions->add(QDir(folder).filePath(QString::fromLatin1(core::kSessionFileName)));
    m_window->statusBar()->showMessage(tr("Opened %1 from %2").arg(runCount(int(records.size())), folder));
    return {};
}

} // namespace posenc::ui
