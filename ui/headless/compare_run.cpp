#include "headless/compare_run.h"

#include "headless/run_outputs.h"
#include "lab/compare_plan.h"
#include "lab/session.h"
#include "plots/extrapolation_view.h"
#include "plots/loss_view.h"
#include "plots/palette.h"
#include "plots/plot_export.h"
#include "train/trainer.h"
#include "util/file_util.h"

#include <QDir>
#include <QElapsedTimer>

#include <cmath>

namespace posenc::ui {

namespace {
QString lossText(double v) {
    return std::isfinite(v) ? QString::number(v, 'f', 5) : QStringLiteral("—");
}

// The probe loss at `length`, or NaN when the run has no point there.
double probeAt(const core::ProbeResult &probe, int length) {
    for (const core::ProbePoint &p : probe.points)
        if (p.length == length)
            return p.loss;
    return std::nan("");
}

QString folderName(const core::TrainConfig &c) {
    return core::backboneName(c.backbone) + QLatin1Char('-') + core::peKindName(c.encoding.kind);
}

// Writes a trained run's folder under `outDir`; the row learns where its checkpoint went.
QString writeRunFolder(const core::Trainer &trainer, const QString &outDir, ComparisonRow *row) {
    const QString dir = QDir(outDir).filePath(folderName(row->config));
    if (!QDir().mkpath(dir))
        return QStringLiteral("Cannot create the folder %1").arg(dir);
    QStringList written;
    const QString error =
        writeOutputs(trainer, row->history.epochs, row->probe, dir, &written).join(QLatin1Char('\n'));
    if (written.contains(QStringLiteral("checkpoint.pt")))
        row->checkpoint = QDir(dir).absoluteFilePath(QStringLiteral("checkpoint.pt"));
    return error;
}

// Trains one valid combination to the end (or Ctrl+C), probes it and writes its folder.
ComparisonRow trainRow(const core::TrainConfig &config, const QString &outDir, QString *writeError) {
    ComparisonRow row;
    row.config = config;
    QString error;
    auto trainer = core::Trainer::create(config, &error);
    if (!trainer) {
        row.status = QStringLiteral("failed");
        row.note = error;
        return row;
    }
    core::Trainer::Hooks hooks;
    hooks.shouldStop = [] { return InterruptGuard::interrupted(); };
    QElapsedTimer clock;
    clock.start();
    const core::TrainResult result = trainer->run(hooks);
    if (result.outcome == core::Outcome::Completed)
        row.probe = trainer->probe();
    row.seconds = clock.nsecsElapsed() * 1e-9;
    row.outcome = result.outcome;
    row.history = trainer->history();
    row.status = core::outcomeName(result.outcome);
    row.note = result.outcome == core::Outcome::Completed ? row.probe.skipped.join(QStringLiteral("; "))
                                                          : result.message;
    row.trainLoss = result.lastTrainLoss;
    row.valLoss = result.lastValLoss;
    if (!outDir.isEmpty())
        *writeError = writeRunFolder(*trainer, outDir, &row);
    return row;
}

void printTable(const QVector<ComparisonRow> &rows, const QVector<int> &lengths, QTextStream &out) {
    QString header = QStringLiteral("%1 %2 %3 %4 %5")
                         .arg(QStringLiteral("backbone"), -19)
                         .arg(QStringLiteral("pe"), -18)
                         .arg(QStringLiteral("status"), -10)
                         .arg(QStringLiteral("train"), 9)
                         .arg(QStringLiteral("val"), 9);
    for (int n : lengths)
        header += QStringLiteral(" %1").arg(QStringLiteral("L=%1").arg(n), 9);
    out << header << QStringLiteral(" %1").arg(QStringLiteral("seconds"), 8) << Qt::endl;
    for (const ComparisonRow &r : rows) {
        QString line = QStringLiteral("%1 %2 %3 ")
                           .arg(core::backboneName(r.config.backbone), -19)
                           .arg(core::peKindName(r.config.encoding.kind), -18)
                           .arg(r.status, -10);
        if (r.status == QLatin1String("skipped")) {
            out << line << r.note << Qt::endl;
            continue;
        }
        line += QStringLiteral("%1 %2").arg(lossText(r.trainLoss), 9).arg(lossText(r.valLoss), 9);
        for (int n : lengths)
            line += QStringLiteral(" %1").arg(lossText(probeAt(r.probe, n)), 9);
        out << line << QStringLiteral(" %1").arg(r.seconds, 8, 'f', 2) << Qt::endl;
    }
}
} // namespace

QVector<core::TrainConfig> comparisonConfigs(const core::CliOptions &options) {
    const QVector<core::Backbone> backbones = options.compareBackbones.isEmpty()
                                                  ? QVector<core::Backbone>{options.config.backbone}
                                                  : options.compareBackbones;
    const QVector<core::PeKind> kinds = options.compareKinds.isEmpty()
                                            ? QVector<core::PeKind>{options.config.encoding.kind}
                                            : options.compareKinds;
    return core::comparisonCombinations(options.config, kinds, backbones);
}

QVector<core::RunRecord> comparisonRecords(const QVector<ComparisonRow> &rows) {
    QVector<core::RunRecord> records;
    for (const ComparisonRow &row : rows) {
        if (row.status == QLatin1String("skipped"))
            continue;
        core::RunRecord r;
        r.id = int(records.size()) + 1;
        r.config = row.config;
        r.status = core::statusOf(row.outcome);
        r.batches = row.history.batches;
        r.epochs = row.history.epochs;
        r.epoch = r.epochs.isEmpty() ? 0 : r.epochs.last().epoch;
        r.samplesPerSec = r.epochs.isEmpty() ? 0 : r.epochs.last().samplesPerSec;
        r.probe = row.probe;
        r.checkpoint = row.checkpoint;
        records << r;
    }
    return records;
}

QString writeComparisonPlot(const QVector<core::RunRecord> &records, const QString &path) {
    ExtrapolationView view;
    view.resize(kComparePlotWidth, kComparePlotHeight);
    for (const core::RunRecord &r : records)
        view.setRun(r.id, r.name(), runColor(r.id - 1), r.probe, r.config.seqLen);
    view.resetView();
    return exportPlot(view.plot(), path, kComparePlotWidth, kComparePlotHeight);
}

QString writeComparisonLossPlot(const QVector<core::RunRecord> &records, const QString &path) {
    LossView view;
    view.resize(kComparePlotWidth, kComparePlotHeight);
    for (const core::RunRecord &r : records) {
        view.addRun(r.id, r.name(), runColor(r.id - 1));
        view.setRunHistory(r.id, r.batches, r.epochs);
    }
    return exportPlot(view.plot(), path, kComparePlotWidth, kComparePlotHeight);
}

QString writeComparisonCsv(const QVector<ComparisonRow> &rows, const QVector<int> &lengths,
                           const QString &path) {
    QByteArray text = "backbone,pe,task,status,train_loss,val_loss";
    for (int n : lengths)
        text += ",probe_" + QByteArray::number(n);
    text += ",seconds,note\n";
    const auto number = [](double v) {
        return std::isfinite(v) ? QByteArray::number(v, 'g', 9) : QByteArray();
    };
    for (const ComparisonRow &r : rows) {
        const bool ran = r.status != QLatin1String("skipped");
        text += core::backboneName(r.config.backbone).toUtf8() + ',' +
                core::peKindName(r.config.encoding.kind).toUtf8() + ',' +
                core::taskName(r.config.task).toUtf8() + ',' + r.status.toUtf8() + ',' +
                (ran ? number(r.trainLoss) : QByteArray()) + ',' + (ran ? number(r.valLoss) : QByteArray());
        for (int n : lengths)
            text += ',' + number(probeAt(r.probe, n));
        QString note = r.note;
        note.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        text += ',' + (ran ? QByteArray::number(r.seconds, 'f', 3) : QByteArray()) + ",\"" + note.toUtf8() +
                "\"\n";
    }
    return core::writeFileAtomically(path, text);
}

namespace {
// compare.csv, session.json (with each run's checkpoint) and extrapolation.png in `outDir`.
QString writeComparisonFiles(const QVector<ComparisonRow> &rows, const QVector<int> &lengths,
                             const QString &outDir) {
    const QDir dir(outDir);
    QString error = writeComparisonCsv(rows, lengths, dir.filePath(QStringLiteral("compare.csv")));
    const QVector<core::RunRecord> records = comparisonRecords(rows);
    if (error.isEmpty())
        error = core::saveSession(outDir, records);
    if (error.isEmpty())
        error = writeComparisonPlot(records, dir.filePath(QStringLiteral("extrapolation.png")));
    if (error.isEmpty())
        error = writeComparisonLossPlot(records, dir.filePath(QStringLiteral("compare_loss.png")));
    return error;
}
} // namespace

int runComparison(const core::CliOptions &options, QTextStream &out, QTextStream &err) {
    const QVector<core::TrainConfig> configs = comparisonConfigs(options);
    int valid = 0;
    for (const core::TrainConfig &c : configs)
        valid += core::validate(c).isEmpty() ? 1 : 0;
    if (valid == 0) {
        err << "posenc-studio: --compare: no valid combination (" << core::validate(configs.first()).first()
            << ")" << Qt::endl;
        return kExitBadInput;
    }
    if (!options.outDir.isEmpty()) {
        const QString why = checkWritableDir(options.outDir);
        if (!why.isEmpty()) {
            err << "posenc-studio: --out " << options.outDir << ": " << why << Qt::endl;
            return kExitBadInput;
        }
    }
    const InterruptGuard interrupt;
    QVector<ComparisonRow> rows;
    QString writeError;
    for (int i = 0; i < configs.size() && !InterruptGuard::interrupted(); ++i) {
        const QStringList problems = core::validate(configs[i]);
        ComparisonRow row;
        if (!problems.isEmpty()) {
            row.config = configs[i];
            row.status = QStringLiteral("skipped");
            row.note = problems.join(QStringLiteral("; "));
        } else {
            out << "[" << i + 1 << "/" << configs.size() << "] training " << core::runName(configs[i])
                << Qt::endl;
            row = trainRow(configs[i], options.outDir, &writeError);
        }
        rows << row;
        if (!writeError.isEmpty())
            break;
    }
    const QVector<int> lengths = core::probeLengths(options.config);
    printTable(rows, lengths, out);
    if (writeError.isEmpty() && !options.outDir.isEmpty())
        writeError = writeComparisonFiles(rows, lengths, options.outDir);
    if (!writeError.isEmpty()) {
        err << "posenc-studio: " << writeError << Qt::endl;
        return kExitTrainingFailed;
    }
    return InterruptGuard::interrupted() ? kExitInterrupted : kExitOk;
}

} // namespace posenc::ui
