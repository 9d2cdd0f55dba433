#include "headless_run.h"

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

// Creates `dir` if needed and proves a file can be written there with a small real write (an
// empty file needs no space, so creating one passes on a full disk); empty string or the reason.
QString checkWritableDir(const QString &dir) {
    QFileInfo info(dir);
    if (info.exists() && !info.isDir())
        return QStringLiteral("it is a file, not a folder");
    if (!QDir().mkpath(dir))
        return QStringLiteral("cannot create the folder");
    QTemporaryFile probe(QDir(dir).filePath(QStringLiteral(".posenc-write-test-XXXXXX")));
    if (!probe.open())
        return QStringLiteral("cannot write there (%1)").arg(probe.errorString());
    const QByteArray block(4096, '\0');
    errno = 0;
    if (probe.write(block) != block.size() || !probe.flush())
        return QStringLiteral("cannot write there (%1)")
            .arg(errno != 0 ? core::osErrorText(errno) : probe.errorString());
    return {};
}

QString writeHeatmap(const core::PeTable &table, const core::EncodingConfig &encoding, const QString &path) {
    HeatmapView view;
    view.resize(kHeadlessHeatmapWidth, kHeadlessHeatmapHeight);
    view.setTable(table, encoding);
    return exportPlot(view.plot(), path, kHeadlessHeatmapWidth, kHeadlessHeatmapHeight);
}

// Writes the five outputs, each tried even when another fails. Adds the names written to
// `written` and returns one error per file that was not.
QStringList writeOutputs(const core::Trainer &trainer, const QVector<core::EpochStats> &epochs,
                         const QString &dir, QStringList *written) {
    const QDir out(dir);
    const core::PeTable table = trainer.peTable();
    const std::pair<const char *, std::function<QString(const QString &)>> outputs[] = {
        {"loss.csv", [&](const QString &p) { return core::writeEpochCsv(epochs, p); }},
        {"pe.csv", [&](const QString &p) { return core::writePeCsv(table, p); }},
        {"heatmap.png", [&](const QString &p) { return writeHeatmap(table, trainer.config().encoding, p); }},
        {"checkpoint.pt", [&](const QString &p) { return trainer.saveCheckpoint(p); }},
        {"state_dict.pt", [&](const QString &p) { return trainer.exportStateDict(p); }},
    };
    QStringList errors;
    for (const auto &[name, write] : outputs) {
        const QString error = write(out.filePath(QLatin1String(name)));
        if (error.isEmpty())
            *written << QLatin1String(name);
        else
            errors << error;
    }
    return errors;
}

// "a, b and c"
QString listed(const QStringList &names) {
    if (names.size() < 2)
        return names.join(QString());
    return names.mid(0, names.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") + names.last();
}

// Writes the outputs and says what was written; false when a file could not be.
bool reportOutputs(const core::Trainer &trainer, const QVector<core::EpochStats> &epochs, const QString &dir,
                   QTextStream &out, QTextStream &err) {
    QStringList written;
    const QStringList errors = writeOutputs(trainer, epochs, dir, &written);
    const QString where = QDir(dir).absolutePath();
    if (errors.isEmpty()) {
        out << "Wrote " << listed(written) << " to " << where << Qt::endl;
        return true;
    }
    for (const QString &error : errors)
        err << "posenc-studio: " << error << Qt::endl;
    QStringList missing{QStringLiteral("loss.csv"), QStringLiteral("pe.csv"), QStringLiteral("heatmap.png"),
                        QStringLiteral("checkpoint.pt"), QStringLiteral("state_dict.pt")};
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

int runHeadless(const core::CliOptions &options, QTextStream &out, QTextStream &err) {
    QString error;
    std::unique_ptr<core::Trainer> trainer;
    if (!options.resumePath.isEmpty()) {
        trainer = core::Trainer::loadCheckpoint(options.resumePath, &error);
        if (trainer && options.given.contains(QStringLiteral("epochs")))
            trainer->setTotalEpochs(std::max(options.config.epochs, trainer->epochsDone()));
    } else {
        trainer = core::Trainer::create(options.config, &error);
    }
    if (!trainer) {
        err << "posenc-studio: " << (options.resumePath.isEmpty() ? QString() : QStringLiteral("--resume: "))
            << error << Qt::endl;
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

    g_interrupted = false;
    const auto previousHandler = std::signal(SIGINT, onInterrupt);
    QVector<core::EpochStats> epochs;
    core::Trainer::Hooks hooks;
    hooks.shouldStop = [] { return g_interrupted.load(); };
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
    std::signal(SIGINT, previousHandler);

    if (result.outcome != core::Outcome::Completed)
        err << "posenc-studio: " << result.message << Qt::endl;
    const bool outputsWritten =
        options.outDir.isEmpty() || reportOutputs(*trainer, epochs, options.outDir, out, err);
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
