#include "headless_run.h"

#include "compare_run.h"
#include "heatmap_view.h"
#include "plot_export.h"
#include "trainer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QTemporaryFile>

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace posenc::ui {

namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int) {
    g_interrupted = true;
}

// Python's repr of a float: the shortest text that reads back to the same double.
QString shortest(double x) {
    return QString::number(x, 'g', QLocale::FloatingPointShortest);
}

} // namespace

InterruptGuard::InterruptGuard() {
    g_interrupted = false;
    m_previous = std::signal(SIGINT, onInterrupt);
}
InterruptGuard::~InterruptGuard() {
    std::signal(SIGINT, m_previous);
}
bool InterruptGuard::interrupted() {
    return g_interrupted.load();
}

QString checkWritableDir(const QString &dir) {
    QFileInfo info(dir);
    if (info.exists() && !info.isDir())
        return QStringLiteral("it is a file, not a folder");
    if (!QDir().mkpath(dir))
        return QStringLiteral("cannot create the folder");
    QTemporaryFile probe(QDir(dir).filePath(QStringLiteral(".posenc-write-test-XXXXXX")));
    if (!probe.open())
        return QStringLiteral("cannot write there (%1)").arg(probe.errorString());
    return {};
}

QString writeOutputs(const core::Trainer &trainer, const QVector<core::EpochStats> &epochs,
                     const core::ProbeResult &probe, const QString &dir) {
    const QDir out(dir);
    QString error = core::writeEpochCsv(epochs, out.filePath(QStringLiteral("loss.csv")));
    const core::PeTable table = trainer.peTable();
    if (error.isEmpty())
        error = core::writePeCsv(table, out.filePath(QStringLiteral("pe.csv")));
    if (error.isEmpty())
        error = core::writeProbeCsv(probe, out.filePath(QStringLiteral("extrapolation.csv")));
    if (error.isEmpty()) {
        HeatmapView view;
        view.resize(kHeadlessHeatmapWidth, kHeadlessHeatmapHeight);
        view.setTable(table, trainer.config().encoding);
        error = exportPlot(view.plot(), out.filePath(QStringLiteral("heatmap.png")), kHeadlessHeatmapWidth,
                           kHeadlessHeatmapHeight);
    }
    if (error.isEmpty())
        error = trainer.saveCheckpoint(out.filePath(QStringLiteral("checkpoint.pt")));
    if (error.isEmpty())
        error = trainer.exportStateDict(out.filePath(QStringLiteral("state_dict.pt")));
    return error;
}

void printProbe(const core::ProbeResult &probe, QTextStream &out) {
    for (const core::ProbePoint &p : probe.points)
        out << "Probe length " << p.length << ", Loss: " << shortest(p.loss) << Qt::endl;
    for (const QString &note : probe.skipped)
        out << "Probe " << note << Qt::endl;
}

namespace {} // namespace

void prepareEnvironment(bool offscreen) {
    if (offscreen && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        const QString dir = QDir::tempPath() + QStringLiteral("/runtime-posenc-%1").arg(getuid());
        if (QDir().mkpath(dir) &&
            QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
            qputenv("XDG_RUNTIME_DIR", dir.toLocal8Bit());
    }
}

int runHeadless(const core::CliOptions &options, QTextStream &out, QTextStream &err) {
    if (options.isComparison())
        return runComparison(options, out, err);
    QString error;
    std::unique_ptr<core::Trainer> trainer;
    if (!options.continuePath.isEmpty()) {
        trainer = core::Trainer::loadCheckpoint(options.continuePath, &error);
        if (trainer && options.given.contains(QStringLiteral("epochs")))
            trainer->setTotalEpochs(std::max(options.config.epochs, trainer->epochsDone()));
    } else {
        trainer = core::Trainer::create(options.config, &error);
    }
    if (!trainer) {
        err << "posenc-studio: "
            << (options.continuePath.isEmpty() ? QString() : QStringLiteral("--continue: ")) << error
            << Qt::endl;
        return kExitBadInput;
    }
    // Checked (and created) only once the run is known to start, so bad input writes nothing.
    if (!options.outDir.isEmpty()) {
        const QString why = checkWritableDir(options.outDir);
        if (!why.isEmpty()) {
            err << "posenc-studio: --out " << options.outDir << ": " << why << Qt::endl;
            return kExitBadInput;
        }
    }

    const InterruptGuard interrupt;
    QVector<core::EpochStats> epochs;
    core::Trainer::Hooks hooks;
    hooks.shouldStop = [] { return InterruptGuard::interrupted(); };
    hooks.onEpoch = [&](const core::EpochStats &s) {
        epochs.push_back(s);
        out << "Epoch " << s.epoch << ", Loss: " << shortest(s.trainLoss)
            << ", Val loss: " << shortest(s.valLoss)
            << ", samples/s: " << QString::number(s.samplesPerSec, 'f', 0) << Qt::endl;
    };
    const core::TrainResult result = trainer->run(hooks);

    core::ProbeResult probe;
    if (result.outcome == core::Outcome::Completed) {
        probe = trainer->probe();
        printProbe(probe, out);
    } else {
        err << "posenc-studio: " << result.message << Qt::endl;
    }
    if (!options.outDir.isEmpty()) {
        error = writeOutputs(*trainer, epochs, probe, options.outDir);
        if (!error.isEmpty()) {
            err << "posenc-studio: " << error << Qt::endl;
            return kExitTrainingFailed;
        }
        out << "Wrote loss.csv, pe.csv, extrapolation.csv, heatmap.png, checkpoint.pt and state_dict.pt to "
            << QDir(options.outDir).absolutePath() << Qt::endl;
    }
    switch (result.outcome) {
    case core::Outcome::Completed:
        return kExitOk;
    case core::Outcome::Stopped:
        return kExitInterrupted;
    case core::Outcome::Diverged:
    case core::Outcome::Failed:
        break;
    }
    return kExitTrainingFailed;
}

} // namespace posenc::ui
