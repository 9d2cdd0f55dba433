#include "window/file_actions.h"

#include "encoding/pe_table.h"
#include "lab/run_record.h"
#include "plots/curves_view.h"
#include "plots/extrapolation_view.h"
#include "plots/heatmap_view.h"
#include "plots/loss_view.h"
#include "plots/plot_export.h"
#include "plots/similarity_view.h"
#include "train/training_controller.h"
#include "window/action_util.h"
#include "window/encoding_display.h"
#include "window/recent_files.h"
#include "window/run_tracker.h"
#include "window/settings_panel.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QStyle>

namespace posenc::ui {

namespace {
const QString kRecentKey = QStringLiteral("files/recentCheckpoints");
} // namespace

FileActions::FileActions(QMainWindow *window, core::TrainingController *controller, SettingsPanel *settings,
                         const Views &views, RunTracker *tracker, const EncodingDisplay *display)
    : QObject(window), m_window(window), m_controller(controller), m_settings(settings), m_views(views),
      m_tracker(tracker), m_display(display), m_lastDir(QDir::homePath()) {}

QAction *FileActions::addExportActions(QMenu *file) {
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
            p.tip, this, [this, view = p.view] { exportViewInteractive(view); });
        if (p.view == View::Heatmap)
            heatmap = a;
    }
    heatmap->setIcon(m_window->style()->standardIcon(QStyle::SP_DialogSaveButton));
    addCsvActions(file);
    return heatmap;
}

void FileActions::addCsvActions(QMenu *file) {
    const QString csv = tr("CSV (*.csv)");
    const auto csvName = [this](View v) { return defaultExportName(v, QStringLiteral("csv")); };
    SimilarityView *similarity = m_views.similarity;
    ExtrapolationView *extrapolation = m_views.extrapolation;
    addFileAction(file, {tr("Export similarity as CSV…"),
                         tr("Save the similarity matrix as drawn (one row per cell)"),
                         {},
                         tr("Export similarity"),
                         csvName(View::Similarity),
                         csv,
                         true,
                         [similarity](const QString &path) {
                             similarity->refresh();
                             similarity->finishComputing();
                             return similarity->writeMatrixCsv(path);
                         },
                         tr("Saved similarity to %1")});
    addFileAction(file, {tr("Export extrapolation as CSV…"),
                         tr("Save each visible run's probe loss per length"),
                         {},
                         tr("Export extrapolation"),
                         csvName(View::Extrapolation),
                         csv,
                         true,
                         [extrapolation](const QString &path) { return extrapolation->writeCsv(path); },
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
}

void FileActions::addCheckpointActions(QMenu *file) {
    addFileAction(
        file, {tr("&Save checkpoint…"), tr("Save model, optimiser, settings and epoch, to continue later"),
               QKeySequence(Qt::CTRL | Qt::Key_S), tr("Save checkpoint"), QStringLiteral("checkpoint.pt"),
               tr("Checkpoints (*.pt)"), true, [this](const QString &path) { return saveCheckpoint(path); },
               tr("Saved checkpoint to %1")});
    addFileAction(file, {tr("&Load checkpoint…"), tr("Load a checkpoint; Start then continues its run"),
                         QKeySequence(Qt::CTRL | Qt::Key_O), tr("Load checkpoint"), QString(),
                         tr("Checkpoints (*.pt);;All files (*)"), false,
                         [this](const QString &path) { return loadCheckpoint(path); }, QString()});
    m_recent = new RecentFiles(kRecentKey, file);
    connect(m_recent, &RecentFiles::chosen, this,
            [this](const QString &path) { report(tr("Load failed"), loadCheckpoint(path), QString()); });
    connect(m_recent, &RecentFiles::missing, this, [this](const QString &path) {
        m_window->statusBar()->showMessage(tr("%1 no longer exists; removed from Open Recent").arg(path));
    });
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

QAction *FileActions::addFileAction(QMenu *menu, const FileAction &a) {
    return addMenuAction(menu, a.text, a.keys, a.tip, this, [this, a] {
        const QString path = askPath(a.title, a.defaultName, a.filter, a.save);
        if (path.isEmpty())
            return;
        if (a.save)
            writeOrOfferFolder(tr("%1 failed").arg(a.title), path, a.act, a.done);
        else
            report(tr("Load failed"), a.act(path), a.done.isEmpty() ? QString() : a.done.arg(path));
    });
}

QString FileActions::defaultExportName(View view, const QString &suffix) const {
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

QCustomPlot *FileActions::plotOf(View view) const {
    switch (view) {
    case View::Heatmap:
        return m_views.heatmap->plot();
    case View::Curves:
        return m_views.curves->plot();
    case View::Similarity:
        return m_views.similarity->plot();
    case View::Extrapolation:
        return m_views.extrapolation->plot();
    case View::Loss:
        break;
    }
    return m_views.loss->plot();
}

QString FileActions::exportView(View view, const QString &path, int width, int height, double scale) {
    if (view == View::Similarity) { // a hidden tab computes only when asked
        m_views.similarity->refresh();
        m_views.similarity->finishComputing();
    }
    return writeOrOfferFolder(
        tr("Export failed"), path,
        [this, view, width, height, scale](const QString &to) {
            return exportPlot(plotOf(view), to, width, height, scale);
        },
        tr("Saved %1"));
}

void FileActions::exportViewInteractive(View view) {
    ExportDialog dialog(plotOf(view), QDir(m_lastDir).filePath(defaultExportName(view)), m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_lastDir = QFileInfo(dialog.path()).absolutePath();
    exportView(view, dialog.path(), dialog.exportWidth(), dialog.exportHeight(), dialog.exportScale());
}

QString FileActions::exportStateDict(const QString &path) {
    return m_controller->exportStateDict(path);
}

QString FileActions::exportPeCsv(const QString &path) {
    return core::writePeCsv(m_display->tableFor(m_settings->config()), path);
}

QString FileActions::exportLossCsv(const QString &path) {
    return core::writeEpochCsv(m_views.loss->epochHistory(), path);
}

QString FileActions::saveCheckpoint(const QString &path) {
    const QString error = m_controller->saveCheckpoint(path);
    if (error.isEmpty()) {
        m_tracker->markSaved();
        m_recent->add(path);
    }
    return error;
}

QString FileActions::loadCheckpoint(QString path) {
    core::TrainConfig config;
    int epochs = 0;
    const QString error = m_controller->loadCheckpoint(path, &config, &epochs);
    if (!error.isEmpty())
        return error; // the settings and the plots stay as they were
    m_recent->add(path);
    m_settings->setConfig(config); // the views show its encoding (its table, when learned)
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
    // The settings as the fields hold them, to compare later edits with.
    m_tracker->addLoaded(run, m_settings->config());
    const QString next = epochs < config.epochs
                             ? tr("Continue (Space) trains the rest")
                             : tr("the run is complete: raise epochs, then Continue (Space)");
    m_window->statusBar()->showMessage(tr("Loaded %1 at epoch %2 of %3: %4")
                                           .arg(QFileInfo(path).fileName())
                                           .arg(epochs)
                                           .arg(config.epochs)
                                           .arg(next));
    return {};
}

bool FileActions::saveCheckpointInteractive() {
    const QString path =
        askPath(tr("Save checkpoint"), QStringLiteral("checkpoint.pt"), tr("Checkpoints (*.pt)"), true);
    const QString error = path.isEmpty() ? tr("not saved") : saveCheckpoint(path);
    report(tr("Save failed"), path.isEmpty() ? QString() : error, tr("Saved checkpoint to %1").arg(path));
    return error.isEmpty();
}

QString FileActions::askPath(const QString &title, const QString &defaultName, const QString &filter,
                             bool save) {
    const QString start = QDir(m_lastDir).filePath(defaultName);
    const QString path = save && m_choosePath ? m_choosePath(title, start, false)
                         : save               ? QFileDialog::getSaveFileName(m_window, title, start, filter)
                                : QFileDialog::getOpenFileName(m_window, title, m_lastDir, filter);
    if (!path.isEmpty())
        m_lastDir = QFileInfo(path).absolutePath();
    return path;
}

void FileActions::report(const QString &title, const QString &error, const QString &success) {
    if (!error.isEmpty()) {
        m_window->statusBar()->showMessage(error);
        showError(m_window, title, error);
    } else if (!success.isEmpty()) {
        m_window->statusBar()->showMessage(success, 5000);
    }
}

QString FileActions::writeOrOfferFolder(const QString &title, const QString &path,
                                        const std::function<QString(const QString &)> &write,
                                        const QString &done) {
    const QString error = write(path);
    if (error.isEmpty()) {
        report(title, error, done.isEmpty() ? QString() : done.arg(path));
        return error;
    }
    m_window->statusBar()->showMessage(error);
    // Window-modal but not blocking, like showError: training signals keep flowing.
    auto *box = new QMessageBox(QMessageBox::Warning, title, error, QMessageBox::Cancel, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorBox"));
    const QString name = QFileInfo(path).fileName();
    box->setInformativeText(tr("Nothing is lost: %1 can be written to another folder.").arg(name));
    QPushButton *other = box->addButton(tr("Choose another folder…"), QMessageBox::AcceptRole);
    box->setDefaultButton(other);
    connect(other, &QPushButton::clicked, this, [this, title, name, write, done] {
        const QString dir = m_choosePath ? m_choosePath(title, m_lastDir, true)
                                         : QFileDialog::getExistingDirectory(m_window, title, m_lastDir);
        if (dir.isEmpty())
            return;
        m_lastDir = dir;
        writeOrOfferFolder(title, QDir(dir).filePath(name), write, done);
    });
    box->open();
    return error;
}

} // namespace posenc::ui
