#include "headless/headless_run.h"

#include "headless/compare_run.h"
#include "train/trainer.h"

#include <QDir>
#include <QFile>

#include <unistd.h>

namespace posenc::ui {

namespace {
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
