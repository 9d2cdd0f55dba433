#pragma once
// Plain value types for every setting of a run, with the seed notebook's values as defaults,
// and the validation that turns bad settings into readable messages.

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace posenc::core {

enum class PeKind { Sinusoidal, SinusoidalConcat, Learned, None };

// The command-line / file name of a kind: "sinusoidal", "sinusoidal-concat", "learned", "none".
QString peKindName(PeKind kind);
// The kind for a name; false when the name is unknown.
bool parsePeKind(const QString &name, PeKind *kind);
// Every kind's name, in menu order.
QStringList peKindNames();
// True for the kinds whose table is a fixed formula with values in [-1, 1].
bool isSinusoidal(PeKind kind);

// Allowed ranges, shared by validate(), the CLI and the settings panel.
namespace limits {
inline constexpr int kMinDModel = 2, kMaxDModel = 4096;
inline constexpr int kMinMaxLen = 1, kMaxMaxLen = 100000;
inline constexpr int kMaxFeatures = 4096;
inline constexpr int kMinSamples = 2; // labels are normalised by their spread, which one sample lacks
inline constexpr int kMaxSamples = 10000000;
inline constexpr int kMaxLayers = 16;
inline constexpr int kMaxEpochs = 100000;
inline constexpr qint64 kMaxSeed = 2147483647; // what a spin box holds, so CLI, GUI and files agree
inline constexpr double kMaxBase = 1e12;
inline constexpr qint64 kMaxTableValues = qint64(1) << 26; // max_len x d_model, 256 MB of floats
} // namespace limits

// What the positional encoding looks like: kind, table size and the frequency base.
struct EncodingConfig {
    PeKind kind = PeKind::Sinusoidal;
    int dModel = 32;
    int maxLen = 5000;
    double base = 10000.0;

    bool operator==(const EncodingConfig &o) const;
    bool operator!=(const EncodingConfig &o) const { return !(*this == o); }
};

// Everything a training run needs; the defaults reproduce the seed notebook.
struct TrainConfig {
    EncodingConfig encoding;
    int seqLen = 20;
    int featureDim = 10;
    int numSamples = 1000;
    int valSamples = 200;
    int layers = 1;
    int batchSize = 32;
    double lr = 1e-3;
    int epochs = 10;
    quint64 seed = 0;

    bool operator==(const TrainConfig &o) const;
    bool operator!=(const TrainConfig &o) const { return !(*this == o); }
};

// One problem with a setting: the setting's option name (as on the command line, e.g. "d-model")
// and a plain sentence that says the rule.
struct ConfigIssue {
    QString option;
    QString message;
};

// Every problem with an encoding; empty when it is valid.
QVector<ConfigIssue> checkEncoding(const EncodingConfig &config);
// Every problem with a run's settings; empty when it is valid.
QVector<ConfigIssue> check(const TrainConfig &config);
// The same as plain sentences, one per problem.
QStringList validate(const EncodingConfig &config);
QStringList validate(const TrainConfig &config);

// A one-line summary such as "sinusoidal d32 L5000 base 10000".
QString describe(const EncodingConfig &config);

// Serialise to and from "key=value;..." text (checkpoints, settings); false on a malformed string.
QString toText(const TrainConfig &config);
bool fromText(const QString &text, TrainConfig *config, QString *error = nullptr);

} // namespace posenc::core

Q_DECLARE_METATYPE(posenc::core::EncodingConfig)
Q_DECLARE_METATYPE(posenc::core::TrainConfig)
