#pragma once
// The --headless run: trains with no window, prints the seed's "Epoch N, Loss: ..." lines and,
// then the extrapolation probe; with --out, writes loss.csv, pe.csv, extrapolation.csv, heatmap.png
// (drawn by HeatmapView, offscreen), checkpoint.pt and state_dict.pt. --compare goes to runComparison().

#include "cli_options.h"
#include "training_types.h"

#include <QTextStream>

namespace posenc::core {
class Trainer;
}

namespace posenc::ui {

// Exit codes of the command line.
enum ExitCode { kExitOk = 0, kExitTrainingFailed = 1, kExitBadInput = 2, kExitInterrupted = 130 };

// Runs the training that `options` describe; returns the process exit code. Bad input (an
// unwritable --out, an unreadable --resume) prints one line to `err` and returns 2 before
// anything is written. Ctrl+C stops after the current batch and still writes the outputs.
int runHeadless(const core::CliOptions &options, QTextStream &out, QTextStream &err);

// Catches Ctrl+C for its lifetime, so a run stops after the current batch and still writes its files.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard &) = delete;
    InterruptGuard &operator=(const InterruptGuard &) = delete;
    // True once Ctrl+C was pressed while a guard was alive.
    static bool interrupted();

private:
    void (*m_previous)(int);
};

// Creates `dir` if needed and proves a file can be written there with a small real write;
// empty string or the reason.
QString checkWritableDir(const QString &dir);
// The files of a run's output folder: loss.csv, pe.csv, extrapolation.csv, heatmap.png,
// checkpoint.pt and state_dict.pt.
QStringList outputNames();
// Writes those files into `dir`, each tried even when another fails; adds the names written to
// `written` and returns one error per file that was not.
QStringList writeOutputs(const core::Trainer &trainer, const QVector<core::EpochStats> &epochs,
                         const core::ProbeResult &probe, const QString &dir, QStringList *written);
// Prints "Probe length N, Loss: x" per probed length and a line per skipped one.
void printProbe(const core::ProbeResult &probe, QTextStream &out);

// Call before QApplication: selects the offscreen platform when `offscreen` (and no platform is
// set), and gives Qt the private runtime folder it otherwise warns about on every start.
void prepareEnvironment(bool offscreen);

// Size of heatmap.png.
inline constexpr int kHeadlessHeatmapWidth = 1200;
inline constexpr int kHeadlessHeatmapHeight = 700;

} // namespace posenc::ui
