#pragma once
// The --headless run: trains with no window, prints the seed's "Epoch N, Loss: ..." lines and,
// then the extrapolation probe; with --out, writes loss.csv, pe.csv, extrapolation.csv, heatmap.png
// (drawn by HeatmapView, offscreen), checkpoint.pt and state_dict.pt. --compare goes to runComparison().

#include "headless/run_outputs.h"
#include "settings/cli_options.h"

#include <QTextStream>

namespace posenc::ui {

// Runs the training that `options` describe; returns the process exit code. Bad input (an
// unwritable --out, an unreadable --resume) prints one line to `err` and returns 2 before
// anything is written. Ctrl+C stops after the current batch and still writes the outputs.
int runHeadless(const core::CliOptions &options, QTextStream &out, QTextStream &err);

// Call before QApplication: selects the offscreen platform when `offscreen` (and no platform is
// set), and gives Qt the private runtime folder it otherwise warns about on every start.
void prepareEnvironment(bool offscreen);

} // namespace posenc::ui
