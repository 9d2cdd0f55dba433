#pragma once
// The window's file actions, as Dolphin's DolphinViewActionHandler takes its actions off the main
// window: picture exports of every view, the CSVs (PE matrix, loss history, similarity,
// extrapolation), checkpoints (save, load, state_dict, Open Recent) and the path chooser. Every
// action has a call without dialogs that returns an empty string or the reason; the menu entries ask
// for the path, then call it and report the result (status bar, or a message box that offers another
// folder when a write fails).

#include "settings/config.h"

#include <QKeySequence>
#include <QObject>
#include <QString>

#include <functional>

class QAction;
class QCustomPlot;
class QMainWindow;
class QMenu;

namespace posenc::core {
class TrainingController;
}

namespace posenc::ui {

class CurvesView;
class EncodingDisplay;
class ExtrapolationView;
class HeatmapView;
class LossView;
class RecentFiles;
class RunTracker;
class SettingsPanel;
class SimilarityView;

class FileActions : public QObject {
    Q_OBJECT
public:
    // The views a user can export.
    enum class View { Heatmap, Curves, Loss, Similarity, Extrapolation };
    struct Views {
        HeatmapView *heatmap = nullptr;
        CurvesView *curves = nullptr;
        LossView *loss = nullptr;
        SimilarityView *similarity = nullptr;
        ExtrapolationView *extrapolation = nullptr;
    };
    // Acts on `window`'s views and run; dialogs and messages go to `window` and its status bar.
    FileActions(QMainWindow *window, core::TrainingController *controller, SettingsPanel *settings,
                const Views &views, RunTracker *tracker, const EncodingDisplay *display);

    // File menu entries: the picture and CSV exports (returns the heatmap export, for the toolbar),
    // and the checkpoint entries with Open Recent.
    QAction *addExportActions(QMenu *file);
    void addCheckpointActions(QMenu *file);

    // Exports a view at a size; empty string or the reason (also shown in a message box).
    QString exportView(View view, const QString &path, int width, int height, double scale = 1.0);
    // The file name an export of `view` is offered under, e.g. "pe_sinusoidal_d32_L100.png".
    QString defaultExportName(View view, const QString &suffix = QStringLiteral("png")) const;
    QString exportStateDict(const QString &path);
    QString exportPeCsv(const QString &path);
    QString exportLossCsv(const QString &path);
    // Saves the held run (then it counts as saved, and is listed in Open Recent).
    QString saveCheckpoint(const QString &path);
    // Loads a checkpoint as a new row that Continue trains on in; the settings take its values.
    // Takes `path` by value: it may name a file held by the run list or the recent files, which
    // loading changes.
    QString loadCheckpoint(QString path);
    // Asks for a path and saves the checkpoint there, reporting the result; true when saved.
    bool saveCheckpointInteractive();

    // Asks for a path: with `folder` a folder to write to again after a failed write, else a file
    // name to save under (`start` is the suggestion). Dialogs by default; tests set their own.
    using PathChooser = std::function<QString(const QString &title, const QString &start, bool folder)>;
    void setPathChooser(const PathChooser &chooser) { m_choosePath = chooser; }
    // The folder the dialogs start in (the last one used).
    QString lastDir() const { return m_lastDir; }
    void setLastDir(const QString &dir) { m_lastDir = dir; }

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
    // Asks for a file to save or open (empty when cancelled); remembers its folder.
    QString askPath(const QString &title, const QString &defaultName, const QString &filter, bool save);
    // Reports a file action's result in the status bar, or its error in a message box.
    void report(const QString &title, const QString &error, const QString &success);
    // Writes with `write` to `path` and reports it; a failed write offers another folder (same file
    // name) until a write succeeds or the user cancels, the held run untouched. Returns the first
    // attempt's error; `done` is the status message, with %1 for the path written.
    QString writeOrOfferFolder(const QString &title, const QString &path,
                               const std::function<QString(const QString &)> &write, const QString &done);

private:
    QCustomPlot *plotOf(View view) const;
    void exportViewInteractive(View view);
    // The CSV entries of the File menu.
    void addCsvActions(QMenu *file);

    QMainWindow *m_window;
    core::TrainingController *m_controller;
    SettingsPanel *m_settings;
    Views m_views;
    RunTracker *m_tracker;
    const EncodingDisplay *m_display;
    RecentFiles *m_recent = nullptr; // checkpoints saved or loaded, for File > Open Recent
    QString m_lastDir;
    PathChooser m_choosePath; // empty: file dialogs
};

} // namespace posenc::ui
