#include "window/runs_panel.h"

#include "window/run_list.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

namespace posenc::ui {

RunsPanel::RunsPanel(RunList *runs, QWidget *parent) : QWidget(parent), m_runs(runs) {
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("runsTable"));
    m_table->setModel(m_runs);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(RunList::NameColumn, QHeaderView::Stretch);
    header->setHighlightSections(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setToolTip(tr("Every run of the session: select one to show its encoding and probe; the box "
                           "shows or hides it in the plots; Delete removes it (Ctrl+Z undoes)"));

    m_delete = new QAction(tr("&Delete run"), this);
    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_delete->setToolTip(tr("Remove the selected run (undo from the status bar or Ctrl+Z)"));
    m_table->addAction(m_delete);
    connect(m_delete, &QAction::triggered, this, [this] {
        if (const int id = currentRunId())
            emit deleteRequested(id);
    });
    connect(m_table, &QWidget::customContextMenuRequested, this, &RunsPanel::showContextMenu);
    // A mouse press moves the current row before it selects it: follow both, and say each change once.
    const auto announce = [this] {
        if (const int id = currentRunId(); id != m_announced)
            emit currentRunChanged(m_announced = id);
    };
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, announce);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, announce);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
}

int RunsPanel::currentRunId() const {
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row(), {}))
        return 0;
    const core::RunRecord *run = m_runs->recordAt(current.row());
    return run ? run->id : 0;
}

void RunsPanel::selectRun(int id) {
    const int row = m_runs->rowOf(id);
    if (row < 0)
        return;
    m_table->selectionModel()->setCurrentIndex(m_runs->index(row, 0), QItemSelectionModel::ClearAndSelect |
                                                                          QItemSelectionModel::Rows);
}

void RunsPanel::showContextMenu(const QPoint &pos) {
    const QModelIndex index = m_table->indexAt(pos);
    if (!index.isValid())
        return;
    selectRun(m_runs->recordAt(index.row())->id);
    QMenu menu(this);
    menu.addAction(m_delete);
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

} // namespace posenc::ui
