#pragma once
// The "Runs" panel: a table over the window's RunList, one row per run (colour swatch, name and
// visibility box, status, epoch, last losses, samples/s). Selecting a row names the run the other
// views show; Delete (key or context menu) asks to remove it.

#include <QWidget>

class QAction;
class QTableView;

namespace posenc::ui {

class RunList;

class RunsPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunsPanel(RunList *runs, QWidget *parent = nullptr);

    // The selected run's id, or 0 when no row is selected.
    int currentRunId() const;
    // Selects the row of run `id` (no row for an unknown id).
    void selectRun(int id);

    QTableView *table() const { return m_table; }
    // "Delete run" (the Delete key while the table has focus, and the context menu).
    QAction *deleteAction() const { return m_delete; }

Q_SIGNALS:
    // The selection moved to run `id` (0: none selected).
    void currentRunChanged(int id);
    // The user asked to delete run `id`.
    void deleteRequested(int id);

private:
    void showContextMenu(const QPoint &pos);

    RunList *m_runs;
    QTableView *m_table = nullptr;
    QAction *m_delete = nullptr;
    int m_announced = 0; // the run currentRunChanged last named
};

} // namespace posenc::ui
