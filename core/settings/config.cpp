#include "settings/config.h"

#include "settings/named_values.h"

#include <QLocale>

#include <cmath>
#include <limits>

namespace posenc::core {

namespace {
constexpr Named<PeKind> kKinds[] = {{PeKind::Sinusoidal, "sinusoidal"},
                                    {PeKind::SinusoidalConcat, "sinusoidal-concat"},
                                    {PeKind::Learned, "learned"},
                                    {PeKind::None, "none"},
                                    {PeKind::Rope, "rope"},
                                    {PeKind::Alibi, "alibi"}};
constexpr Named<Backbone> kBackbones[] = {{Backbone::Lstm, "lstm"},
                                          {Backbone::Transformer, "transformer"},
                                          {Backbone::CausalTransformer, "causal-transformer"}};
constexpr Named<Task> kTasks[] = {{Task::Seed, "seed"}, {Task::Recency, "recency"}, {Task::Sum, "sum"}};
constexpr Named<LstmImpl> kLstmImpls[] = {{LstmImpl::Fused, "fused"}, {LstmImpl::Reference, "reference"}};

void checkRange(QVector<ConfigIssue> &out, const char *option, const char *what, qint64 value, qint64 lo,
                qint64 hi) {
    if (value < lo || value > hi)
        out.push_back(
            {option,
             QStringLiteral("%1 must be between %2 and %3 (got %4)").arg(what).arg(lo).arg(hi).arg(value)});
}
} // namespace

QString peKindName(PeKind kind) {
    return nameOf(kKinds, kind);
}
bool parsePeKind(const QString &name, PeKind *kind) {
    return parseName(kKinds, name, kind);
}
QStringList peKindNames() {
    return namesOf(kKinds);
}
QString backboneName(Backbone backbone) {
    return nameOf(kBackbones, backbone);
}
bool parseBackbone(const QString &name, Backbone *backbone) {
    return parseName(kBackbones, name, backbone);
}
QStringList backboneNames() {
    return namesOf(kBackbones);
}
QString taskName(Task task) {
    return nameOf(kTasks, task);
}
bool parseTask(const QString &name, Task *task) {
    return parseName(kTasks, name, task);
}
QStringList taskNames() {
    return namesOf(kTasks);
}
QString lstmImplName(LstmImpl impl) {
    return nameOf(kLstmImpls, impl);
}
bool parseLstmImpl(const QString &name, LstmImpl *impl) {
    return parseName(kLstmImpls, name, impl);
}

bool isSinusoidal(PeKind kind) {
    return kind == PeKind::Sinusoidal || kind == PeKind::SinusoidalConcat;
}
bool hasTable(PeKind kind) {
    return isSinusoidal(kind) || kind == PeKind::Learned;
}
bool needsAttention(PeKind kind) {
    return kind == PeKind::Rope || kind == PeKind::Alibi;
}
bool isAttention(Backbone backbone) {
    return backbone != Backbone::Lstm;
}

bool EncodingConfig::operator==(const EncodingConfig &o) const {
    return kind == o.kind && dModel == o.dModel && maxLen == o.maxLen && base == o.base;
}

bool TrainConfig::operator==(const TrainConfig &o) const {
    return encoding == o.encoding && seqLen == o.seqLen && featureDim == o.featureDim &&
           numSamples == o.numSamples && valSamples == o.valSamples && layers == o.layers &&
           batchSize == o.batchSize && lr == o.lr && epochs == o.epochs && seed == o.seed &&
           backbone == o.backbone && heads == o.heads && task == o.task && probeLengths == o.probeLengths &&
           lstm == o.lstm;
}

QVector<ConfigIssue> checkEncoding(const EncodingConfig &c) {
    using namespace limits;
    QVector<ConfigIssue> out;
    checkRange(out, "d-model", "d_model", c.dModel, kMinDModel, kMaxDModel);
    checkRange(out, "max-len", "max_len", c.maxLen, kMinMaxLen, kMaxMaxLen);
    if (!std::isfinite(c.base) || c.base <= 1.0 || c.base > kMaxBase)
        out.push_back(
            {"base", QStringLiteral("base must be a number above 1 and at most 1e12 (got %1)").arg(c.base)});
    const qint64 cells = qint64(c.dModel) * c.maxLen;
    if (out.isEmpty() && cells > kMaxTableValues)
        out.push_back({"max-len", QStringLiteral("the table max_len x d_model has %1 values; at most %2 fit")
                                      .arg(QLocale(QLocale::English).toString(cells))
                                      .arg(QLocale(QLocale::English).toString(kMaxTableValues))});
    return out;
}

namespace {
// The rules that tie the encoding to the backbone: heads divide d_model, rope and alibi need attention.
void checkBackbone(QVector<ConfigIssue> &out, const TrainConfig &c) {
    const PeKind kind = c.encoding.kind;
    if (needsAttention(kind) && !isAttention(c.backbone))
        out.push_back({"pe", QStringLiteral("--pe %1 needs an attention backbone (--backbone transformer or "
                                            "causal-transformer)")
                                 .arg(peKindName(kind))});
    if (!isAttention(c.backbone))
        return;
    checkRange(out, "heads", "attention heads", c.heads, 1, limits::kMaxHeads);
    if (c.heads < 1 || c.encoding.dModel < 1)
        return;
    if (c.encoding.dModel % c.heads != 0)
        out.push_back({"heads", QStringLiteral("d_model %1 must divide by the %2 attention heads")
                                    .arg(c.encoding.dModel)
                                    .arg(c.heads)});
    else if (kind == PeKind::Rope && (c.encoding.dModel / c.heads) % 2 != 0)
        out.push_back({"heads", QStringLiteral("rope rotates pairs, so d_model / heads must be even (got %1)")
                                    .arg(c.encoding.dModel / c.heads)});
}

void checkSequence(QVector<ConfigIssue> &out, const TrainConfig &c) {
    if (c.seqLen < 1)
        out.push_back(
            {"seq-len", QStringLiteral("sequence length must be at least 1 (got %1)").arg(c.seqLen)});
    else if (c.seqLen > c.encoding.maxLen && c.encoding.maxLen >= limits::kMinMaxLen)
        out.push_back(
            {"seq-len", QStringLiteral("sequence length %1 exceeds max_len %2 of the positional encoding")
                            .arg(c.seqLen)
                            .arg(c.encoding.maxLen)});
    QString rule;
    QVector<int> parsed;
    if (!parseLengths(lengthsText(c.probeLengths), &parsed, &rule) && !c.probeLengths.isEmpty())
        out.push_back({"probe", rule});
}
} // namespace

QVector<ConfigIssue> check(const TrainConfig &c) {
    using namespace limits;
    QVector<ConfigIssue> out = checkEncoding(c.encoding);
    checkSequence(out, c);
    checkRange(out, "features", "features (input dimension)", c.featureDim, 1, kMaxFeatures);
    checkRange(out, "samples", "samples", c.numSamples, kMinSamples, kMaxSamples);
    checkRange(out, "val-samples", "validation samples", c.valSamples, 1, kMaxSamples);
    checkRange(out, "layers", isAttention(c.backbone) ? "attention blocks" : "LSTM layers", c.layers, 1,
               kMaxLayers);
    if (c.batchSize < 1)
        out.push_back(
            {"batch-size", QStringLiteral("batch size must be at least 1 (got %1)").arg(c.batchSize)});
    if (!std::isfinite(c.lr) || c.lr <= 0)
        out.push_back(
            {"lr", QStringLiteral("learning rate must be a finite number above 0 (got %1)").arg(c.lr)});
    checkRange(out, "epochs", "epochs", c.epochs, 1, kMaxEpochs);
    if (c.seed > quint64(kMaxSeed))
        out.push_back(
            {"seed", QStringLiteral("seed must be between 0 and %1 (got %2)").arg(kMaxSeed).arg(c.seed)});
    checkBackbone(out, c);
    return out;
}

namespace {
QStringList messages(const QVector<ConfigIssue> &issues) {
    QStringList out;
    for (const auto &i : issues)
        out << i.message;
    return out;
}
} // namespace

QStringList validate(const EncodingConfig &config) {
    return messages(checkEncoding(config));
}
QStringList validate(const TrainConfig &config) {
    return messages(check(config));
}

QString describe(const EncodingConfig &c) {
    return QStringLiteral("%1 d%2 L%3 base %4")
        .arg(peKindName(c.kind))
        .arg(c.dModel)
        .arg(c.maxLen)
        .arg(c.base);
}

QString runName(const TrainConfig &c) {
    return QStringLiteral("%1 · %2 · %3 · d%4")
        .arg(backboneName(c.backbone), peKindName(c.encoding.kind), taskName(c.task))
        .arg(c.encoding.dModel);
}

QVector<int> probeLengths(const TrainConfig &c) {
    if (!c.probeLengths.isEmpty())
        return c.probeLengths;
    QVector<int> out;
    for (int factor : {1, 2, 4, 8})
        out << std::min(c.seqLen * factor, limits::kMaxProbeLength);
    return out;
}

QString lengthsText(const QVector<int> &lengths) {
    QStringList items;
    for (int n : lengths)
        items << QString::number(n);
    return items.join(QLatin1Char(','));
}

bool parseLengths(const QString &text, QVector<int> *lengths, QString *rule) {
    QVector<int> out;
    const QStringList items = text.split(QLatin1Char(','));
    for (const QString &item : items) {
        bool ok = false;
        const qlonglong n = item.trimmed().toLongLong(&ok);
        if (!ok || n < 1 || n > limits::kMaxProbeLength) {
            *rule =
                QStringLiteral("probe lengths must be whole numbers between 1 and %1, separated by commas")
                    .arg(limits::kMaxProbeLength);
            return false;
        }
        out << int(n);
    }
    if (out.size() > limits::kMaxProbeLengths) {
        *rule = QStringLiteral("at most %1 probe lengths").arg(limits::kMaxProbeLengths);
        return false;
    }
    *lengths = out;
    return true;
}

namespace {
QString textOf(int v) {
    return QString::number(v);
}
QString textOf(quint64 v) {
    return QString::number(v);
}
// The shortest text that reads back to the same double.
QString textOf(double v) {
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

bool setWhole(int &field, const QString &text, QString *rule) {
    bool ok = false;
    const qlonglong v = text.trimmed().toLongLong(&ok);
    if (!ok || v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
        *rule = QStringLiteral("expected a whole number");
        return false;
    }
    field = int(v);
    return true;
}

bool setReal(double &field, const QString &text, QString *rule) {
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok) {
        *rule = QStringLiteral("expected a number");
        return false;
    }
    field = v;
    return true;
}

bool setSeed(quint64 &field, const QString &text, QString *rule) {
    bool ok = false;
    const quint64 v = text.trimmed().toULongLong(&ok);
    if (!ok) {
        *rule = QStringLiteral("expected a whole number of 0 or more");
        return false;
    }
    field = v;
    return true;
}

template <typename E>
bool setChoice(bool (*parse)(const QString &, E *), QStringList (*names)(), E &field, const QString &text,
               QString *rule) {
    if (parse(text, &field))
        return true;
    *rule = QStringLiteral("expected one of %1").arg(names().join(QStringLiteral(", ")));
    return false;
}

bool setProbe(TrainConfig &c, const QString &text, QString *rule) {
    if (text.trimmed().isEmpty()) {
        c.probeLengths.clear();
        return true;
    }
    return parseLengths(text, &c.probeLengths, rule);
}

// One row of the field table: get and set as captureless lambdas over one member expression.
#define POSENC_FIELD(option, key, valueName, help, member, setter)                                           \
    ConfigField {                                                                                            \
        option, key, valueName, help, [](const TrainConfig &c) { return textOf(c.member); },                 \
            [](TrainConfig &c, const QString &t, QString *rule) { return setter(c.member, t, rule); }        \
    }
#define POSENC_CHOICE(option, key, valueName, help, member, nameFn, parseFn, namesFn)                        \
    ConfigField {                                                                                            \
        option, key, valueName, help, [](const TrainConfig &c) { return nameFn(c.member); },                 \
            [](TrainConfig &c, const QString &t, QString *rule) {                                            \
                return setChoice(parseFn, namesFn, c.member, t, rule);                                       \
            }                                                                                                \
    }
} // namespace

const QVector<ConfigField> &configFields() {
    static const QVector<ConfigField> fields = {
        POSENC_CHOICE("backbone", "backbone", "name",
                      "Sequence model: lstm, transformer or causal-transformer.", backbone, backboneName,
                      parseBackbone, backboneNames),
        POSENC_CHOICE("pe", "pe", "kind",
                      "Positional encoding: sinusoidal, sinusoidal-concat, learned, none, rope or alibi.",
                      encoding.kind, peKindName, parsePeKind, peKindNames),
        POSENC_CHOICE("task", "task", "name",
                      "Label: seed (linspace weights), recency (0.5*0.8^distance) or sum.", task, taskName,
                      parseTask, taskNames),
        POSENC_FIELD("d-model", "d_model", "n", "Model width and PE dimensions (2..4096).", encoding.dModel,
                     setWhole),
        POSENC_FIELD("max-len", "max_len", "n", "Positions in the PE table (1..100000).", encoding.maxLen,
                     setWhole),
        POSENC_FIELD("base", "base", "x", "Frequency base of the sinusoidal PE and of rope (> 1).",
                     encoding.base, setReal),
        POSENC_FIELD("heads", "heads", "n", "Attention heads of the transformer backbones (divide d-model).",
                     heads, setWhole),
        POSENC_FIELD("seq-len", "seq_len", "n", "Sequence length of the data (1..max-len).", seqLen,
                     setWhole),
        POSENC_FIELD("features", "features", "n", "Input features per step.", featureDim, setWhole),
        POSENC_FIELD("samples", "samples", "n", "Training samples.", numSamples, setWhole),
        POSENC_FIELD("val-samples", "val_samples", "n",
                     "Validation samples (also the size of each probe set).", valSamples, setWhole),
        POSENC_FIELD("layers", "layers", "n", "LSTM layers or attention blocks (1..16).", layers, setWhole),
        POSENC_FIELD("batch-size", "batch", "n", "Mini-batch size.", batchSize, setWhole),
        POSENC_FIELD("lr", "lr", "x", "Adam learning rate (> 0).", lr, setReal),
        POSENC_FIELD("epochs", "epochs", "n", "Training epochs.", epochs, setWhole),
        POSENC_FIELD("seed", "seed", "n",
                     "Random seed of data, initialisation and shuffling (0..2147483647).", seed, setSeed),
        ConfigField{"probe", "probe", "lengths",
                    "Extrapolation probe lengths, e.g. 20,40,80,160 (empty: seq-len x 1,2,4,8).",
                    [](const TrainConfig &c) { return lengthsText(c.probeLengths); }, setProbe},
        POSENC_CHOICE("lstm", "lstm", "kernel",
                      "LSTM kernel: fused (fast CPU kernel) or reference (LibTorch's).", lstm, lstmImplName,
                      parseLstmImpl, ([] {
                          return QStringList{QStringLiteral("fused"), QStringLiteral("reference")};
                      })),
    };
    return fields;
}
#undef POSENC_FIELD
#undef POSENC_CHOICE

QString toText(const TrainConfig &c) {
    QStringList pairs;
    for (const ConfigField &f : configFields()) {
        pairs << QStringLiteral("%1=%2").arg(QLatin1String(f.key), f.get(c));
    }
    return pairs.join(QLatin1Char(';'));
}

bool fromText(const QString &text, TrainConfig *config, QString *error) {
    TrainConfig c;
    int seen = 0;
    const auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    for (const QString &pair : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const int eq = pair.indexOf(QLatin1Char('='));
        if (eq < 0)
            return fail(QStringLiteral("malformed setting \"%1\"").arg(pair));
        const QString key = pair.left(eq), value = pair.mid(eq + 1);
        for (const ConfigField &f : configFields()) {
            if (key != QLatin1String(f.key))
                continue; // unknown keys from a newer version are ignored
            QString rule;
            if (!f.set(c, value, &rule))
                return fail(QStringLiteral("bad value \"%1\" for %2").arg(value, key));
            ++seen;
        }
    }
    if (seen == 0)
        return fail(QStringLiteral("no settings found"));
    *config = c;
    return true;
}

} // namespace posenc::core
