#pragma once
// Plain value types for every setting of a run, with the seed notebook's values as defaults,
// and the validation that turns bad settings into readable messages.

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace posenc::core {

// How position enters the model: an additive table (sinusoidal, sinusoidal-concat, learned), nothing
// (none), a rotation of each head's queries and keys (rope) or a distance bias on the scores (alibi).
enum class PeKind { Sinusoidal, SinusoidalConcat, Learned, None, Rope, Alibi };
// What reads the sequence: the seed's LSTM, bidirectional attention blocks, or causal ones.
enum class Backbone { Lstm, Transformer, CausalTransformer };
// What the label is: the seed's weighted sum, a recency-weighted sum, or a plain sum (a control).
enum class Task { Seed, Recency, Sum };
// Which LSTM kernel trains: the fused CPU one (where the CPU allows) or LibTorch's own.
enum class LstmImpl { Fused, Reference };

// The command-line / file name of a kind: "sinusoidal", "sinusoidal-concat", "learned", "none",
// "rope", "alibi".
QString peKindName(PeKind kind);
// The kind for a name; false when the name is unknown.
bool parsePeKind(const QString &name, PeKind *kind);
// Every kind's name, in menu order.
QStringList peKindNames();
// True for the kinds whose table is a fixed formula with values in [-1, 1].
bool isSinusoidal(PeKind kind);
// True for the kinds that add a [max_len, d_model] table to the input (so a sequence may not be
// longer than max_len): sinusoidal, sinusoidal-concat, learned.
bool hasTable(PeKind kind);
// True for the kinds that act inside attention (rope, alibi), so they need an attention backbone.
bool needsAttention(PeKind kind);

// Names of backbones ("lstm", "transformer", "causal-transformer"), tasks ("seed", "recency", "sum")
// and LSTM kernels ("fused", "reference"), with their parsers (false for an unknown name).
QString backboneName(Backbone backbone);
bool parseBackbone(const QString &name, Backbone *backbone);
QStringList backboneNames();
QString taskName(Task task);
bool parseTask(const QString &name, Task *task);
QStringList taskNames();
QString lstmImplName(LstmImpl impl);
bool parseLstmImpl(const QString &name, LstmImpl *impl);
// True for the transformer backbones.
bool isAttention(Backbone backbone);

// Allowed ranges, shared by validate(), the CLI and the settings panel.
namespace limits {
inline constexpr int kMinDModel = 2, kMaxDModel = 4096;
inline constexpr int kMinMaxLen = 1, kMaxMaxLen = 100000;
inline constexpr int kMaxFeatures = 4096;
inline constexpr int kMinSamples = 2; // labels are normalised by their spread, which one sample lacks
inline constexpr int kMaxSamples = 10000000;
inline constexpr int kMaxLayers = 16;
inline constexpr int kMaxHeads = 64;
inline constexpr int kMaxProbeLength = 4096; // attention scores grow as length^2
inline constexpr int kMaxProbeLengths = 32;
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
    Backbone backbone = Backbone::Lstm;
    int heads = 4; // attention heads (the transformer backbones)
    Task task = Task::Seed;
    QVector<int> probeLengths; // lengths of the extrapolation probe; empty: seq_len x 1, 2, 4, 8
    LstmImpl lstm = LstmImpl::Fused;

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
// A run's short name such as "causal-transformer · alibi · recency · d32".
QString runName(const TrainConfig &config);

// The probe lengths a run uses: its own list, or seq_len x 1, 2, 4, 8 when the list is empty.
QVector<int> probeLengths(const TrainConfig &config);
// "20,40,80" and back; false (and the rule in `rule`) for an empty item, a non-number or a length
// outside 1..kMaxProbeLength.
QString lengthsText(const QVector<int> &lengths);
bool parseLengths(const QString &text, QVector<int> *lengths, QString *rule);

// One setting of a TrainConfig as text: its command-line option ("d-model"), its key in the
// "key=value;..." text of checkpoints and settings ("d_model"), and how to read and write it.
struct ConfigField {
    const char *option;
    const char *key;
    const char *valueName; // for --help: "n", "x", "kind", ...
    const char *help;
    QString (*get)(const TrainConfig &config);
    // False (and the broken rule in `rule`) when the text is not a value of this field.
    bool (*set)(TrainConfig &config, const QString &text, QString *rule);
};
// Every setting, in the order of --help; the single table behind the CLI and toText/fromText.
const QVector<ConfigField> &configFields();

// Serialise to and from "key=value;..." text (checkpoints, settings); false on a malformed string.
// Keys missing from the text (an older file) keep their defaults; unknown keys are ignored.
QString toText(const TrainConfig &config);
bool fromText(const QString &text, TrainConfig *config, QString *error = nullptr);

} // namespace posenc::core

Q_DECLARE_METATYPE(posenc::core::EncodingConfig)
Q_DECLARE_METATYPE(posenc::core::TrainConfig)
