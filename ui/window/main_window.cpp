#include "window/main_window.h"

#include "dialogs/about_dialog.h"
#include "plots/curves_view.h"
#include "plots/extrapolation_view.h"
#include "plots/heatmap_view.h"
#include "plots/loss_view.h"
#include "plots/similarity_view.h"
#include "train/trainer.h"
#include "window/action_util.h"
#include "window/encoding_display.h"
#include "window/file_actions.h"
#include "window/lab_actions.h"
#include "window/run_list.h"
#include "window/run_tracker.h"
#include "window/runs_panel.h"
#include "window/settings_panel.h"
#include "window/training_status.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

namespace posenc::ui {

namespace {
const QString kConfigKey = QStringLiteral("settings/config");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kSplitVKey = QStringLiteral("window/splitV");
const QString kSplitHKey = QStringLiteral("window/splitEncoding"); // heatmap over curves
const QString kDirKey = QStringLiteral("window/lastDir");
const QString kLogKey = QStringLiteral("loss/log");
const QString kSmoothKey = QStringLiteral("loss/smoothing");
} // namespace

MainWindow::MainWindow(const core::CliOptions &options, QWidget *parent) : QMainWindow(parent) {
    setWindowTitle(tr("PosEnc Studio"));
    setWindowIcon(appIcon());
    m_controller = new core::TrainingController(this);
    m_runs = new RunList(this);
    m_tracker = new RunTracker(m_runs, this);
    createSettingsDock();
    createViews();
    createRunsDock();
    m_display = new EncodingDisplay(m_controller, m_heatmap, m_curves, m_similarity, this);
    connectSettings();
    connectController();
    connectRuns();
    createActions(); // after connectController: the Compare queue hears a run end after the window
    createStatusBar();
    restoreSettings(options);
    updateActions(m_controller->state());
    if (options.autoStart)
        QTimer::singleShot(0, this, &MainWindow::startOrPause);
}

void MainWindow::createSettingsDock() {
    m_settings = new SettingsPanel;
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_settings);
    scroll->setWidgetResizable(true);
    // Only vertical scrolling: the dock is as wide as the fields need, plus a vertical scroll bar.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(m_settings->minimumSizeHint().width() +
                            scroll->style()->pixelMetric(QStyle::PM_ScrollBarExtent) +
                            2 * scroll->frameWidth());
    auto *dock = new QDockWidget(tr("Settings"), this);
    m_settingsDock = dock;
    dock->setObjectName(QStringLiteral("settingsDock"));
    dock->setWidget(scroll);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
}

void MainWindow::createViews() {
    m_heatmap = new HeatmapView;
    m_curves = new CurvesView;
    m_loss = new LossView;
    m_similarity = new SimilarityView;
    m_extrapolation = new ExtrapolationView;
    // The heatmap keeps the whole width (its readout is one long line); the curves sit under it.
    m_encodingSplit = new QSplitter(Qt::Vertical);
    m_encodingSplit->addWidget(m_heatmap);
    m_encodingSplit->addWidget(m_curves);
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("viewTabs"));
    m_tabs->addTab(m_encodingSplit, tr("Encoding"));
    m_tabs->addTab(m_similarity, tr("Similarity"));
    m_tabs->addTab(m_extrapolation, tr("Extrapolation"));
    m_tabs->setTabToolTip(0, tr("The PE table as a heatmap and as curves per dimension"));
    m_tabs->setTabToolTip(1, tr("How alike positions are under the encoding, and against their offset"));
    m_tabs->setTabToolTip(2, tr("Each finished run's probe loss against sequence length"));
    m_vertical = new QSplitter(Qt::Vertical);
    m_vertical->addWidget(m_tabs);
    m_vertical->addWidget(m_loss);
    for (QSplitter *s : {m_vertical, m_encodingSplit}) {
        s->setChildrenCollapsible(false);
        s->setStretchFactor(0, 1);
        s->setStretchFactor(1, 1);
    }
    setCentralWidget(m_vertical);
}

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

void MainWindow::createStatusBar() {
    auto *undo = new QPushButton(tr("Undo"));
    undo->setObjectName(QStringLiteral("undoDelete"));
    undo->setFlat(true);
    undo->setCursor(Qt::PointingHandCursor);
    undo->setStyleSheet(QStringLiteral("QPushButton { color: palette(link); text-decoration: underline; }"));
    undo->setToolTip(tr("Put the deleted run back (Ctrl+Z)"));
    undo->hide();
    m_undoDelete = new QAction(tr("Undo delete run"), this);
    m_undoDelete->setShortcut(QKeySequence::Undo);
    m_undoDelete->setEnabled(false);
    addAction(m_undoDelete);
    connect(undo, &QPushButton::clicked, m_tracker, &RunTracker::undoDelete);
    connect(m_undoDelete, &QAction::triggered, m_tracker, &RunTracker::undoDelete);
    connect(m_tracker, &RunTracker::undoAvailable, this, [this, undo](bool available) {
        undo->setVisible(available);
        m_undoDelete->setEnabled(available);
    });
    m_status = new TrainingStatus;
    statusBar()->addPermanentWidget(undo);
    statusBar()->addPermanentWidget(m_status);
}

void MainWindow::createActions() {
    m_files =
        new FileActions(this, m_controller, m_settings,
                        {m_heatmap, m_curves, m_loss, m_similarity, m_extrapolation}, m_tracker, m_display);
    m_lab = new LabActions(this, m_controller, m_settings, m_runs, m_tracker, m_files);
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QMenu *training = menuBar()->addMenu(tr("&Training"));
    QMenu *view = menuBar()->addMenu(tr("&View"));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    createTrainingMenu(training);
    QAction *compare = m_lab->addCompareAction(training);
    QAction *exportHeatmap = m_files->addExportActions(file);
    file->addSeparator();
    m_files->addCheckpointActions(file);
    file->addSeparator();
    m_lab->addSessionActions(file);
    file->addSeparator();
    QAction *quit = addMenuAction(file, tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q),
                                  tr("Stop any run and quit"), this, [this] { close(); });
    quit->setMenuRole(QAction::QuitRole);
    createViewMenu(view);
    createHelpMenu(help);

    QToolBar *bar = addToolBar(tr("Training"));
    bar->setObjectName(QStringLiteral("trainingToolbar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_startPause);
    bar->addAction(m_stop);
    bar->addAction(m_reset);
    bar->addAction(compare);
    bar->addSeparator();
    bar->addAction(exportHeatmap);
}

void MainWindow::createTrainingMenu(QMenu *training) {
    m_startPause = training->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Start"));
    m_startPause->setShortcut(Qt::Key_Space);
    connect(m_startPause, &QAction::triggered, this, &MainWindow::startOrPause);
    // Space goes to a focused field, so Return in a field and Ctrl+Return anywhere start a run too.
    auto *startAnywhere = new QAction(tr("Start from a field"), this);
    startAnywhere->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    addAction(startAnywhere);
    const auto startIfIdle = [this] {
        if (m_controller->state() == core::TrainingController::State::Idle)
            startOrPause();
    };
    connect(startAnywhere, &QAction::triggered, this, startIfIdle);
    connect(m_settings, &SettingsPanel::returnPressed, this, startIfIdle);
    m_stop = training->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("St&op"));
    m_stop->setShortcut(Qt::Key_Escape);
    setTip(m_stop, tr("Stop training; the loss history stays"));
    connect(m_stop, &QAction::triggered, this, &MainWindow::stopRun);
    m_reset = training->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("&Reset"));
    m_reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    setTip(m_reset, tr("Remove every run: the Runs panel, the loss plot and the probes"));
    connect(m_reset, &QAction::triggered, this, &MainWindow::resetRun);
}

void MainWindow::createViewMenu(QMenu *view) {
    addMenuAction(view, tr("Reset &views"), QKeySequence(Qt::CTRL | Qt::Key_0),
                  tr("Show the whole heatmap and curves again"), this, [this] {
                      m_heatmap->resetView();
                      m_curves->resetView();
                  });
    QAction *logScale = view->addAction(tr("&Log-scale loss"));
    logScale->setCheckable(true);
    logScale->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    setTip(logScale, tr("Logarithmic y axis on the loss plot"));
    connect(logScale, &QAction::toggled, m_loss, &LossView::setLogScale);
    connect(view, &QMenu::aboutToShow, logScale,
            [this, logScale] { logScale->setChecked(m_loss->logScale()); });
    view->addAction(m_settingsDock->toggleViewAction());
    view->addAction(m_runsDock->toggleViewAction());
}

void MainWindow::createHelpMenu(QMenu *help) {
    addMenuAction(help, tr("&Keyboard shortcuts"), QKeySequence::HelpContents, tr("List the shortcuts"), this,
                  [this] {
                      QMessageBox::information(
                          this, tr("Keyboard shortcuts"),
                          tr("Space\tStart / Pause / Resume\nReturn in a field, "
                             "Ctrl+Return\tStart\nEsc\tStop\nCtrl+R\tReset the loss plot\n"
                             "Ctrl+E\tExport heatmap\nCtrl+S\tSave checkpoint\nCtrl+O\tLoad checkpoint\n"
                             "Ctrl+L\tLog-scale loss\nCtrl+0\tReset views\nDelete\tDelete the selected run "
                             "(Runs panel)\n"
                             "Ctrl+Z\tUndo the delete\nCtrl+Q\tQuit\n\n"
                             "Heatmap and plots: wheel zooms, drag pans, double-click resets."));
                  });
    addMenuAction(help, tr("&About PosEnc Studio"), {},
                  tr("Version, LibTorch and Qt versions, training threads"), this, [this] {
                      auto *about = new AboutDialog(core::recommendedThreads(m_settings->config()), this);
                      about->setAttribute(Qt::WA_DeleteOnClose);
                      about->open();
                  });
}

void MainWindow::restoreSettings(const core::CliOptions &options) {
    QSettings s;
    core::TrainConfig config;
    core::fromText(s.value(kConfigKey).toString(), &config);
    // Options given on the command line win over the remembered ones.
    config = core::withGivenOptions(config, options);
    m_settings->setConfig(config);
    if (!restoreGeometry(s.value(kGeometryKey).toByteArray()))
        resize(QSize(1600, 1000).boundedTo(screen()->availableGeometry().size() * 0.95));
    // First start: room for about five runs on a tall screen, two on a small one (1280x720), the rest
    // for the plots.
    if (!restoreState(s.value(kStateKey).toByteArray()))
        resizeDocks({m_runsDock}, {screen()->availableGeometry().height() >= 900 ? 170 : 90}, Qt::Vertical);
    if (!m_vertical->restoreState(s.value(kSplitVKey).toByteArray()))
        m_vertical->setSizes({600, 350});
    if (!m_encodingSplit->restoreState(s.value(kSplitHKey).toByteArray()))
        m_encodingSplit->setSizes({300, 300});
    m_loss->setLogScale(s.value(kLogKey, false).toBool());
    m_loss->setSmoothing(s.value(kSmoothKey, 0.9).toDouble());
    m_files->setLastDir(s.value(kDirKey, QDir::homePath()).toString());
    if (!options.continuePath.isEmpty())
        m_files->report(tr("Load failed"), m_files->loadCheckpoint(options.continuePath), QString());
    if (!options.sessionPath.isEmpty())
        m_files->report(tr("Open session failed"), m_lab->openSession(options.sessionPath), QString());
}

void MainWindow::saveSettings() const {
    QSettings s;
    s.setValue(kConfigKey, core::toText(m_settings->config()));
    s.setValue(kGeometryKey, saveGeometry());
    s.setValue(kStateKey, saveState());
    s.setValue(kSplitVKey, m_vertical->saveState());
    s.setValue(kSplitHKey, m_encodingSplit->saveState());
    s.setValue(kLogKey, m_loss->logScale());
    s.setValue(kSmoothKey, m_loss->smoothing());
    s.setValue(kDirKey, m_files->lastDir());
}

bool MainWindow::confirmQuit() {
    const bool live = m_controller->isLive();
    if (!live && !m_tracker->isUnsaved())
        return true;
    QMessageBox box(QMessageBox::Question, tr("Quit PosEnc Studio"),
                    live ? tr("A run is training. Stop the run and quit?")
                         : tr("The last run is not saved in a checkpoint. Quit anyway?"),
                    QMessageBox::NoButton, this);
    box.setObjectName(QStringLiteral("quitConfirm"));
    QPushButton *quit = box.addButton(live ? tr("Stop the run and quit") : tr("Quit without saving"),
                                      QMessageBox::DestructiveRole);
    QPushButton *save = box.addButton(tr("Save checkpoint and quit"), QMessageBox::AcceptRole);
    box.setDefaultButton(box.addButton(QMessageBox::Cancel));
    box.exec();
    if (box.clickedButton() == quit)
        return true;
    if (box.clickedButton() != save)
        return false;
    if (live)
        m_controller->pause(); // the checkpoint is taken between batches either way
    return m_files->saveCheckpointInteractive();
}

void MainWindow::closeEvent(QCloseEvent *event) {
    if (!confirmQuit()) {
        event->ignore();
        return;
    }
    saveSettings();
    m_lab->dropQueue(); // so that no queued run starts while the window closes
    // The controller joins the worker when destroyed; stopping first makes that one batch.
    m_controller->stop();
    event->accept();
}

QString MainWindow::statusText() const {
    return QStringLiteral("%1 | %2").arg(statusBar()->currentMessage(), m_status->text());
}

} // namespace posenc::ui
