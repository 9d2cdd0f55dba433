// PeTableComputer: tables come from its thread, the latest request wins (three quick requests give
// one table, the last), a delay waits for typing to pause, cancel() drops what was asked before,
// and a table nobody shows any more lends its memory to the next one.

#include "encoding/compute_table.h"
#include "encoding/pe_table_computer.h"

#include <QSignalSpy>
#include <QTest>

using namespace posenc::core;

namespace {
EncodingConfig encoding(int dModel, int maxLen, PeKind kind = PeKind::Sinusoidal) {
    EncodingConfig e;
    e.kind = kind;
    e.dModel = dModel;
    e.maxLen = maxLen;
    return e;
}

PeTable tableOf(const QSignalSpy &spy, int i) {
    return spy.at(i).at(0).value<PeTable>();
}
} // namespace

class TestPeTableComputer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { m_computer = new PeTableComputer; }
    void cleanup() {
        delete m_computer;
        m_computer = nullptr;
    }

    void latestOfThreeRequestsWins_data() {
        QTest::addColumn<int>("delayMs");
        QTest::newRow("at once (slider)") << 0;
        QTest::newRow("after a typing pause") << 150;
    }
    void latestOfThreeRequestsWins() {
        QFETCH(int, delayMs);
        QSignalSpy ready(m_computer, &PeTableComputer::ready);
        // Typing 5, 51, 512 into the d_model box.
        for (int dModel : {5, 51, 512})
            m_computer->request(encoding(dModel, 5000), 0, delayMs);
        QVERIFY(m_computer->isBusy());
        QVERIFY(ready.wait());
        QCOMPARE(ready.count(), 1);
        QCOMPARE(m_computer->computedCount(), 1); // 5 and 51 were never computed
        QCOMPARE(ready.at(0).at(1).value<EncodingConfig>().dModel, 512);
        const PeTable table = tableOf(ready, 0);
        QCOMPARE(table.cols, 512);
        QCOMPARE(table.rows, 5000);
        QCOMPARE(table.values, computePeTable(encoding(512, 5000)).values);
        QVERIFY(!m_computer->isBusy());
    }

    void eachDispatchedRequestIsDelivered() {
        // Requests that reach the thread one after another (a slow drag) each show.
        QSignalSpy ready(m_computer, &PeTableComputer::ready);
        m_computer->request(encoding(8, 100));
        QVERIFY(ready.wait());
        m_computer->request(encoding(16, 100));
        QVERIFY(ready.wait());
        QCOMPARE(ready.count(), 2);
        QCOMPARE(tableOf(ready, 1).cols, 16);
    }

    void learnedTableIsTheSeededOne() {
        QSignalSpy ready(m_computer, &PeTableComputer::ready);
        const EncodingConfig learned = encoding(16, 50, PeKind::Learned);
        m_computer->request(learned, 7);
        QVERIFY(ready.wait());
        QCOMPARE(ready.at(0).at(2).toULongLong(), 7ull);
        QCOMPARE(tableOf(ready, 0).values, computePeTable(learned, 7).values);
    }

    void cancelDropsEarlierRequests() {
        QSignalSpy ready(m_computer, &PeTableComputer::ready);
        m_computer->request(encoding(4096, 5000));
        m_computer->cancel();
        QVERIFY(!m_computer->isBusy());
        m_computer->request(encoding(32, 10));
        QVERIFY(ready.wait());
        QCOMPARE(ready.count(), 1);
        QCOMPARE(tableOf(ready, 0).cols, 32);
        QCOMPARE(m_computer->computedCount(), 1);
    }

    void releasedTableLendsItsMemory() {
        QSignalSpy ready(m_computer, &PeTableComputer::ready);
        m_computer->request(encoding(512, 5000));
        QVERIFY(ready.wait());
        const quintptr first = quintptr(tableOf(ready, 0).values.constData());
        ready.clear(); // the views let go of the first table
        EncodingConfig other = encoding(256, 5000);
        other.base = 100;
        m_computer->request(other);
        QVERIFY(ready.wait());
        const PeTable second = tableOf(ready, 0);
        QCOMPARE(quintptr(second.values.constData()), first);
        QCOMPARE(second.values, computePeTable(other).values);
        // A table still shown is never overwritten: the next one gets other memory.
        m_computer->request(encoding(256, 5000));
        QVERIFY(ready.wait());
        QVERIFY(quintptr(tableOf(ready, 1).values.constData()) != first);
        QCOMPARE(second.values, computePeTable(other).values);
    }

    void slightlyBiggerTableReusesMemory() {
        // A drag towards bigger tables: each new buffer has room for the next few steps.
        QSignalSpy ready(m_computer, &PeTableComputer::ready);
        m_computer->request(encoding(500, 5000));
        QVERIFY(ready.wait());
        const quintptr first = quintptr(tableOf(ready, 0).values.constData());
        ready.clear();
        m_computer->request(encoding(520, 5200)); // 8% more cells
        QVERIFY(ready.wait());
        const PeTable bigger = tableOf(ready, 0);
        QCOMPARE(quintptr(bigger.values.constData()), first);
        QCOMPARE(bigger.values, computePeTable(encoding(520, 5200)).values);
    }

private:
    PeTableComputer *m_computer = nullptr;
};

QTEST_GUILESS_MAIN(TestPeTableComputer)
#include "test_pe_table_computer.moc"
