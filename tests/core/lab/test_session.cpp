// A session folder keeps every run of a comparison: session.json reads back to the same records
// (every double exact, NaN kept), a learned run's table comes back from its checkpoint, and a newer
// or damaged file is refused with one line that names it, leaving the caller's runs untouched.

#include "lab/session.h"

#include "train/trainer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <functional>
#include <limits>

using namespace posenc::core;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

TrainConfig tinyConfig(PeKind kind) {
    TrainConfig c;
    c.encoding.kind = kind;
    c.encoding.dModel = 8;
    c.encoding.maxLen = 24;
    c.numSamples = 64;
    c.valSamples = 16;
    c.batchSize = 16;
    c.epochs = 2;
    c.probeLengths = {10, 20, 40}; // 40 > max_len 24: skipped with a note
    return c;
}

bool same(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

bool writeAll(const QString &path, const QByteArray &bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray readAll(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Trains `config`, saves its checkpoint to `path` and returns its record.
RunRecord trainedRecord(int id, const TrainConfig &config, const QString &path) {
    QString error;
    auto t = Trainer::create(config, &error);
    const TrainResult result = t->run({});
    RunRecord r;
    r.id = id;
    r.config = config;
    r.status = statusOf(result.outcome);
    r.epoch = result.epochsDone;
    r.batches = t->history().batches;
    r.epochs = t->history().epochs;
    r.samplesPerSec = r.epochs.last().samplesPerSec;
    r.probe = t->probe();
    r.table = config.encoding.kind == PeKind::Learned ? t->peTable() : PeTable{};
    r.checkpoint = t->saveCheckpoint(path).isEmpty() ? path : QString();
    return r;
}

// Compares two records field by field; the first difference, or empty.
QString difference(const RunRecord &a, const RunRecord &b) {
    if (a.id != b.id || !(a.config == b.config) || a.status != b.status || a.epoch != b.epoch ||
        !same(a.samplesPerSec, b.samplesPerSec) || a.visible != b.visible)
        return QStringLiteral("run %1: id, settings, status, epoch, rate or visibility").arg(a.id);
    if (a.batches.size() != b.batches.size() || a.epochs.size() != b.epochs.size())
        return QStringLiteral("run %1: history sizes").arg(a.id);
    for (int i = 0; i < a.batches.size(); ++i)
        if (a.batches[i].step != b.batches[i].step || !same(a.batches[i].loss, b.batches[i].loss))
            return QStringLiteral("run %1: batch %2").arg(a.id).arg(i);
    for (int i = 0; i < a.epochs.size(); ++i) {
        const EpochStats &x = a.epochs[i], &y = b.epochs[i];
        if (x.epoch != y.epoch || x.step != y.step || !same(x.trainLoss, y.trainLoss) ||
            !same(x.valLoss, y.valLoss) || !same(x.samplesPerSec, y.samplesPerSec))
            return QStringLiteral("run %1: epoch %2").arg(a.id).arg(i);
    }
    if (a.probe.points.size() != b.probe.points.size() || a.probe.skipped != b.probe.skipped)
        return QStringLiteral("run %1: probe").arg(a.id);
    for (int i = 0; i < a.probe.points.size(); ++i)
        if (a.probe.points[i].length != b.probe.points[i].length ||
            !same(a.probe.points[i].loss, b.probe.points[i].loss))
            return QStringLiteral("run %1: probe point %2").arg(a.id).arg(i);
    if (a.table.rows != b.table.rows || a.table.cols != b.table.cols || a.table.values != b.table.values)
        return QStringLiteral("run %1: table").arg(a.id);
    return {};
}

// One damaged session.json: a change to the good document (or raw bytes instead) and its reason.
struct Damage {
    Damage(const char *n, std::function<void(QJsonObject &)> c, const char *why, QByteArray bytes = {})
        : name(n), change(std::move(c)), reason(why), raw(std::move(bytes)) {}
    const char *name;
    std::function<void(QJsonObject &)> change;
    const char *reason;
    QByteArray raw;
};

// Applies `change` to run `index` of the document.
void editRun(QJsonObject &root, int index, const std::function<void(QJsonObject &)> &change) {
    QJsonArray runs = root[QStringLiteral("runs")].toArray();
    QJsonObject run = runs[index].toObject();
    change(run);
    runs[index] = run;
    root[QStringLiteral("runs")] = runs;
}

std::function<void(QJsonObject &)> setField(const QString &key, const QJsonValue &value, int index = 0) {
    return [=](QJsonObject &root) { editRun(root, index, [&](QJsonObject &run) { run[key] = value; }); };
}

std::function<void(QJsonObject &)> removeField(const QString &key) {
    return [=](QJsonObject &root) { editRun(root, 0, [&](QJsonObject &run) { run.remove(key); }); };
}

QString configText(PeKind kind, int numSamples) {
    TrainConfig c = tinyConfig(kind);
    c.numSamples = numSamples;
    return toText(c);
}

const std::vector<Damage> &damages() {
    static const std::vector<Damage> cases = {
        {"not JSON", {}, "it is not JSON", "{\"format\": "},
        {"a list, not an object", {}, "it is not a PosEnc Studio session", "[1, 2]"},
        {"another format",
         [](QJsonObject &root) { root[QStringLiteral("format")] = QStringLiteral("another-program"); },
         "it is not a PosEnc Studio session"},
        {"newer version", [](QJsonObject &root) { root[QStringLiteral("version")] = 2; },
         "session.json was written by a newer PosEnc Studio (format version 2; this one reads 1)"},
        {"version as text", [](QJsonObject &root) { root[QStringLiteral("version")] = QStringLiteral("1"); },
         "its format version is not a whole number"},
        {"runs missing", [](QJsonObject &root) { root.remove(QStringLiteral("runs")); },
         "\"runs\" is not a list"},
        {"run not an object",
         [](QJsonObject &root) {
             QJsonArray runs = root[QStringLiteral("runs")].toArray();
             runs[1] = 3;
             root[QStringLiteral("runs")] = runs;
         },
         "run 2: it is not an object"},
        {"id missing", removeField(QStringLiteral("id")), "run 1: it has no \"id\""},
        {"id as text", setField(QStringLiteral("id"), QStringLiteral("1")), "\"id\" is not a whole number"},
        {"id fractional", setField(QStringLiteral("id"), 1.5), "\"id\" is not a whole number"},
        {"id zero", setField(QStringLiteral("id"), 0), "ids start at 1"},
        {"duplicate ids", setField(QStringLiteral("id"), 1, 1), "run 2: its id 1 is also another run's"},
        {"unknown status", setField(QStringLiteral("status"), QStringLiteral("flying")),
         "its status \"flying\" is not one of"},
        {"settings invalid", setField(QStringLiteral("config"), configText(PeKind::Sinusoidal, 0)),
         "run 1: its settings are invalid"},
        {"settings not text", setField(QStringLiteral("config"), 12), "\"config\" is not text"},
        {"epoch negative", setField(QStringLiteral("epoch"), -1), "\"epoch\" is not a whole number"},
        {"rate as text", setField(QStringLiteral("samples_per_s"), QStringLiteral("fast")),
         "\"samples_per_s\" is not a number"},
        {"visible as text", setField(QStringLiteral("visible"), QStringLiteral("yes")),
         "\"visible\" is not true or false"},
        {"epochs rows short",
         setField(QStringLiteral("epochs"), QJsonArray{QJsonValue(QJsonArray{1, 4, 0.5})}),
         "\"epochs\" is not a list of [epoch, step, train, val, samples_per_s]"},
        {"epoch step fractional",
         setField(QStringLiteral("epochs"), QJsonArray{QJsonValue(QJsonArray{1, 4.5, 0.5, 0.5, 100})}),
         "\"epochs\" is not a list"},
        {"batch loss as text",
         setField(QStringLiteral("batches"), QJsonArray{QJsonValue(QJsonArray{1, QStringLiteral("x")})}),
         "\"batches\" is not a list of [step, loss]"},
        {"batches missing", removeField(QStringLiteral("batches")), "run 1: it has no \"batches\""},
        {"probe without points", setField(QStringLiteral("probe"), QJsonObject{}), "\"probe\" is not"},
        {"probe note not text",
         setField(QStringLiteral("probe"), QJsonObject{{QStringLiteral("points"), QJsonArray{}},
                                                       {QStringLiteral("skipped"), QJsonArray{1}}}),
         "\"probe\" is not"},
        {"checkpoint gone", setField(QStringLiteral("checkpoint"), QStringLiteral("run-9.pt")),
         "run 1: its checkpoint run-9.pt is missing"},
        {"checkpoint outside the folder",
         setField(QStringLiteral("checkpoint"), QStringLiteral("../run-1.pt")),
         "\"checkpoint\" is not null or a file name in the session folder"},
        {"learned run's checkpoint of another encoding",
         setField(QStringLiteral("config"), configText(PeKind::Learned, 64)),
         "its checkpoint run-1.pt is unreadable: it holds another encoding"},
        {"learned run's checkpoint damaged",
         [](QJsonObject &root) {
             setField(QStringLiteral("config"), configText(PeKind::Learned, 64))(root);
             setField(QStringLiteral("checkpoint"), QStringLiteral("garbage.pt"))(root);
         },
         "its checkpoint garbage.pt is unreadable"},
    };
    return cases;
}
} // namespace

class TestSession : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QVector<RunRecord> m_records; // sinusoidal (done), learned (stopped), queued
    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(path("src")));
        RunRecord sinusoidal = trainedRecord(1, tinyConfig(PeKind::Sinusoidal), path("src/a.pt"));
        RunRecord learned = trainedRecord(2, tinyConfig(PeKind::Learned), path("src/b.pt"));
        QVERIFY(!sinusoidal.checkpoint.isEmpty() && !learned.checkpoint.isEmpty());
        QCOMPARE(sinusoidal.batches.size(), 8);
        QCOMPARE(sinusoidal.probe.points.size(), 2);
        QCOMPARE(learned.table.rows, 24);
        learned.status = RunStatus::Stopped;
        learned.visible = false;
        learned.epochs[0].valLoss = kNaN;    // written as null, read back as NaN
        learned.batches[2].loss = 1.0 / 3.0; // every digit of a double
        RunRecord queued;
        queued.id = 7;
        queued.config = tinyConfig(PeKind::None);
        queued.samplesPerSec = kInf; // null, then NaN
        queued.probe.points = {{20, kNaN}, {40, 1e-300}};
        queued.probe.skipped = {QStringLiteral("length 80 skipped: \"quoted\" · ünïcode")};
        m_records = {sinusoidal, learned, queued};
    }

    void roundTripKeepsEveryField() {
        const QString folder = path("session");
        QCOMPARE(saveSession(folder, m_records), QString());
        QVERIFY(QFileInfo(QDir(folder).filePath("run-1.pt")).isFile());
        QVERIFY(QFileInfo(QDir(folder).filePath("run-2.pt")).isFile());
        QVERIFY(!QFileInfo(QDir(folder).filePath("run-7.pt")).exists());
        QVector<RunRecord> loaded;
        QCOMPARE(loadSession(folder, &loaded), QString());
        QCOMPARE(loaded.size(), 3);
        QVector<RunRecord> expected = m_records;
        expected[2].samplesPerSec = kNaN; // infinity has no JSON number
        for (int i = 0; i < 3; ++i)
            QVERIFY2(difference(expected[i], loaded[i]).isEmpty(),
                     qPrintable(difference(expected[i], loaded[i])));
        QCOMPARE(loaded[0].checkpoint, QDir(folder).absoluteFilePath("run-1.pt"));
        QCOMPARE(loaded[2].checkpoint, QString());
        QCOMPARE(readAll(loaded[1].checkpoint), readAll(m_records[1].checkpoint));
        QVERIFY(loaded[0].table.isEmpty()); // a fixed table is recomputed from the settings
        // Saved again from the loaded records: each checkpoint is already its own run-<id>.pt.
        QCOMPARE(saveSession(folder, loaded), QString());
        QVector<RunRecord> again;
        QCOMPARE(loadSession(folder, &again), QString());
        QVERIFY(difference(loaded[1], again[1]).isEmpty());
    }

    void fileHoldsTheDocumentedFields() {
        const QString folder = path("fields");
        QCOMPARE(saveSession(folder, m_records), QString());
        const QJsonObject root =
            QJsonDocument::fromJson(readAll(QDir(folder).filePath("session.json"))).object();
        QCOMPARE(root["format"].toString(), QStringLiteral("posenc-studio-session"));
        QCOMPARE(root["version"].toInt(), 1);
        const QJsonObject run = root["runs"].toArray()[1].toObject();
        QCOMPARE(run["name"].toString(), runName(m_records[1].config));
        QCOMPARE(run["status"].toString(), QStringLiteral("stopped"));
        QCOMPARE(run["checkpoint"].toString(), QStringLiteral("run-2.pt"));
        QCOMPARE(run["epochs"].toArray().size(), 2);
        QVERIFY(run["epochs"].toArray()[0].toArray()[3].isNull()); // the NaN validation loss
        QCOMPARE(run["batches"].toArray()[7].toArray()[0].toInt(), 8);
        QVERIFY(root["runs"].toArray()[2].toObject()["checkpoint"].isNull());
    }

    void damagedFilesAreRefused_data() {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < damages().size(); ++i)
            QTest::newRow(damages()[i].name) << int(i);
    }
    void damagedFilesAreRefused() {
        QFETCH(int, index);
        const Damage &d = damages()[size_t(index)];
        const QString folder = path(QStringLiteral("damaged-%1").arg(index));
        QCOMPARE(saveSession(folder, {m_records[0], m_records[2]}), QString());
        const QString file = QDir(folder).absoluteFilePath("session.json");
        QJsonObject root = QJsonDocument::fromJson(readAll(file)).object();
        if (d.change)
            d.change(root);
        QVERIFY(writeAll(file, d.change ? QJsonDocument(root).toJson() : d.raw));
        QVERIFY(writeAll(QDir(folder).filePath("garbage.pt"), QByteArray(4096, 'x')));

        QVector<RunRecord> runs(1);
        runs[0].id = 42;
        const QString error = loadSession(folder, &runs);
        QVERIFY2(error.contains(QString::fromUtf8(d.reason)), qPrintable(error));
        QVERIFY2(error.contains(file), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
        QCOMPARE(runs.size(), 1); // untouched
        QCOMPARE(runs[0].id, 42);
    }

    void missingSessionIsNamed() {
        QVERIFY(QDir().mkpath(path("empty")));
        QVector<RunRecord> runs;
        const QString error = loadSession(path("empty"), &runs);
        QCOMPARE(error, QStringLiteral("Cannot read session %1: the file does not exist")
                            .arg(QDir(path("empty")).absoluteFilePath("session.json")));
    }

    void unwritableFolderIsAnError() {
        QVERIFY(writeAll(path("plain-file"), "x"));
        const QString folder = path("plain-file/session");
        const QString error = saveSession(folder, {m_records[2]});
        QVERIFY2(
            error.startsWith(QStringLiteral("Cannot write %1").arg(QDir(folder).filePath("session.json"))),
            qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
    }

    void failedCopyWritesNoSession() {
        const QString folder = path("copy-fails");
        QVERIFY(QDir().mkpath(QDir(folder).filePath("run-1.pt"))); // a folder where the copy goes
        const QString error = saveSession(folder, {m_records[0]});
        QVERIFY2(error.startsWith(QStringLiteral("Cannot write %1").arg(QDir(folder).filePath("run-1.pt"))),
                 qPrintable(error));
        QVERIFY(!QFileInfo::exists(QDir(folder).filePath("session.json")));
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "test_session.moc"
