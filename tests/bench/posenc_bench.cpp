// posenc-bench: training throughput, heatmap redraw time and GUI responsiveness, printed in the
// same "key value" form as the Python peers in ../shared/bench, which --peers runs side by side
// (with /usr/bin/python3) so that ratios come from one run on one machine.
//
//   posenc-bench train   [--peers] [--threads N] [--blas-threads N] [--repeats R]
//                        [--config seed|wide|causal-transformer]
//                        (training runs on a worker thread, as in the app)
//   posenc-bench heatmap [--peers] [--repeats R]
//   posenc-bench ui      (a d_model/max_len drag sweep, then training with every view live, then
//                         five visible runs in the loss plot while one trains)
//   posenc-bench runs    (five real short runs side by side in one window; --hold keeps it up)
//   posenc-bench sweep   (the drag sweep only)
//   posenc-bench all     [--peers]

#include "encoding/compute_table.h"
#include "encoding/pe_table.h"
#include "headless/headless_run.h"
#include "plots/curves_view.h"
#include "plots/heatmap_view.h"
#include "plots/loss_view.h"
#include "plots/plot_export.h"
#include "qcustomplot.h"
#include "train/trainer.h"
#include "util/cpu_runtime.h"
#include "window/main_window.h"
#include "window/run_list.h"
#include "window/runs_panel.h"
#include "window/settings_panel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
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
    double epochSeconds = 0;  // from the start of the run to the end of its last epoch (no probe)
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
        hooks.onEpoch = [&](const core::EpochStats &) { f.epochSeconds = clock.nsecsElapsed() * 1e-9; };
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
        << (blasThreads > 0 ? QString::number(blasThreads)
                            : QStringLiteral("auto = 1, 2 for an LSTM of d_model >= 128"))
        << ", median of " << repeats
        << "; peers: seed_train.py for the LSTM, pe_lab.py for the causal transformer)" << Qt::endl;
    for (const TrainCase &c : cases)
        if (only.isEmpty() || only == QLatin1String(c.name))
            benchTrainCase(c, peers, threads, blasThreads, repeats);
}

// Runs a real event loop until `done()` holds or `timeoutMs` pass (QTest::qWait would sleep in
// 10 ms slices, which a lateness probe would count as a blocked GUI); returns done().
template <typename Predicate> bool waitFor(Predicate done, int timeoutMs) {
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(1);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    poll.start();
    if (!done())
        loop.exec();
    return done();
}

// Medians of one size: compute (into a released table's memory, as PeTableComputer does; and
// into fresh memory), redraw of the shown 1000x600 view, and redraw + a 1000x600 PNG.
struct HeatmapFigures {
    double compute = 0, computeFresh = 0, redraw = 0, render = 0;
};

HeatmapFigures timeHeatmap(ui::HeatmapView *view, const core::EncodingConfig &e, int repeats,
                           const QString &png) {
    QVector<double> compute, fresh, redraw, render;
    core::PeTable tables[2]; // the one shown and the one the views let go of
    for (int r = 0; r < repeats; ++r) {
        QElapsedTimer clock;
        clock.start();
        { const core::PeTable once = core::computePeTable(e); }
        fresh << clock.nsecsElapsed() * 1e-6;
        clock.restart();
        core::PeTable spare = std::move(tables[r % 2]);
        const core::PeTable table = core::computePeTable(e, 0, &spare);
        compute << clock.nsecsElapsed() * 1e-6;
        tables[r % 2] = table;
        clock.restart();
        view->setTable(table, e);
        view->plot()->replot(QCustomPlot::rpImmediateRefresh);
        if (!view->binsCurrent()) { // a big view is binned off the GUI thread: wait for its image
            waitFor([view] { return view->binsCurrent(); }, 10000);
            view->plot()->replot(QCustomPlot::rpImmediateRefresh);
        }
        redraw << clock.nsecsElapsed() * 1e-6;
        ui::exportPlot(view->plot(), png, 1000, 600);
        render << clock.nsecsElapsed() * 1e-6;
        QCoreApplication::processEvents(); // the window's own layout comes back between runs
    }
    return {median(compute), median(fresh), median(redraw), median(render)};
}

void benchHeatmap(bool peers, int repeats) {
    out << "== heatmap (compute the PE table, redraw the shown 1000x600 view, then also save a 1000x600 "
           "PNG; median of "
        << repeats << ")" << Qt::endl;
    QTemporaryDir dir;
    ui::HeatmapView view;
    view.resize(1000, 600);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view))
        out << "  (the view was not exposed)" << Qt::endl;
    const QList<QPair<int, int>> sizes{{100, 128}, {5000, 512}, {5000, 4096}};
    for (const auto &size : sizes) {
        core::EncodingConfig e;
        e.maxLen = size.first;
        e.dModel = size.second;
        const HeatmapFigures f = timeHeatmap(&view, e, repeats, dir.filePath(QStringLiteral("pe.png")));
        out << QStringLiteral("%1x%2 posenc   compute_ms %3 (fresh memory %4) redraw_ms %5 render_ms %6")
                   .arg(size.first)
                   .arg(size.second)
                   .arg(f.compute, 0, 'f', 1)
                   .arg(f.computeFresh, 0, 'f', 1)
                   .arg(f.redraw, 0, 'f', 1)
                   .arg(f.render, 0, 'f', 1)
            << Qt::endl;
        if (!peers || size.second > 512)
            continue;
        const auto v = runPeer(QStringLiteral("pe_heatmap.py"),
                               {QString::number(size.first), QString::number(size.second),
                                dir.filePath(QStringLiteral("peer.png")), QString::number(repeats)});
        const double peer = v.value(QStringLiteral("compute_ms")) + v.value(QStringLiteral("render_ms"));
        out << QStringLiteral("%1x%2 python   compute_ms %3 render_ms %4   speed-up x%5 (compute+redraw, "
                              "target 5) x%6 (compute+render, target 3)")
                   .arg(size.first)
                   .arg(size.second)
                   .arg(v.value(QStringLiteral("compute_ms")), 0, 'f', 1)
                   .arg(v.value(QStringLiteral("render_ms")), 0, 'f', 1)
                   .arg(peer / std::max(1e-9, f.compute + f.redraw), 0, 'f', 2)
                   .arg(peer / std::max(1e-9, f.compute + f.render), 0, 'f', 2)
            << Qt::endl;
    }
}

// Event-loop lateness: a 5 ms timer that records how late each tick comes.
class LatenessProbe {
public:
    LatenessProbe() {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            if (m_tick.isValid())
                m_lateness << std::max(0.0, m_tick.nsecsElapsed() * 1e-6 - 5.0);
            m_tick.restart();
        });
    }
    void start() { m_timer.start(); }
    void stop() { m_timer.stop(); }
    QString report() const {
        return QStringLiteral("event_loop_delay_ms p50 %1 p99 %2 max %3 (%4 ticks)")
            .arg(percentile(m_lateness, 0.5), 0, 'f', 2)
            .arg(percentile(m_lateness, 0.99), 0, 'f', 2)
            .arg(percentile(m_lateness, 1.0), 0, 'f', 2)
            .arg(m_lateness.size());
    }

private:
    QTimer m_timer;
    QElapsedTimer m_tick;
    QVector<double> m_lateness;
};

// How long each plot's replots take on the GUI thread: wall clock, and the GUI thread's own CPU
// time (which other processes on a shared machine do not inflate).
class ReplotTimes {
public:
    explicit ReplotTimes(const QList<QPair<QString, QCustomPlot *>> &plots) {
        for (const auto &[name, plot] : plots) {
            QObject::connect(plot, &QCustomPlot::beforeReplot, [this] {
                m_clock.restart();
                m_cpuStart = threadCpuMs();
            });
            QObject::connect(plot, &QCustomPlot::afterReplot, [this, name = name] {
                m_times[name] << m_clock.nsecsElapsed() * 1e-6;
                m_cpu[name] << threadCpuMs() - m_cpuStart;
            });
        }
    }
    // One line per plot: "heatmap_replot_ms p50 .. max .. cpu_ms p50 .. (n replots)".
    QString report() const {
        QString text;
        for (auto it = m_times.cbegin(); it != m_times.cend(); ++it)
            text += QStringLiteral("%1_replot_ms p50 %2 max %3 cpu_ms p50 %4 (%5 replots)\n")
                        .arg(it.key())
                        .arg(percentile(it.value(), 0.5), 0, 'f', 1)
                        .arg(percentile(it.value(), 1.0), 0, 'f', 1)
                        .arg(percentile(m_cpu.value(it.key()), 0.5), 0, 'f', 1)
                        .arg(it.value().size());
        return text;
    }

private:
    static double threadCpuMs() {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
    }

    QElapsedTimer m_clock;
    double m_cpuStart = 0;
    QMap<QString, QVector<double>> m_times;
    QMap<QString, QVector<double>> m_cpu;
};

// A user drags d_model 32 -> 4096 and max_len 100 -> 5000 in `steps` steps at 60 Hz (the slider
// has focus), then waits for the last table. Reports the event loop's lateness and how soon the
// value under the thumb is on screen.
void benchSweep(int steps) {
    out << "== ui sweep (drag d_model 32->4096 and max_len 100->5000 in " << steps
        << " steps at 60 Hz, window 1600x1000 offscreen; 5 ms timer lateness)" << Qt::endl;
    ui::MainWindow window;
    window.resize(1600, 1000);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        out << "  (the window was not exposed)" << Qt::endl;
    ui::SettingsPanel *panel = window.settingsPanel();
    core::TrainConfig config;
    config.encoding.dModel = 32;
    config.encoding.maxLen = 100;
    panel->setConfig(config);
    waitFor([&] { return window.heatmapView()->positions() == 100; }, 10000);
    window.activateWindow();
    auto *dModelBox = panel->findChild<QSpinBox *>(QStringLiteral("d-model"));
    auto *maxLenBox = panel->findChild<QSpinBox *>(QStringLiteral("max-len"));
    // A drag: values go out at once, no typing pause.
    panel->findChild<QSlider *>(QStringLiteral("d-model-slider"))->setFocus();

    QVector<QPair<int, int>> values; // (d_model, max_len) per step
    for (int i = 0; i < steps; ++i)
        values << qMakePair(32 + (4096 - 32) * i / (steps - 1), 100 + (5000 - 100) * i / (steps - 1));
    QVector<qint64> setAt(steps, -1), shownAt(steps, -1);
    QElapsedTimer clock;
    clock.start();
    QObject::connect(window.heatmapView()->plot(), &QCustomPlot::afterReplot, [&] {
        const core::EncodingConfig e = window.heatmapView()->encoding();
        const int i = values.indexOf(qMakePair(e.dModel, e.maxLen));
        if (i >= 0 && shownAt[i] < 0 && setAt[i] >= 0 && window.heatmapView()->binsCurrent())
            shownAt[i] = clock.nsecsElapsed();
    });
    ReplotTimes replots({{QStringLiteral("heatmap"), window.heatmapView()->plot()},
                         {QStringLiteral("curves"), window.curvesView()->plot()}});
    int step = 0;
    QTimer drag; // the mouse moves the thumb once a frame
    drag.setInterval(16);
    drag.setTimerType(Qt::PreciseTimer);
    QObject::connect(&drag, &QTimer::timeout, [&] {
        if (step == steps)
            return drag.stop();
        setAt[step] = clock.nsecsElapsed();
        dModelBox->setValue(values[step].first);
        maxLenBox->setValue(values[step].second);
        ++step;
    });
    LatenessProbe probe;
    probe.start();
    drag.start();
    waitFor([&] { return step == steps && shownAt.last() >= 0; }, 30000);
    waitFor([] { return false; }, 100); // and a moment after
    probe.stop();
    QVector<double> lag;
    for (int i = 0; i < steps; ++i)
        if (shownAt[i] >= 0)
            lag << (shownAt[i] - setAt[i]) * 1e-6;
    out << replots.report() << probe.report() << Qt::endl;
    out << QStringLiteral("value_to_screen_ms p50 %1 max %2 last %3 (%4 of %5 steps drawn)")
               .arg(percentile(lag, 0.5), 0, 'f', 1)
               .arg(percentile(lag, 1.0), 0, 'f', 1)
               .arg((shownAt.last() - setAt.last()) * 1e-6, 0, 'f', 1)
               .arg(lag.size())
               .arg(steps)
        << Qt::endl;
}

// Training throughput with every view live against the same run headless. Both count the samples
// trained from the run's start to the end of its last epoch (model set-up and the probe after the
// run are left out on both sides), over 30 epochs of the seed config so a run lasts long enough to time.
void benchUi() {
    out << "== ui (seed config, 30 epochs, training with every view live, offscreen; timer lateness at 5 ms "
           "ticks)"
        << Qt::endl;
    core::TrainConfig config; // the seed
    config.epochs = 30;
    const TrainFigures headless = timeTraining(config, 0);
    const double headlessRate = config.epochs * config.numSamples / headless.epochSeconds;

    ui::MainWindow window;
    window.resize(1600, 1000);
    window.show();
    window.settingsPanel()->setConfig(config);
    LatenessProbe probe;
    QElapsedTimer clock;
    qint64 startedAt = -1, lastEpochAt = -1;
    QObject::connect(window.controller(), &core::TrainingController::runStarted,
                     [&] { startedAt = clock.nsecsElapsed(); });
    QObject::connect(window.controller(), &core::TrainingController::epochFinished,
                     [&] { lastEpochAt = clock.nsecsElapsed(); });
    QSignalSpy finished(window.controller(), &core::TrainingController::finished);
    clock.start();
    probe.start();
    window.startPauseAction()->trigger();
    finished.wait(600000);
    probe.stop();
    const double guiRate =
        config.epochs * config.numSamples / std::max(1e-9, (lastEpochAt - startedAt) * 1e-9);
    out << probe.report() << Qt::endl;
    out << QStringLiteral("with_gui samples_per_s %1 headless samples_per_s %2 ratio %3 (loss points %4)")
               .arg(guiRate, 0, 'f', 0)
               .arg(headlessRate, 0, 'f', 0)
               .arg(guiRate / std::max(1e-9, headlessRate), 0, 'f', 2)
               .arg(window.lossView()->batchPointCount())
        << Qt::endl;
}
// A finished run of `steps` batches for the five-runs scenario: a loss that falls with noise.
core::RunRecord syntheticRun(const core::TrainConfig &config, core::PeKind kind, qint64 steps,
                             int stepsPerEpoch) {
    core::RunRecord run;
    run.config = config;
    run.config.encoding.kind = kind;
    run.status = core::RunStatus::Done;
    run.batches.reserve(int(steps));
    const double speed = 1e-3 * (1 + int(kind));
    for (qint64 s = 1; s <= steps; ++s) {
        const double loss = 0.02 + 1.0 / (1.0 + speed * double(s)) * (1.0 + 0.3 * std::sin(0.7 * double(s)));
        run.batches.append({s, loss});
        if (s % stepsPerEpoch == 0) {
            core::EpochStats e;
            e.epoch = int(s / stepsPerEpoch);
            e.step = s;
            e.trainLoss = loss;
            e.valLoss = loss * 1.1;
            run.epochs.append(e);
        }
    }
    run.epoch = run.epochs.size();
    return run;
}

// Four finished runs of 20,000 steps each in the loss plot, and a fifth (the seed config, 30 epochs)
// training live: the event loop's lateness and the loss plot's replot times.
void benchUiFiveRuns() {
    constexpr qint64 kSteps = 20000;
    out << "== ui five runs (four finished runs of " << kSteps
        << " steps in the loss plot while a fifth trains, all visible; offscreen 1600x1000)" << Qt::endl;
    core::TrainConfig config; // the seed
    config.epochs = 30;
    ui::MainWindow window;
    window.resize(1600, 1000);
    window.show();
    window.settingsPanel()->setConfig(config);
    const int perEpoch = (config.numSamples + config.batchSize - 1) / config.batchSize;
    for (core::PeKind kind : {core::PeKind::Sinusoidal, core::PeKind::SinusoidalConcat, core::PeKind::Learned,
                              core::PeKind::None})
        window.runList()->addRecord(syntheticRun(config, kind, kSteps, perEpoch));
    QCoreApplication::processEvents();
    LatenessProbe probe;
    ReplotTimes replots({{QStringLiteral("loss"), window.lossView()->plot()}});
    QSignalSpy finished(window.controller(), &core::TrainingController::finished);
    probe.start();
    window.startPauseAction()->trigger();
    finished.wait(600000);
    probe.stop();
    out << probe.report() << Qt::endl << replots.report();
    out << QStringLiteral("visible runs %1, loss points %2 (live run %3)")
               .arg(window.lossView()->runIds().size())
               .arg(4 * kSteps + window.lossView()->batchPointCount())
               .arg(window.lossView()->batchPointCount())
        << Qt::endl;
}
// Five real runs in one window (causal-transformer on recency, d32, one encoding each), trained one
// after another, so the earlier runs stay visible in the loss plot while the next one trains. With
// `holdSeconds` > 0 the window stays up that long afterwards, the learned run selected (a screenshot
// under xvfb-run: QT_QPA_PLATFORM=xcb).
void benchRuns(int holdSeconds) {
    out << "== runs (five real runs in one 1600x1000 window, each trained while the earlier ones stay "
           "visible)"
        << Qt::endl;
    ui::MainWindow window;
    window.resize(1600, 1000);
    window.show();
    LatenessProbe probe;
    ReplotTimes replots({{QStringLiteral("loss"), window.lossView()->plot()}});
    QSignalSpy finished(window.controller(), &core::TrainingController::finished);
    probe.start();
    for (core::PeKind kind : {core::PeKind::Sinusoidal, core::PeKind::Learned, core::PeKind::None,
                              core::PeKind::Rope, core::PeKind::Alibi}) {
        core::TrainConfig c;
        c.backbone = core::Backbone::CausalTransformer;
        c.task = core::Task::Recency;
        c.encoding.kind = kind;
        c.encoding.maxLen = 200;
        c.epochs = 12;
        window.settingsPanel()->setConfig(c);
        window.startPauseAction()->trigger();
        finished.wait(600000);
    }
    probe.stop();
    out << probe.report() << Qt::endl << replots.report();
    out << QStringLiteral("runs %1 (%2 finished)").arg(window.runList()->count()).arg(finished.count())
        << Qt::endl;
    window.runsPanel()->selectRun(2);
    if (holdSeconds > 0)
        QTest::qWait(holdSeconds * 1000);
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
    parser.addPositionalArgument(QStringLiteral("what"), QStringLiteral("train, heatmap, ui, runs or all"));
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
    parser.addOption({QStringLiteral("hold"),
                      QStringLiteral("runs: keep the window up this many seconds afterwards (screenshots)."),
                      QStringLiteral("s"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("repeats"), QStringLiteral("Repeats per figure (median)."),
                      QStringLiteral("n"), QStringLiteral("3")});
    parser.process(app);
    const QString what = parser.positionalArguments().value(0, QStringLiteral("all"));
    const bool peers = parser.isSet(QStringLiteral("peers"));
    const int threads = parser.value(QStringLiteral("threads")).toInt();
    const int repeats = std::max(1, parser.value(QStringLiteral("repeats")).toInt());
    if (!QStringList{"train", "heatmap", "ui", "sweep", "runs", "all"}.contains(what)) {
        fprintf(stderr, "posenc-bench: unknown benchmark \"%s\" (train, heatmap, ui, sweep, runs or all)\n",
                qPrintable(what));
        return 2;
    }
    if (what == QLatin1String("train") || what == QLatin1String("all"))
        benchTrain(peers, threads, parser.value(QStringLiteral("blas-threads")).toInt(), repeats,
                   parser.value(QStringLiteral("config")));
    if (what == QLatin1String("heatmap") || what == QLatin1String("all"))
        benchHeatmap(peers, repeats);
    if (what == QLatin1String("ui") || what == QLatin1String("sweep") || what == QLatin1String("all"))
        benchSweep(40);
    if (what == QLatin1String("ui") || what == QLatin1String("all")) {
        benchUi();
        benchUiFiveRuns();
    }
    if (what == QLatin1String("runs") || what == QLatin1String("all"))
        benchRuns(parser.value(QStringLiteral("hold")).toInt());
    return 0;
}
