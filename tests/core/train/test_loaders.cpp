// A corpus of damaged checkpoints, generated here from a good one: truncations, byte flips,
// zeroed ranges, crafted files with a valid checksum but wrong shapes, counters or orders, and
// files that are not files (a FIFO, a folder, /dev/zero). Every one must end in a clean one-line
// error; none may crash, hang or load. Old-format checkpoints (written by the old writer, below)
// still load and resume exactly.

#include "model/model.h"
#include "test_support.h"
#include "train/checkpoint_io.h"
#include "train/trainer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/istream_adapter.h>

#include <functional>
#include <sstream>
#include <sys/stat.h>

using namespace posenc::core;

namespace {
// d_model 8, max_len 24, 64 samples in batches of 16 (4 an epoch), 3 epochs.
TrainConfig smallConfig(PeKind kind) {
    TrainConfig c = posenc::testing::smallConfig(3, 64, 16, 16, 24);
    c.encoding.kind = kind;
    c.encoding.dModel = 8;
    return c;
}
using posenc::testing::readBytes;
using posenc::testing::trainLosses;
using posenc::testing::writeBytes;

// The checkpoint writer before the pickled format (posenc-studio-checkpoint-1), kept here to make
// old-format files: a TorchScript archive of the model, the optimiser and the counters.
QByteArray legacyCheckpoint(const CheckpointState &s) {
    const TrainConfig &c = s.config;
    SequenceModel model(c.featureDim, c.encoding, c.layers, c.seed);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(c.lr));
    torch::NoGradGuard noGrad;
    const auto params = model->parameters();
    for (size_t i = 0; i < params.size(); ++i) {
        params[i].copy_(s.model[i].second);
        if (s.adam.empty())
            continue;
        auto slot = std::make_unique<torch::optim::AdamParamState>();
        slot->step(s.adam[i].step);
        slot->exp_avg(s.adam[i].expAvg.clone());
        slot->exp_avg_sq(s.adam[i].expAvgSq.clone());
        optimizer.state()[c10::guts::to_string(params[i].unsafeGetTensorImpl())] = std::move(slot);
    }
    torch::serialize::OutputArchive archive;
    archive.write("format", c10::IValue(std::string("posenc-studio-checkpoint-1")));
    archive.write("config", c10::IValue(toText(c).toStdString()));
    archive.write("epochs_done", c10::IValue(int64_t(s.epochsDone)));
    archive.write("steps", c10::IValue(int64_t(s.steps)));
    archive.write("last_train_loss", c10::IValue(s.lastTrainLoss));
    archive.write("last_val_loss", c10::IValue(s.lastValLoss));
    archive.write("shuffle_rng", s.shuffleRng);
    archive.write("next_batch", c10::IValue(int64_t(s.nextBatch)));
    archive.write("epoch_loss_sum", c10::IValue(s.epochLossSum));
    if (s.order.defined())
        archive.write("epoch_order", s.order);
    torch::serialize::OutputArchive modelArchive, optimArchive;
    model->save(modelArchive);
    optimizer.save(optimArchive);
    archive.write("model", modelArchive);
    archive.write("optimizer", optimArchive);
    std::ostringstream bytes;
    archive.save_to(bytes);
    const std::string data = bytes.str();
    return QByteArray(data.data(), qsizetype(data.size()));
}

// A copy of a zip archive whose TorchScript code ends in `depth` nested parentheses.
QByteArray withNestedCode(const QByteArray &zip, int depth) {
    std::istringstream in(zip.toStdString());
    caffe2::serialize::PyTorchStreamReader reader(&in);
    std::string out;
    {
        caffe2::serialize::PyTorchStreamWriter writer([&](const void *data, size_t n) {
            out.append(static_cast<const char *>(data), n);
            return n;
        });
        for (const std::string &name : reader.getAllRecords()) {
            if (name == "version" || name == ".data/version")
                continue;
            const auto record = reader.getRecord(name);
            std::string text(static_cast<const char *>(std::get<0>(record).get()), std::get<1>(record));
            if (name.find("code/") != std::string::npos && name.size() > 3 &&
                name.compare(name.size() - 3, 3, ".py") == 0)
                text += "\ndef deep():\n    return " + std::string(size_t(depth), '(') + "1" +
                        std::string(size_t(depth), ')') + "\n";
            writer.writeRecord(name, text.data(), text.size());
        }
        writer.writeEndOfFile();
    }
    return QByteArray(out.data(), qsizetype(out.size()));
}

// One crafted change to a good state, re-sealed with a valid checksum, and the reason it must give.
struct Crafted {
    const char *name;
    std::function<void(CheckpointState &)> change;
    const char *reason;
    bool learned = false; // applied to the learned-table file
};

torch::Tensor &tensorNamed(CheckpointState &s, const std::string &name) {
    for (auto &entry : s.model)
        if (entry.first == name)
            return entry.second;
    throw std::runtime_error("no tensor " + name);
}

const std::vector<Crafted> &craftedCases() {
    static const std::vector<Crafted> cases = {
        {"embedding one row short",
         [](CheckpointState &s) {
             tensorNamed(s, "embedding.weight") = torch::zeros({7, 10});
         },
         "\"embedding.weight\" has shape [7, 10], but its settings need [8, 10]"},
        {"LSTM weight transposed",
         [](CheckpointState &s) {
             tensorNamed(s, "lstm.weight_ih_l0") = torch::zeros({8, 32});
         },
         "\"lstm.weight_ih_l0\" has shape [8, 32]"},
        {"fc bias 0-D", [](CheckpointState &s) { tensorNamed(s, "fc.bias") = torch::zeros({}); },
         "\"fc.bias\" has shape []"},
        {"fixed table 1-D",
         [](CheckpointState &s) { tensorNamed(s, "positional_encoding.pe") = torch::zeros({24 * 8}); },
         "\"positional_encoding.pe\" has shape [192]"},
        {"fixed table contradicts settings",
         [](CheckpointState &s) { tensorNamed(s, "positional_encoding.pe").mul_(0.5); },
         "positional-encoding table does not match its settings"},
        {"int64 weights",
         [](CheckpointState &s) {
             tensorNamed(s, "fc.weight") = torch::zeros({1, 8}, torch::kLong);
         },
         "\"fc.weight\" is not a float tensor"},
        {"NaN weight", [](CheckpointState &s) { tensorNamed(s, "fc.weight")[0][3] = NAN; }, "not finite"},
        {"tensor missing", [](CheckpointState &s) { s.model.erase(s.model.begin() + 1); },
         "its model has 8 tensors"},
        {"tensor renamed", [](CheckpointState &s) { s.model[0].first = "embedding.w\x1b[31m"; },
         "\"embedding.w\\x1b[31m\""},
        {"Adam moment wrong shape", [](CheckpointState &s) { s.adam[2].expAvg = torch::zeros({3}); },
         "optimiser state of \"lstm.weight_ih_l0\" has shape [3]"},
        {"Adam moment 1-D table",
         [](CheckpointState &s) { s.adam[0].expAvgSq = s.adam[0].expAvgSq.flatten(); },
         "optimiser state of \"embedding.weight\" has shape [80]"},
        {"Adam second moment negative", [](CheckpointState &s) { s.adam[1].expAvgSq[0] = -1.0; },
         "negative second moment"},
        {"Adam state missing for one parameter", [](CheckpointState &s) { s.adam[3] = AdamSlot{}; },
         "is missing"},
        {"Adam state dropped", [](CheckpointState &s) { s.adam.clear(); },
         "optimiser state does not match its 10 steps"},
        {"Adam step overflows", [](CheckpointState &s) { s.adam[0].step = INT64_MAX; },
         "counts 9223372036854775807 steps"},
        {"Adam lr contradicts settings", [](CheckpointState &s) { s.lr = 0.5; },
         "optimiser settings contradict"},
        {"steps INT64_MAX", [](CheckpointState &s) { s.steps = INT64_MAX; },
         "step count 9223372036854775807 does not match"},
        {"steps negative", [](CheckpointState &s) { s.steps = -1; }, "step count -1"},
        {"epochs beyond int", [](CheckpointState &s) { s.epochsDone = qint64(1) << 32; },
         "epoch position is out of range"},
        {"epochs negative", [](CheckpointState &s) { s.epochsDone = -1; }, "epoch position is out of range"},
        {"batch beyond the epoch", [](CheckpointState &s) { s.nextBatch = 4; },
         "epoch position is out of range"},
        {"batch beyond int", [](CheckpointState &s) { s.nextBatch = (qint64(1) << 32) + 2; },
         "epoch position is out of range"},
        {"order repeats a sample",
         [](CheckpointState &s) {
             s.order = s.order.clone();
             s.order[5] = s.order[6];
         },
         "not a permutation of the 64 samples"},
        {"order too short", [](CheckpointState &s) { s.order = s.order.narrow(0, 0, 63).clone(); },
         "not a permutation"},
        {"order out of range",
         [](CheckpointState &s) {
             s.order = s.order.clone();
             s.order[0] = 64;
         },
         "not a permutation"},
        {"order as floats", [](CheckpointState &s) { s.order = s.order.to(torch::kFloat); },
         "not a permutation"},
        {"order 2-D",
         [](CheckpointState &s) {
             s.order = s.order.view({8, 8});
         },
         "not a permutation"},
        {"order missing mid-epoch", [](CheckpointState &s) { s.order = torch::Tensor(); },
         "has no sample order"},
        {"loss sum NaN", [](CheckpointState &s) { s.epochLossSum = NAN; }, "loss sum for the current epoch"},
        {"loss sum infinite", [](CheckpointState &s) { s.epochLossSum = INFINITY; },
         "loss sum for the current epoch"},
        {"loss sum negative", [](CheckpointState &s) { s.epochLossSum = -1; },
         "loss sum for the current epoch"},
        {"first loss negative", [](CheckpointState &s) { s.startLoss = -1; }, "its first loss is not valid"},
        {"first loss infinite", [](CheckpointState &s) { s.startLoss = INFINITY; },
         "its first loss is not valid"},
        {"last loss negative", [](CheckpointState &s) { s.lastTrainLoss = -0.5; },
         "last losses are not valid"},
        {"last loss NaN after epochs", [](CheckpointState &s) { s.lastTrainLoss = NAN; },
         "last losses are not valid"},
        {"shuffle state cut", [](CheckpointState &s) { s.shuffleRng = s.shuffleRng.narrow(0, 0, 100); },
         "shuffle generator state is not valid"},
        {"shuffle state as floats", [](CheckpointState &s) { s.shuffleRng = s.shuffleRng.to(torch::kFloat); },
         "shuffle generator state is not valid"},
        {"settings invalid", [](CheckpointState &s) { s.config.numSamples = 0; }, "its settings are invalid"},
        {"history step skipped", [](CheckpointState &s) { s.history.batches[4].step = 6; },
         "its loss history's steps are not consecutive up to step 10"},
        {"history longer than the run",
         [](CheckpointState &s) {
             s.history.batches.push_back({11, 0.5});
         },
         "its loss history has 11 batches and 2 epochs, but the run has done 10 and 2"},
        {"history loss NaN", [](CheckpointState &s) { s.history.batches[3].loss = NAN; },
         "invalid loss at step 4"},
        {"history loss negative", [](CheckpointState &s) { s.history.batches[0].loss = -1; },
         "invalid loss at step 1"},
        {"history epochs renumbered", [](CheckpointState &s) { s.history.epochs[0].epoch = 2; },
         "its loss history's epochs are not consecutive up to epoch 2"},
        {"history epoch ends at the wrong step", [](CheckpointState &s) { s.history.epochs[1].step = 7; },
         "its loss history's epochs are not consecutive up to epoch 2"},
        {"history validation loss negative", [](CheckpointState &s) { s.history.epochs[0].valLoss = -1; },
         "invalid statistics for epoch 1"},
        {"history last epoch contradicts the run",
         [](CheckpointState &s) { s.history.epochs[1].trainLoss += 1; },
         "its loss history's last epoch contradicts its last losses"},
        {"learned table 1-D",
         [](CheckpointState &s) { tensorNamed(s, "positional_encoding.pe") = torch::zeros({24 * 8}); },
         "\"positional_encoding.pe\" has shape [192]", true},
        {"learned table infinite",
         [](CheckpointState &s) { tensorNamed(s, "positional_encoding.pe")[3][1] = INFINITY; }, "not finite",
         true},
        {"learned table's Adam moment 1-D",
         [](CheckpointState &s) { s.adam[2].expAvg = torch::zeros({24 * 8}); },
         "optimiser state of \"positional_encoding.pe\" has shape [192]", true},
    };
    return cases;
}

struct Tally {
    int cases = 0;
    qint64 slowestMs = 0;
    QStringList failures;
};

// Loads `path` and checks the outcome: refused, one line, printable, naming the file, and
// containing `reason` when given.
void expectRefused(const QString &path, const QString &reason, const QString &label, Tally *tally) {
    QElapsedTimer clock;
    clock.start();
    QString error;
    const auto t = Trainer::loadCheckpoint(path, &error);
    tally->slowestMs = std::max(tally->slowestMs, clock.elapsed());
    ++tally->cases;
    QString problem;
    if (t)
        problem = QStringLiteral("loaded");
    else if (!error.startsWith(QStringLiteral("Cannot load checkpoint %1: ").arg(path)))
        problem = QStringLiteral("does not name the file");
    else if (!reason.isEmpty() && !error.contains(reason))
        problem = QStringLiteral("lacks \"%1\"").arg(reason);
    else if (error.contains(QLatin1String("INTERNAL ASSERT")) ||
             error.contains(QLatin1String("report a bug")))
        problem = QStringLiteral("shows LibTorch's internal wording");
    for (const QChar c : error)
        if (!c.isPrint())
            problem = QStringLiteral("has a control character");
    if (!problem.isEmpty())
        tally->failures << QStringLiteral("%1: %2: %3").arg(label, problem, error);
}
} // namespace

class TestLoaders : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QByteArray m_good;    // sinusoidal, stopped mid-epoch (2 epochs and 2 batches)
    QByteArray m_learned; // learned table, mid-epoch
    CheckpointState m_state;
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QByteArray save(PeKind kind, qint64 stopAtStep) {
        QString error;
        auto t = Trainer::create(smallConfig(kind), &error);
        trainLosses(*t, stopAtStep);
        const QString file = path(QStringLiteral("base-%1.pt").arg(peKindName(kind)));
        if (!t->saveCheckpoint(file).isEmpty())
            return {};
        return readBytes(file);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_good = save(PeKind::Sinusoidal, 10);
        m_learned = save(PeKind::Learned, 10);
        QVERIFY(!m_good.isEmpty() && !m_learned.isEmpty());
        QCOMPARE(decodeCheckpoint(m_good, &m_state), QString());
        QCOMPARE(m_state.steps, qint64(10));
    }

    void goodFilesLoad_data() {
        QTest::addColumn<bool>("learned");
        QTest::newRow("sinusoidal") << false;
        QTest::newRow("learned") << true;
    }
    // The control: the unmutated files load, so every refusal below is the mutation's doing.
    void goodFilesLoad() {
        QFETCH(bool, learned);
        QVERIFY(writeBytes(path("good.pt"), learned ? m_learned : m_good));
        QString error;
        const auto t = Trainer::loadCheckpoint(path("good.pt"), &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->steps(), qint64(10));
        QCOMPARE(t->peTable().rows, 24);
        QCOMPARE(t->peTable().cols, 8);
    }

    void mutatedFilesAreRefused_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("learned");
        QTest::addColumn<QString>("reason");
        for (const bool learned : {false, true}) {
            const QString table = learned ? QStringLiteral(" (learned)") : QString();
            QTest::newRow(qPrintable("truncations" + table)) << "truncate" << learned << QString();
            QTest::newRow(qPrintable("byte flips" + table))
                << "flip" << learned << "damaged (checksum mismatch)";
            QTest::newRow(qPrintable("zeroed ranges" + table)) << "zero" << learned << "";
        }
    }
    // Every byte of a checkpoint is covered: no truncation, flip or zeroed range loads.
    void mutatedFilesAreRefused() {
        QFETCH(QString, kind);
        QFETCH(bool, learned);
        QFETCH(QString, reason);
        const QByteArray good = learned ? m_learned : m_good;
        const qsizetype n = good.size();
        Tally tally;
        const QString file = path("mutated.pt");
        if (kind == QLatin1String("truncate")) {
            for (qsizetype len = 1; len < n; len += std::max<qsizetype>(1, n / 150))
                if (writeBytes(file, good.left(len)))
                    expectRefused(file, reason, QStringLiteral("truncated to %1").arg(len), &tally);
            for (qsizetype cut = 1; cut <= 100; ++cut) // every length through the checksum's end
                if (writeBytes(file, good.left(n - cut)))
                    expectRefused(file, reason, QStringLiteral("last %1 bytes cut").arg(cut), &tally);
        } else if (kind == QLatin1String("flip")) {
            const uchar masks[] = {0x01, 0x80, 0xff, 0x20};
            int i = 0;
            for (qsizetype at = 0; at < n; at += std::max<qsizetype>(1, n / 300), ++i) {
                QByteArray bytes = good;
                bytes[at] = char(uchar(bytes[at]) ^ masks[i % 4]);
                if (writeBytes(file, bytes))
                    expectRefused(file, reason, QStringLiteral("byte %1 flipped").arg(at), &tally);
            }
            for (qsizetype at = n - 100; at < n; ++at) { // the end record and the checksum itself
                QByteArray bytes = good;
                bytes[at] = char(uchar(bytes[at]) ^ 0x01);
                if (writeBytes(file, bytes))
                    expectRefused(file, reason, QStringLiteral("byte %1 flipped").arg(at), &tally);
            }
        } else {
            for (const qsizetype width : {qsizetype(8), qsizetype(64), qsizetype(512)})
                for (qsizetype at = 0; at + 1 < n; at += std::max<qsizetype>(1, n / 40)) {
                    QByteArray bytes = good;
                    const qsizetype len = std::min(width, n - at);
                    if (bytes.mid(at, len) == QByteArray(len, '\0'))
                        continue; // already zero: not a change
                    bytes.replace(at, len, QByteArray(len, '\0'));
                    if (writeBytes(file, bytes))
                        expectRefused(file, reason, QStringLiteral("%1 bytes zeroed at %2").arg(len).arg(at),
                                      &tally);
                }
        }
        qInfo("%s: %d cases refused, slowest %lld ms", qPrintable(kind), tally.cases, tally.slowestMs);
        QVERIFY(tally.cases >= 100);
        QVERIFY2(tally.failures.isEmpty(), qPrintable(QStringLiteral("%1 of %2 wrong, e.g. %3")
                                                          .arg(tally.failures.size())
                                                          .arg(tally.cases)
                                                          .arg(tally.failures.value(0))));
    }

    void craftedFilesAreRefused_data() {
        QTest::addColumn<int>("index");
        const auto &cases = craftedCases();
        for (size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i].name) << int(i);
    }
    // Well-formed files with a valid checksum whose contents contradict their settings.
    void craftedFilesAreRefused() {
        QFETCH(int, index);
        const Crafted &crafted = craftedCases()[size_t(index)];
        CheckpointState state;
        QCOMPARE(decodeCheckpoint(crafted.learned ? m_learned : m_good, &state), QString());
        crafted.change(state);
        QVERIFY(writeBytes(path("crafted.pt"), encodeCheckpoint(state)));
        Tally tally;
        expectRefused(path("crafted.pt"), QString::fromUtf8(crafted.reason), QString::fromUtf8(crafted.name),
                      &tally);
        QVERIFY2(tally.failures.isEmpty(), qPrintable(tally.failures.value(0)));
    }

    void rawFieldsAreRefused_data() {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QByteArray>("to");
        QTest::addColumn<QString>("reason");
        // Same-length edits of the pickled text, then re-sealed: a field of the wrong type or a
        // settings text with a terminal escape in it.
        QTest::newRow("settings with an escape")
            << QByteArray("pe=sinusoidal;task=seed") << QByteArray("pe=\x1b[31msoidal;task=seed")
            << "\\x1b[31msoidal";
        QTest::newRow("batch history missing")
            << QByteArray("batch_losses") << QByteArray("batch_lossez") << "the file has no \"batch_losses\"";
        QTest::newRow("format of another program")
            << QByteArray("posenc-studio-checkpoint-2") << QByteArray("another-program-format-0002")
            << "not a PosEnc Studio checkpoint";
    }
    void rawFieldsAreRefused() {
        QFETCH(QByteArray, from);
        QFETCH(QByteArray, to);
        QFETCH(QString, reason);
        if (to.size() != from.size())
            to = to.leftJustified(from.size(), 'x', true);
        QByteArray bytes = m_good;
        const qsizetype at = bytes.indexOf(from);
        QVERIFY(at >= 0);
        bytes.replace(at, from.size(), to);
        QVERIFY(writeBytes(path("raw.pt"), reseal(bytes)));
        Tally tally;
        expectRefused(path("raw.pt"), reason, QString::fromLatin1(QTest::currentDataTag()), &tally);
        QVERIFY2(tally.failures.isEmpty(), qPrintable(tally.failures.value(0)));
    }

    // A sealed file whose pickle claims a 2 GB string: refused before LibTorch allocates it.
    void pickleLengthPastItsEndIsRefused() {
        QByteArray bytes = m_good;
        const qsizetype text = bytes.indexOf("backbone=lstm;pe=sinusoidal;"); // the settings text
        QVERIFY(text > 5);
        QCOMPARE(bytes[text - 5], 'X'); // BINUNICODE, then a 4-byte little-endian length
        bytes.replace(text - 4, 4, QByteArray("\xff\xff\xff\x7f", 4));
        QVERIFY(writeBytes(path("long.pt"), reseal(bytes)));
        Tally tally;
        expectRefused(path("long.pt"), QStringLiteral("a length in a pickle record runs past its end"),
                      QStringLiteral("2 GB string"), &tally);
        QVERIFY2(tally.failures.isEmpty(), qPrintable(tally.failures.value(0)));
    }

    void checksumMismatchIsNamed() {
        QByteArray bytes = m_good;
        const qsizetype digit = bytes.size() - 1; // last hex digit of the SHA-256
        bytes[digit] = bytes[digit] == '0' ? '1' : '0';
        QVERIFY(writeBytes(path("checkpoint.pt"), bytes));
        QString error;
        QVERIFY(!Trainer::loadCheckpoint(path("checkpoint.pt"), &error));
        QCOMPARE(error, QStringLiteral("Cannot load checkpoint %1: the file is damaged (checksum mismatch)")
                            .arg(path("checkpoint.pt")));
    }

    void thingsThatAreNotFilesFailFast_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("FIFO") << "fifo"
                              << "not a regular file";
        QTest::newRow("folder") << "folder"
                                << "it is a folder, not a file";
        QTest::newRow("/dev/zero") << "/dev/zero"
                                   << "not a regular file";
        QTest::newRow("link to /dev/zero") << "zero-link"
                                           << "not a regular file";
        QTest::newRow("missing") << "missing.pt"
                                 << "the file does not exist";
        QTest::newRow("empty") << "empty.pt"
                               << "the file is empty";
    }
    // Nothing blocks (a FIFO with no writer) or reads forever (/dev/zero): one line, at once.
    void thingsThatAreNotFilesFailFast() {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        QVERIFY(::mkfifo(QFile::encodeName(path("fifo")).constData(), 0600) == 0 ||
                QFile::exists(path("fifo")));
        QVERIFY(QDir().mkpath(path("folder")));
        QFile::link(QStringLiteral("/dev/zero"), path("zero-link"));
        QVERIFY(writeBytes(path("empty.pt"), {}));
        const QString target = file.startsWith(QLatin1Char('/')) ? file : path(file);
        Tally tally;
        expectRefused(target, reason, file, &tally);
        QVERIFY2(tally.failures.isEmpty(), qPrintable(tally.failures.value(0)));
    }

    // A file of the current format written before the history was kept (neither key): it loads with
    // an empty history, and continuing keeps the part since then, which saves and loads again.
    void filesWithoutHistoryLoad() {
        QByteArray bytes = m_good;
        for (const QByteArray &key : {QByteArray("batch_losses"), QByteArray("epoch_stats")}) {
            const qsizetype at = bytes.indexOf(key);
            QVERIFY(at >= 0);
            bytes[at + key.size() - 1] = 'z';
        }
        QVERIFY(writeBytes(path("old.pt"), reseal(bytes)));
        QString error;
        auto old = Trainer::loadCheckpoint(path("old.pt"), &error);
        QVERIFY2(old, qPrintable(error));
        QCOMPARE(old->history().batches.size(), 0);
        QCOMPARE(old->history().epochs.size(), 0);
        trainLosses(*old); // to the end: epoch 3, steps 11..12
        const RunHistory tail = old->history();
        QCOMPARE(tail.batches.size(), 2);
        QCOMPARE(tail.batches.first().step, qint64(11));
        QCOMPARE(tail.epochs.size(), 1);
        QCOMPARE(tail.epochs.first().epoch, 3);
        QCOMPARE(old->saveCheckpoint(path("continued.pt")), QString());
        auto again = Trainer::loadCheckpoint(path("continued.pt"), &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->history().batches.size(), 2);
        QCOMPARE(again->history().epochs.first().trainLoss, tail.epochs.first().trainLoss);
    }

    void legacyCheckpointsStillLoadAndResume() {
        QString error;
        auto whole = Trainer::create(smallConfig(PeKind::Sinusoidal), &error);
        const QVector<double> expected = trainLosses(*whole);
        QVERIFY(writeBytes(path("legacy.pt"), legacyCheckpoint(m_state)));
        auto resumed = Trainer::loadCheckpoint(path("legacy.pt"), &error);
        QVERIFY2(resumed, qPrintable(error));
        QCOMPARE(resumed->steps(), qint64(10));
        QCOMPARE(resumed->epochsDone(), 2);
        const QVector<double> tail = trainLosses(*resumed);
        QCOMPARE(tail.size(), 1);
        QCOMPARE(tail[0], expected[2]);
    }

    // The old format has no checksum, so a flipped weight can load; it must never crash or hang,
    // and whatever it refuses is a clean line. Deeply nested code is refused before compiling.
    void legacyMutationsNeverCrash() {
        const QByteArray legacy = legacyCheckpoint(m_state);
        const qsizetype n = legacy.size();
        Tally tally;
        int loaded = 0;
        const QString file = path("legacy-mutated.pt");
        for (qsizetype at = 0; at < n; at += std::max<qsizetype>(1, n / 80)) {
            QByteArray flipped = legacy;
            flipped[at] = char(uchar(flipped[at]) ^ 0x5a);
            for (const QByteArray &bytes : {legacy.left(at + 1), flipped}) {
                QVERIFY(writeBytes(file, bytes));
                QString error;
                if (Trainer::loadCheckpoint(file, &error)) {
                    ++loaded;
                    continue;
                }
                expectRefused(file, QString(), QStringLiteral("legacy mutation at %1").arg(at), &tally);
            }
        }
        qInfo("legacy: %d mutations refused, %d loaded (no checksum in the old format), slowest %lld ms",
              tally.cases, loaded, tally.slowestMs);
        QVERIFY2(tally.failures.isEmpty(), qPrintable(tally.failures.value(0)));
        QVERIFY(writeBytes(file, withNestedCode(legacy, 100000)));
        Tally nested;
        expectRefused(file, QStringLiteral("too deeply nested"), QStringLiteral("nested code"), &nested);
        QVERIFY2(nested.failures.isEmpty(), qPrintable(nested.failures.value(0)));
    }

private:
    // Recomputes the seal after an edit, as a crafted file would.
    static QByteArray reseal(const QByteArray &bytes) {
        const qsizetype sealed = bytes.size() - 78;
        const QByteArray body = bytes.left(sealed);
        return body + "posenc-sha256:" + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
    }
};

QTEST_GUILESS_MAIN(TestLoaders)
#include "test_loaders.moc"
