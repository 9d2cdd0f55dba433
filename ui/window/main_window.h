#pragma once
// The main window: settings dock, the views in resizable splitters (tabs Encoding: PE heatmap and
// per-dimension curves, Similarity, Extrapolation; the loss plot below them), the Runs dock, the training
// controls, exports, and a status bar with progress, ETA, throughput and the last losses. Settings, geometry
// and dock state persist (QSettings).

#include "encoding/pe_table.h"
#include "encoding/pe_table_computer.h"
#include "lab/run_queue.h"
#include "settings/cli_options.h"
#include "settings/config.h"
#include "train/training_controller.h"
#include "train/training_types.h"
#include "window/run_list.h"

#include <QKeySequence>
#include <QMainWindow>

#include <functional>
#include <memory>

class QAction;
class QCustomPlot;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTemporaryDir;
class QTimer;

namespace posenc::ui {

class CurvesView;
class ExtrapolationView;
class HeatmapView;
class LossView;
class RecentFiles;
class RunsPanel;
class SettingsPanel;
class SimilarityView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Options given on the command line override the persisted settings.
    explicit MainWindow(const core::CliOptions &options = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The views a user can export.
    enum class View { Heatmap, Curves, Loss, Similarity, Extrapolation };
    // Exports a view at a size; empty string or the reason (also shown in a message box).
    QString exportView(View view, const QString &path, int width, int height, double scale = 1.0);
    // The file name an export of `view` is offered under, e.g. "pe_sinusoidal_d32_L100.png".
    QString defaultExportName(View view, const QString &suffix = QStringLiteral("png")) const;

    SettingsPanel *settingsPanel() const { return m_settings; }
    HeatmapView *heatmapView() const { return m_heatmap; }
    CurvesView *curvesView() const { return m_curves; }
    LossView *lossView() const { return m_loss; }
    SimilarityView *similarityView() const { return m_similarity; }
    ExtrapolationView *extrapolationView() const { return m_extrapolation; }
    // The tabs of the top area: "Encoding", "Similarity", "Extrapolation".
    QTabWidget *viewTabs() const { return m_tabs; }
    core::TrainingController *controller() const { return m_controller; }
    // The session's runs (one row each in the Runs panel) and the panel's dock.
    RunList *runList() const { return m_runs; }
    RunsPanel *runsPanel() const { return m_runsPanel; }
    QDockWidget *runsDock() const { return m_runsDock; }
    // The run the worker trains or last trained (0 before the first Start).
    int liveRunId() const { return m_liveRun; }
    // Removes run `id` (undo from the status bar or Ctrl+Z for a few seconds); empty string, or why
    // not (a live run cannot be deleted). Also the Runs panel's Delete.
    QString deleteRun(int id);
    // Puts the last deleted run back at its row, while the undo is offered; false when none is.
    bool undoDeleteRun();
    // Ctrl+Z: enabled while a deleted run can come back.
    QAction *undoDeleteAction() const { return m_undoDelete; }
    QAction *startPauseAction() const { return m_startPause; }
    QAction *stopAction() const { return m_stop; }
    QAction *resetAction() const { return m_reset; }
    QString statusText() const;

    // Asks for a path: with `folder` a folder to write to again after a failed write, else a file
    // name to save under (`start` is the suggestion). Dialogs by default; tests set their own.
    using PathChooser = std::function<QString(const QString &title, const QString &start, bool folder)>;
    void setPathChooser(const PathChooser &chooser) { m_choosePath = chooser; }

    // File actions without dialogs (the menu items ask for the path, then call these).
    QString saveCheckpoint(const QString &path);
    // Takes `path` by value: it may name a file held by the run list or the recent files, which loading
    // changes.
    QString loadCheckpoint(QString path);
    QString exportStateDict(const QString &path);
    QString exportPeCsv(const QString &path);
    QString exportLossCsv(const QString &path);
    // Sessions: every run (settings, status, losses, probe, checkpoint) in one folder, and back. Opening
    // replaces the current runs; a damaged or newer session changes nothing. Empty string or the reason.
    QString saveSession(const QString &folder);
    QString openSession(const QString &path); // the folder or its session.json
    // Compare…: one queued row per config, trained one after another (the dialog calls this).
    void queueComparison(const QVector<core::TrainConfig> &configs);
    core::RunQueue *runQueue() const { return m_queue; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // Asks before quitting while a run is live or unsaved: stop and quit, save and quit, or cancel.
    // True when the window may close.
    bool confirmQuit();
    // The constructor's steps: the settings dock, the views (tabs over the loss plot), and the
    // connections from the settings and from the training controller.
    void createSettingsDock();
    // The lab workflow (main_window_session.cpp): Compare… and its queue, a kept checkpoint per finished
    // run, and the session actions.
    QAction *createCompareAction(QMenu *training);
    void connectQueue();
    // After a Stop with queued runs left: drop them or train them.
    void askDropQueue(int pending);
    void dropQueue();
    void keepRunCheckpoint(int id);
    void createSessionActions(QMenu *file);
    // The Runs dock over m_runs, and the views following the runs (colour, visibility, data).
    void createRunsDock();
    void connectRuns();
    void addRunToViews(int id);
    // Run `id`'s curve in "similarity vs offset": drawn while it is visible and has a table, else removed.
    void showRunCurve(int id);
    // Shows run `id`'s encoding (its trained table, or its config's table) and probe; 0: the settings'.
    void showRun(int id);
    QString runLabel(const core::RunRecord &run) const;
    // The run's table as the similarity curve and the views show it.
    static core::PeTable tableOf(const core::RunRecord &run);
    // The status bar's Undo, offered for a few seconds after a delete.
    void createUndo();
    void dropUndo();
    void createViews();
    void connectSettings();
    void connectController();
    void createActions();
    // One function per menu; the file actions that ask for a path share addFileAction.
    void createTrainingMenu(QMenu *training);
    QAction *createExportActions(QMenu *file); // returns the heatmap export, for the toolbar
    void createCheckpointActions(QMenu *file);
    void createViewMenu(QMenu *view);
    void createHelpMenu(QMenu *help);
    QAction *addMenuAction(QMenu *menu, const QString &text, const QKeySequence &keys, const QString &tip,
                           const std::function<void()> &slot);
    // A menu entry that asks for a path (save or open), does `act` with it and reports the result.
    struct FileAction {
        QString text, tip;
        QKeySequence keys;
        QString title, defaultName, filter;
        bool save = true;
        std::function<QString(const QString &)> act;
        QString done; // the status message on success, with %1 for the path; empty for none
    };
    QAction *addFileAction(QMenu *menu, const FileAction &action);
    void createStatusBar();
    // File > Open Recent: loads a remembered checkpoint, or notes in the status bar that it is gone.
    void createRecentMenu(QMenu *file);
    void restoreSettings(const core::CliOptions &options);
    void saveSettings() const;

    void startOrPause();
    void stopRun();
    void resetRun();
    void refreshEncoding();
    // Shows a PE table in the heatmap and the curves.
    void showTable(const core::PeTable &table, const core::EncodingConfig &encoding);
    void showTableFor(const core::PeTable &table, const core::TrainConfig &config);
    // The PE table the views show for `config` (and the CSV export writes).
    core::PeTable displayedTable(const core::TrainConfig &config) const;
    // True when a learned encoding is shown as the held run's table (trained, or loaded from a
    // checkpoint) rather than as the table a new run starts from.
    bool showsRunTable(const core::TrainConfig &config) const;
    QCustomPlot *plotOf(View view) const;
    void updateActions();
    void onProgress(const core::Progress &progress);
    void onEpoch(const core::EpochStats &stats);
    void onFinished(const core::TrainResult &result);
    void showError(const QString &title, const QString &text);
    QString askPath(const QString &title, const QString &defaultName, const QString &filter, bool save);
    void exportViewInteractive(View view);
    // Reports a file action's result in the status bar, or its error in a message box.
    void report(const QString &title, const QString &error, const QString &success);
    // Writes with `write` to `path` and reports it; a failed write offers another folder (same file
    // name) until a write succeeds or the user cancels, the held run untouched. Returns the first
    // attempt's error; `done` is the status message, with %1 for the path written.
    QString writeOrOfferFolder(const QString &title, const QString &path,
                               const std::function<QString(const QString &)> &write, const QString &done);

    SettingsPanel *m_settings = nullptr;
    HeatmapView *m_heatmap = nullptr;
    CurvesView *m_curves = nullptr;
    LossView *m_loss = nullptr;
    SimilarityView *m_similarity = nullptr;
    ExtrapolationView *m_extrapolation = nullptr;
    QTabWidget *m_tabs = nullptr;
    QSplitter *m_vertical = nullptr;
    QSplitter *m_encodingSplit = nullptr;
    core::TrainingController *m_controller = nullptr;
    RunList *m_runs = nullptr; // the session's runs: the one list the views follow
    RunsPanel *m_runsPanel = nullptr;
    QDockWidget *m_settingsDock = nullptr;
    QDockWidget *m_runsDock = nullptr;
    int m_liveRun = 0;          // the run the controller trains or last trained
    int m_loadedRunId = 0;      // the loaded checkpoint's row: Continue trains on in it
    RunList::Removed m_deleted; // the last deleted run, while its undo is offered
    QPushButton *m_undoButton = nullptr;
    QTimer *m_undoTimer = nullptr;
    QAction *m_undoDelete = nullptr;
    core::PeTableComputer *m_tables = nullptr; // computes the shown PE table off the GUI thread
    RecentFiles *m_recent = nullptr;           // checkpoints saved or loaded, for File > Open Recent
    RecentFiles *m_recentSessions = nullptr;   // sessions saved or opened
    core::RunQueue *m_queue = nullptr;         // Compare…'s runs, one after another
    QVector<int> m_queuedIds;                  // their rows, in queue order
    int m_nextQueuedId = 0;                    // the queued row the next runStarted trains in
    std::unique_ptr<QTemporaryDir> m_runFiles; // each finished run's checkpoint, until saved in a session

    QAction *m_startPause = nullptr;
    QAction *m_stop = nullptr;
    QAction *m_reset = nullptr;

    QProgressBar *m_progress = nullptr;
    QLabel *m_eta = nullptr;
    QLabel *m_speed = nullptr;
    QLabel *m_losses = nullptr;

    bool m_loadedRun = false;         // a checkpoint is loaded and Start continues it
    bool m_unsaved = false;           // a run trained since the last saved checkpoint
    bool m_resetPending = false;      // Reset was pressed mid-run: it acts when the run has stopped
    core::TrainConfig m_loadedConfig; // its settings; changing any but the epochs starts afresh
    QString m_lastDir;
    PathChooser m_choosePath; // empty: file dialogs
};

} // namespace posenc::ui
