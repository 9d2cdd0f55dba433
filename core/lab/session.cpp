#include "lab/session.h"

#include "encoding/positional_encoding.h"
#include "train/checkpoint_io.h"
#include "util/file_util.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>
#include <limits>

namespace posenc::core {

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMaxCount = 9007199254740992.0; // 2^53: every count a double holds exactly
constexpr qint64 kMaxSessionBytes = qint64(1) << 30;

// A loss or rate as JSON: NaN and infinities (which JSON lacks) become null.
QJsonValue number(double v) {
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

QJsonArray epochsJson(const QVector<EpochStats> &epochs) {
    QJsonArray rows;
    for (const EpochStats &e : epochs)
        rows.append(QJsonArray{e.epoch, double(e.step), number(e.trainLoss), number(e.valLoss),
                               number(e.samplesPerSec)});
    return rows;
}

QJsonArray batchesJson(const QVector<BatchLoss> &batches) {
    QJsonArray rows;
    for (const BatchLoss &b : batches)
        rows.append(QJsonArray{double(b.step), number(b.loss)});
    return rows;
}

QJsonObject probeJson(const ProbeResult &probe) {
    QJsonArray points;
    for (const ProbePoint &p : probe.points)
        points.append(QJsonArray{p.length, number(p.loss)});
    return {{QStringLiteral("points"), points},
            {QStringLiteral("skipped"), QJsonArray::fromStringList(probe.skipped)}};
}

// One run as session.json holds it; `checkpoint` is its file name in the folder (empty: none).
QJsonObject runJson(const RunRecord &r, const QString &checkpoint) {
    return {{QStringLiteral("id"), r.id},
            {QStringLiteral("name"), r.name()},
            {QStringLiteral("config"), toText(r.config)},
            {QStringLiteral("status"), runStatusName(r.status)},
            {QStringLiteral("epoch"), r.epoch},
            {QStringLiteral("samples_per_s"), number(r.samplesPerSec)},
            {QStringLiteral("visible"), r.visible},
            {QStringLiteral("epochs"), epochsJson(r.epochs)},
            {QStringLiteral("batches"), batchesJson(r.batches)},
            {QStringLiteral("probe"), probeJson(r.probe)},
            {QStringLiteral("checkpoint"),
             checkpoint.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(checkpoint)}};
}

// Copies a run's checkpoint into the folder as run-<id>.pt (unless it is that file already) and
// sets `name` to its file name; no checkpoint (none set, or gone) leaves `name` empty.
QString copyCheckpoint(const QDir &folder, const RunRecord &r, QString *name) {
    name->clear();
    const QFileInfo source(r.checkpoint);
    if (r.checkpoint.isEmpty() || !source.isFile())
        return {};
    const QString target = folder.filePath(sessionCheckpointName(r.id));
    *name = sessionCheckpointName(r.id);
    if (source.canonicalFilePath() == QFileInfo(target).canonicalFilePath())
        return {};
    QByteArray bytes;
    const QString why = readRegularFile(source.filePath(), maxCheckpointBytes(), &bytes);
    if (!why.isEmpty())
        return QStringLiteral("Cannot copy checkpoint %1: %2").arg(source.filePath(), why);
    return writeFileAtomically(target, bytes);
}
} // namespace

QString sessionCheckpointName(int id) {
    return QStringLiteral("run-%1.pt").arg(id);
}

QString saveSession(const QString &folder, const QVector<RunRecord> &runs) {
    const QDir dir(folder);
    const QString path = dir.filePath(QLatin1String(kSessionFileName));
    if (!QFileInfo(folder).isDir() && !QDir().mkpath(folder))
        return QStringLiteral("Cannot write %1: cannot create the folder %2").arg(path, folder);
    QSet<int> ids;
    QJsonArray list;
    for (const RunRecord &r : runs) {
        if (ids.contains(r.id))
            return QStringLiteral("Cannot write %1: two runs have the id %2")
                .arg(path, QString::number(r.id));
        ids.insert(r.id);
        QString checkpoint;
        const QString why = copyCheckpoint(dir, r, &checkpoint);
        if (!why.isEmpty())
            return why;
        list.append(runJson(r, checkpoint));
    }
    const QJsonObject root{{QStringLiteral("format"), QLatin1String(kSessionFormat)},
                           {QStringLiteral("version"), kSessionVersion},
                           {QStringLiteral("runs"), list}};
    // Written last, so a session.json never names a checkpoint that is not there yet; compact, as
    // the batch history of a long run is most of it.
    return writeFileAtomically(path, QJsonDocument(root).toJson(QJsonDocument::Compact));
}

namespace {
// A whole number in 0..max; false for anything else.
bool toCount(const QJsonValue &v, double max, qint64 *out) {
    const double d = v.toDouble(-1);
    if (!v.isDouble() || !(d >= 0 && d <= max) || d != std::floor(d))
        return false;
    *out = qint64(d);
    return true;
}

// A loss or rate: a number, or null for NaN; false for anything else.
bool toReal(const QJsonValue &v, double *out) {
    if (v.isNull())
        *out = kNaN;
    else if (v.isDouble())
        *out = v.toDouble();
    else
        return false;
    return true;
}

// Each item of `value` as an array of `columns` items; false when it is not such a list.
bool rowsOf(const QJsonValue &value, int columns, QVector<QJsonArray> *rows) {
    if (!value.isArray())
        return false;
    for (const QJsonValue &row : value.toArray()) {
        if (!row.isArray() || row.toArray().size() != columns)
            return false;
        rows->push_back(row.toArray());
    }
    return true;
}

QString readEpochs(const QJsonValue &value, QVector<EpochStats> *epochs) {
    const QString bad =
        QStringLiteral("\"epochs\" is not a list of [epoch, step, train, val, samples_per_s]");
    QVector<QJsonArray> rows;
    if (!rowsOf(value, 5, &rows))
        return bad;
    for (const QJsonArray &row : rows) {
        EpochStats e;
        qint64 epoch = 0;
        if (!toCount(row[0], limits::kMaxEpochs, &epoch) || !toCount(row[1], kMaxCount, &e.step) ||
            !toReal(row[2], &e.trainLoss) || !toReal(row[3], &e.valLoss) || !toReal(row[4], &e.samplesPerSec))
            return bad;
        e.epoch = int(epoch);
        epochs->push_back(e);
    }
    return {};
}

QString readBatches(const QJsonValue &value, QVector<BatchLoss> *batches) {
    QVector<QJsonArray> rows;
    bool ok = rowsOf(value, 2, &rows);
    for (const QJsonArray &row : rows) {
        BatchLoss b;
        ok = ok && toCount(row[0], kMaxCount, &b.step) && toReal(row[1], &b.loss);
        batches->push_back(b);
    }
    return ok ? QString() : QStringLiteral("\"batches\" is not a list of [step, loss]");
}

QString readProbe(const QJsonValue &value, ProbeResult *probe) {
    const QString bad =
        QStringLiteral("\"probe\" is not {\"points\": [[length, loss], ...], \"skipped\": [text, ...]}");
    QVector<QJsonArray> rows;
    if (!value.isObject() || !rowsOf(value.toObject().value(QLatin1String("points")), 2, &rows))
        return bad;
    for (const QJsonArray &row : rows) {
        qint64 length = 0;
        double loss = 0;
        if (!toCount(row[0], limits::kMaxProbeLength, &length) || !toReal(row[1], &loss))
            return bad;
        probe->points.push_back({int(length), loss});
    }
    const QJsonValue skipped = value.toObject().value(QLatin1String("skipped"));
    if (!skipped.isArray())
        return bad;
    for (const QJsonValue &note : skipped.toArray()) {
        if (!note.isString())
            return bad;
        probe->skipped << note.toString();
    }
    return {};
}

// The fields of one run, each with its type; the first problem is kept.
class RunFields {
public:
    explicit RunFields(const QJsonObject &object) : m_object(object) {}
    const QString &error() const { return m_error; }
    void fail(const QString &why) {
        if (m_error.isEmpty())
            m_error = why;
    }
    QJsonValue value(const char *key) {
        const auto it = m_object.constFind(QLatin1String(key));
        if (it != m_object.constEnd())
            return *it;
        fail(QStringLiteral("it has no \"%1\"").arg(QLatin1String(key)));
        return {};
    }
    qint64 count(const char *key, double max) {
        qint64 n = 0;
        if (!toCount(value(key), max, &n))
            wrongType(key, QStringLiteral("a whole number from 0 to %1").arg(max, 0, 'g', 16));
        return n;
    }
    double real(const char *key) {
        double v = 0;
        if (!toReal(value(key), &v))
            wrongType(key, QStringLiteral("a number"));
        return v;
    }
    bool boolean(const char *key) {
        const QJsonValue v = value(key);
        if (!v.isBool())
            wrongType(key, QStringLiteral("true or false"));
        return v.toBool();
    }
    QString text(const char *key) {
        const QJsonValue v = value(key);
        if (!v.isString())
            wrongType(key, QStringLiteral("text"));
        return v.toString();
    }

private:
    void wrongType(const char *key, const QString &what) {
        if (m_error.isEmpty())
            fail(QStringLiteral("\"%1\" is not %2").arg(QLatin1String(key), what));
    }
    QJsonObject m_object;
    QString m_error;
};

QString readSettings(const QString &text, TrainConfig *config) {
    QString why;
    if (!fromText(text, config, &why))
        return QStringLiteral("its settings are unreadable (%1)").arg(why);
    const QStringList problems = validate(*config);
    if (!problems.isEmpty())
        return QStringLiteral("its settings are invalid: %1").arg(problems.join(QStringLiteral("; ")));
    return {};
}

// A learned run's trained table from its checkpoint: the file is read and its seal checked, and the
// table must have its settings' shape (no model is built, no dataset generated).
QString readLearnedTable(const QString &path, const TrainConfig &config, PeTable *table) {
    QByteArray bytes;
    CheckpointState state;
    QString why = readRegularFile(path, maxCheckpointBytes(), &bytes);
    try {
        if (why.isEmpty())
            why = decodeCheckpoint(bytes, &state);
    } catch (const std::exception &e) {
        why = QStringLiteral("the file is truncated or corrupt (%1)").arg(firstLine(e.what()));
    }
    if (why.isEmpty() && state.config.encoding != config.encoding)
        why = QStringLiteral("it holds another encoding (%1)").arg(describe(state.config.encoding));
    for (const auto &[name, tensor] : state.model) {
        if (!why.isEmpty() || name != "positional_encoding.pe")
            continue;
        if (tensor.scalar_type() != torch::kFloat32 || tensor.dim() != 2 ||
            tensor.size(0) != config.encoding.maxLen || tensor.size(1) != config.encoding.dModel ||
            !torch::isfinite(tensor).all().item<bool>())
            why = QStringLiteral("its positional-encoding table is not valid");
        else
            *table = toPeTable(tensor);
    }
    if (why.isEmpty() && table->isEmpty())
        why = QStringLiteral("it holds no positional-encoding table");
    return why.isEmpty() ? QString()
                         : QStringLiteral("its checkpoint %1 is unreadable: %2")
                               .arg(QFileInfo(path).fileName(), printableReason(why));
}

// The run's checkpoint: null, or the name of a file in the folder that exists.
QString readCheckpoint(const QJsonValue &value, const QDir &folder, RunRecord *r) {
    if (value.isNull())
        return {};
    const QString name = value.toString();
    if (!value.isString() || name.isEmpty() || name.contains(QLatin1Char('/')) ||
        name == QLatin1String("..") || name == QLatin1String("."))
        return QStringLiteral("\"checkpoint\" is not null or a file name in the session folder");
    r->checkpoint = folder.absoluteFilePath(name);
    if (!QFileInfo(r->checkpoint).isFile())
        return QStringLiteral("its checkpoint %1 is missing").arg(name);
    if (r->config.encoding.kind == PeKind::Learned)
        return readLearnedTable(r->checkpoint, r->config, &r->table);
    return {};
}

QString readRun(const QJsonValue &value, const QDir &folder, RunRecord *r) {
    if (!value.isObject())
        return QStringLiteral("it is not an object");
    RunFields f(value.toObject());
    r->id = int(f.count("id", std::numeric_limits<int>::max()));
    const QString settings = f.text("config");
    const QString status = f.text("status");
    r->epoch = int(f.count("epoch", limits::kMaxEpochs));
    r->samplesPerSec = f.real("samples_per_s");
    r->visible = f.boolean("visible");
    if (f.error().isEmpty() && r->id < 1)
        f.fail(QStringLiteral("\"id\" is 0; ids start at 1"));
    if (f.error().isEmpty() && !runStatusFromName(status, &r->status))
        f.fail(QStringLiteral("its status \"%1\" is not one of queued, training, paused, done, stopped, "
                              "diverged, failed")
                   .arg(printableReason(status.left(40))));
    if (f.error().isEmpty())
        f.fail(readSettings(settings, &r->config));
    if (f.error().isEmpty())
        f.fail(readEpochs(f.value("epochs"), &r->epochs));
    if (f.error().isEmpty())
        f.fail(readBatches(f.value("batches"), &r->batches));
    if (f.error().isEmpty())
        f.fail(readProbe(f.value("probe"), &r->probe));
    const QJsonValue checkpoint = f.value("checkpoint");
    if (f.error().isEmpty())
        f.fail(readCheckpoint(checkpoint, folder, r));
    return f.error();
}

// The document's format, version and list of runs; empty string or the reason.
QString readHeader(const QByteArray &bytes, const QString &path, QJsonArray *runs) {
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parse);
    if (parse.error != QJsonParseError::NoError)
        return QStringLiteral("Cannot read session %1: it is not JSON (%2 at byte %3)")
            .arg(path, parse.errorString(), QString::number(parse.offset));
    const QJsonObject root = doc.object();
    if (!doc.isObject() || root.value(QLatin1String("format")).toString() != QLatin1String(kSessionFormat))
        return QStringLiteral("Cannot read session %1: it is not a PosEnc Studio session").arg(path);
    qint64 version = 0;
    if (!toCount(root.value(QLatin1String("version")), kMaxCount, &version) || version < 1)
        return QStringLiteral("Cannot read session %1: its format version is not a whole number from 1")
            .arg(path);
    if (version > kSessionVersion)
        return QStringLiteral(
                   "%1 was written by a newer PosEnc Studio (format version %2; this one reads %3)")
            .arg(path, QString::number(version), QString::number(kSessionVersion));
    if (!root.value(QLatin1String("runs")).isArray())
        return QStringLiteral("Cannot read session %1: \"runs\" is not a list").arg(path);
    *runs = root.value(QLatin1String("runs")).toArray();
    return {};
}
} // namespace

QString loadSession(const QString &folder, QVector<RunRecord> *runs) {
    const QDir dir(folder);
    const QString path = dir.absoluteFilePath(QLatin1String(kSessionFileName));
    QByteArray bytes;
    QString why = readRegularFile(path, kMaxSessionBytes, &bytes);
    if (!why.isEmpty())
        return QStringLiteral("Cannot read session %1: %2").arg(path, why);
    QJsonArray list;
    why = readHeader(bytes, path, &list);
    if (!why.isEmpty())
        return why;
    QVector<RunRecord> read;
    QSet<int> ids;
    for (qsizetype i = 0; i < list.size(); ++i) {
        RunRecord r;
        why = readRun(list.at(i), dir, &r);
        if (why.isEmpty() && ids.contains(r.id))
            why = QStringLiteral("its id %1 is also another run's").arg(r.id);
        if (!why.isEmpty())
            return QStringLiteral("Cannot read session %1: run %2: %3")
                .arg(path, QString::number(i + 1), why);
        ids.insert(r.id);
        read.push_back(r);
    }
    *runs = read;
    return {};
}

} // namespace posenc::core
