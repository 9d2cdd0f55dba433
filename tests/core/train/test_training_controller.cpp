// The training thread as the window drives it: signals and their values, throttling, pause,
// stop, destruction mid-run, checkpoints through the controller.

#include "test_support.h"
#include "train/training_controller.h"
#include "train/training_worker.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace posenc::core;
using State = TrainingController::State;

namespace {
// 256 samples in batches of 8 (32 steps an epoch), max_len 64.
TrainConfig quick(int epochs = 3) {
    return posenc::testing::smallConfig(epochs, 256, 32);
}

QVector<BatchLoss> collect(const QSignalSpy &spy) {
    QVector<BatchLoss> all;
    for (const auto &args : spy)
        all += args.at(0).value<QVector<BatchLoss>>();
    return all;
}
} // namespace

class TestTrainingController : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void completedRunIsProbedAndCanBeProbedAgain() {
        TrainingController controller;
        QSignalSpy probed(&controller, &TrainingController::probed);
        QSignalSpy finished(&controller, &TrainingController::finished);
        QVERIFY(!controller.probe()); // no run yet
        TrainConfig c = quick(1);
        c.probeLengths = {20, 40, 100}; // 100 > max_len 64: skipped for sinusoidal
        controller.start(c);
        QVERIFY(!controller.probe()); // live
        QVERIFY(finished.wait(30000));
        QCOMPARE(probed.count(), 1); // sent just before finished
        const auto first = probed[0][0].value<ProbeResult>();
        QCOMPARE(first.points.size(), 2);
        QCOMPARE(first.points[1].length, 40);
        QCOMPARE(first.skipped.size(), 1);
        // On demand (e.g. for a loaded checkpoint): the same fixed probe sets, the same losses.
        QVERIFY(controller.probe());
        QVERIFY(probed.wait(30000));
        const auto again = probed[1][0].value<ProbeResult>();
        QCOMPARE(again.points.size(), 2);
        QCOMPARE(again.points[0].loss, first.points[0].loss);
        QCOMPARE(again.points[1].loss, first.points[1].loss);
    }

    void runDeliversEveryStepInFewSignals() {
        TrainingController controller;
        QSignalSpy batches(&controller, &TrainingController::batchLosses);
        QSignalSpy epochs(&controller, &TrainingController::epochFinished);
        QSignalSpy finished(&controller, &TrainingController::finished);
        QSignalSpy started(&controller, &TrainingController::runStarted);
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(controller.start(quick()), QStringList());
        QCOMPARE(controller.state(), State::Running);
        QVERIFY(finished.wait(60000));
        const qint64 runMs = clock.elapsed(); // at least as long as the worker trained
        QCOMPARE(controller.state(), State::Idle);
        QCOMPARE(started.size(), 1);
        QCOMPARE(started[0][1].toInt(), 0);

        const QVector<BatchLoss> all = collect(batches);
        QCOMPARE(all.size(), 3 * 32);
        for (int i = 0; i < all.size(); ++i)
            QCOMPARE(all[i].step, qint64(i + 1)); // every step, in order, none twice
        // Throttled: at most one emission per 33 ms of training plus one at each epoch's end, however
        // fast or slow (under a sanitizer) the steps are. Unthrottled, a fast run would send 96.
        const qint64 mostEmissions = runMs / TrainingWorker::kEmitIntervalMs + 3;
        QVERIFY2(batches.size() <= mostEmissions,
                 qPrintable(QStringLiteral("%1 emissions in %2 ms").arg(batches.size()).arg(runMs)));

        QCOMPARE(epochs.size(), 3);
        const auto last = epochs[2][0].value<EpochStats>();
        QCOMPARE(last.epoch, 3);
        QCOMPARE(last.step, qint64(96));
        QVERIFY(last.samplesPerSec > 0);
        const auto result = finished[0][0].value<TrainResult>();
        QCOMPARE(result.outcome, Outcome::Completed);
        QCOMPARE(result.epochsDone, 3);
        QCOMPARE(result.lastTrainLoss, last.trainLoss);
    }

    void invalidConfigStartsNothing() {
        TrainingController controller;
        TrainConfig c = quick();
        c.batchSize = 0;
        QCOMPARE(controller.start(c), QStringList{QStringLiteral("batch size must be at least 1 (got 0)")});
        QCOMPARE(controller.state(), State::Idle);
    }

    void pauseHoldsTheStepCount() {
        TrainingController controller;
        QSignalSpy batches(&controller, &TrainingController::batchLosses);
        QSignalSpy finished(&controller, &TrainingController::finished);
        controller.start(quick(50));
        QSignalSpy paused(&controller, &TrainingController::paused);
        QVERIFY(batches.wait(30000));
        controller.pause();
        QCOMPARE(controller.state(), State::Paused);
        // The worker says where it is held, after sending every batch loss up to there.
        QVERIFY(paused.wait(10000));
        const qint64 heldStep = paused[0][0].toLongLong();
        const QVector<BatchLoss> held = collect(batches);
        QCOMPARE(held.last().step, heldStep);
        controller.resume();
        QCOMPARE(controller.state(), State::Running);
        QTRY_VERIFY_WITH_TIMEOUT(collect(batches).size() > held.size(), 10000);
        // Nothing moved while held: the next loss is the next step.
        QCOMPARE(collect(batches)[held.size()].step, heldStep + 1);
        controller.stop();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished[0][0].value<TrainResult>().outcome, Outcome::Stopped);
    }

    void stopWhilePausedEndsTheRun() {
        TrainingController controller;
        QSignalSpy batches(&controller, &TrainingController::batchLosses);
        QSignalSpy finished(&controller, &TrainingController::finished);
        controller.start(quick(50));
        QVERIFY(batches.wait(30000));
        controller.pause();
        controller.stop();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished[0][0].value<TrainResult>().outcome, Outcome::Stopped);
        QCOMPARE(controller.state(), State::Idle);
    }

    void destroyingMidRunJoinsTheThread() {
        auto *controller = new TrainingController;
        QSignalSpy batches(controller, &TrainingController::batchLosses);
        QElapsedTimer clock;
        clock.start();
        controller->start(quick(1000));
        QVERIFY(batches.wait(30000));
        const qint64 firstBatchMs = clock.elapsed(); // at least one batch, at this build's speed
        clock.restart();
        delete controller; // must stop within a batch and join, not hang for 1000 epochs
        QVERIFY2(
            clock.elapsed() < 5000 + 3 * firstBatchMs,
            qPrintable(QStringLiteral("%1 ms, first batch %2 ms").arg(clock.elapsed()).arg(firstBatchMs)));
    }

    void divergedRunReportsIt() {
        TrainingController controller;
        QSignalSpy finished(&controller, &TrainingController::finished);
        TrainConfig c = quick();
        c.lr = 1e30;
        controller.start(c);
        QVERIFY(finished.wait(30000));
        const auto result = finished[0][0].value<TrainResult>();
        QCOMPARE(result.outcome, Outcome::Diverged);
        QVERIFY(result.message.contains(QStringLiteral("lower learning rate")));
        QCOMPARE(controller.state(), State::Idle);
    }

    void checkpointRoundTripThroughTheController() {
        QTemporaryDir dir;
        TrainingController controller;
        QSignalSpy finished(&controller, &TrainingController::finished);
        QVERIFY(!controller.saveCheckpoint(dir.filePath("none.pt")).isEmpty()); // nothing trained yet
        controller.start(quick(2));
        QVERIFY(finished.wait(30000));
        QCOMPARE(controller.saveCheckpoint(dir.filePath("c.pt")), QString());
        const RunHistory before = controller.history();
        QCOMPARE(before.batches.size(), 64);
        QCOMPARE(before.epochs.size(), 2);

        TrainingController other;
        TrainConfig loaded;
        int epochs = -1;
        QCOMPARE(other.loadCheckpoint(dir.filePath("c.pt"), &loaded, &epochs), QString());
        QVERIFY(loaded == quick(2));
        QCOMPARE(epochs, 2);
        // The loaded run's history, as the loss plot redraws it before continuing.
        const RunHistory restored = other.history();
        QCOMPARE(restored.batches.size(), 64);
        QCOMPARE(restored.batches.last().loss, before.batches.last().loss);
        QCOMPARE(restored.epochs[1].valLoss, before.epochs[1].valLoss);
        QSignalSpy started(&other, &TrainingController::runStarted);
        QSignalSpy otherFinished(&other, &TrainingController::finished);
        other.continueLoaded(4);
        QVERIFY(otherFinished.wait(30000));
        QCOMPARE(started[0][1].toInt(), 2);
        QCOMPARE(started[0][2].toLongLong(), qint64(64));
        QCOMPARE(otherFinished[0][0].value<TrainResult>().epochsDone, 4);
        QCOMPARE(other.history().batches.size(), 128); // continued on from the old curve, no gap
        QCOMPARE(other.history().batches[64].step, qint64(65));
        QCOMPARE(other.history().epochs.size(), 4);
        QVERIFY(!other.loadCheckpoint(dir.filePath("missing.pt"), &loaded, &epochs).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTrainingController)
#include "test_training_controller.moc"
