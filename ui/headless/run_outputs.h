#pragma once
// What the --headless run and the --compare run share: exit codes, the Ctrl+C guard, the output
// folder's check and the files a run writes into it.

#include "train/training_types.h"

#include <QStringList>
#include <QTextStream>

namespace posenc::core {
class Trainer;
}

namespace posenc::ui {

// Exit codes of the command line.
enum ExitCode { kExitOk = 0, kExitTrainingFailed = 1, kExitBadInput = 2, kExitInterrupted = 130 };

// Python's repr of a float: the shortest text that reads back to the same double.
QString shortest(double x);

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

// Size of heatmap.png.
inline constexpr int kHeadlessHeatmapWidth = 1200;
inline constexpr int kHeadlessHeatmapHeight = 700;

} // namespace posenc::ui
