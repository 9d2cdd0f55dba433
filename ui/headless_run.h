#pragma once
// The --headless run: trains with no window, prints the seed's "Epoch N, Loss: ..." lines and,
// with --out, writes loss.csv, pe.csv, heatmap.png (drawn by HeatmapView, offscreen),
// checkpoint.pt and state_dict.pt.

#include "cli_options.h"

#include <QTextStream>

namespace posenc::ui {

// Exit codes of the command line.
enum ExitCode { kExitOk = 0, kExitTrainingFailed = 1, kExitBadInput = 2, kExitInterrupted = 130 };

// Runs the training that `options` describe; returns the process exit code. Bad input (an
// unwritable --out, an unreadable --resume) prints one line to `err` and returns 2 before
// anything is written. Ctrl+C stops after the current batch and still writes the outputs.
int runHeadless(const core::CliOptions &options, QTextStream &out, QTextStream &err);

// Call before QApplication: selects the offscreen platform when `offscreen` (and no platform is
// set), and gives Qt the private runtime folder it otherwise warns about on every start.
void prepareEnvironment(bool offscreen);

// Size of heatmap.png.
inline constexpr int kHeadlessHeatmapWidth = 1200;
inline constexpr int kHeadlessHeatmapHeight = 700;

} // namespace posenc::ui
