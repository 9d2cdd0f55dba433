#pragma once
// The main window lays out and wires: the settings dock, the views in resizable splitters (tabs
// Encoding: PE heatmap and per-dimension curves, Similarity, Extrapolation; the loss plot below them),
// the Runs dock, the menus and the training toolbar, and a status bar with the training figures.
// Others decide: RunTracker which row the training writes to (and the undo of a delete),
// EncodingDisplay which table the encoding views show, FileActions the exports and checkpoints,
// LabActions Compare… and sessions. Settings, geometry and dock state persist (QSettings).

#include "settings/cli_options.h"
#include "settings/config.h"
#include "train/training_controller.h"
#include "train/training_types.h"

#include <QMainWindow>

class QAction;
class QDockWidget;
class QMenu;
class QSplitter;
class QTabWidget;

namespace posenc::ui {

class CurvesView;
class EncodingDisplay;
class ExtrapolationView;
class FileActions;
class HeatmapView;
class LabActions;
class LossView;
class RunList;
class RunTracker;
class RunsPanel;
class SettingsPanel;
class SimilarityView;
class TrainingStatus;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Options given on the command line override the persisted settings.
    explicit MainWindow(const core::CliOptions &options = {}, QWidget *parent = nullptr);

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
    // Which row is live, loaded or queued; delete and undo of runs.
    RunTracker *runTracker() const { return m_tracker; }
    // Exports, CSVs, checkpoints and the path chooser; Compare… and sessions.
    FileActions *fileActions() const { return m_files; }
    LabActions *labActions() const { return m_lab; }
    // Ctrl+Z: enabled while a deleted run can come back.
    QAction *undoDeleteAction() const { return m_undoDelete; }
    QAction *startPauseAction() const { return m_startPause; }
    QAction *stopAction() const { return m_stop; }
    QAction *resetAction() const { return m_reset; }
    // The status bar as shown: the message, then the training figures.
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // Asks before quitting while a run is live or unsaved: stop and quit, save and quit, or cancel.
    // True when the window may close.
    bool confirmQuit();
    // The layout: the settings dock, the views (tabs over the loss plot), the Runs dock, the status
    // bar (training figures and the Undo of a delete).
    void createSettingsDock();
    void createViews();
    void createRunsDock();
    void createStatusBar();
    // The menus and the toolbar; one function per menu the window builds itself.
    void createActions();
    void createTrainingMenu(QMenu *training);
    void createViewMenu(QMenu *view);
    void createHelpMenu(QMenu *help);
    // The wiring: settings to the views, the controller to the runs and the status bar (every
    // connection to the controller is in connectController), the runs to the views.
    void connectSettings();
    void connectController();
    void connectRuns();
    void restoreSettings(const core::CliOptions &options);
    void saveSettings() const;

    void startOrPause();
    void stopRun();
    void resetRun();
    // Start/Pause/Resume/Continue, Stop and the locked fields for the controller's `state`.
    void updateActions(core::TrainingController::State state);
    void onFinished(const core::TrainResult &result);
    // The views following the runs: a new or restored run's curves, its "similarity vs offset" curve
    // (drawn while it is visible and has a table), and the selected run's encoding and probe (0: the
    // settings').
    void addRunToViews(int id);
    void showRunCurve(int id);
    void showRun(int id);

    SettingsPanel *m_settings = nullptr;
    HeatmapView *m_heatmap = nullptr;
    CurvesView *m_curves = nullptr;
    LossView *m_loss = nullptr;
    SimilarityView *m_similarity = nullptr;
    ExtrapolationView *m_extrapolation = nullptr;
    QTabWidget *m_tabs = nullptr;
    QSplitter *m_vertical = nullptr;
    QSplitter *m_encodingSplit = nullptr;
    QDockWidget *m_settingsDock = nullptr;
    QDockWidget *m_runsDock = nullptr;
    RunsPanel *m_runsPanel = nullptr;
    TrainingStatus *m_status = nullptr;

    core::TrainingController *m_controller = nullptr;
    RunList *m_runs = nullptr; // the session's runs: the one list the views follow
    RunTracker *m_tracker = nullptr;
    EncodingDisplay *m_display = nullptr;
    FileActions *m_files = nullptr;
    LabActions *m_lab = nullptr;

    QAction *m_startPause = nullptr;
    QAction *m_stop = nullptr;
    QAction *m_reset = nullptr;
    QAction *m_undoDelete = nullptr;

    bool m_settingsValid = false; // the settings as last told have no problem: Start may run them
    bool m_resetPending = false;  // Reset was pressed mid-run: it acts when the run has stopped
};

} // namespace posenc::ui
