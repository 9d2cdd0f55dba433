// RunTracker without a window: which row a run trains in (new, queued, loaded and continued), the live
// row's status and values as the controller's values arrive, Continue only while the settings stay the
// checkpoint's, queued rows in order (rejected, dropped), delete with undo (once, expiring, never the
// training run), and what forgetting the runs resets.

#include "window/run_tracker.h"

#include "window/run_list.h"

#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace posenc;
using posenc::ui::RunList;
using posenc::ui::RunTracker;
using State = core::TrainingController::State;

Q_DECLARE_METATYPE(posenc::core::Outcome)
Q_DECLARE_METATYPE(posenc::core::RunStatus)

namespace {

core::TrainConfig configWith(core::PeKind kind, int dModel, int epochs = 4) {
    core::TrainConfig c;
    c.encoding.kind = kind;
    c.encoding.dModel = dModel;
    c.epochs = epochs;
    return c;
}

core::TrainResult resultOf(core::Outcome outcome) {
    core::TrainResult r;
    r.outcome = outcome;
    return r;
}

core::PeTable tableOf(int rows, int cols, float value) {
    core::PeTable t;
    t.rows = rows;
    t.cols = cols;
    t.values = QVector<float>(rows * cols, value);
    return t;
}

} // namespace

class TestRunTracker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void eachStartIsANewRow();
    void liveRowFollowsTheState();
    void valuesGoToTheLiveRow();
    void finishSetsStatusAndUnsaved_data();
    void finishSetsStatusAndUnsaved();
    void continueTrainsInTheLoadedRow();
    void anyChangeButEpochsStartsAfresh_data();
    void anyChangeButEpochsStartsAfresh();
    void queuedRunsTrainInTheirRows();
    void droppedQueueLeavesTheStartedRun();
    void deleteAndUndoOnce();
    void undoExpires();
    void trainingRunCannotBeDeleted();
    void forgetRunsStartsAfresh();

private:
    RunList *m_runs = nullptr;
    RunTracker *m_tracker = nullptr;
};

void TestRunTracker::init() {
    m_runs = new RunList;
    m_tracker = new RunTracker(m_runs);
}

void TestRunTracker::cleanup() {
    delete m_tracker;
    delete m_runs;
}

void TestRunTracker::eachStartIsANewRow() {
    QSignalSpy live(m_tracker, &RunTracker::liveRunChanged);
    QCOMPARE(m_tracker->liveRunId(), 0);
    m_tracker->runStarted(configWith(core::PeKind::Sinusoidal, 8), 0);
    QCOMPARE(m_tracker->liveRunId(), 1);
    QCOMPARE(m_runs->record(1)->status, core::RunStatus::Training);
    QCOMPARE(m_runs->record(1)->config.encoding.dModel, 8);
    m_tracker->runFinished(resultOf(core::Outcome::Completed));
    m_tracker->runStarted(configWith(core::PeKind::Learned, 16), 0);
    QCOMPARE(m_runs->ids(), (QVector<int>{1, 2}));
    QCOMPARE(m_tracker->liveRunId(), 2);
    QCOMPARE(m_runs->record(1)->status, core::RunStatus::Done);
    QCOMPARE(m_runs->record(2)->status, core::RunStatus::Training);
    QCOMPARE(live.count(), 2);
    QCOMPARE(live.at(1).at(0).toInt(), 2);
    // Without a loaded checkpoint, a start at a later epoch is a new row too.
    m_tracker->runStarted(configWith(core::PeKind::Learned, 16), 3);
    QCOMPARE(m_runs->count(), 3);
}

void TestRunTracker::liveRowFollowsTheState() {
    m_tracker->runStarted(configWith(core::PeKind::Sinusoidal, 8), 0);
    m_tracker->runFinished(resultOf(core::Outcome::Stopped));
    // Start sets Running before runStarted names the new row: the stopped row stays stopped.
    m_tracker->setTrainingState(State::Running);
    QCOMPARE(m_runs->record(1)->status, core::RunStatus::Stopped);
    m_tracker->runStarted(configWith(core::PeKind::Sinusoidal, 8), 0);
    m_tracker->setTrainingState(State::Paused);
    QCOMPARE(m_runs->record(2)->status, core::RunStatus::Paused);
    m_tracker->setTrainingState(State::Running);
    QCOMPARE(m_runs->record(2)->status, core::RunStatus::Training);
    // Idle alone says nothing of how the run ended: finished does.
    m_tracker->setTrainingState(State::Idle);
    QCOMPARE(m_runs->record(2)->status, core::RunStatus::Training);
    m_tracker->runFinished(resultOf(core::Outcome::Diverged));
    QCOMPARE(m_runs->record(2)->status, core::RunStatus::Diverged);
    QCOMPARE(m_runs->record(1)->status, core::RunStatus::Stopped);
}

void TestRunTracker::valuesGoToTheLiveRow() {
    m_tracker->runStarted(configWith(core::PeKind::Learned, 4), 0);
    m_tracker->appendBatchLosses({{1, 0.5}, {2, 0.25}});
    core::EpochStats stats;
    stats.epoch = 1;
    stats.step = 2;
    stats.trainLoss = 0.375;
    stats.valLoss = 0.3;
    m_tracker->addEpoch(stats);
    m_tracker->setSamplesPerSec(1234);
    core::ProbeResult probe;
    probe.points = {{20, 0.1}, {40, 0.7}};
    m_tracker->setProbe(probe);
    m_tracker->setTable(tableOf(3, 4, 0.5f));
    m_tracker->runFinished(resultOf(core::Outcome::Completed), tableOf(3, 4, 0.25f)); // as trained

    m_tracker->runStarted(configWith(core::PeKind::Sinusoidal, 8), 0);
    m_tracker->appendBatchLosses({{1, 9.0}});
    m_tracker->runFinished(resultOf(core::Outcome::Completed)); // no table: the row keeps none

    const core::RunRecord *first = m_runs->record(1);
    QCOMPARE(first->batches.size(), 2);
    QCOMPARE(first->batches.last().loss, 0.25);
    QCOMPARE(first->epochs.size(), 1);
    QCOMPARE(first->epochs.first().valLoss, 0.3);
    QCOMPARE(first->epoch, 1);
    QCOMPARE(first->samplesPerSec, 1234.0);
    QCOMPARE(first->probe.points.size(), 2);
    QCOMPARE(first->probe.points.last().loss, 0.7);
    QCOMPARE(first->table.rows, 3);
    QCOMPARE(first->table.at(2, 3), 0.25f);
    const core::RunRecord *second = m_runs->record(2);
    QCOMPARE(second->batches.size(), 1);
    QCOMPARE(second->batches.first().loss, 9.0);
    QVERIFY(second->table.isEmpty());
}

void TestRunTracker::finishSetsStatusAndUnsaved_data() {
    QTest::addColumn<core::Outcome>("outcome");
    QTest::addColumn<core::RunStatus>("status");
    QTest::addColumn<bool>("unsaved");
    QTest::newRow("completed") << core::Outcome::Completed << core::RunStatus::Done << true;
    QTest::newRow("stopped") << core::Outcome::Stopped << core::RunStatus::Stopped << true;
    QTest::newRow("diverged") << core::Outcome::Diverged << core::RunStatus::Diverged << false;
    QTest::newRow("failed") << core::Outcome::Failed << core::RunStatus::Failed << false;
}

void TestRunTracker::finishSetsStatusAndUnsaved() {
    QFETCH(core::Outcome, outcome);
    QFETCH(core::RunStatus, status);
    QFETCH(bool, unsaved);
    QVERIFY(!m_tracker->isUnsaved());
    m_tracker->runStarted(configWith(core::PeKind::Sinusoidal, 8), 0);
    m_tracker->runFinished(resultOf(outcome));
    QCOMPARE(m_runs->record(1)->status, status);
    QCOMPARE(m_tracker->isUnsaved(), unsaved);
    m_tracker->markSaved();
    QVERIFY(!m_tracker->isUnsaved());
}

void TestRunTracker::continueTrainsInTheLoadedRow() {
    QSignalSpy continues(m_tracker, &RunTracker::continueChanged);
    m_tracker->runStarted(configWith(core::PeKind::Sinusoidal, 8), 0); // an earlier run, row 1
    m_tracker->runFinished(resultOf(core::Outcome::Completed));
    core::RunRecord loaded;
    loaded.config = configWith(core::PeKind::Learned, 16, 2);
    loaded.status = core::RunStatus::Done;
    loaded.epoch = 2;
    loaded.batches = {{1, 0.5}, {2, 0.4}};
    const int id = m_tracker->addLoaded(loaded, loaded.config);
    QCOMPARE(id, 2);
    QCOMPARE(m_tracker->loadedRunId(), 2);
    QVERIFY(m_tracker->continuesLoaded());
    QCOMPARE(continues.count(), 1);
    QCOMPARE(continues.at(0).at(0).toBool(), true);

    // Raising the epochs keeps the loaded run; Start continues it in its row, once.
    m_tracker->settingsChanged(configWith(core::PeKind::Learned, 16, 5));
    QVERIFY(m_tracker->continuesLoaded());
    QVERIFY(m_tracker->takeContinue());
    QVERIFY(!m_tracker->takeContinue());
    QCOMPARE(continues.count(), 2);
    QCOMPARE(continues.at(1).at(0).toBool(), false);
    m_tracker->runStarted(loaded.config, 2);
    QCOMPARE(m_tracker->liveRunId(), 2);
    QCOMPARE(m_runs->count(), 2);
    QCOMPARE(m_runs->record(2)->status, core::RunStatus::Training);
    m_tracker->appendBatchLosses({{3, 0.3}});
    QCOMPARE(m_runs->record(2)->batches.size(), 3); // one curve, going on
    QCOMPARE(m_runs->record(2)->batches.last().step, qint64(3));
}

void TestRunTracker::anyChangeButEpochsStartsAfresh_data() {
    QTest::addColumn<QString>("field");
    QTest::newRow("d_model") << QStringLiteral("d_model");
    QTest::newRow("seed") << QStringLiteral("seed");
    QTest::newRow("learning rate") << QStringLiteral("lr");
}

void TestRunTracker::anyChangeButEpochsStartsAfresh() {
    QFETCH(QString, field);
    core::RunRecord loaded;
    loaded.config = configWith(core::PeKind::Learned, 16, 2);
    m_tracker->addLoaded(loaded, loaded.config);
    QSignalSpy continues(m_tracker, &RunTracker::continueChanged);
    core::TrainConfig changed = loaded.config;
    if (field == QLatin1String("d_model"))
        changed.encoding.dModel = 32;
    else if (field == QLatin1String("seed"))
        changed.seed = 11;
    else
        changed.lr = 0.5;
    m_tracker->settingsChanged(changed);
    QVERIFY(!m_tracker->continuesLoaded());
    QCOMPARE(continues.count(), 1);
    QCOMPARE(continues.at(0).at(0).toBool(), false);
    // Changing it back does not bring the loaded run back: Start begins a new run.
    m_tracker->settingsChanged(loaded.config);
    QVERIFY(!m_tracker->takeContinue());
    m_tracker->runStarted(changed, 0);
    QCOMPARE(m_runs->ids(), (QVector<int>{1, 2}));
    QCOMPARE(m_tracker->liveRunId(), 2);
}

void TestRunTracker::queuedRunsTrainInTheirRows() {
    const QVector<core::TrainConfig> configs = {configWith(core::PeKind::Sinusoidal, 8),
                                                configWith(core::PeKind::Learned, 8),
                                                configWith(core::PeKind::None, 8)};
    m_tracker->queue(configs);
    QCOMPARE(m_runs->ids(), (QVector<int>{1, 2, 3}));
    QCOMPARE(m_tracker->queuedIds(), (QVector<int>{1, 2, 3}));
    for (int id : {1, 2, 3})
        QCOMPARE(m_runs->record(id)->status, core::RunStatus::Queued);

    m_tracker->queuedRunStarting();
    m_tracker->runStarted(configs[0], 0);
    QCOMPARE(m_tracker->liveRunId(), 1);
    QCOMPARE(m_runs->record(1)->status, core::RunStatus::Training);
    QCOMPARE(m_runs->count(), 3); // no new row
    m_tracker->runFinished(resultOf(core::Outcome::Completed));

    // The queue skips the second (the controller refused it): its row fails, the third trains.
    QCOMPARE(m_tracker->queuedRunRejected(), 2);
    QCOMPARE(m_runs->record(2)->status, core::RunStatus::Failed);
    m_tracker->queuedRunStarting();
    m_tracker->runStarted(configs[2], 0);
    QCOMPARE(m_tracker->liveRunId(), 3);
    QCOMPARE(m_runs->record(3)->status, core::RunStatus::Training);
    QCOMPARE(m_tracker->queuedIds(), QVector<int>());
    QCOMPARE(m_tracker->queuedRunRejected(), 0);
    // A run started by hand after the queue is a new row.
    m_tracker->runStarted(configs[0], 0);
    QCOMPARE(m_tracker->liveRunId(), 4);
}

void TestRunTracker::droppedQueueLeavesTheStartedRun() {
    const QVector<core::TrainConfig> configs(3, configWith(core::PeKind::Sinusoidal, 8));
    m_tracker->queue(configs);
    m_tracker->queuedRunStarting();
    m_tracker->runStarted(configs[0], 0);
    m_tracker->dropQueued();
    QCOMPARE(m_runs->ids(), (QVector<int>{1})); // the training run stays, the two waiting go
    QCOMPARE(m_runs->record(1)->status, core::RunStatus::Training);
    QCOMPARE(m_tracker->queuedIds(), QVector<int>());
    QCOMPARE(m_tracker->liveRunId(), 1);
    // The next start is a new row.
    m_tracker->runStarted(configs[0], 0);
    QCOMPARE(m_runs->ids(), (QVector<int>{1, 4}));
}

void TestRunTracker::deleteAndUndoOnce() {
    for (int d : {8, 16, 32})
        m_runs->addRun(configWith(core::PeKind::Sinusoidal, d), core::RunStatus::Done);
    m_runs->setVisible(2, false);
    QSignalSpy available(m_tracker, &RunTracker::undoAvailable);
    QSignalSpy restored(m_tracker, &RunTracker::runRestored);
    QSignalSpy messages(m_tracker, &RunTracker::message);

    QCOMPARE(m_tracker->deleteRun(2), QString());
    QCOMPARE(m_runs->ids(), (QVector<int>{1, 3}));
    QVERIFY(m_tracker->canUndo());
    QCOMPARE(available.count(), 1);
    QCOMPARE(available.at(0).at(0).toBool(), true);
    QVERIFY2(messages.last().at(0).toString().startsWith(QStringLiteral("Deleted run 2 \u00b7 ")),
             qPrintable(messages.last().at(0).toString()));
    QCOMPARE(messages.last().at(1).toInt(), RunTracker::kUndoMs);

    QVERIFY(m_tracker->undoDelete());
    QCOMPARE(m_runs->ids(), (QVector<int>{1, 2, 3})); // back at its row, as it was
    QVERIFY(!m_runs->record(2)->visible);
    QCOMPARE(m_runs->record(2)->config.encoding.dModel, 16);
    QCOMPARE(restored.count(), 1);
    QCOMPARE(restored.at(0).at(0).toInt(), 2);
    QVERIFY(messages.last().at(0).toString().startsWith(QStringLiteral("Restored run 2")));
    QCOMPARE(available.count(), 2);
    QCOMPARE(available.at(1).at(0).toBool(), false);
    QVERIFY(!m_tracker->undoDelete()); // one undo per delete
    QCOMPARE(m_runs->count(), 3);

    // A second delete replaces the first: only the last comes back.
    QCOMPARE(m_tracker->deleteRun(1), QString());
    QCOMPARE(m_tracker->deleteRun(3), QString());
    QVERIFY(m_tracker->undoDelete());
    QCOMPARE(m_runs->ids(), (QVector<int>{2, 3}));
    QCOMPARE(m_tracker->deleteRun(7), QStringLiteral("No run 7"));
}

void TestRunTracker::undoExpires() {
    m_runs->addRun(configWith(core::PeKind::Sinusoidal, 8), core::RunStatus::Done);
    QSignalSpy available(m_tracker, &RunTracker::undoAvailable);
    QCOMPARE(m_tracker->deleteRun(1), QString());
    QCOMPARE(available.count(), 1);
    QVERIFY(available.wait(RunTracker::kUndoMs + 10000)); // the offer's timer, not a fixed sleep
    QCOMPARE(available.last().at(0).toBool(), false);
    QVERIFY(!m_tracker->canUndo());
    QVERIFY(!m_tracker->undoDelete());
    QCOMPARE(m_runs->count(), 0);
}

void TestRunTracker::trainingRunCannotBeDeleted() {
    m_runs->addRun(configWith(core::PeKind::Sinusoidal, 8), core::RunStatus::Done);
    m_tracker->setTrainingState(State::Running);
    m_tracker->runStarted(configWith(core::PeKind::Sinusoidal, 16), 0);
    const int live = m_tracker->liveRunId();
    QCOMPARE(live, 2);
    QSignalSpy messages(m_tracker, &RunTracker::message);
    for (State state : {State::Running, State::Paused}) {
        m_tracker->setTrainingState(state);
        const QString why = m_tracker->deleteRun(live);
        QVERIFY2(why.contains(QStringLiteral("training")), qPrintable(why));
        QVERIFY(messages.last().at(0).toString().contains(QStringLiteral("stop it before deleting it")));
        QCOMPARE(m_runs->count(), 2);
        QVERIFY(!m_tracker->canUndo());
    }
    // Another row can go while the live one trains; the live one once it has stopped.
    QCOMPARE(m_tracker->deleteRun(1), QString());
    m_tracker->setTrainingState(State::Idle);
    m_tracker->runFinished(resultOf(core::Outcome::Stopped));
    QCOMPARE(m_tracker->deleteRun(live), QString());
    QCOMPARE(m_runs->count(), 0);
}

void TestRunTracker::forgetRunsStartsAfresh() {
    m_tracker->runStarted(configWith(core::PeKind::Sinusoidal, 8), 0);
    m_tracker->runFinished(resultOf(core::Outcome::Completed));
    core::RunRecord loaded;
    loaded.config = configWith(core::PeKind::Learned, 16, 2);
    m_tracker->addLoaded(loaded, loaded.config);
    QVERIFY(m_tracker->isUnsaved());
    QSignalSpy continues(m_tracker, &RunTracker::continueChanged);
    m_tracker->forgetRuns();
    QCOMPARE(m_tracker->liveRunId(), 0);
    QCOMPARE(m_tracker->loadedRunId(), 0);
    QVERIFY(!m_tracker->continuesLoaded());
    QVERIFY(!m_tracker->isUnsaved());
    QCOMPARE(continues.count(), 1);
    // The loaded row is no longer the one a continued run trains in.
    m_tracker->runStarted(loaded.config, 2);
    QCOMPARE(m_runs->ids(), (QVector<int>{1, 2, 3}));
}

QTEST_GUILESS_MAIN(TestRunTracker)
#include "test_run_tracker.moc"
