#include "settings/cli_options.h"

namespace posenc::core {

namespace {
// Parses a comma-separated list of names; false and the rule on an unknown or empty one.
template <typename E>
bool parseList(const QString &text, bool (*parse)(const QString &, E *), const QStringList &names,
               QVector<E> *out, QString *rule) {
    out->clear();
    for (const QString &item : text.split(QLatin1Char(','))) {
        E value;
        if (!parse(item, &value)) {
            *rule = QStringLiteral("\"%1\" is not one of %2")
                        .arg(item.trimmed(), names.join(QStringLiteral(", ")));
            return false;
        }
        if (!out->contains(value))
            out->push_back(value);
    }
    return true;
}

// Reads --compare and --backbones; false and one line naming the option on a bad value.
bool readComparison(const QCommandLineParser &parser, CliOptions *out, QString *error) {
    QString rule;
    const QString kinds = parser.value(QStringLiteral("compare")),
                  backbones = parser.value(QStringLiteral("backbones"));
    if (parser.isSet(QStringLiteral("compare")) &&
        !parseList(kinds, parsePeKind, peKindNames(), &out->compareKinds, &rule)) {
        *error = QStringLiteral("--compare %1: %2").arg(kinds, rule);
        return false;
    }
    if (parser.isSet(QStringLiteral("backbones")) &&
        !parseList(backbones, parseBackbone, backboneNames(), &out->compareBackbones, &rule)) {
        *error = QStringLiteral("--backbones %1: %2").arg(backbones, rule);
        return false;
    }
    if (out->isComparison() && !out->headless) {
        *error = QStringLiteral("--compare and --backbones train without a window: add --headless");
        return false;
    }
    if (!out->sessionPath.isEmpty() && (out->headless || !out->continuePath.isEmpty())) {
        *error =
            QStringLiteral("--session %1: a session opens in the window, without --headless or --continue")
                .arg(out->sessionPath);
        return false;
    }
    if (out->isComparison() && !out->continuePath.isEmpty()) {
        *error = QStringLiteral("--compare starts fresh runs: it cannot be combined with --continue");
        return false;
    }
    return true;
}
} // namespace

void addCliOptions(QCommandLineParser &parser) {
    TrainConfig defaults;
    parser.addOption(
        {QStringLiteral("headless"), QStringLiteral("Train without a window and print each epoch's loss.")});
    parser.addOption(
        {QStringLiteral("start"), QStringLiteral("Window: start training as soon as the window opens.")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Headless: write loss.csv, pe.csv, heatmap.png, extrapolation.csv, "
                                     "checkpoint.pt and state_dict.pt into <dir>."),
                      QStringLiteral("dir")});
    parser.addOption({{QStringLiteral("continue"), QStringLiteral("resume")},
                      QStringLiteral("Continue the run saved in checkpoint <file>."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("session"),
                      QStringLiteral("Window: open the session saved in <path> (a folder with session.json, "
                                     "e.g. the --out of a --compare)."),
                      QStringLiteral("path")});
    parser.addOption(
        {QStringLiteral("compare"),
         QStringLiteral(
             "Headless: train one run per encoding in <kinds> (comma-separated), same "
             "seed, data and probes; print a table, write compare.csv, session.json, compare_loss.png, "
             "extrapolation.png and a folder per run."),
         QStringLiteral("kinds")});
    parser.addOption({QStringLiteral("backbones"),
                      QStringLiteral("Headless: with --compare (or alone), the backbones to compare, e.g. "
                                     "lstm,causal-transformer."),
                      QStringLiteral("names")});
    for (const ConfigField &f : configFields()) {
        const QString value = f.get(defaults); // empty for the probe: its help says what it means
        const QString help = value.isEmpty()
                                 ? QString::fromLatin1(f.help)
                                 : QStringLiteral("%1 Default: %2.").arg(QString::fromLatin1(f.help), value);
        parser.addOption({QString::fromLatin1(f.option), help, QString::fromLatin1(f.valueName)});
    }
}

TrainConfig withGivenOptions(TrainConfig base, const CliOptions &options) {
    for (const ConfigField &f : configFields()) {
        if (!options.given.contains(QLatin1String(f.option)))
            continue;
        QString rule;
        f.set(base, f.get(options.config), &rule); // the value parsed once already: cannot fail
    }
    return base;
}

bool readCliOptions(const QCommandLineParser &parser, CliOptions *options, QString *error) {
    CliOptions out;
    out.headless = parser.isSet(QStringLiteral("headless"));
    out.autoStart = parser.isSet(QStringLiteral("start"));
    out.outDir = parser.value(QStringLiteral("out"));
    out.continuePath = parser.value(QStringLiteral("continue"));
    out.sessionPath = parser.value(QStringLiteral("session"));
    for (const ConfigField &f : configFields()) {
        const QString name = QString::fromLatin1(f.option);
        if (!parser.isSet(name))
            continue;
        const QString text = parser.value(name).trimmed();
        QString rule;
        if (text.isEmpty() || !f.set(out.config, text, &rule)) {
            if (rule.isEmpty())
                rule = QStringLiteral("a value is needed");
            *error = QStringLiteral("--%1 %2: %3").arg(name, text, rule);
            return false;
        }
        out.given.insert(name);
    }
    if (!readComparison(parser, &out, error))
        return false;
    const auto issues = check(out.config);
    if (!issues.isEmpty()) {
        const ConfigIssue &first = issues.first();
        if (first.message.startsWith(QStringLiteral("--") + first.option)) { // already names the option
            *error = first.message;
            return false;
        }
        const QString given =
            parser.isSet(first.option) ? QStringLiteral(" ") + parser.value(first.option) : QString();
        *error = QStringLiteral("--%1%2: %3").arg(first.option, given, first.message);
        return false;
    }
    *options = out;
    return true;
}

} // namespace posenc::core
