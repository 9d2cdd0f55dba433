// The training loop: the seed's losses (against the seed's own Python code), convergence for
// several seeds, determinism, divergence, stop and pause hooks, progress.

#include "encoding/compute_table.h"
#include "python_reference.h"
#include "test_support.h"
#include "train/trainer.h"
#include "util/cpu_runtime.h"

#include <QTest>

#include <cmath>
#include <thread>

using namespace posenc::core;

namespace {
struct Run {
    TrainResult result;
    QVector<EpochStats> epochs;
    QVector<BatchLoss> batches;
    QVector<Progress> progress;
};

Run train(const TrainConfig &config, Trainer::Hooks hooks = {}) {
    Run run;
    QString error;
    auto trainer = Trainer::create(config, &error);
    if (!trainer) {
        run.result.outcome = Outcome::Failed;
        run.result.message = error;
        return run;
    }
    hooks.onEpoch = [&](const EpochStats &s) { run.epochs << s; };
    hooks.onBatch = [&](const BatchLoss &b) { run.batches << b; };
    hooks.onProgress = [&](const Progress &p) { run.progress << p; };
    run.result = trainer->run(hooks);
    return run;
}

// 96 samples in the default batches of 32 (3 an epoch), 2 epochs, max_len 50.
TrainConfig small() {
    return posenc::testing::smallConfig(2, 96, 20, 0, 50);
}
} // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reproducesTheSeedNotebook_data() {
        QTest::addColumn<QString>("lstm");
        QTest::newRow("fused LSTM") << QStringLiteral("fused");
        QTest::newRow("reference LSTM") << QStringLiteral("reference");
    }
    void reproducesTheSeedNotebook() {
        QFETCH(QString, lstm);
        POSENC_SKIP_WITHOUT_PYTHON_TORCH();
        static QVector<double> python; // the reference run, shared by the rows
        QString error;
        if (python.isEmpty())
            python =
                posenc::testing::runSeedReference({QStringLiteral("train"), QStringLiteral("0")}, &error);
        QVERIFY2(python.size() == 10, qPrintable(error));
        TrainConfig config;
        QVERIFY(parseLstmImpl(lstm, &config.lstm));
        const Run cpp = train(config);
        QCOMPARE(cpp.epochs.size(), 10);
        for (int e = 0; e < 10; ++e) {
            // Same data, initial weights and shuffles; only the PE's last float bits differ (ours is
            // evaluated in double), and the fused LSTM's rounding (its gradients agree with LibTorch's to
            // ~5e-7), so the losses agree to ~1e-6 relative.
            const double rel = std::abs(cpp.epochs[e].trainLoss - python[e]) / python[e];
            QVERIFY2(rel < 1e-5, qPrintable(QStringLiteral("epoch %1: C++ %2, Python %3")
                                                .arg(e + 1)
                                                .arg(cpp.epochs[e].trainLoss, 0, 'g', 10)
                                                .arg(python[e], 0, 'g', 10)));
        }
    }

    void defaultRunConverges_data() {
        QTest::addColumn<quint64>("seed");
        for (quint64 s : {0ull, 1ull, 2ull, 7ull})
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(s))) << s;
    }
    void defaultRunConverges() {
        QFETCH(quint64, seed);
        TrainConfig c;
        c.seed = seed;
        const Run run = train(c);
        QCOMPARE(run.result.outcome, Outcome::Completed);
        QCOMPARE(run.result.epochsDone, 10);
        QCOMPARE(run.result.steps, qint64(10 * 32)); // ceil(1000 / 32) batches an epoch
        QCOMPARE(run.batches.size(), 320);
        QVERIFY2(run.epochs.last().trainLoss < 0.05,
                 qPrintable(QString::number(run.epochs.last().trainLoss)));
        QVERIFY(run.epochs.first().trainLoss > 0.5); // it really learned something
        QVERIFY(run.epochs.last().valLoss < 0.1);
        // The epoch's train loss is the mean of its batch losses, as the seed prints it.
        double sum = 0;
        for (int b = 0; b < 32; ++b)
            sum += run.batches[b].loss;
        QVERIFY(std::abs(sum / 32 - run.epochs.first().trainLoss) < 1e-12);
    }

    void trainingUsesOneBlasThread() {
        if (!setBlasThreads(2))
            QSKIP("the loaded BLAS is not OpenBLAS");
        QCOMPARE(blasThreads(), 2);
        QCOMPARE(train(small()).result.outcome, Outcome::Completed);
        QCOMPARE(blasThreads(), recommendedBlasThreads(small())); // OpenBLAS's pool follows the app's choice
        QCOMPARE(recommendedBlasThreads(small()), 1);
        TrainConfig wide = small();
        wide.encoding.dModel = 256;
        QCOMPARE(recommendedBlasThreads(wide),
                 int(std::min(2u, std::max(1u, std::thread::hardware_concurrency()))));
    }

    void sameSeedSameLosses() {
        const Run a = train(small());
        const Run b = train(small());
        QCOMPARE(a.batches.size(), b.batches.size());
        for (int i = 0; i < a.batches.size(); ++i)
            QCOMPARE(a.batches[i].loss, b.batches[i].loss);
        TrainConfig other = small();
        other.seed = 1;
        QVERIFY(train(other).batches[0].loss != a.batches[0].loss);
    }

    void hugeLearningRateDiverges() {
        TrainConfig c = small();
        c.lr = 1e30;
        const Run run = train(c);
        QCOMPARE(run.result.outcome, Outcome::Diverged);
        QCOMPARE(run.result.epochsDone, 0);
        QVERIFY(run.result.message.contains(QStringLiteral("batch %1").arg(run.result.steps + 1)));
        QVERIFY(run.result.message.contains(QStringLiteral("lower learning rate")));
        for (const BatchLoss &b : run.batches)
            QVERIFY(std::isfinite(b.loss)); // the bad loss is never reported as a point
    }

    // lr 1e6 never gives NaN: losses of 1e13 that fall slowly. A whole epoch at 1e4 times the
    // first loss is divergence all the same.
    void lossFarAboveItsStartDiverges() {
        TrainConfig c = small();
        c.lr = 1e6;
        c.epochs = 5;
        const Run run = train(c);
        QCOMPARE(run.result.outcome, Outcome::Diverged);
        QCOMPARE(run.result.epochsDone, 2); // epoch 1 holds the first loss itself
        QCOMPARE(run.epochs.size(), 2);
        QVERIFY(run.epochs[1].trainLoss > 1e4 * run.batches[0].loss);
        QVERIFY2(run.result.message.startsWith(
                     QStringLiteral("Training diverged: the loss stayed above 10000 times its first value")),
                 qPrintable(run.result.message));
        QVERIFY(run.result.message.contains(QStringLiteral("for all of epoch 2")));
        QVERIFY(run.result.message.contains(QStringLiteral("Try a lower learning rate than 1e+06.")));
    }

    void stopLandsAtTheNextBatch() {
        int calls = 0;
        Trainer::Hooks hooks;
        hooks.shouldStop = [&] { return ++calls > 5; };
        const Run run = train(small(), hooks);
        QCOMPARE(run.result.outcome, Outcome::Stopped);
        QCOMPARE(run.result.steps, qint64(5));
        QCOMPARE(run.batches.size(), 5);
        QCOMPARE(run.result.epochsDone, 1); // small(): 3 batches an epoch
    }

    void pauseHookRunsBeforeEveryBatch() {
        int calls = 0;
        Trainer::Hooks hooks;
        hooks.waitWhilePaused = [&] { ++calls; };
        const Run run = train(small(), hooks);
        QCOMPARE(qint64(calls), run.result.steps);
    }

    void progressCountsToTheEnd() {
        const Run run = train(small());
        QCOMPARE(run.progress.size(), 6);
        QCOMPARE(run.progress.last().done, qint64(6));
        QCOMPARE(run.progress.last().total, qint64(6));
        QCOMPARE(run.progress.last().epoch, 2);
        QCOMPARE(run.progress.last().batch, 3);
        QCOMPARE(run.progress.last().etaSeconds, 0.0);
        QVERIFY(run.progress.first().etaSeconds > 0);
    }

    void oddDModelAndOtherKindsTrain_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("dModel");
        QTest::newRow("odd d_model 7") << int(PeKind::Sinusoidal) << 7;
        QTest::newRow("concat") << int(PeKind::SinusoidalConcat) << 16;
        QTest::newRow("learned") << int(PeKind::Learned) << 16;
        QTest::newRow("none") << int(PeKind::None) << 16;
    }
    void oddDModelAndOtherKindsTrain() {
        QFETCH(int, kind);
        QFETCH(int, dModel);
        TrainConfig c = small();
        c.encoding.kind = PeKind(kind);
        c.encoding.dModel = dModel;
        QString error;
        auto trainer = Trainer::create(c, &error);
        QVERIFY2(trainer, qPrintable(error));
        const PeTable before = trainer->peTable();
        QCOMPARE(before.cols, dModel);
        const TrainResult r = trainer->run({});
        QCOMPARE(r.outcome, Outcome::Completed);
        QVERIFY(std::isfinite(r.lastTrainLoss));
        const PeTable after = trainer->peTable();
        // Only the learned table moves with training, and only its first seq_len rows.
        const bool moved = after.at(0, 0) != before.at(0, 0);
        QCOMPARE(moved, PeKind(kind) == PeKind::Learned);
        QCOMPARE(after.at(49, 0), before.at(49, 0));
    }

    void invalidConfigIsAnErrorNotACrash() {
        TrainConfig c;
        c.seqLen = 6000;
        QString error;
        QVERIFY(!Trainer::create(c, &error));
        QCOMPARE(error,
                 QStringLiteral("sequence length 6000 exceeds max_len 5000 of the positional encoding"));
    }

    void learnedTableStartsAsPreviewed() {
        TrainConfig c = small();
        c.encoding.kind = PeKind::Learned;
        c.seed = 9;
        QString error;
        auto trainer = Trainer::create(c, &error);
        QCOMPARE(trainer->peTable().values, computePeTable(c.encoding, 9).values);
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
