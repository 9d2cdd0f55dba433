#include "window/run_list.h"

#include "plots/palette.h"

#include <QColor>

#include <utility>

#include <cmath>

namespace posenc::ui {

namespace {

QString lossText(double loss) {
    return std::isfinite(loss) ? QString::number(loss, 'g', 4) : QStringLiteral("\u2014");
}

} // namespace

RunList::RunList(QObject *parent) : QAbstractTableModel(parent) {}

int RunList::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunList::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunList::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= m_runs.size())
        return {};
    const core::RunRecord &run = m_runs[index.row()];
    if (index.column() == NameColumn) {
        if (role == Qt::DecorationRole)
            return runColor(run.id - 1);
        if (role == Qt::CheckStateRole)
            return run.visible ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole)
            return tr("Run %1: %2 (the box shows or hides it in the plots)").arg(run.id).arg(run.name());
    }
    if (role == Qt::TextAlignmentRole && index.column() != NameColumn && index.column() != StatusColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case NameColumn:
        return run.name();
    case StatusColumn:
        return core::runStatusName(run.status);
    case EpochColumn:
        return QStringLiteral("%1/%2").arg(run.epoch).arg(run.config.epochs);
    case TrainLossColumn:
        return lossText(run.lastTrainLoss());
    case ValLossColumn:
        return lossText(run.lastValLoss());
    case SpeedColumn:
        return run.samplesPerSec > 0 ? QString::number(run.samplesPerSec, 'f', 0) : QStringLiteral("\u2014");
    default:
        return {};
    }
}

QVariant RunList::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Run");
    case StatusColumn:
        return tr("Status");
    case EpochColumn:
        return tr("Epoch");
    case TrainLossColumn:
        return tr("Train loss");
    case ValLossColumn:
        return tr("Val loss");
    case SpeedColumn:
        return tr("Samples/s");
    default:
        return {};
    }
}

Qt::ItemFlags RunList::flags(const QModelIndex &index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == NameColumn)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

bool RunList::setData(const QModelIndex &index, const QVariant &value, int role) {
    if (!index.isValid() || index.column() != NameColumn || role != Qt::CheckStateRole ||
        index.row() >= m_runs.size())
        return false;
    setVisible(m_runs[index.row()].id, value.toInt() == Qt::Checked);
    return true;
}

int RunList::addRun(const core::TrainConfig &config, core::RunStatus status) {
    core::RunRecord record;
    record.config = config;
    record.status = status;
    return addRecord(std::move(record));
}

int RunList::addRecord(core::RunRecord record) {
    record.id = m_nextId++;
    const int row = int(m_runs.size());
    beginInsertRows({}, row, row);
    m_runs.append(std::move(record));
    endInsertRows();
    emit runAdded(m_runs.last().id);
    return m_runs.last().id;
}

const core::RunRecord *RunList::record(int id) const {
    const int i = indexOf(id);
    return i < 0 ? nullptr : &m_runs[i];
}

const core::RunRecord *RunList::recordAt(int row) const {
    return row >= 0 && row < m_runs.size() ? &m_runs[row] : nullptr;
}

int RunList::rowOf(int id) const {
    return indexOf(id);
}

QVector<int> RunList::ids() const {
    QVector<int> out;
    out.reserve(m_runs.size());
    for (const core::RunRecord &run : m_runs)
        out << run.id;
    return out;
}

void RunList::appendBatchLosses(int id, const QVector<core::BatchLoss> &losses) {
    const int i = indexOf(id);
    if (i < 0 || losses.isEmpty())
        return;
    m_runs[i].batches += losses;
    emit batchesAppended(id, losses);
}

void RunList::addEpoch(int id, const core::EpochStats &stats) {
    const int i = indexOf(id);
    if (i < 0)
        return;
    core::RunRecord &run = m_runs[i];
    run.epochs.append(stats);
    run.epoch = stats.epoch;
    if (stats.samplesPerSec > 0)
        run.samplesPerSec = stats.samplesPerSec;
    changed(i, EpochColumn, SpeedColumn);
    emit epochAdded(id, stats);
    emit runChanged(id);
}

void RunList::setStatus(int id, core::RunStatus status) {
    const int i = indexOf(id);
    if (i < 0 || m_runs[i].status == status)
        return;
    m_runs[i].status = status;
    changed(i, StatusColumn, StatusColumn);
    emit runChanged(id);
}

void RunList::setProbe(int id, const core::ProbeResult &probe) {
    const int i = indexOf(id);
    if (i < 0)
        return;
    m_runs[i].probe = probe;
    emit probeChanged(id);
    emit runChanged(id);
}

void RunList::setTable(int id, const core::PeTable &table) {
    const int i = indexOf(id);
    if (i < 0)
        return;
    m_runs[i].table = table;
    emit tableChanged(id);
    emit runChanged(id);
}

void RunList::setSamplesPerSec(int id, double samplesPerSec) {
    const int i = indexOf(id);
    if (i < 0 || samplesPerSec <= 0 || m_runs[i].samplesPerSec == samplesPerSec)
        return;
    m_runs[i].samplesPerSec = samplesPerSec;
    changed(i, SpeedColumn, SpeedColumn);
}

void RunList::setCheckpoint(int id, const QString &path) {
    const int i = indexOf(id);
    if (i >= 0)
        m_runs[i].checkpoint = path;
}

void RunList::setVisible(int id, bool visible) {
    const int i = indexOf(id);
    if (i < 0 || m_runs[i].visible == visible)
        return;
    m_runs[i].visible = visible;
    changed(i, NameColumn, NameColumn, {Qt::CheckStateRole});
    emit visibilityChanged(id, visible);
}

RunList::Removed RunList::removeRun(int id) {
    const int i = indexOf(id);
    if (i < 0)
        return {};
    beginRemoveRows({}, i, i);
    Removed removed{m_runs.takeAt(i), i};
    endRemoveRows();
    emit runRemoved(id);
    return removed;
}

void RunList::restoreRun(const core::RunRecord &record, int row) {
    if (record.id <= 0 || indexOf(record.id) >= 0)
        return; // an id lives once
    row = qBound(0, row, int(m_runs.size()));
    beginInsertRows({}, row, row);
    m_runs.insert(row, record);
    endInsertRows();
    m_nextId = qMax(m_nextId, record.id + 1);
    emit runAdded(record.id);
}

void RunList::clear() {
    const QVector<int> gone = ids();
    beginResetModel();
    m_runs.clear();
    endResetModel();
    for (int id : gone)
        emit runRemoved(id);
    emit cleared();
}

QString RunList::label(const core::RunRecord &run) {
    return tr("run %1 \u00b7 %2").arg(run.id).arg(run.name());
}

int RunList::indexOf(int id) const {
    for (int i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].id == id)
            return i;
    return -1;
}

void RunList::changed(int row, int firstColumn, int lastColumn, const QVector<int> &roles) {
    emit dataChanged(index(row, firstColumn), index(row, lastColumn), roles);
}

} // namespace posenc::ui
