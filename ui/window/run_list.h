#pragma once
// The window's runs, the one place it keeps them: a table model over core::RunRecord values, one row
// per run (name with its colour and a visibility box, status, epoch, last train and validation loss,
// samples/s). Views follow it through its signals; Delete takes a run out with what undo needs.

#include "lab/run_record.h"

#include <QAbstractTableModel>
#include <QVector>

namespace posenc::ui {

class RunList : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        StatusColumn,
        EpochColumn,
        TrainLossColumn,
        ValLossColumn,
        SpeedColumn,
        ColumnCount
    };

    // What removeRun() took out: the record and the row it sat in (for restoreRun()).
    struct Removed {
        core::RunRecord record;
        int row = -1;
    };

    explicit RunList(QObject *parent = nullptr);

    // QAbstractTableModel: one row per run, the columns above; the name column's box is checkable.
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    // Adds a run with these settings (status training) at the end; returns its id (1, 2, ...).
    int addRun(const core::TrainConfig &config, core::RunStatus status = core::RunStatus::Training);
    // Adds a whole record (a loaded checkpoint or session) under a new id; returns the id.
    int addRecord(core::RunRecord record);
    // The run with `id`, or nullptr.
    const core::RunRecord *record(int id) const;
    // The run in `row`, or nullptr; the row of `id`, or -1.
    const core::RunRecord *recordAt(int row) const;
    int rowOf(int id) const;
    // Every run's id, top to bottom.
    QVector<int> ids() const;
    int count() const { return int(m_runs.size()); }

    // Streams a run's losses (kept in its record; views follow batchesAppended / epochAdded).
    void appendBatchLosses(int id, const QVector<core::BatchLoss> &losses);
    void addEpoch(int id, const core::EpochStats &stats);
    // Sets what the row shows or the record keeps; unknown ids are ignored.
    void setStatus(int id, core::RunStatus status);
    void setProbe(int id, const core::ProbeResult &probe);
    void setTable(int id, const core::PeTable &table);
    void setSamplesPerSec(int id, double samplesPerSec);
    void setCheckpoint(int id, const QString &path);
    // Shows or hides a run in the plots (the row's checkbox).
    void setVisible(int id, bool visible);

    // Takes a run out; the record and its row, or row -1 for an unknown id.
    Removed removeRun(int id);
    // Puts a removed run back at `row` (clamped) under its old id.
    void restoreRun(const core::RunRecord &record, int row);
    // Removes every run (runRemoved for each, then cleared).
    void clear();

    // How the views and messages name a run: "run 3 · " and its name.
    static QString label(const core::RunRecord &run);

Q_SIGNALS:
    // A row appeared (new or restored): views read record(id).
    void runAdded(int id);
    // A row's status, epoch, losses, rate, probe or table changed.
    void runChanged(int id);
    void batchesAppended(int id, const QVector<posenc::core::BatchLoss> &losses);
    void epochAdded(int id, const posenc::core::EpochStats &stats);
    void probeChanged(int id);
    void tableChanged(int id);
    void runRemoved(int id);
    // clear() removed every run: views drop what they kept beside the runs.
    void cleared();
    void visibilityChanged(int id, bool visible);

private:
    int indexOf(int id) const;
    void changed(int row, int firstColumn, int lastColumn, const QVector<int> &roles = {});

    QVector<core::RunRecord> m_runs;
    int m_nextId = 1;
};

} // namespace posenc::ui
