#pragma once
// One run of a session as plain values: its settings, where it got to, its whole loss history,
// its probe and, for a learned encoding, its trained table. The runs panel, the loss plot, the
// extrapolation view and session.json all read this; no LibTorch types.

#include "encoding/pe_table.h"
#include "settings/config.h"
#include "train/training_types.h"

#include <QString>
#include <QVector>

namespace posenc::core {

// Where a run is: waiting in the Compare queue, training, held, or how it ended.
enum class RunStatus { Queued, Training, Paused, Done, Stopped, Diverged, Failed };

// "queued", "training", "paused", "done", "stopped", "diverged" or "failed".
QString runStatusName(RunStatus status);
// The status named `name` (as runStatusName gives it); false for an unknown name.
bool runStatusFromName(const QString &name, RunStatus *status);
// The status a run ends in after `outcome` (Completed is "done").
RunStatus statusOf(Outcome outcome);

struct RunRecord {
    int id = 0; // unique within its session, from 1; also picks its colour (ui::runColor(id - 1))
    TrainConfig config;
    RunStatus status = RunStatus::Queued;
    int epoch = 0;            // epochs completed
    double samplesPerSec = 0; // the last known training rate; 0 while unknown
    bool visible = true;      // drawn in the loss and extrapolation plots
    QVector<BatchLoss> batches;
    QVector<EpochStats> epochs;
    ProbeResult probe;
    PeTable table;      // a learned encoding's table as trained; empty for the fixed kinds (recomputed)
    QString checkpoint; // the run's checkpoint file; empty when none is kept

    // Its short name, e.g. "causal-transformer · alibi · recency · d32".
    QString name() const { return runName(config); }
    // The last epoch's train and validation loss; NaN before the first epoch ends.
    double lastTrainLoss() const;
    double lastValLoss() const;
};

} // namespace posenc::core
