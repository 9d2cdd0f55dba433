#pragma once
// The headless comparison (--compare kinds and/or --backbones names): one run per encoding x backbone,
// each with the same seed, data, settings and probe sets, trained in turn. Prints a table with one row
// per run and, with --out, writes compare.csv, session.json (with a copy of each run's checkpoint, as
// File > Open session reads it), extrapolation.png and one folder per run with that run's usual files.

#include "lab/run_record.h"
#include "settings/cli_options.h"
#include "train/training_types.h"

#include <QTextStream>

namespace posenc::ui {

// One row of a comparison: the run's settings, how it ended and its figures.
struct ComparisonRow {
    core::TrainConfig config;
    QString status; // "completed", "stopped", "diverged", "failed" or "skipped"
    QString note;   // why it was skipped or how it failed; empty otherwise
    double trainLoss = 0;
    double valLoss = 0;
    core::ProbeResult probe;
    double seconds = 0;
    core::Outcome outcome = core::Outcome::Failed;
    core::RunHistory history; // every batch loss and epoch of the run
    QString checkpoint;       // the run's checkpoint.pt under --out; empty when none was written
};

// The size of the extrapolation.png a comparison writes.
inline constexpr int kComparePlotWidth = 1200;
inline constexpr int kComparePlotHeight = 700;

// The settings of every combination the options ask for, in order: backbones outer, encodings inner.
QVector<core::TrainConfig> comparisonConfigs(const core::CliOptions &options);

// Runs the comparison; returns the exit code (0 done, 2 bad --out or no valid combination,
// 1 a write failed, 130 interrupted: the rows so far are still printed and written).
int runComparison(const core::CliOptions &options, QTextStream &out, QTextStream &err);

// The session of a comparison: one record per run that trained or failed (skipped combinations have
// none), with ids from 1 in table order, so run i is drawn in ui::runColor(i - 1).
QVector<core::RunRecord> comparisonRecords(const QVector<ComparisonRow> &rows);
// Draws every record's probe in its run colour (ExtrapolationView, offscreen) and writes it to `path`
// at kComparePlotWidth x kComparePlotHeight. Empty string or the reason.
QString writeComparisonPlot(const QVector<core::RunRecord> &records, const QString &path);
// Draws every record's batch and epoch losses in its run colour (LossView, offscreen), the same way.
QString writeComparisonLossPlot(const QVector<core::RunRecord> &records, const QString &path);

// Writes compare.csv: backbone,pe,task,status,train_loss,val_loss,probe_<L>...,seconds,note.
QString writeComparisonCsv(const QVector<ComparisonRow> &rows, const QVector<int> &lengths,
                           const QString &path);

} // namespace posenc::ui
