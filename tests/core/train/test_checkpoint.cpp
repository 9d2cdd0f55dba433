// Checkpoints resume a run exactly; bad files give clear errors; the exported state_dict loads
// into the seed's own Python model and predicts what the C++ model predicts.

#include "model/model.h"
#include "python_reference.h"
#include "test_support.h"
#include "train/checkpoint_io.h"
#include "train/trainer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace posenc::core;

namespace {
// 128 samples in the default batches of 32, 6 epochs.
TrainConfig smallConfig() {
    return posenc::testing::smallConfig(6, 128, 32, 0);
}
using posenc::testing::trainLosses;
using posenc::testing::writeBytes;
} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void resumedRunEqualsUninterruptedRun_data() {
        QTest::addColumn<int>("stopAtStep");
        QTest::addColumn<int>("epochsDone");
        QTest::newRow("between epochs") << 8 << 2; // 128 samples / 32 = 4 batches an epoch
        QTest::newRow("mid-epoch") << 10 << 2;
    }
    void resumedRunEqualsUninterruptedRun() {
        QFETCH(int, stopAtStep);
        QFETCH(int, epochsDone);
        QString error;
        auto whole = Trainer::create(smallConfig(), &error);
        const QVector<double> expected = trainLosses(*whole);
        QCOMPARE(expected.size(), 6);

        auto first = Trainer::create(smallConfig(), &error);
        const QVector<double> head = trainLosses(*first, stopAtStep);
        QCOMPARE(head.size(), epochsDone);
        QCOMPARE(first->saveCheckpoint(path("ckpt.pt")), QString());

        auto resumed = Trainer::loadCheckpoint(path("ckpt.pt"), &error);
        QVERIFY2(resumed, qPrintable(error));
        QCOMPARE(resumed->epochsDone(), epochsDone);
        QCOMPARE(resumed->steps(), qint64(stopAtStep));
        QVERIFY(resumed->config() == smallConfig());
        QCOMPARE(resumed->lastTrainLoss(), head.last());
        const QVector<double> tail = trainLosses(*resumed);
        QCOMPARE(tail.size(), 6 - epochsDone);
        // Model, Adam moments, shuffle stream and the place in the epoch are all restored.
        for (int i = 0; i < tail.size(); ++i)
            QCOMPARE(tail[i], expected[i + epochsDone]);
    }

    void historySurvivesSaveLoadAndContinue_data() {
        QTest::addColumn<int>("stopAtStep");
        QTest::newRow("after 3 epochs") << 12;
        QTest::newRow("mid-epoch") << 14;
    }
    // The loss history comes back with a checkpoint value by value, and continuing from it gives
    // the history of an uninterrupted run (the rate, a wall-clock figure, aside).
    void historySurvivesSaveLoadAndContinue() {
        QFETCH(int, stopAtStep);
        TrainConfig c = smallConfig();
        c.epochs = 5;
        QString error;
        auto whole = Trainer::create(c, &error);
        trainLosses(*whole);
        const RunHistory expected = whole->history();
        QCOMPARE(expected.batches.size(), 20);
        QCOMPARE(expected.epochs.size(), 5);

        auto first = Trainer::create(c, &error);
        trainLosses(*first, stopAtStep);
        const RunHistory saved = first->history();
        QCOMPARE(saved.batches.size(), stopAtStep);
        QCOMPARE(first->saveCheckpoint(path("history.pt")), QString());
        auto loaded = Trainer::loadCheckpoint(path("history.pt"), &error);
        QVERIFY2(loaded, qPrintable(error));
        const RunHistory restored = loaded->history();
        QCOMPARE(restored.batches.size(), saved.batches.size());
        for (int i = 0; i < saved.batches.size(); ++i) {
            QCOMPARE(restored.batches[i].step, saved.batches[i].step);
            QCOMPARE(restored.batches[i].loss, saved.batches[i].loss);
        }
        QCOMPARE(restored.epochs.size(), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(restored.epochs[i].samplesPerSec, saved.epochs[i].samplesPerSec);

        trainLosses(*loaded);
        const RunHistory continued = loaded->history();
        QCOMPARE(continued.batches.size(), expected.batches.size());
        for (int i = 0; i < expected.batches.size(); ++i) {
            QCOMPARE(continued.batches[i].step, expected.batches[i].step);
            QVERIFY2(continued.batches[i].loss == expected.batches[i].loss, qPrintable(QString::number(i)));
        }
        QCOMPARE(continued.epochs.size(), expected.epochs.size());
        for (int i = 0; i < expected.epochs.size(); ++i) {
            QCOMPARE(continued.epochs[i].epoch, i + 1);
            QCOMPARE(continued.epochs[i].step, expected.epochs[i].step);
            QVERIFY(continued.epochs[i].trainLoss == expected.epochs[i].trainLoss);
            QVERIFY(continued.epochs[i].valLoss == expected.epochs[i].valLoss);
        }
    }

    void badFilesGiveClearErrors_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("reason");
        QTest::newRow("missing") << "missing.pt"
                                 << "the file does not exist";
        QTest::newRow("empty") << "empty.pt"
                               << "the file is empty";
        QTest::newRow("garbage") << "garbage.pt"
                                 << "the file is truncated or corrupt";
        QTest::newRow("truncated") << "truncated.pt"
                                   << "the file is truncated or corrupt";
        QTest::newRow("a state_dict") << "state_dict.pt"
                                      << "not a PosEnc Studio checkpoint";
    }
    void badFilesGiveClearErrors() {
        QFETCH(QString, name);
        QFETCH(QString, reason);
        QString error;
        auto t = Trainer::create(smallConfig(), &error);
        QCOMPARE(t->saveCheckpoint(path("good.pt")), QString());
        QFile good(path("good.pt"));
        QVERIFY(good.open(QIODevice::ReadOnly));
        const QByteArray bytes = good.readAll();
        QVERIFY(writeBytes(path("empty.pt"), {}));
        QVERIFY(writeBytes(path("garbage.pt"), QByteArray(4096, 'x')));
        QVERIFY(writeBytes(path("truncated.pt"), bytes.left(bytes.size() / 2)));
        QCOMPARE(t->exportStateDict(path("state_dict.pt")), QString());

        QVERIFY(!Trainer::loadCheckpoint(path(name), &error));
        QVERIFY2(error.startsWith(QStringLiteral("Cannot load checkpoint %1: ").arg(path(name))),
                 qPrintable(error));
        QVERIFY2(error.contains(reason), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n'))); // one line, no LibTorch backtrace
    }

    void unwritablePathsAreErrors() {
        QString error;
        auto t = Trainer::create(smallConfig(), &error);
        QVERIFY(t->saveCheckpoint(QStringLiteral("/nonexistent-dir/c.pt"))
                    .contains(QStringLiteral("/nonexistent-dir/c.pt")));
        QVERIFY(!t->exportStateDict(QStringLiteral("/nonexistent-dir/s.pt")).isEmpty());
    }

    void stateDictLoadsIntoTheSeedsPythonModel() {
        POSENC_SKIP_WITHOUT_PYTHON_TORCH();
        EncodingConfig e; // the seed's PE: d_model 32, max_len 5000
        SequenceModel model(10, e, 1, 3);
        QCOMPARE(saveStateDict(*model, path("seed_state.pt")), QString());
        QString error;
        const QVector<double> python = posenc::testing::runSeedReference(
            {QStringLiteral("predict"), path("seed_state.pt"), QStringLiteral("32")}, &error);
        QVERIFY2(python.size() == 4, qPrintable(error));
        model->eval();
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({4, 20, 10}, at::make_generator<at::CPUGeneratorImpl>(123));
        const auto y = model->forward(x).view(-1);
        for (int i = 0; i < 4; ++i)
            QVERIFY2(
                std::abs(y[i].item<double>() - python[i]) < 1e-5,
                qPrintable(
                    QStringLiteral("%1: C++ %2, Python %3").arg(i).arg(y[i].item<double>()).arg(python[i])));
    }

    void checkpointLoadsInPython() {
        POSENC_SKIP_WITHOUT_PYTHON_TORCH();
        QString error;
        auto t = Trainer::create(smallConfig(), &error);
        trainLosses(*t, 10); // 2 epochs and 2 batches
        QCOMPARE(t->saveCheckpoint(path("py.pt")), QString());
        QFile file(path("py.pt"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        CheckpointState state;
        QCOMPARE(decodeCheckpoint(file.readAll(), &state), QString());
        const QVector<double> python = posenc::testing::runSeedReference(
            {QStringLiteral("checkpoint"), path("py.pt"), QStringLiteral("32")}, &error);
        QVERIFY2(python.size() == 13, qPrintable(error));
        QCOMPARE(python[0], 9.0); // 8 parameters and the fixed table
        QCOMPARE(python[1], 8.0); // Adam state for every parameter
        QCOMPARE(python[2], 10.0);
        QCOMPARE(python[3], 2.0);
        QCOMPARE(python[4], 1.0); // format and config found
        QVERIFY(std::abs(python[5] - state.adam[0].expAvg.to(torch::kFloat64).sum().item<double>()) < 1e-9);
        SequenceModel model(10, smallConfig().encoding, 1, 0);
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < size_t(state.parameterCount); ++i)
            model->parameters()[i].copy_(state.model[i].second);
        model->eval();
        const auto x = torch::randn({4, 20, 10}, at::make_generator<at::CPUGeneratorImpl>(123));
        const auto y = model->forward(x).view(-1);
        for (int i = 0; i < 4; ++i)
            QVERIFY(std::abs(y[i].item<double>() - python[6 + i]) < 1e-5);
        // The loss history: 10 (step, loss) rows and 2 epoch rows, read by Python as float64.
        QCOMPARE(python[10], 10.0);
        QCOMPARE(python[11], 2.0);
        QCOMPARE(python[12], state.history.batches.last().loss);
    }

    void trainersStateDictIsAccepted() {
        POSENC_SKIP_WITHOUT_PYTHON_TORCH();
        QString error;
        TrainConfig c = smallConfig();
        c.encoding.maxLen = 5000;
        c.epochs = 1;
        auto t = Trainer::create(c, &error);
        t->run({});
        QCOMPARE(t->exportStateDict(path("trained.pt")), QString());
        const QVector<double> python = posenc::testing::runSeedReference(
            {QStringLiteral("predict"), path("trained.pt"), QStringLiteral("32")}, &error);
        QVERIFY2(python.size() == 4, qPrintable(error));
        QVERIFY(std::isfinite(python[0]));
    }
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"
