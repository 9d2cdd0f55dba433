#pragma once
// Value types that cross from the training thread to the GUI: batch losses, epoch statistics,
// progress and the result of a run. No tensors, no pointers.

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace posenc::core {

// One optimiser step's loss; `step` counts from 1 over the whole run.
struct BatchLoss {
    qint64 step = 0;
    double loss = 0;
};

// What an epoch ended with.
struct EpochStats {
    int epoch = 0;            // 1-based
    qint64 step = 0;          // the last step of the epoch
    double trainLoss = 0;     // mean of the epoch's batch losses, as the seed prints it
    double valLoss = 0;       // MSE on the validation set, after the epoch
    double samplesPerSec = 0; // training samples per second over the epoch
};

// A run's loss history from its first step: every batch loss and every epoch's statistics, in order.
// A run continued from a checkpoint written before histories were kept starts where that file ended.
struct RunHistory {
    QVector<BatchLoss> batches;
    QVector<EpochStats> epochs;
};

// Where a run is: steps done of the total, the epoch and batch, and the estimated time left.
struct Progress {
    qint64 done = 0;
    qint64 total = 0;
    int epoch = 0; // 1-based epoch being trained
    int batch = 0; // 1-based batch within the epoch
    int batchesPerEpoch = 0;
    double etaSeconds = -1;   // < 0 while unknown
    double samplesPerSec = 0; // the recent training rate; 0 while unknown
};

// The training rate over the last few batches, from their timings: the first batches of a run (warm-up:
// allocations, first-touch of memory) are left out, and a pause restarts the window.
class RateMeter {
public:
    // A batch of `samples` ended at `nanoseconds` (any monotonic clock).
    void addBatch(qint64 nanoseconds, int samples);
    // Forget the window (after a pause): the next batch starts a new one.
    void restart();
    // Samples per second over the window; 0 until enough batches were timed.
    double samplesPerSec() const;

    static constexpr int kWarmupBatches = 2;
    static constexpr int kWindow = 32;

private:
    QVector<QPair<qint64, int>> m_batches; // (end time, samples), the newest last
    int m_seen = 0;
};

enum class Outcome { Completed, Stopped, Diverged, Failed };

// How a run ended, after how many epochs, with what loss.
struct TrainResult {
    Outcome outcome = Outcome::Completed;
    int epochsDone = 0;
    qint64 steps = 0;
    double lastTrainLoss = 0; // last completed epoch's train loss (NaN when none)
    double lastValLoss = 0;
    QString message; // for diverged / failed: what happened and what to try
};

// The model's loss on fresh data at one sequence length (the length-extrapolation probe).
struct ProbePoint {
    int length = 0;
    double loss = 0; // MSE on labels normalised with the training set's statistics
};

// A run's probe: one point per length evaluated, and a note per length skipped (e.g. beyond max_len).
struct ProbeResult {
    QVector<ProbePoint> points;
    QStringList skipped;

    bool isEmpty() const { return points.isEmpty(); }
};

// "completed", "stopped", "diverged" or "failed".
QString outcomeName(Outcome outcome);

// Writes epoch statistics as CSV: header "epoch,train_loss,val_loss,step,samples_per_s", one
// row per epoch, losses to 9 significant digits. Empty string on success, else the reason.
QString writeEpochCsv(const QVector<EpochStats> &epochs, const QString &path);
// Writes batch losses as CSV: header "step,loss", one row per step.
QString writeBatchCsv(const QVector<BatchLoss> &losses, const QString &path);

// Writes a probe as CSV: header "length,loss", one row per length. Empty string or the reason.
QString writeProbeCsv(const ProbeResult &probe, const QString &path);

// Registers the types above for queued connections; safe to call more than once.
void registerMetaTypes();

} // namespace posenc::core

Q_DECLARE_METATYPE(posenc::core::BatchLoss)
Q_DECLARE_METATYPE(posenc::core::EpochStats)
Q_DECLARE_METATYPE(posenc::core::Progress)
Q_DECLARE_METATYPE(posenc::core::TrainResult)
Q_DECLARE_METATYPE(posenc::core::ProbeResult)
