#include "cli_options.h"

namespace posenc::core {

namespace {
enum class ValueType { Int, Double, UInt64, Kind };

struct OptionSpec {
    const char *name;
    const char *valueName;
    const char *help;
    ValueType type;
};

const OptionSpec kOptions[] = {
    {"pe", "kind", "Positional encoding: sinusoidal, sinusoidal-concat, learned or none.", ValueType::Kind},
    {"d-model", "n", "Model width and PE dimensions (2..4096).", ValueType::Int},
    {"max-len", "n", "Positions in the PE table (1..100000).", ValueType::Int},
    {"base", "x", "Frequency base of the sinusoidal PE (> 1).", ValueType::Double},
    {"seq-len", "n", "Sequence length of the data (1..max-len).", ValueType::Int},
    {"features", "n", "Input features per step.", ValueType::Int},
    {"samples", "n", "Training samples.", ValueType::Int},
    {"val-samples", "n", "Validation samples.", ValueType::Int},
    {"layers", "n", "LSTM layers (1..16).", ValueType::Int},
    {"batch-size", "n", "Mini-batch size.", ValueType::Int},
    {"lr", "x", "Adam learning rate (> 0).", ValueType::Double},
    {"epochs", "n", "Training epochs.", ValueType::Int},
    {"seed", "n", "Random seed of data, initialisation and shuffling.", ValueType::UInt64},
};

QString defaultText(const TrainConfig &c, const QString &name) {
    if (name == QLatin1String("pe"))
        return peKindName(c.encoding.kind);
    if (name == QLatin1String("d-model"))
        return QString::number(c.encoding.dModel);
    if (name == QLatin1String("max-len"))
        return QString::number(c.encoding.maxLen);
    if (name == QLatin1String("base"))
        return QString::number(c.encoding.base);
    if (name == QLatin1String("seq-len"))
        return QString::number(c.seqLen);
    if (name == QLatin1String("features"))
        return QString::number(c.featureDim);
    if (name == QLatin1String("samples"))
        return QString::number(c.numSamples);
    if (name == QLatin1String("val-samples"))
        return QString::number(c.valSamples);
    if (name == QLatin1String("layers"))
        return QString::number(c.layers);
    if (name == QLatin1String("batch-size"))
        return QString::number(c.batchSize);
    if (name == QLatin1String("lr"))
        return QString::number(c.lr);
    if (name == QLatin1String("epochs"))
        return QString::number(c.epochs);
    return QString::number(c.seed);
}

// Stores `value` into the field of `c` that option `name` sets.
void assign(TrainConfig &c, const QString &name, double number, quint64 whole, PeKind kind) {
    const int n = int(number);
    if (name == QLatin1String("pe"))
        c.encoding.kind = kind;
    else if (name == QLatin1String("d-model"))
        c.encoding.dModel = n;
    else if (name == QLatin1String("max-len"))
        c.encoding.maxLen = n;
    else if (name == QLatin1String("base"))
        c.encoding.base = number;
    else if (name == QLatin1String("seq-len"))
        c.seqLen = n;
    else if (name == QLatin1String("features"))
        c.featureDim = n;
    else if (name == QLatin1String("samples"))
        c.numSamples = n;
    else if (name == QLatin1String("val-samples"))
        c.valSamples = n;
    else if (name == QLatin1String("layers"))
        c.layers = n;
    else if (name == QLatin1String("batch-size"))
        c.batchSize = n;
    else if (name == QLatin1String("lr"))
        c.lr = number;
    else if (name == QLatin1String("epochs"))
        c.epochs = n;
    else if (name == QLatin1String("seed"))
        c.seed = whole;
}
} // namespace

void addCliOptions(QCommandLineParser &parser) {
    const TrainConfig defaults;
    parser.addOption(
        {QStringLiteral("headless"), QStringLiteral("Train without a window and print each epoch's loss.")});
    parser.addOption(
        {QStringLiteral("start"), QStringLiteral("Window: start training as soon as the window opens.")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Headless: write loss.csv, pe.csv, heatmap.png, "
                                     "checkpoint.pt and state_dict.pt into <dir>."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("resume"),
                      QStringLiteral("Continue the run saved in checkpoint <file>."),
                      QStringLiteral("file")});
    for (const auto &o : kOptions) {
        const QString name = QString::fromLatin1(o.name);
        parser.addOption(
            {name,
             QStringLiteral("%1 Default: %2.").arg(QString::fromLatin1(o.help), defaultText(defaults, name)),
             QString::fromLatin1(o.valueName)});
    }
}

bool readCliOptions(const QCommandLineParser &parser, CliOptions *options, QString *error) {
    CliOptions out;
    out.headless = parser.isSet(QStringLiteral("headless"));
    out.autoStart = parser.isSet(QStringLiteral("start"));
    out.outDir = parser.value(QStringLiteral("out"));
    out.resumePath = parser.value(QStringLiteral("resume"));
    for (const auto &o : kOptions) {
        const QString name = QString::fromLatin1(o.name);
        if (!parser.isSet(name))
            continue;
        const QString text = parser.value(name).trimmed();
        bool ok = false;
        double number = 0;
        quint64 whole = 0;
        PeKind kind = PeKind::Sinusoidal;
        QString rule;
        switch (o.type) {
        case ValueType::Int: {
            const qlonglong v = text.toLongLong(&ok);
            ok = ok && v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max();
            number = double(v);
            rule = QStringLiteral("expected a whole number");
            break;
        }
        case ValueType::Double:
            number = text.toDouble(&ok);
            rule = QStringLiteral("expected a number");
            break;
        case ValueType::UInt64:
            whole = text.toULongLong(&ok);
            rule = QStringLiteral("expected a whole number of 0 or more");
            break;
        case ValueType::Kind:
            ok = parsePeKind(text, &kind);
            rule = QStringLiteral("expected one of %1").arg(peKindNames().join(QStringLiteral(", ")));
            break;
        }
        if (!ok) {
            *error = QStringLiteral("--%1 %2: %3").arg(name, text, rule);
            return false;
        }
        assign(out.config, name, number, whole, kind);
        out.given.insert(name);
    }
    const auto issues = check(out.config);
    if (!issues.isEmpty()) {
        const ConfigIssue &first = issues.first();
        const QString given =
            parser.isSet(first.option) ? QStringLiteral(" ") + parser.value(first.option) : QString();
        *error = QStringLiteral("--%1%2: %3").arg(first.option, given, first.message);
        return false;
    }
    *options = out;
    return true;
}

} // namespace posenc::core
