#include "window/main_window.h"

#include "dialogs/about_dialog.h"
#include "encoding/compute_table.h"
#include "encoding/pe_table.h"
#include "plots/curves_view.h"
#include "plots/extrapolation_view.h"
#include "plots/heatmap_view.h"
#include "plots/loss_view.h"
#include "plots/palette.h"
#include "plots/plot_export.h"
#include "plots/similarity_view.h"
#include "train/trainer.h"
#include "window/recent_files.h"
#include "window/runs_panel.h"
#include "window/settings_panel.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolBar>

#include <cmath>
#include <utility>

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
// Typing a number waits this long for the next keystroke, so 5, 51, 512 computes 512 only.
constexpr int kTypingPauseMs = 300;
const QString kRecentKey = QStringLiteral("files/recentCheckpoints");

QString formatEta(double seconds) {
    if (seconds < 0 || !std::isfinite(seconds))
        return QStringLiteral("ETA —");
    const int s = int(std::lround(seconds));
    return QStringLiteral("ETA %1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

// Shows the shortcut in an action's tooltip, e.g. "Stop training (Esc)".
void setTip(QAction *action, const QString &tip) {
    const QString keys = action->shortcut().toString(QKeySequence::NativeText);
    action->setToolTip(keys.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, keys));
    action->setStatusTip(tip);
}
} // namespace

MainWindow::MainWindow(const core::CliOptions &options, QWidget *parent) : QMainWindow(parent) {
    setWindowTitle(tr("PosEnc Studio"));
    setWindowIcon(appIcon());
    m_controller = new core::TrainingController(this);
    m_runs = new RunList(this);
    createSettingsDock();
    createViews();
    createRunsDock();
    connectSettings();
    connectController();
    connectRuns();
    createActions();
    createStatusBar();
    createUndo();
    restoreSettings(options);
    refreshEncoding();
    updateActions();
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

void MainWindow::connectSettings() {
    // The computer coalesces bursts (a slider drag, d_model and max_len set together) itself.
    connect(m_settings, &SettingsPanel::encodingChanged, this, &MainWindow::refreshEncoding);
    m_tables = new core::PeTableComputer(this);
    connect(m_tables, &core::PeTableComputer::ready, this, &MainWindow::showTable);
    connect(m_settings, &SettingsPanel::configChanged, this, [this](const core::TrainConfig &config) {
        // Continue trains the loaded run up to the epochs box; any other change means a new run.
        core::TrainConfig other = config;
        other.epochs = m_loadedConfig.epochs;
        m_loadedRun = m_loadedRun && other == m_loadedConfig;
        m_similarity->setRunShape(config.heads, config.seqLen);
        updateActions();
    });
    connect(m_heatmap, &HeatmapView::hoveredPosition, m_curves, &CurvesView::setCursorPosition);
    connect(m_heatmap, &HeatmapView::positionRangeChanged, m_curves, &CurvesView::setPositionRange);
}

void MainWindow::connectController() {
    connect(m_controller, &core::TrainingController::stateChanged, this, &MainWindow::updateActions);
    connect(m_controller, &core::TrainingController::runStarted, this,
            [this](const core::TrainConfig &config, int startEpoch, qint64) {
                if (startEpoch == 0)
                    m_heatmap->resetColorRange(); // a fresh run's learned range starts again
                // A continued checkpoint trains on in its row (its curve goes on); anything else is a new
                // row.
                if (const int queued = std::exchange(m_nextQueuedId, 0); queued && m_runs->record(queued)) {
                    m_liveRun = queued;
                    m_runs->setStatus(m_liveRun, core::RunStatus::Training);
                    m_loss->setCurrentRun(m_liveRun);
                } else if (startEpoch > 0 && m_runs->record(m_loadedRunId)) {
                    m_liveRun = m_loadedRunId;
                    m_runs->setStatus(m_liveRun, core::RunStatus::Training);
                    m_loss->setCurrentRun(m_liveRun);
                } else {
                    m_liveRun = m_runs->addRun(config);
                }
                m_losses->setText(tr("train — · val —"));
            });
    connect(m_controller, &core::TrainingController::stateChanged, this,
            [this](core::TrainingController::State state) {
                // Start sets Running before the worker's runStarted names the new run: only a live row
                // follows.
                using State = core::TrainingController::State;
                const core::RunRecord *run = m_runs->record(m_liveRun);
                const bool live = run && (run->status == core::RunStatus::Training ||
                                          run->status == core::RunStatus::Paused);
                if (live && state != State::Idle)
                    m_runs->setStatus(m_liveRun, state == State::Paused ? core::RunStatus::Paused
                                                                        : core::RunStatus::Training);
            });
    connect(m_controller, &core::TrainingController::batchLosses, this,
            [this](const QVector<core::BatchLoss> &losses) { m_runs->appendBatchLosses(m_liveRun, losses); });
    connect(m_controller, &core::TrainingController::epochFinished, this, &MainWindow::onEpoch);
    connect(m_controller, &core::TrainingController::progress, this, &MainWindow::onProgress);
    connect(m_controller, &core::TrainingController::learnedTable, this, [this](const core::PeTable &table) {
        m_tables->cancel(); // the run's table is newer than any asked for before
        const core::RunRecord *run = m_runs->record(m_liveRun); // a queued run's kind may differ
        showTable(table, run ? run->config.encoding : m_settings->config().encoding);
        m_runs->setTable(m_liveRun, table);
    });
    connect(m_controller, &core::TrainingController::probed, this,
            [this](const core::ProbeResult &probe) { m_runs->setProbe(m_liveRun, probe); });
    connect(m_controller, &core::TrainingController::finished, this, &MainWindow::onFinished);
    connect(m_controller, &core::TrainingController::failed, this,
            [this](const QString &message) { showError(tr("Training could not start"), message); });
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QMenu *training = menuBar()->addMenu(tr("&Training"));
    QMenu *view = menuBar()->addMenu(tr("&View"));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    createTrainingMenu(training);
    QAction *compare = createCompareAction(training);
    QAction *exportHeatmap = createExportActions(file);
    file->addSeparator();
    createCheckpointActions(file);
    file->addSeparator();
    createSessionActions(file);
    file->addSeparator();
    QAction *quit = addMenuAction(file, tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q),
                                  tr("Stop any run and quit"), [this] { close(); });
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

QAction *MainWindow::addMenuAction(QMenu *menu, const QString &text, const QKeySequence &keys,
                                   const QString &tip, const std::function<void()> &slot) {
    QAction *action = menu->addAction(text);
    action->setShortcut(keys);
    setTip(action, tip);
    connect(action, &QAction::triggered, this, slot);
    return action;
}

QAction *MainWindow::addFileAction(QMenu *menu, const FileAction &a) {
    return addMenuAction(menu, a.text, a.keys, a.tip, [this, a] {
        const QString path = askPath(a.title, a.defaultName, a.filter, a.save);
        if (path.isEmpty())
            return;
        if (a.save)
            writeOrOfferFolder(tr("%1 failed").arg(a.title), path, a.act, a.done);
        else
            report(tr("Load failed"), a.act(path), a.done.isEmpty() ? QString() : a.done.arg(path));
    });
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

QAction *MainWindow::createExportActions(QMenu *file) {
    const struct {
        QString text, tip;
        View view;
    } pictures[] = {
        {tr("Export &heatmap…"), tr("Save the PE heatmap as PNG, JPG, PDF or SVG"), View::Heatmap},
        {tr("Export &curves…"), tr("Save the per-dimension curves as PNG, JPG, PDF or SVG"), View::Curves},
        {tr("Export &loss plot…"), tr("Save the loss plot as PNG, JPG, PDF or SVG"), View::Loss},
        {tr("Export &similarity…"),
         tr("Save the similarity matrix and offset curves as PNG, JPG, PDF or SVG"), View::Similarity},
        {tr("Export e&xtrapolation…"), tr("Save the probe loss plot as PNG, JPG, PDF or SVG"),
         View::Extrapolation},
    };
    QAction *heatmap = nullptr;
    for (const auto &p : pictures) {
        QAction *a = addMenuAction(
            file, p.text, p.view == View::Heatmap ? QKeySequence(Qt::CTRL | Qt::Key_E) : QKeySequence(),
            p.tip, [this, view = p.view] { exportViewInteractive(view); });
        if (p.view == View::Heatmap)
            heatmap = a;
    }
    heatmap->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    const QString csv = tr("CSV (*.csv)");
    const auto csvName = [this](View v) { return defaultExportName(v, QStringLiteral("csv")); };
    addFileAction(file, {tr("Export similarity as CSV…"),
                         tr("Save the similarity matrix as drawn (one row per cell)"),
                         {},
                         tr("Export similarity"),
                         csvName(View::Similarity),
                         csv,
                         true,
                         [this](const QString &path) {
                             m_similarity->refresh();
                             m_similarity->finishComputing();
                             return m_similarity->writeMatrixCsv(path);
                         },
                         tr("Saved similarity to %1")});
    addFileAction(file, {tr("Export extrapolation as CSV…"),
                         tr("Save each visible run's probe loss per length"),
                         {},
                         tr("Export extrapolation"),
                         csvName(View::Extrapolation),
                         csv,
                         true,
                         [this](const QString &path) { return m_extrapolation->writeCsv(path); },
                         tr("Saved extrapolation to %1")});
    addFileAction(file, {tr("Export PE matrix as CS&V…"),
                         tr("Save the PE table: one row per position"),
                         {},
                         tr("Export PE matrix"),
                         csvName(View::Heatmap),
                         csv,
                         true,
                         [this](const QString &path) { return exportPeCsv(path); },
                         tr("Saved PE matrix to %1")});
    addFileAction(file, {tr("Export loss &history as CSV…"),
                         tr("Save each epoch's train and validation loss"),
                         {},
                         tr("Export loss history"),
                         csvName(View::Loss),
                         csv,
                         true,
                         [this](const QString &path) { return exportLossCsv(path); },
                         tr("Saved loss history to %1")});
    return heatmap;
}

void MainWindow::createCheckpointActions(QMenu *file) {
    addFileAction(
        file, {tr("&Save checkpoint…"), tr("Save model, optimiser, settings and epoch, to continue later"),
               QKeySequence(Qt::CTRL | Qt::Key_S), tr("Save checkpoint"), QStringLiteral("checkpoint.pt"),
               tr("Checkpoints (*.pt)"), true, [this](const QString &path) { return saveCheckpoint(path); },
               tr("Saved checkpoint to %1")});
    addFileAction(file, {tr("&Load checkpoint…"), tr("Load a checkpoint; Start then continues its run"),
                         QKeySequence(Qt::CTRL | Qt::Key_O), tr("Load checkpoint"), QString(),
                         tr("Checkpoints (*.pt);;All files (*)"), false,
                         [this](const QString &path) { return loadCheckpoint(path); }, QString()});
    createRecentMenu(file);
    addFileAction(file, {tr("Export PyTorch &state_dict…"),
                         tr("Save the weights for torch.load and load_state_dict"),
                         {},
                         tr("Export state_dict"),
                         QStringLiteral("state_dict.pt"),
                         tr("PyTorch files (*.pt *.pth)"),
                         true,
                         [this](const QString &path) { return exportStateDict(path); },
                         tr("Saved state_dict to %1")});
}

void MainWindow::createViewMenu(QMenu *view) {
    addMenuAction(view, tr("Reset &views"), QKeySequence(Qt::CTRL | Qt::Key_0),
                  tr("Show the whole heatmap and curves again"), [this] {
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
    addMenuAction(help, tr("&Keyboard shortcuts"), QKeySequence::HelpContents, tr("List the shortcuts"),
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
                  tr("Version, LibTorch and Qt versions, training threads"), [this] {
                      auto *about = new AboutDialog(core::recommendedThreads(m_settings->config()), this);
                      about->setAttribute(Qt::WA_DeleteOnClose);
                      about->open();
                  });
}

void MainWindow::createStatusBar() {
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(280);
    m_progress->setTextVisible(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("idle"));
    m_progress->setToolTip(tr("Epoch and batch of the live run"));
    m_eta = new QLabel(tr("ETA —"));
    m_eta->setToolTip(tr("Estimated time left in the run"));
    m_speed = new QLabel(tr("— samples/s"));
    m_speed->setToolTip(tr("Training throughput of the last epoch"));
    m_losses = new QLabel(tr("train — · val —"));
    m_losses->setToolTip(tr("Last epoch's mean train loss and validation loss (MSE)"));
    statusBar()->addPermanentWidget(m_losses);
    statusBar()->addPermanentWidget(m_speed);
    statusBar()->addPermanentWidget(m_eta);
    statusBar()->addPermanentWidget(m_progress);
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
    m_lastDir = s.value(kDirKey, QDir::homePath()).toString();
    if (!options.continuePath.isEmpty())
        report(tr("Load failed"), loadCheckpoint(options.continuePath), QString());
    if (!options.sessionPath.isEmpty())
        report(tr("Open session failed"), openSession(options.sessionPath), QString());
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
    s.setValue(kDirKey, m_lastDir);
}

bool MainWindow::confirmQuit() {
    const bool live = m_controller->isLive();
    if (!live && !m_unsaved)
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
    const QString path =
        askPath(tr("Save checkpoint"), QStringLiteral("checkpoint.pt"), tr("Checkpoints (*.pt)"), true);
    const QString error = path.isEmpty() ? tr("not saved") : saveCheckpoint(path);
    report(tr("Save failed"), path.isEmpty() ? QString() : error, tr("Saved checkpoint to %1").arg(path));
    return error.isEmpty();
}

void MainWindow::closeEvent(QCloseEvent *event) {
    if (!confirmQuit()) {
        event->ignore();
        return;
    }
    saveSettings();
    dropQueue(); // so that no queued run starts while the window closes
    // The controller joins the worker when destroyed; stopping first makes that one batch.
    m_controller->stop();
    event->accept();
}

QString MainWindow::statusText() const {
    return QStringLiteral("%1 | %2 | %3 | %4 | %5")
        .arg(statusBar()->currentMessage(), m_losses->text(), m_speed->text(), m_eta->text(),
             m_progress->text());
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
    if (m_loadedRun) {
        m_controller->continueLoaded(m_settings->config().epochs);
        m_loadedRun = false;
    } else {
        m_controller->start(m_settings->config());
    }
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
        dropQueue(); // before the stop, so that it does not ask about the queue
        m_controller->stop();
        statusBar()->showMessage(tr("Stopping, then resetting…"));
        return;
    }
    dropUndo();
    dropQueue();
    m_runs->clear(); // the views follow, run by run
    m_loss->clear();
    m_extrapolation->clear();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("idle"));
    m_eta->setText(tr("ETA —"));
    m_speed->setText(tr("— samples/s"));
    m_losses->setText(tr("train — · val —"));
    refreshEncoding();
    statusBar()->showMessage(tr("Reset: the loss plot is empty"), 3000);
}

void MainWindow::refreshEncoding() {
    const core::TrainConfig config = m_settings->config();
    if (!core::validate(config.encoding).isEmpty()) {
        m_tables->cancel();
        return; // the settings panel shows why; the views keep the last valid table
    }
    if (showsRunTable(config)) {
        m_tables->cancel();
        showTable(displayedTable(config), config.encoding); // the held run's table, already computed
        return;
    }
    // Off the GUI thread; a typed number waits for the typing to pause, a slider shows at once.
    const bool typing = qobject_cast<QAbstractSpinBox *>(QApplication::focusWidget()) != nullptr;
    m_tables->request(config.encoding, config.seed, typing ? kTypingPauseMs : 0);
}

void MainWindow::showTable(const core::PeTable &table, const core::EncodingConfig &encoding) {
    core::TrainConfig config = m_settings->config();
    config.encoding = encoding;
    showTableFor(table, config);
}

void MainWindow::showTableFor(const core::PeTable &table, const core::TrainConfig &config) {
    const core::EncodingConfig &encoding = config.encoding;
    m_heatmap->setTable(table, encoding);
    m_heatmap->setTrainedLength(config.seqLen);
    m_curves->setTable(table, encoding);
    m_similarity->setTable(table, encoding, config.heads, config.seqLen);
}

core::PeTable MainWindow::displayedTable(const core::TrainConfig &config) const {
    if (showsRunTable(config))
        return m_controller->currentPeTable();
    return core::computePeTable(config.encoding, config.seed);
}

bool MainWindow::showsRunTable(const core::TrainConfig &config) const {
    core::TrainConfig run;
    return config.encoding.kind == core::PeKind::Learned && m_controller->runConfig(&run) &&
           run.encoding == config.encoding && run.seed == config.seed;
}

QCustomPlot *MainWindow::plotOf(View view) const {
    switch (view) {
    case View::Heatmap:
        return m_heatmap->plot();
    case View::Curves:
        return m_curves->plot();
    case View::Similarity:
        return m_similarity->plot();
    case View::Extrapolation:
        return m_extrapolation->plot();
    case View::Loss:
        break;
    }
    return m_loss->plot();
}

void MainWindow::updateActions() {
    using State = core::TrainingController::State;
    const State state = m_controller->state();
    const bool live = state != State::Idle;
    m_settings->setRunLive(live);
    switch (state) {
    case State::Idle:
        m_startPause->setText(m_loadedRun ? tr("&Continue") : tr("&Start"));
        m_startPause->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
        setTip(m_startPause, m_loadedRun
                                 ? tr("Continue the loaded checkpoint's run (Space, or Return in a field)")
                                 : tr("Start training (Space, Return in a field, or Ctrl+Return)"));
        break;
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
    m_startPause->setEnabled(live || m_settings->isValid());
    m_stop->setEnabled(live);
}

void MainWindow::onProgress(const core::Progress &p) {
    m_progress->setRange(0, int(std::min<qint64>(p.total, INT_MAX)));
    m_progress->setValue(int(std::min<qint64>(p.done, INT_MAX)));
    m_progress->setFormat(
        tr("epoch %1/%2 · batch %3/%4")
            .arg(p.epoch)
            .arg(p.batchesPerEpoch > 0 ? (p.total + p.batchesPerEpoch - 1) / p.batchesPerEpoch : 0)
            .arg(p.batch)
            .arg(p.batchesPerEpoch));
    m_eta->setText(formatEta(p.etaSeconds));
    if (p.samplesPerSec > 0)
        m_speed->setText(tr("%1 samples/s").arg(p.samplesPerSec, 0, 'f', 0));
    m_runs->setSamplesPerSec(m_liveRun, p.samplesPerSec);
}

void MainWindow::onEpoch(const core::EpochStats &stats) {
    m_runs->addEpoch(m_liveRun, stats);
    m_speed->setText(tr("%1 samples/s").arg(stats.samplesPerSec, 0, 'f', 0));
    m_losses->setText(tr("train %1 · val %2").arg(stats.trainLoss, 0, 'g', 4).arg(stats.valLoss, 0, 'g', 4));
}

void MainWindow::onFinished(const core::TrainResult &result) {
    m_eta->setText(formatEta(result.outcome == core::Outcome::Completed ? 0 : -1));
    m_unsaved = result.outcome == core::Outcome::Completed || result.outcome == core::Outcome::Stopped;
    m_runs->setStatus(m_liveRun, core::statusOf(result.outcome));
    if (const core::RunRecord *run = m_runs->record(m_liveRun);
        run && run->config.encoding.kind == core::PeKind::Learned)
        m_runs->setTable(m_liveRun, m_controller->currentPeTable()); // the table as trained
    if (result.outcome != core::Outcome::Failed)
        keepRunCheckpoint(m_liveRun);
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
        statusBar()->showMessage(result.message);
        showError(tr("Training diverged"), result.message);
        break;
    case core::Outcome::Failed:
        statusBar()->showMessage(result.message);
        showError(tr("Training failed"), result.message);
        break;
    }
}

void MainWindow::showError(const QString &title, const QString &text) {
    // Window-modal but not blocking: training signals keep flowing while it is open.
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorBox"));
    box->open();
}

void MainWindow::report(const QString &title, const QString &error, const QString &success) {
    if (!error.isEmpty()) {
        statusBar()->showMessage(error);
        showError(title, error);
    } else if (!success.isEmpty()) {
        statusBar()->showMessage(success, 5000);
    }
}

QString MainWindow::writeOrOfferFolder(const QString &title, const QString &path,
                                       const std::function<QString(const QString &)> &write,
                                       const QString &done) {
    const QString error = write(path);
    if (error.isEmpty()) {
        report(title, error, done.isEmpty() ? QString() : done.arg(path));
        return error;
    }
    statusBar()->showMessage(error);
    // Window-modal but not blocking, like showError: training signals keep flowing.
    auto *box = new QMessageBox(QMessageBox::Warning, title, error, QMessageBox::Cancel, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorBox"));
    const QString name = QFileInfo(path).fileName();
    box->setInformativeText(tr("Nothing is lost: %1 can be written to another folder.").arg(name));
    QPushButton *other = box->addButton(tr("Choose another folder…"), QMessageBox::AcceptRole);
    box->setDefaultButton(other);
    connect(other, &QPushButton::clicked, this, [this, title, name, write, done] {
        const QString dir = m_choosePath ? m_choosePath(title, m_lastDir, true)
                                         : QFileDialog::getExistingDirectory(this, title, m_lastDir);
        if (dir.isEmpty())
            return;
        m_lastDir = dir;
        writeOrOfferFolder(title, QDir(dir).filePath(name), write, done);
    });
    box->open();
    return error;
}

QString MainWindow::askPath(const QString &title, const QString &defaultName, const QString &filter,
                            bool save) {
    const QString start = QDir(m_lastDir).filePath(defaultName);
    const QString path = save && m_choosePath ? m_choosePath(title, start, false)
                         : save               ? QFileDialog::getSaveFileName(this, title, start, filter)
                                              : QFileDialog::getOpenFileName(this, title, m_lastDir, filter);
    if (!path.isEmpty())
        m_lastDir = QFileInfo(path).absolutePath();
    return path;
}

QString MainWindow::defaultExportName(View view, const QString &suffix) const {
    const core::EncodingConfig e = m_settings->config().encoding;
    const QString stem =
        QStringLiteral("%1_d%2_L%3").arg(core::peKindName(e.kind)).arg(e.dModel).arg(e.maxLen);
    switch (view) {
    case View::Heatmap:
        return QStringLiteral("pe_%1.%2").arg(stem, suffix);
    case View::Curves:
        return QStringLiteral("curves_%1.%2").arg(stem, suffix);
    case View::Loss:
        return QStringLiteral("loss_%1.%2").arg(stem, suffix);
    case View::Similarity:
        return QStringLiteral("similarity_%1.%2").arg(stem, suffix);
    case View::Extrapolation:
        return QStringLiteral("extrapolation.%1").arg(suffix);
    }
    return {};
}

QString MainWindow::exportView(View view, const QString &path, int width, int height, double scale) {
    if (view == View::Similarity) { // a hidden tab computes only when asked
        m_similarity->refresh();
        m_similarity->finishComputing();
    }
    return writeOrOfferFolder(
        tr("Export failed"), path,
        [this, view, width, height, scale](const QString &to) {
            return exportPlot(plotOf(view), to, width, height, scale);
        },
        tr("Saved %1"));
}

void MainWindow::exportViewInteractive(View view) {
    ExportDialog dialog(plotOf(view), QDir(m_lastDir).filePath(defaultExportName(view)), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_lastDir = QFileInfo(dialog.path()).absolutePath();
    exportView(view, dialog.path(), dialog.exportWidth(), dialog.exportHeight(), dialog.exportScale());
}

QString MainWindow::saveCheckpoint(const QString &path) {
    const QString error = m_controller->saveCheckpoint(path);
    if (error.isEmpty()) {
        m_unsaved = false;
        m_recent->add(path);
    }
    return error;
}

void MainWindow::createRecentMenu(QMenu *file) {
    m_recent = new RecentFiles(kRecentKey, file);
    connect(m_recent, &RecentFiles::chosen, this,
            [this](const QString &path) { report(tr("Load failed"), loadCheckpoint(path), QString()); });
    connect(m_recent, &RecentFiles::missing, this, [this](const QString &path) {
        statusBar()->showMessage(tr("%1 no longer exists; removed from Open Recent").arg(path));
    });
}

QString MainWindow::exportStateDict(const QString &path) {
    return m_controller->exportStateDict(path);
}

QString MainWindow::loadCheckpoint(QString path) {
    core::TrainConfig config;
    int epochs = 0;
    const QString error = m_controller->loadCheckpoint(path, &config, &epochs);
    if (!error.isEmpty())
        return error; // the settings and the plots stay as they were
    m_recent->add(path);
    m_settings->setConfig(config);
    m_loadedConfig = m_settings->config(); // as the fields hold it, to compare later edits with
    core::RunRecord run;
    run.config = config;
    run.status = epochs < config.epochs ? core::RunStatus::Stopped : core::RunStatus::Done;
    run.epoch = epochs;
    run.checkpoint = path;
    const core::RunHistory history = m_controller->history(); // its old curve, to continue from
    run.batches = history.batches;
    run.epochs = history.epochs;
    if (config.encoding.kind == core::PeKind::Learned)
        run.table = m_controller->currentPeTable();
    m_loadedRunId = m_runs->addRecord(run);
    m_loadedRun = true;
    refreshEncoding();
    updateActions();
    const QString next = epochs < config.epochs
                             ? tr("Continue (Space) trains the rest")
                             : tr("the run is complete: raise epochs, then Continue (Space)");
    statusBar()->showMessage(tr("Loaded %1 at epoch %2 of %3: %4")
                                 .arg(QFileInfo(path).fileName())
                                 .arg(epochs)
                                 .arg(config.epochs)
                                 .arg(next));
    return {};
}

QString MainWindow::exportPeCsv(const QString &path) {
    return core::writePeCsv(displayedTable(m_settings->config()), path);
}

QString MainWindow::exportLossCsv(const QString &path) {
    return core::writeEpochCsv(m_loss->epochHistory(), path);
}

} // namespace posenc::ui
