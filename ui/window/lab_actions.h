#pragma once
// The lab workflow's actions: Training > Compare… (the dialog, the run queue that trains its runs
// one after another, what happens to the rest when one is stopped), the checkpoint kept for every
// finished run, and sessions (File > Save session…, Open session…, Open Recent Session): every run
// in one folder, and back. Calls without dialogs return an empty string or the reason.

#include "settings/config.h"

#include <QObject>
#include <QVector>

#include <memory>

class QAction;
class QMainWindow;
class QMenu;
class QTemporaryDir;

namespace posenc::core {
class RunQueue;
class TrainingController;
} // namespace posenc::core

namespace posenc::ui {

class FileActions;
class RecentFiles;
class RunList;
class RunTracker;
class SettingsPanel;

class LabActions : public QObject {
    Q_OBJECT
public:
    // Acts on `window`'s runs; dialogs and messages go to `window`, file entries through `files`.
    LabActions(QMainWindow *window, core::TrainingController *controller, SettingsPanel *settings,
               RunList *runs, RunTracker *tracker, FileActions *files);
    ~LabActions() override;

    // Training > Compare… (returned, for the toolbar).
    QAction *addCompareAction(QMenu *training);
    // File > Save session…, Open session… and Open Recent Session.
    void addSessionActions(QMenu *file);

    // One queued row per config, trained one after another (the Compare dialog calls this).
    void queueComparison(const QVector<core::TrainConfig> &configs);
    // Drops the queued runs that have not started, and their rows.
    void dropQueue();
    core::RunQueue *runQueue() const { return m_queue; }
    // Keeps run `id`'s checkpoint (the held run as it is now) for a session to save.
    void keepRunCheckpoint(int id);
    // Sessions: every run (settings, status, losses, probe, checkpoint) in one folder, and back.
    // Opening replaces the current runs; a damaged or newer session changes nothing. Empty string
    // or the reason.
    QString saveSession(const QString &folder);
    QString openSession(const QString &path); // the folder or its session.json

private:
    void connectQueue();
    // After a Stop with queued runs left: drop them or train them.
    void askDropQueue(int pending);

    QMainWindow *m_window;
    core::TrainingController *m_controller;
    SettingsPanel *m_settings;
    RunList *m_runs;
    RunTracker *m_tracker;
    FileActions *m_files;
    core::RunQueue *m_queue = nullptr;         // Compare…'s runs, one after another
    RecentFiles *m_recentSessions = nullptr;   // sessions saved or opened
    std::unique_ptr<QTemporaryDir> m_runFiles; // each finished run's checkpoint, until saved in a session
};

} // namespace posenc::ui
