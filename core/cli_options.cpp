#include "cli_options.h"

#include <limits>

namespace posenc::core {

namespace {
// The TrainConfig field an option sets: exactly one pointer is non-null.
struct Field {
    int *whole = nullptr;
    double *real = nullptr;
    quint64 *seed = nullptr;
    PeKind *kind = nullptr;
};

Field intField(int &v) {
    return {&v, nullptr, nullptr, nullptr};
}
Field realField(double &v) {
    return {nullptr, &v, nullptr, nullptr};
}

struct OptionSpec {
    const char *name;
    const char *valueName;
    const char *help;
    Field (*field)(TrainConfig &);
};

const OptionSpec kOptions[] = {
    {"pe", "kind", "Positional encoding: sinusoidal, sinusoidal-concat, learned or none.",
     [](TrainConfig &c) {
         return Field{nullptr, nullptr, nullptr, &c.encoding.kind};
     }},
    {"d-model", "n", "Model width and PE dimensions (2..4096).",
     [](TrainConfig &c) { return intField(c.encoding.dModel); }},
    {"max-len", "n", "Positions in the PE table (1..100000).",
     [](TrainConfig &c) { return intField(c.encoding.maxLen); }},
    {"base", "x", "Frequency base of the sinusoidal PE (> 1).",
     [](TrainConfig &c) { return realField(c.encoding.base); }},
    {"seq-len", "n", "Sequence length of the data (1..max-len).",
     [](TrainConfig &c) { return intField(c.seqLen); }},
    {"features", "n", "Input features per step.", [](TrainConfig &c) { return intField(c.featureDim); }},
    {"samples", "n", "Training samples.", [](TrainConfig &c) { return intField(c.numSamples); }},
    {"val-samples", "n", "Validation samples.", [](TrainConfig &c) { return intField(c.valSamples); }},
    {"layers", "n", "LSTM layers (1..16).", [](TrainConfig &c) { return intField(c.layers); }},
    {"batch-size", "n", "Mini-batch size.", [](TrainConfig &c) { return intField(c.batchSize); }},
    {"lr", "x", "Adam learning rate (> 0).", [](TrainConfig &c) { return realField(c.lr); }},
    {"epochs", "n", "Training epochs.", [](TrainConfig &c) { return intField(c.epochs); }},
    {"seed", "n", "Random seed of data, initialisation and shuffling (0..2147483647).",
     [](TrainConfig &c) {
         return Field{nullptr, nullptr, &c.seed, nullptr};
     }},
};

QString fieldText(const Field &f) {
    if (f.whole)
        return QString::number(*f.whole);
    if (f.real)
        return QString::number(*f.real);
    if (f.seed)
        return QString::number(*f.seed);
    return peKindName(*f.kind);
}

// Parses `text` into the field; on failure returns false and the rule the text broke.
bool parseInto(const Field &f, const QString &text, QString *rule) {
    bool ok = false;
    if (f.whole) {
        const qlonglong v = text.toLongLong(&ok);
        ok = ok && v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max();
        *rule = QStringLiteral("expected a whole number");
        if (ok)
            *f.whole = int(v);
    } else if (f.real) {
        const double v = text.toDouble(&ok);
        *rule = QStringLiteral("expected a number");
        if (ok)
            *f.real = v;
    } else if (f.seed) {
        const quint64 v = text.toULongLong(&ok);
        *rule = QStringLiteral("expected a whole number of 0 or more");
        if (ok)
            *f.seed = v;
    } else {
        ok = parsePeKind(text, f.kind);
        *rule = QStringLiteral("expected one of %1").arg(peKindNames().join(QStringLiteral(", ")));
    }
    return ok;
}
} // namespace

void addCliOptions(QCommandLineParser &parser) {
    TrainConfig defaults;
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
             QStringLiteral("%1 Default: %2.").arg(QString::fromLatin1(o.help), fieldText(o.field(defaults))),
             QString::fromLatin1(o.valueName)});
    }
}

TrainConfig withGivenOptions(TrainConfig base, const CliOptions &options) {
    TrainConfig given = options.config;
    for (const auto &o : kOptions) {
        if (!options.given.contains(QLatin1String(o.name)))
            continue;
        const Field from = o.field(given), to = o.field(base);
        if (from.whole)
            *to.whole = *from.whole;
        else if (from.real)
            *to.real = *from.real;
        else if (from.seed)
            *to.seed = *from.seed;
        else
            *to.kind = *from.kind;
    }
    return base;
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
        QString rule;
        if (!parseInto(o.field(out.config), text, &rule)) {
            *error = QStringLiteral("--%1 %2: %3").arg(name, text, rule);
            return false;
        }
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
