#include "headless_run.h"

#include "compare_run.h"
#include "file_util.h"
#include "heatmap_view.h"
#include "plot_export.h"
#include "trainer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QTemporaryFile>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <functional>
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

QString writeHeatmap(const core::PeTable &table, const core::EncodingConfig &encoding, const QString &path) {
    HeatmapView view;
    view.resize(kHeadlessHeatmapWidth, kHeadlessHeatmapHeight);
    view.setTable(table, encoding);
    return exportPlot(view.plot(), path, kHeadlessHeatmapWidth, kHeadlessHeatmapHeight);
}

// "a, b and c"
QString listed(const QStringList &names) {
    if (names.size() < 2)
        return names.join(QString());
    return names.mid(0, names.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") + names.last();
}

// Writes the outputs and says what was written; false when a file could not be.
bool reportOutputs(const core::Trainer &trainer, const QVector<core::EpochStats> &epochs,
                   const core::ProbeResult &probe, const QString &dir, QTextStream &out, QTextStream &err) {
    QStringList written;
    const QStringList errors = writeOutputs(trainer, epochs, probe, dir, &written);
    const QString where = QDir(dir).absolutePath();
    if (errors.isEmpty()) {
        out << "Wrote " << listed(written) << " to " << where << Qt::endl;
        return true;
    }
    for (const QString &error : errors)
        err << "posenc-studio: " << error << Qt::endl;
    QStringList missing = outputNames();
    for (const QString &name : written)
        missing.removeAll(name);
    err << "posenc-studio: wrote " << (written.isEmpty() ? QStringLiteral("nothing") : listed(written))
        << " to " << where << "; not written: " << listed(missing) << Qt::endl;
    return false;
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
    // A small real write: an empty file needs no space, so creating one passes on a full disk.
    const QByteArray block(4096, '\0');
    errno = 0;
    if (probe.write(block) != block.size() || !probe.flush())
        return QStringLiteral("cannot write there (%1)")
            .arg(errno != 0 ? core::osErrorText(errno) : probe.errorString());
    return {};
}

QStringList outputNames() {
    return {QStringLiteral("loss.csv"),          QStringLiteral("pe.csv"),
            QStringLiteral("extrapolation.csv"), QStringLiteral("heatmap.png"),
            QStringLiteral("checkpoint.pt"),     QStringLiteral("state_dict.pt")};
}

QStringList writeOutputs(const core::Trainer &trainer, const QVector<core::EpochStats> &epochs,
                         const core::ProbeResult &probe, const QString &dir, QStringList *written) {
    const QDir out(dir);
    const core::PeTable table = trainer.peTable();
    const std::function<QString(const QString &)> writers[] = {
        [&](const QString &p) { return core::writeEpochCsv(epochs, p); },
        [&](const QString &p) { return core::writePeCsv(table, p); },
        [&](const QString &p) { return core::writeProbeCsv(probe, p); },
        [&](const QString &p) { return writeHeatmap(table, trainer.config().encoding, p); },
        [&](const QString &p) { return trainer.saveCheckpoint(p); },
        [&](const QString &p) { return trainer.exportStateDict(p); },
    };
    const QStringList names = outputNames();
    QStringList errors;
    for (int i = 0; i < names.size(); ++i) { // each tried even when another failed
        const QString error = writers[i](out.filePath(names[i]));
        if (error.isEmpty())
            *written << names[i];
        else
            errors << error;
    }
    return errors;
}

void printProbe(const core::ProbeResult &probe, QTextStream &out) {
    for (const core::ProbePoint &p : probe.points)
        out << "Probe length " << p.length << ", Loss: " << shortest(p.loss) << Qt::endl;
    for (const QString &note : probe.skipped)
        out << "Probe " << note << Qt::endl;
}

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

namespace {
// The run to train: a checkpoint to continue, or a fresh one; null (and one line on `err`) on bad input.
std::unique_ptr<core::Trainer> prepareRun(const core::CliOptions &options, QTextStream &err) {
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
        return nullptr;
    }
    // Checked (and created) only once the run is known to start, so bad input writes nothing.
    const QString why = options.outDir.isEmpty() ? QString() : checkWritableDir(options.outDir);
    if (!why.isEmpty()) {
        err << "posenc-studio: --out " << options.outDir << ": " << why << Qt::endl;
        return nullptr;
    }
    return trainer;
}
} // namespace

int runHeadless(const core::CliOptions &options, QTextStream &out, QTextStream &err) {
    if (options.isComparison())
        return runComparison(options, out, err);
    const std::unique_ptr<core::Trainer> trainer = prepareRun(options, err);
    if (!trainer)
        return kExitBadInput;
    const InterruptGuard interrupt;
    QVector<core::EpochStats> epochs;
    core::Trainer::Hooks hooks;
    hooks.shouldStop = [] { return InterruptGuard::interrupted(); };
    const QString lossCsv =
        options.outDir.isEmpty() ? QString() : QDir(options.outDir).filePath(QStringLiteral("loss.csv"));
    hooks.onEpoch = [&](const core::EpochStats &s) {
        epochs.push_back(s);
        // Written as each epoch ends, so a disk that fails later keeps every finished epoch; a
        // failure here is reported with the other outputs at the end.
        if (!lossCsv.isEmpty())
            core::writeEpochCsv(epochs, lossCsv);
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
    const bool outputsWritten =
        options.outDir.isEmpty() || reportOutputs(*trainer, epochs, probe, options.outDir, out, err);
    switch (result.outcome) {
    case core::Outcome::Completed:
        return outputsWritten ? kExitOk : kExitTrainingFailed;
    case core::Outcome::Stopped:
        return kExitInterrupted; // Ctrl+C stays 130 even when an output could not be written
    case core::Outcome::Diverged:
    case core::Outcome::Failed:
        break;
    }
    return kExitTrainingFailed;
}

} // namespace posenc::ui
