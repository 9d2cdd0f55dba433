// The queue behind Compare…: runs train one after another on a real controller, in the order queued,
// each with its own settings; a Stop holds the queue until the rest is dropped or resumed.

#include "lab/run_queue.h"
#include "train/training_controller.h"

#include <QSignalSpy>
#include <QTest>

using namespace posenc::core;

namespace {
// A run of a few milliseconds: seq_len 5, 64 samples, one or two epochs.
TrainConfig tiny(PeKind kind, int epochs = 1) {
    TrainConfig c;
    c.backbone = Backbone::Transformer;
    c.encoding.kind = kind;
    c.encoding.maxLen = 64;
    c.encoding.dModel = 8;
    c.heads = 2;
    c.seqLen = 5;
    c.numSamples = 64;
    c.valSamples = 16;
    c.batchSize = 16;
    c.epochs = epochs;
    c.seed = 11;
    c.probeLengths = {5};
    return c;
}

const QVector<TrainConfig> kThree = {tiny(PeKind::Sinusoidal), tiny(PeKind::Rope, 2), tiny(PeKind::Alibi)};
} // namespace

class TestRunQueue : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { registerMetaTypes(); }

    void trainsEachInTurn() {
        TrainingController controller;
        RunQueue queue(&controller);
        QSignalSpy starting(&queue, &RunQueue::runStarting);
        QSignalSpy started(&controller, &TrainingController::runStarted);
        QSignalSpy finished(&controller, &TrainingController::finished);
        QSignalSpy done(&queue, &RunQueue::queueFinished);
        QSignalSpy pendingSpy(&queue, &RunQueue::pendingChanged);
        queue.enqueue(kThree);
        QCOMPARE(queue.pending(), 3);
        QVERIFY(done.wait(60000));
        QCOMPARE(finished.size(), 3);
        QCOMPARE(starting.size(), 3);
        QCOMPARE(started.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(starting[i][0].value<TrainConfig>(), kThree[i]);
            QCOMPARE(starting[i][1].toInt(), i);
            QCOMPARE(starting[i][2].toInt(), 3);
            // What the worker trained is what was queued, in that order, and every run completed.
            QCOMPARE(started[i][0].value<TrainConfig>().encoding.kind, kThree[i].encoding.kind);
            QCOMPARE(finished[i][0].value<TrainResult>().outcome, Outcome::Completed);
            QCOMPARE(finished[i][0].value<TrainResult>().epochsDone, kThree[i].epochs);
        }
        QCOMPARE(queue.pending(), 0);
        QCOMPARE(pendingSpy.last().at(0).toInt(), 0);
        QCOMPARE(done.size(), 1);
    }

    // A diverged (or failed) run does not hold the queue; only the user's Stop holds it.
    void failedRunMovesOn() {
        TrainingController controller;
        RunQueue queue(&controller);
        QSignalSpy finished(&controller, &TrainingController::finished);
        QSignalSpy failed(&controller, &TrainingController::failed);
        QSignalSpy done(&queue, &RunQueue::queueFinished);
        QSignalSpy held(&queue, &RunQueue::stoppedWithPending);
        TrainConfig diverging = tiny(PeKind::Learned);
        diverging.backbone = Backbone::Lstm;
        diverging.lr = 1e30; // a finite, valid rate whose first step makes the loss NaN
        queue.enqueue({diverging, tiny(PeKind::None)});
        QVERIFY(done.wait(60000));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(finished.size(), 2);
        QCOMPARE(finished[0][0].value<TrainResult>().outcome, Outcome::Diverged);
        QCOMPARE(finished[1][0].value<TrainResult>().outcome, Outcome::Completed);
        QCOMPARE(held.size(), 0);
    }

    void stopHolds_data() {
        QTest::addColumn<bool>("drop");
        QTest::newRow("drop the rest") << true;
        QTest::newRow("resume the rest") << false;
    }

    void stopHolds() {
        QFETCH(bool, drop);
        TrainingController controller;
        RunQueue queue(&controller);
        QSignalSpy starting(&queue, &RunQueue::runStarting);
        QSignalSpy finished(&controller, &TrainingController::finished);
        QSignalSpy held(&queue, &RunQueue::stoppedWithPending);
        QSignalSpy done(&queue, &RunQueue::queueFinished);
        // The user presses Stop as the second run goes live: the flag is set before its first batch.
        int live = 0;
        connect(&controller, &TrainingController::stateChanged, &controller,
                [&](TrainingController::State s) {
                    if (s == TrainingController::State::Running && ++live == 2)
                        controller.stop();
                });
        queue.enqueue(kThree);
        QVERIFY(held.wait(60000));
        QCOMPARE(held.size(), 1);
        QCOMPARE(held[0][0].toInt(), 1); // the third run waits
        QCOMPARE(finished.size(), 2);
        QCOMPARE(finished[1][0].value<TrainResult>().outcome, Outcome::Stopped);
        QVERIFY(queue.isHeld());
        QCOMPARE(queue.pending(), 1);
        QCOMPARE(starting.size(), 2);
        if (drop) {
            queue.dropPending();
            QCOMPARE(done.size(), 1);
            QCOMPARE(queue.pending(), 0);
            QCoreApplication::processEvents(); // a start would be a queued call: none comes
            QCOMPARE(starting.size(), 2);
            QCOMPARE(controller.state(), TrainingController::State::Idle);
            return;
        }
        queue.resumeQueue();
        QVERIFY(done.wait(60000));
        QCOMPARE(starting.size(), 3);
        QCOMPARE(starting[2][0].value<TrainConfig>().encoding.kind, PeKind::Alibi);
        QCOMPARE(starting[2][1].toInt(), 2);
        QCOMPARE(starting[2][2].toInt(), 3);
        QCOMPARE(finished.size(), 3);
        QCOMPARE(finished[2][0].value<TrainResult>().outcome, Outcome::Completed);
    }

    // Queued while the user's own run trains: the queue waits for it, then starts.
    void waitsForALiveRun() {
        TrainingController controller;
        RunQueue queue(&controller);
        QSignalSpy starting(&queue, &RunQueue::runStarting);
        QSignalSpy finished(&controller, &TrainingController::finished);
        QSignalSpy done(&queue, &RunQueue::queueFinished);
        int finishedBeforeStart = -1;
        connect(&queue, &RunQueue::runStarting, &queue, [&] { finishedBeforeStart = finished.size(); });
        QCOMPARE(controller.start(tiny(PeKind::Learned, 2)), QStringList());
        queue.enqueue({tiny(PeKind::None)});
        QVERIFY(done.wait(60000));
        QCOMPARE(finished.size(), 2);
        QCOMPARE(starting.size(), 1);
        QCOMPARE(starting[0][1].toInt(), 0);
        QCOMPARE(finishedBeforeStart, 1); // the user's run had ended when the queued one started
    }

    void invalidConfigIsRejectedAndSkipped() {
        TrainingController controller;
        RunQueue queue(&controller);
        QSignalSpy rejected(&queue, &RunQueue::runRejected);
        QSignalSpy starting(&queue, &RunQueue::runStarting);
        QSignalSpy done(&queue, &RunQueue::queueFinished);
        TrainConfig lstmRope = tiny(PeKind::Rope);
        lstmRope.backbone = Backbone::Lstm;
        queue.enqueue({lstmRope, tiny(PeKind::Alibi)});
        QVERIFY(done.wait(60000));
        QCOMPARE(rejected.size(), 1);
        QVERIFY(rejected[0][1].toString().contains(QStringLiteral("needs an attention backbone")));
        QCOMPARE(starting.size(), 1);
        QCOMPARE(starting[0][0].value<TrainConfig>().encoding.kind, PeKind::Alibi);
        QCOMPARE(starting[0][2].toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRunQueue)
#include "test_run_queue.moc"
