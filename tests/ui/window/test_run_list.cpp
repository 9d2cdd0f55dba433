// RunList: one row per run with its colour, visibility box, status, epoch, last losses and rate;
// streamed losses land in the record; remove + restore give back the same row; the model passes
// QAbstractItemModelTester's checks.

#include "plots/palette.h"
#include "window/run_list.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QtTest>

using namespace posenc;
using posenc::ui::RunList;

namespace {

core::TrainConfig configWith(core::PeKind kind, int dModel) {
    core::TrainConfig c;
    c.encoding.kind = kind;
    c.encoding.dModel = dModel;
    c.epochs = 10;
    return c;
}

core::EpochStats epoch(int number, double train, double val, double rate) {
    core::EpochStats s;
    s.epoch = number;
    s.step = 32 * number;
    s.trainLoss = train;
    s.valLoss = val;
    s.samplesPerSec = rate;
    return s;
}

QString cell(const RunList &list, int row, int column) {
    return list.data(list.index(row, column)).toString();
}

} // namespace

class TestRunList : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void addGivesRowsWithColoursAndNames();
    void columnsFollowTheRun_data();
    void columnsFollowTheRun();
    void streamedLossesLandInTheRecord();
    void checkboxTogglesVisibility();
    void removeAndRestoreKeepTheRow_data();
    void removeAndRestoreKeepTheRow();
    void idsAreNotReused();
    void clearRemovesEveryRun();

private:
    RunList *m_list = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;
};

void TestRunList::init() {
    m_list = new RunList;
    m_tester = new QAbstractItemModelTester(m_list, QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestRunList::cleanup() {
    delete m_tester;
    delete m_list;
}

void TestRunList::addGivesRowsWithColoursAndNames() {
    QSignalSpy added(m_list, &RunList::runAdded);
    const int a = m_list->addRun(configWith(core::PeKind::Sinusoidal, 32));
    const int b = m_list->addRun(configWith(core::PeKind::Learned, 16));
    QCOMPARE(a, 1);
    QCOMPARE(b, 2);
    QCOMPARE(m_list->rowCount(), 2);
    QCOMPARE(m_list->columnCount(), 6);
    QCOMPARE(added.count(), 2);
    QCOMPARE(added.at(1).at(0).toInt(), 2);
    QCOMPARE(cell(*m_list, 0, RunList::NameColumn), m_list->record(a)->name());
    QVERIFY(cell(*m_list, 0, RunList::NameColumn).contains(QStringLiteral("d32")));
    QVERIFY(cell(*m_list, 1, RunList::NameColumn).contains(QStringLiteral("d16")));
    const QColor first = m_list->data(m_list->index(0, 0), Qt::DecorationRole).value<QColor>();
    const QColor second = m_list->data(m_list->index(1, 0), Qt::DecorationRole).value<QColor>();
    QCOMPARE(first, ui::runColor(0));
    QCOMPARE(second, ui::runColor(1));
    QVERIFY(first != second);
    QCOMPARE(m_list->data(m_list->index(0, 0), Qt::CheckStateRole).toInt(), int(Qt::Checked));
    QVERIFY(m_list->flags(m_list->index(0, 0)) & Qt::ItemIsUserCheckable);
    QCOMPARE(cell(*m_list, 0, RunList::StatusColumn), QStringLiteral("training"));
    QCOMPARE(cell(*m_list, 0, RunList::EpochColumn), QStringLiteral("0/10"));
    QCOMPARE(cell(*m_list, 0, RunList::TrainLossColumn), QStringLiteral("\u2014"));
    QCOMPARE(m_list->headerData(RunList::SpeedColumn, Qt::Horizontal).toString(),
             QStringLiteral("Samples/s"));
}

void TestRunList::columnsFollowTheRun_data() {
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("name");
    QTest::newRow("paused") << int(core::RunStatus::Paused) << QStringLiteral("paused");
    QTest::newRow("done") << int(core::RunStatus::Done) << QStringLiteral("done");
    QTest::newRow("stopped") << int(core::RunStatus::Stopped) << QStringLiteral("stopped");
    QTest::newRow("diverged") << int(core::RunStatus::Diverged) << QStringLiteral("diverged");
}

void TestRunList::columnsFollowTheRun() {
    QFETCH(int, status);
    QFETCH(QString, name);
    const int id = m_list->addRun(configWith(core::PeKind::Sinusoidal, 32));
    QSignalSpy changed(m_list, &RunList::dataChanged);
    m_list->addEpoch(id, epoch(1, 0.5, 0.625, 1000));
    m_list->addEpoch(id, epoch(2, 0.25, 0.3125, 1234.4));
    m_list->setStatus(id, core::RunStatus(status));
    QVERIFY(changed.count() >= 3);
    QCOMPARE(cell(*m_list, 0, RunList::StatusColumn), name);
    QCOMPARE(cell(*m_list, 0, RunList::EpochColumn), QStringLiteral("2/10"));
    QCOMPARE(cell(*m_list, 0, RunList::TrainLossColumn), QStringLiteral("0.25"));
    QCOMPARE(cell(*m_list, 0, RunList::ValLossColumn), QStringLiteral("0.3125"));
    QCOMPARE(cell(*m_list, 0, RunList::SpeedColumn), QStringLiteral("1234"));
    m_list->setSamplesPerSec(id, 2000);
    QCOMPARE(cell(*m_list, 0, RunList::SpeedColumn), QStringLiteral("2000"));
}

void TestRunList::streamedLossesLandInTheRecord() {
    const int id = m_list->addRun(configWith(core::PeKind::Learned, 8));
    QSignalSpy batches(m_list, &RunList::batchesAppended);
    QSignalSpy probe(m_list, &RunList::probeChanged);
    m_list->appendBatchLosses(id, {{1, 0.5}, {2, 0.25}});
    m_list->appendBatchLosses(id, {{3, 0.125}});
    m_list->appendBatchLosses(99, {{1, 1.0}}); // unknown: ignored
    QCOMPARE(batches.count(), 2);
    const core::RunRecord *run = m_list->record(id);
    QCOMPARE(run->batches.size(), 3);
    QCOMPARE(run->batches.last().step, qint64(3));
    QCOMPARE(run->batches.last().loss, 0.125);

    core::ProbeResult result;
    result.points = {{16, 0.5}, {64, 2.0}};
    m_list->setProbe(id, result);
    QCOMPARE(probe.count(), 1);
    QCOMPARE(m_list->record(id)->probe.points.size(), 2);
    QCOMPARE(m_list->record(id)->probe.points[1].loss, 2.0);

    core::PeTable table;
    table.rows = 2;
    table.cols = 8;
    table.values = QVector<float>(16, 0.5f);
    m_list->setTable(id, table);
    QCOMPARE(m_list->record(id)->table.values.size(), 16);
}

void TestRunList::checkboxTogglesVisibility() {
    const int a = m_list->addRun(configWith(core::PeKind::Sinusoidal, 32));
    m_list->addRun(configWith(core::PeKind::Sinusoidal, 16));
    QSignalSpy visibility(m_list, &RunList::visibilityChanged);
    QVERIFY(m_list->setData(m_list->index(0, 0), Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(visibility.count(), 1);
    QCOMPARE(visibility.at(0).at(0).toInt(), a);
    QCOMPARE(visibility.at(0).at(1).toBool(), false);
    QVERIFY(!m_list->record(a)->visible);
    QCOMPARE(m_list->data(m_list->index(0, 0), Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    m_list->setVisible(a, false); // no change, no signal
    QCOMPARE(visibility.count(), 1);
    m_list->setVisible(a, true);
    QCOMPARE(visibility.count(), 2);
    QVERIFY(m_list->record(a)->visible);
    QVERIFY(!m_list->setData(m_list->index(0, RunList::StatusColumn), Qt::Unchecked, Qt::CheckStateRole));
}

void TestRunList::removeAndRestoreKeepTheRow_data() {
    QTest::addColumn<int>("row");
    QTest::newRow("first") << 0;
    QTest::newRow("middle") << 1;
    QTest::newRow("last") << 2;
}

void TestRunList::removeAndRestoreKeepTheRow() {
    QFETCH(int, row);
    for (int d : {8, 16, 32})
        m_list->addRun(configWith(core::PeKind::Sinusoidal, d));
    const int id = m_list->ids()[row];
    m_list->appendBatchLosses(id, {{1, 0.75}});
    m_list->addEpoch(id, epoch(1, 0.75, 0.8, 10));
    QSignalSpy removedSpy(m_list, &RunList::runRemoved);
    const RunList::Removed removed = m_list->removeRun(id);
    QCOMPARE(removed.row, row);
    QCOMPARE(removed.record.id, id);
    QCOMPARE(removedSpy.count(), 1);
    QCOMPARE(m_list->rowCount(), 2);
    QVERIFY(!m_list->record(id));
    QCOMPARE(m_list->removeRun(id).row, -1);

    QSignalSpy added(m_list, &RunList::runAdded);
    m_list->restoreRun(removed.record, removed.row);
    QCOMPARE(added.count(), 1);
    QCOMPARE(m_list->rowCount(), 3);
    QCOMPARE(m_list->rowOf(id), row);
    QCOMPARE(m_list->record(id)->batches.size(), 1);
    QCOMPARE(m_list->record(id)->epochs.last().valLoss, 0.8);
    QCOMPARE(m_list->data(m_list->index(row, 0), Qt::DecorationRole).value<QColor>(), ui::runColor(id - 1));
    m_list->restoreRun(removed.record, 0); // already there: ignored
    QCOMPARE(m_list->rowCount(), 3);
}

void TestRunList::idsAreNotReused() {
    m_list->addRun(configWith(core::PeKind::Sinusoidal, 8));
    const int b = m_list->addRun(configWith(core::PeKind::Sinusoidal, 8));
    const RunList::Removed removed = m_list->removeRun(b);
    // A new run after a delete gets a fresh id (and colour), so an undo cannot collide with it.
    QCOMPARE(m_list->addRun(configWith(core::PeKind::Sinusoidal, 8)), 3);
    m_list->restoreRun(removed.record, removed.row);
    QCOMPARE(m_list->ids(), (QVector<int>{1, 2, 3}));
}

void TestRunList::clearRemovesEveryRun() {
    for (int i = 0; i < 3; ++i)
        m_list->addRun(configWith(core::PeKind::Sinusoidal, 8));
    QSignalSpy removed(m_list, &RunList::runRemoved);
    m_list->clear();
    QCOMPARE(m_list->rowCount(), 0);
    QCOMPARE(removed.count(), 3);
    QCOMPARE(m_list->addRun(configWith(core::PeKind::Sinusoidal, 8)), 4);
}

QTEST_MAIN(TestRunList)
#include "test_run_list.moc"
