#include "config.h"

#include <QLocale>

#include <cmath>

namespace posenc::core {

namespace {
struct KindName {
    PeKind kind;
    const char *name;
};
constexpr KindName kKinds[] = {{PeKind::Sinusoidal, "sinusoidal"},
                               {PeKind::SinusoidalConcat, "sinusoidal-concat"},
                               {PeKind::Learned, "learned"},
                               {PeKind::None, "none"}};

void checkRange(QVector<ConfigIssue> &out, const char *option, const char *what, qint64 value, qint64 lo,
                qint64 hi) {
    if (value < lo || value > hi)
        out.push_back(
            {option,
             QStringLiteral("%1 must be between %2 and %3 (got %4)").arg(what).arg(lo).arg(hi).arg(value)});
}
} // namespace

QString peKindName(PeKind kind) {
    for (const auto &k : kKinds)
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    return QStringLiteral("sinusoidal");
}

bool parsePeKind(const QString &name, PeKind *kind) {
    for (const auto &k : kKinds) {
        if (name.trimmed().compare(QLatin1String(k.name), Qt::CaseInsensitive) == 0) {
            *kind = k.kind;
            return true;
        }
    }
    return false;
}

QStringList peKindNames() {
    QStringList names;
    for (const auto &k : kKinds)
        names << QString::fromLatin1(k.name);
    return names;
}

bool isSinusoidal(PeKind kind) {
    return kind == PeKind::Sinusoidal || kind == PeKind::SinusoidalConcat;
}

bool EncodingConfig::operator==(const EncodingConfig &o) const {
    return kind == o.kind && dModel == o.dModel && maxLen == o.maxLen && base == o.base;
}

bool TrainConfig::operator==(const TrainConfig &o) const {
    return encoding == o.encoding && seqLen == o.seqLen && featureDim == o.featureDim &&
           numSamples == o.numSamples && valSamples == o.valSamples && layers == o.layers &&
           batchSize == o.batchSize && lr == o.lr && epochs == o.epochs && seed == o.seed;
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

QVector<ConfigIssue> check(const TrainConfig &c) {
    using namespace limits;
    QVector<ConfigIssue> out = checkEncoding(c.encoding);
    if (c.seqLen < 1)
        out.push_back(
            {"seq-len", QStringLiteral("sequence length must be at least 1 (got %1)").arg(c.seqLen)});
    else if (c.seqLen > c.encoding.maxLen && c.encoding.maxLen >= kMinMaxLen)
        out.push_back(
            {"seq-len", QStringLiteral("sequence length %1 exceeds max_len %2 of the positional encoding")
                            .arg(c.seqLen)
                            .arg(c.encoding.maxLen)});
    checkRange(out, "features", "features (input dimension)", c.featureDim, 1, kMaxFeatures);
    checkRange(out, "samples", "samples", c.numSamples, kMinSamples, kMaxSamples);
    checkRange(out, "val-samples", "validation samples", c.valSamples, 1, kMaxSamples);
    checkRange(out, "layers", "LSTM layers", c.layers, 1, kMaxLayers);
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

QString toText(const TrainConfig &c) {
    return QStringLiteral("pe=%1;d_model=%2;max_len=%3;base=%4;seq_len=%5;features=%6;samples=%7;"
                          "val_samples=%8;layers=%9;batch=%10;lr=%11;epochs=%12;seed=%13")
        .arg(peKindName(c.encoding.kind))
        .arg(c.encoding.dModel)
        .arg(c.encoding.maxLen)
        .arg(c.encoding.base, 0, 'g', 17)
        .arg(c.seqLen)
        .arg(c.featureDim)
        .arg(c.numSamples)
        .arg(c.valSamples)
        .arg(c.layers)
        .arg(c.batchSize)
        .arg(c.lr, 0, 'g', 17)
        .arg(c.epochs)
        .arg(c.seed);
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
        bool ok = true;
        if (key == QLatin1String("pe"))
            ok = parsePeKind(value, &c.encoding.kind);
        else if (key == QLatin1String("d_model"))
            c.encoding.dModel = value.toInt(&ok);
        else if (key == QLatin1String("max_len"))
            c.encoding.maxLen = value.toInt(&ok);
        else if (key == QLatin1String("base"))
            c.encoding.base = value.toDouble(&ok);
        else if (key == QLatin1String("seq_len"))
            c.seqLen = value.toInt(&ok);
        else if (key == QLatin1String("features"))
            c.featureDim = value.toInt(&ok);
        else if (key == QLatin1String("samples"))
            c.numSamples = value.toInt(&ok);
        else if (key == QLatin1String("val_samples"))
            c.valSamples = value.toInt(&ok);
        else if (key == QLatin1String("layers"))
            c.layers = value.toInt(&ok);
        else if (key == QLatin1String("batch"))
            c.batchSize = value.toInt(&ok);
        else if (key == QLatin1String("lr"))
            c.lr = value.toDouble(&ok);
        else if (key == QLatin1String("epochs"))
            c.epochs = value.toInt(&ok);
        else if (key == QLatin1String("seed"))
            c.seed = value.toULongLong(&ok);
        else
            continue; // unknown keys from a newer version are ignored
        if (!ok)
            return fail(QStringLiteral("bad value \"%1\" for %2").arg(value, key));
        ++seen;
    }
    if (seen == 0)
        return fail(QStringLiteral("no settings found"));
    *config = c;
    return true;
}

} // namespace posenc::core
