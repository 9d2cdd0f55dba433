// posenc-bench: training throughput, heatmap redraw time and GUI responsiveness, printed in the
// same "key value" form as the Python peers in ../shared/bench, which --peers runs side by side
// (with /usr/bin/python3) so that ratios come from one run on one machine.
//
//   posenc-bench train   [--peers] [--threads N] [--blas-threads N] [--repeats R]
//                        [--config seed|wide|causal-transformer]
//                        (training runs on a worker thread, as in the app)
//   posenc-bench heatmap [--peers] [--repeats R]
//   posenc-bench ui
//   posenc-bench all     [--peers]

#include "cpu_runtime.h"
#include "headless_run.h"
#include "heatmap_view.h"
#include "loss_view.h"
#include "main_window.h"
#include "pe_table.h"
#include "plot_export.h"
#include "qcustomplot.h"
#include "settings_panel.h"
#include "trainer.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <thread>

using namespace posenc;

namespace {
QTextStream out(stdout);

double median(QVector<double> v) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

double percentile(QVector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[std::min<int>(v.size() - 1, int(p * (v.size() - 1) + 0.5))];
}

// Runs a peer script and returns its "key value ..." output as a map.
QMap<QString, double> runPeer(const QString &script, const QStringList &args) {
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"),
            QStringList{QStringLiteral(POSENC_PEER_DIR "/") + script} + args);
    QMap<QString, double> values;
    if (!p.waitForFinished(600000) || p.exitCode() != 0) {
        out << "  peer " << script << " failed: " << p.readAllStandardError().trimmed() << Qt::endl;
        return values;
    }
    const QStringList words = QString::fromUtf8(p.readAllStandardOutput())
                                  .split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    for (int i = 0; i + 1 < words.size(); i += 2)
        values[words[i]] = words[i + 1].toDouble();
    return values;
}

struct TrainFigures {
    double finalLoss = 0, seconds = 0, samplesPerSec = 0;
    double faultsPerStep = 0; // minor page faults of the training thread per step after the first
};

// Trains on a worker thread of its own, as the app does (glibc gives it its own malloc arena), and
// counts that thread's page faults.
TrainFigures timeTraining(const core::TrainConfig &config, int threads, int blasThreads = 0) {
    QString error;
    auto trainer = core::Trainer::create(config, &error);
    if (!trainer) {
        out << "  cannot train: " << error << Qt::endl;
        return {};
    }
    trainer->setThreads(threads);
    trainer->setBlasThreads(blasThreads);
    TrainFigures f;
    std::thread worker([&] {
        rusage afterFirst{}, after{};
        core::Trainer::Hooks hooks;
        hooks.onBatch = [&](const core::BatchLoss &b) { // the first step's buffers are first touches
            if (b.step == 1)
                getrusage(RUSAGE_THREAD, &afterFirst);
        };
        QElapsedTimer clock;
        clock.start();
        const core::TrainResult r = trainer->run(hooks);
        f.seconds = clock.nsecsElapsed() * 1e-9;
        getrusage(RUSAGE_THREAD, &after);
        f.finalLoss = r.lastTrainLoss;
        f.faultsPerStep = double(after.ru_minflt - afterFirst.ru_minflt) / std::max<qint64>(1, r.steps - 1);
    });
    worker.join();
    f.samplesPerSec = double(config.epochs) * config.numSamples / f.seconds;
    return f;
}

struct TrainCase {
    const char *name;
    core::Backbone backbone;
    core::PeKind pe;
    core::Task task;
    int dModel, seqLen, batch, samples, epochs;
};

// The case's Python peer: seed_train.py for the LSTM (the seed notebook's loop), pe_lab.py otherwise.
QMap<QString, double> runTrainPeer(const TrainCase &c) {
    if (c.backbone == core::Backbone::Lstm)
        return runPeer(QStringLiteral("seed_train.py"),
                       {QString::number(c.epochs), QString::number(c.samples), QString::number(c.dModel),
                        QString::number(c.seqLen), QString::number(c.batch)});
    return runPeer(QStringLiteral("pe_lab.py"),
                   {QStringLiteral("--backbone"), core::backboneName(c.backbone), QStringLiteral("--pe"),
                    core::peKindName(c.pe), QStringLiteral("--task"), core::taskName(c.task),
                    QStringLiteral("--d-model"), QString::number(c.dModel), QStringLiteral("--seq-len"),
                    QString::number(c.seqLen), QStringLiteral("--batch-size"), QString::number(c.batch),
                    QStringLiteral("--samples"), QString::number(c.samples), QStringLiteral("--epochs"),
                    QString::number(c.epochs)});
}

QString trainLine(const TrainCase &c, const QString &who, double finalLoss, double seconds) {
    return QStringLiteral("%1 %2 final_loss %3 seconds %4 samples_per_s %5")
        .arg(QLatin1String(c.name), -18)
        .arg(who, -19)
        .arg(finalLoss, 0, 'f', 5)
        .arg(seconds, 0, 'f', 3)
        .arg(c.epochs * c.samples / std::max(seconds, 1e-9), 0, 'f', 0);
}

// Times one case for each LSTM kernel (one run for the attention backbones), then its peer.
void benchTrainCase(const TrainCase &c, bool peers, int threads, int blasThreads, int repeats) {
    core::TrainConfig config;
    config.backbone = c.backbone;
    config.encoding.kind = c.pe;
    config.task = c.task;
    config.encoding.dModel = c.dModel;
    config.seqLen = c.seqLen;
    config.batchSize = c.batch;
    config.numSamples = c.samples;
    config.epochs = c.epochs;
    config.valSamples = 1; // the peers have no validation pass in their timing: time the same work
    QVector<core::LstmImpl> kernels{core::LstmImpl::Reference, core::LstmImpl::Fused};
    if (c.backbone != core::Backbone::Lstm)
        kernels = {core::LstmImpl::Fused}; // no LSTM: the kernel setting does not apply
    QVector<double> ours;
    for (core::LstmImpl kernel : kernels) {
        config.lstm = kernel;
        QVector<double> secs;
        TrainFigures f;
        for (int r = 0; r < repeats; ++r) {
            f = timeTraining(config, threads, blasThreads);
            secs << f.seconds;
        }
        ours << median(secs);
        const QString who = c.backbone == core::Backbone::Lstm
                                ? QStringLiteral("libtorch %1").arg(core::lstmImplName(kernel))
                                : QStringLiteral("libtorch");
        out << trainLine(c, who, f.finalLoss, ours.last())
            << QStringLiteral(" faults_per_step %1").arg(f.faultsPerStep, 0, 'f', 1) << Qt::endl;
    }
    if (!peers)
        return;
    QVector<double> peerSecs;
    QMap<QString, double> v;
    for (int r = 0; r < repeats; ++r) {
        v = runTrainPeer(c);
        peerSecs << v.value(QStringLiteral("seconds"));
    }
    const double ps = median(peerSecs);
    QString ratios;
    for (int k = 0; k < kernels.size(); ++k)
        ratios +=
            QStringLiteral("   speed-up%1 x%2")
                .arg(kernels.size() > 1 ? QStringLiteral(" ") + core::lstmImplName(kernels[k]) : QString())
                .arg(ps / std::max(ours[k], 1e-9), 0, 'f', 2);
    out << trainLine(c, QStringLiteral("python"), v.value(QStringLiteral("final_loss")), ps) << ratios
        << Qt::endl;
}

void benchTrain(bool peers, int threads, int blasThreads, int repeats, const QString &only) {
    using core::Backbone, core::PeKind, core::Task;
    const TrainCase cases[] = {
        {"seed", Backbone::Lstm, PeKind::Sinusoidal, Task::Seed, 32, 20, 32, 1000, 10},
        {"wide", Backbone::Lstm, PeKind::Sinusoidal, Task::Seed, 256, 128, 64, 512, 1},
        {"causal-transformer", Backbone::CausalTransformer, PeKind::Alibi, Task::Recency, 32, 20, 32, 1000,
         10},
    };
    out << "== train (LibTorch intra-op threads: "
        << (threads > 0 ? QString::number(threads) : QStringLiteral("auto = 1")) << ", OpenBLAS threads: "
        << (blasThreads > 0 ? QString::number(blasThreads) : QStringLiteral("the same")) << ", median of "
        << repeats << "; peers: seed_train.py for the LSTM, pe_lab.py for the causal transformer)"
        << Qt::endl;
    for (const TrainCase &c : cases)
        if (only.isEmpty() || only == QLatin1String(c.name))
            benchTrainCase(c, peers, threads, blasThreads, repeats);
}

void benchHeatmap(bool peers, int repeats) {
    out << "== heatmap (compute the PE, then draw it with its colour scale and save a 1000x600 PNG; median "
           "of "
        << repeats << ")" << Qt::endl;
    QTemporaryDir dir;
    const QList<QPair<int, int>> sizes{{100, 128}, {5000, 512}};
    for (const auto &size : sizes) {
        core::EncodingConfig e;
        e.maxLen = size.first;
        e.dModel = size.second;
        QVector<double> compute, render, redraw;
        ui::HeatmapView view;
        view.resize(1000, 600);
        for (int r = 0; r < repeats; ++r) {
            QElapsedTimer clock;
            clock.start();
            const core::PeTable table = core::computePeTable(e);
            compute << clock.nsecsElapsed() * 1e-6;
            clock.restart();
            view.setTable(table, e);
            view.plot()->replot(QCustomPlot::rpImmediateRefresh);
            redraw << clock.nsecsElapsed() * 1e-6;
            ui::exportPlot(view.plot(), dir.filePath(QStringLiteral("pe.png")), 1000, 600);
            render << clock.nsecsElapsed() * 1e-6;
        }
        out << QStringLiteral("%1x%2 libtorch compute_ms %3 redraw_ms %4 render_ms %5")
                   .arg(size.first)
                   .arg(size.second)
                   .arg(median(compute), 0, 'f', 1)
                   .arg(median(redraw), 0, 'f', 1)
                   .arg(median(render), 0, 'f', 1)
            << Qt::endl;
        if (!peers)
            continue;
        const auto v = runPeer(QStringLiteral("pe_heatmap.py"),
                               {QString::number(size.first), QString::number(size.second),
                                dir.filePath(QStringLiteral("peer.png")), QString::number(repeats)});
        out << QStringLiteral("%1x%2 python   compute_ms %3 render_ms %4   speed-up x%5 (compute+render)")
                   .arg(size.first)
                   .arg(size.second)
                   .arg(v.value(QStringLiteral("compute_ms")), 0, 'f', 1)
                   .arg(v.value(QStringLiteral("render_ms")), 0, 'f', 1)
                   .arg((v.value(QStringLiteral("compute_ms")) + v.value(QStringLiteral("render_ms"))) /
                            std::max(1e-9, median(compute) + median(render)),
                        0, 'f', 2)
            << Qt::endl;
    }
}

void benchUi() {
    out << "== ui (seed config training with every view live, offscreen; timer lateness at 5 ms ticks)"
        << Qt::endl;
    core::TrainConfig config; // the seed
    const TrainFigures headless = timeTraining(config, 0);

    ui::MainWindow window;
    window.resize(1600, 1000);
    window.show();
    window.settingsPanel()->setConfig(config);
    QVector<double> lateness;
    QElapsedTimer tick;
    QTimer probe;
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        if (tick.isValid())
            lateness << std::max(0.0, tick.nsecsElapsed() * 1e-6 - 5.0);
        tick.restart();
    });
    QVector<double> rates;
    QObject::connect(window.controller(), &core::TrainingController::epochFinished,
                     [&](const core::EpochStats &s) { rates << s.samplesPerSec; });
    QSignalSpy finished(window.controller(), &core::TrainingController::finished);
    QElapsedTimer clock;
    clock.start();
    probe.start();
    window.startPauseAction()->trigger();
    finished.wait(600000);
    const double seconds = clock.nsecsElapsed() * 1e-9;
    probe.stop();
    const double guiRate = config.epochs * config.numSamples / seconds;
    out << QStringLiteral("event_loop_delay_ms p50 %1 p99 %2 max %3 (%4 ticks)")
               .arg(percentile(lateness, 0.5), 0, 'f', 2)
               .arg(percentile(lateness, 0.99), 0, 'f', 2)
               .arg(percentile(lateness, 1.0), 0, 'f', 2)
               .arg(lateness.size())
        << Qt::endl;
    out << QStringLiteral("with_gui samples_per_s %1 headless samples_per_s %2 ratio %3 (loss points %4)")
               .arg(guiRate, 0, 'f', 0)
               .arg(headless.samplesPerSec, 0, 'f', 0)
               .arg(guiRate / std::max(1e-9, headless.samplesPerSec), 0, 'f', 2)
               .arg(window.lossView()->batchPointCount())
        << Qt::endl;
}
} // namespace

int main(int argc, char *argv[]) {
    core::keepFreedMemory(); // as the app does at start-up, before any thread has its own malloc arena
    ui::prepareEnvironment(true);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(
        QStringLiteral("PosEnc Studio bench")); // keep the user's settings apart
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("PosEnc Studio benchmarks"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("what"), QStringLiteral("train, heatmap, ui or all"));
    parser.addOption(
        {QStringLiteral("peers"), QStringLiteral("Also run the Python peers in ../shared/bench.")});
    parser.addOption({QStringLiteral("threads"),
                      QStringLiteral("LibTorch intra-op threads (0 = the app's choice)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("blas-threads"),
                      QStringLiteral("train: OpenBLAS threads (0 = as many as LibTorch's)."),
                      QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("train: only this config (seed, wide or causal-transformer)."),
                      QStringLiteral("name")});
    parser.addOption({QStringLiteral("repeats"), QStringLiteral("Repeats per figure (median)."),
                      QStringLiteral("n"), QStringLiteral("3")});
    parser.process(app);
    const QString what = parser.positionalArguments().value(0, QStringLiteral("all"));
    const bool peers = parser.isSet(QStringLiteral("peers"));
    const int threads = parser.value(QStringLiteral("threads")).toInt();
    const int repeats = std::max(1, parser.value(QStringLiteral("repeats")).toInt());
    if (!QStringList{"train", "heatmap", "ui", "all"}.contains(what)) {
        fprintf(stderr, "posenc-bench: unknown benchmark \"%s\" (train, heatmap, ui or all)\n",
                qPrintable(what));
        return 2;
    }
    if (what == QLatin1String("train") || what == QLatin1String("all"))
        benchTrain(peers, threads, parser.value(QStringLiteral("blas-threads")).toInt(), repeats,
                   parser.value(QStringLiteral("config")));
    if (what == QLatin1String("heatmap") || what == QLatin1String("all"))
        benchHeatmap(peers, repeats);
    if (what == QLatin1String("ui") || what == QLatin1String("all"))
        benchUi();
    return 0;
}
