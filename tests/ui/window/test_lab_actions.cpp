// LabActions through the window that owns it: Compare… queues one row per config and trains them one
// after another, a session saves every run and reopens equal (also from the command line), a damaged
// or newer session changes nothing, and a session saved mid-run reopens the run as stopped.

#include "window/lab_actions.h"
#include "window_test_support.h"

#include "lab/compare_plan.h"
#include "lab/run_queue.h"
#include "lab/session.h"
#include "plots/extrapolation_view.h"
#include "plots/loss_view.h"
#include "plots/palette.h"
#include "window/file_actions.h"
#include "window/run_list.h"
#include "window/settings_panel.h"

#include <qcustomplot.h>

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace posenc;
using namespace posenc::testing;
using posenc::ui::MainWindow;

class TestLabActions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void compareQueuesRunsAndTheSessionReopensEqual();
    void damagedOrNewerSessionChangesNothing_data();
    void damagedOrNewerSessionChangesNothing();
    void sessionSavedMidRunReopensStopped();

private:
    MainWindow *m_window = nullptr;
    QTemporaryDir m_settingsDir;
};

void TestLabActions::initTestCase() {
    QVERIFY(m_settingsDir.isValid());
    isolateSettings(m_settingsDir, QStringLiteral("test_lab_actions"));
}

void TestLabActions::init() {
    QSettings().clear();
    m_window = new MainWindow;
}

void TestLabActions::cleanup() {
    delete m_window; // joins a live run's worker
    m_window = nullptr;
    QSettings().clear();
}

// Compare… of three encodings: three queued rows that train one after another, three probe curves, and
// a session that saves them all and reopens, in another window, with every value equal.
void TestLabActions::compareQueuesRunsAndTheSessionReopensEqual() {
    const core::TrainConfig base = smallConfig(1);
    m_window->settingsPanel()->setConfig(base);
    const core::ComparePlan plan = core::planComparison(
        base, {core::PeKind::Sinusoidal, core::PeKind::Learned, core::PeKind::None}, {core::Backbone::Lstm});
    QCOMPARE(plan.configs.size(), 3);
    QSignalSpy done(m_window->labActions()->runQueue(), &core::RunQueue::queueFinished);
    m_window->labActions()->queueComparison(plan.configs);
    ui::RunList *runs = m_window->runList();
    QCOMPARE(runs->rowCount(), 3);
    QCOMPARE(runs->recordAt(2)->status, core::RunStatus::Queued);
    QVERIFY(done.wait(120000));
    QCOMPARE(runs->ids(), (QVector<int>{1, 2, 3}));
    for (int row = 0; row < 3; ++row) {
        const core::RunRecord *run = runs->recordAt(row);
        QCOMPARE(run->config.encoding.kind, plan.configs[row].encoding.kind); // each in its queued row
        QCOMPARE(run->status, core::RunStatus::Done);
        QCOMPARE(run->batches.size(), kStepsPerEpoch);
        QVERIFY(run->probe.points.size() >= 2); // 20 and 40; 80 and 160 lie beyond max_len 64 for the tables
        QVERIFY(QFileInfo::exists(run->checkpoint));
    }
    QCOMPARE(m_window->extrapolationView()->runIds(), (QVector<int>{1, 2, 3}));
    QCOMPARE(m_window->lossView()->runIds(), (QVector<int>{1, 2, 3}));

    QTemporaryDir dir;
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("my session"));
    QCOMPARE(m_window->labActions()->saveSession(folder), QString());
    QVector<core::RunRecord> saved;
    QCOMPARE(core::loadSession(folder, &saved), QString());
    QCOMPARE(saved.size(), 3);

    MainWindow other;
    QCOMPARE(other.labActions()->openSession(QDir(folder).filePath(QStringLiteral("session.json"))),
             QString());
    ui::RunList *reopened = other.runList();
    QCOMPARE(reopened->ids(), (QVector<int>{1, 2, 3}));
    for (int id = 1; id <= 3; ++id) {
        const core::RunRecord *a = runs->record(id);
        const core::RunRecord *b = reopened->record(id);
        QCOMPARE(b->name(), a->name());
        QCOMPARE(b->status, a->status);
        QCOMPARE(b->epoch, a->epoch);
        QCOMPARE(b->epochs.size(), a->epochs.size());
        QCOMPARE(b->epochs.last().trainLoss, a->epochs.last().trainLoss); // exactly
        QCOMPARE(b->epochs.last().valLoss, a->epochs.last().valLoss);
        QCOMPARE(b->batches.size(), a->batches.size());
        QCOMPARE(b->batches.last().loss, a->batches.last().loss);
        QCOMPARE(b->probe.points.size(), a->probe.points.size());
        for (int i = 0; i < a->probe.points.size(); ++i)
            QCOMPARE(b->probe.points[i].loss, a->probe.points[i].loss);
        QCOMPARE(other.lossView()->graphsOf(id).smooth->pen().color(), ui::runColor(id - 1));
        QCOMPARE(other.lossView()->batchPointCount(id), kStepsPerEpoch);
    }
    QCOMPARE(reopened->record(2)->table.rows, base.encoding.maxLen); // the learned run's trained table
    QCOMPARE(reopened->record(2)->table.values, runs->record(2)->table.values);
    QCOMPARE(other.extrapolationView()->runIds(), (QVector<int>{1, 2, 3}));
    // posenc-studio --session <folder> opens it too.
    core::CliOptions options;
    options.sessionPath = folder;
    MainWindow fromCli(options);
    QCOMPARE(fromCli.runList()->ids(), (QVector<int>{1, 2, 3}));
}

void TestLabActions::damagedOrNewerSessionChangesNothing_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QByteArray("{\"format\": \"posenc-studio-session\", \"vers")
                              << QStringLiteral("session.json");
    QTest::newRow("newer") << QByteArray(R"({"format":"posenc-studio-session","version":99,"runs":[]})")
                           << QStringLiteral("newer PosEnc Studio (format version 99");
}

void TestLabActions::damagedOrNewerSessionChangesNothing() {
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    trainRuns(m_window, 1);
    if (QTest::currentTestFailed())
        return;
    const double loss = m_window->runList()->record(1)->epochs.last().trainLoss;
    QTemporaryDir dir;
    QVERIFY(posenc::testing::writeBytes(QDir(dir.path()).filePath(QStringLiteral("session.json")), json));
    const QString error = m_window->labActions()->openSession(dir.path());
    QVERIFY2(error.contains(message), qPrintable(error));
    QCOMPARE(m_window->runList()->ids(), (QVector<int>{1})); // the current session is untouched
    QCOMPARE(m_window->runList()->record(1)->epochs.last().trainLoss, loss);
    QCOMPARE(m_window->lossView()->batchPointCount(1), kStepsPerEpoch);
}

// A session saved while a run is held keeps that run as it is now (its checkpoint at the held step),
// and reopens it as stopped, not as training.
void TestLabActions::sessionSavedMidRunReopensStopped() {
    m_window->settingsPanel()->setConfig(smallConfig(1000));
    QSignalSpy paused(m_window->controller(), &core::TrainingController::paused);
    m_window->startPauseAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->lossView()->batchPointCount() > 0, kRunWaitMs);
    m_window->startPauseAction()->trigger();
    QVERIFY(paused.wait(kRunWaitMs));
    const qint64 held = paused[0][0].toLongLong();
    QTemporaryDir dir;
    QCOMPARE(m_window->labActions()->saveSession(dir.path()), QString());
    QCOMPARE(m_window->runList()->record(1)->status, core::RunStatus::Paused); // still held here

    MainWindow other;
    QCOMPARE(other.labActions()->openSession(dir.path()), QString());
    const core::RunRecord *run = other.runList()->record(1);
    QCOMPARE(run->status, core::RunStatus::Stopped);
    QCOMPARE(qint64(run->batches.size()), held);
    // Its checkpoint is the held state: it loads at step `held`.
    QCOMPARE(other.fileActions()->loadCheckpoint(run->checkpoint), QString());
    QCOMPARE(other.controller()->history().batches.size(), held);
}

QTEST_MAIN(TestLabActions)
#include "test_lab_actions.moc"
