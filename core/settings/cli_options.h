#pragma once
// The command-line options shared by the window and the headless run: every setting of a
// TrainConfig (from configFields()), plus --headless, --out, --continue, --session, --compare and
// --backbones.
// "Resume" means unpause everywhere; carrying on a saved run is "continue" (--resume stays an alias).

#include "settings/config.h"

#include <QCommandLineParser>
#include <QSet>

namespace posenc::core {

struct CliOptions {
    TrainConfig config;
    QSet<QString> given; // option names the user set (e.g. "d-model"), to prefill only those
    bool headless = false;
    bool autoStart = false; // --start: the window starts training as soon as it opens
    QString outDir;         // --out: where a headless run writes its files
    QString continuePath;   // --continue (alias --resume): a checkpoint to continue
    QString sessionPath;    // --session: a saved session (folder or session.json) the window opens
    // --compare / --backbones: train every encoding x backbone in turn (headless); empty: no comparison.
    QVector<PeKind> compareKinds;
    QVector<Backbone> compareBackbones;

    bool isComparison() const { return !compareKinds.isEmpty() || !compareBackbones.isEmpty(); }
};

// Adds every option (with its help text and the seed default) to `parser`.
void addCliOptions(QCommandLineParser &parser);

// Reads the parsed options over the seed defaults. On a bad value returns false and sets
// `error` to one line naming the option and the rule, e.g. "--d-model 0: d_model must be ...".
bool readCliOptions(const QCommandLineParser &parser, CliOptions *options, QString *error);

// `base` with the settings the user gave on the command line (options.given) taken from
// options.config: the window's remembered settings, overridden only where an option was given.
TrainConfig withGivenOptions(TrainConfig base, const CliOptions &options);

} // namespace posenc::core
