#include "train/training_worker.h"

#include "train/trainer.h"

#include <QElapsedTimer>

namespace posenc::core {

TrainingWorker::TrainingWorker(QObject *parent) : QObject(parent) {
    registerMetaTypes();
}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::requestPause() {
    m_paused = true;
}

void TrainingWorker::resetFlags() {
    m_stop = false;
    m_paused = false;
}

void TrainingWorker::requestResume() {
    {
        std::lock_guard<std::mutex> lock(m_pauseMutex);
        m_paused = false;
    }
    m_pauseCv.notify_all();
}

void TrainingWorker::requestStop() {
    {
        std::lock_guard<std::mutex> lock(m_pauseMutex);
        m_stop = true;
    }
    m_pauseCv.notify_all();
}

std::shared_ptr<Trainer> TrainingWorker::trainer() const {
    std::lock_guard<std::mutex> lock(m_trainerMutex);
    return m_trainer;
}

bool TrainingWorker::heldConfig(TrainConfig *config) const {
    const auto t = trainer();
    if (t && config)
        *config = t->config();
    return t != nullptr;
}

QString TrainingWorker::saveCheckpoint(const QString &path) const {
    const auto t = trainer();
    return t ? t->saveCheckpoint(path)
             : QStringLiteral("There is no trained model to save yet: start a run first.");
}

QString TrainingWorker::exportStateDict(const QString &path) const {
    const auto t = trainer();
    return t ? t->exportStateDict(path)
             : QStringLiteral("There is no trained model to export yet: start a run first.");
}

QString TrainingWorker::loadCheckpoint(const QString &path, TrainConfig *loadedConfig, int *epochsDone) {
    QString error;
    std::shared_ptr<Trainer> loaded = Trainer::loadCheckpoint(path, &error);
    if (!loaded)
        return error;
    if (loadedConfig)
        *loadedConfig = loaded->config();
    if (epochsDone)
        *epochsDone = loaded->epochsDone();
    std::lock_guard<std::mutex> lock(m_trainerMutex);
    m_trainer = loaded;
    return {};
}

PeTable TrainingWorker::currentPeTable() const {
    const auto t = trainer();
    return t ? t->peTable() : PeTable{};
}

RunHistory TrainingWorker::history() const {
    const auto t = trainer();
    return t ? t->history() : RunHistory{};
}

void TrainingWorker::start(const TrainConfig &config) {
    QString error;
    std::shared_ptr<Trainer> fresh = Trainer::create(config, &error);
    if (!fresh) {
        Q_EMIT failed(error);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_trainerMutex);
        m_trainer = fresh;
    }
    runHeld();
}

void TrainingWorker::probeHeld() {
    if (const auto t = trainer())
        Q_EMIT probed(t->probe());
}

void TrainingWorker::continueHeld(int totalEpochs) {
    const auto t = trainer();
    if (!t) {
        Q_EMIT failed(QStringLiteral("There is no loaded run to continue."));
        return;
    }
    if (totalEpochs > 0)
        t->setTotalEpochs(std::max(totalEpochs, t->epochsDone() + 1));
    runHeld();
}

void TrainingWorker::runHeld() {
    const auto t = trainer();
    const bool learned = t->config().encoding.kind == PeKind::Learned;
    Q_EMIT runStarted(t->config(), t->epochsDone(), t->steps());
    if (learned)
        Q_EMIT learnedTable(t->peTable());

    // Batch losses and progress are collected here and sent at most every kEmitIntervalMs,
    // so a fast run sends ~30 signals a second whatever its batch rate.
    QVector<BatchLoss> pending;
    Progress lastProgress;
    bool progressPending = false;
    QElapsedTimer sinceEmit;
    sinceEmit.start();
    const auto flush = [&] {
        if (!pending.isEmpty()) {
            Q_EMIT batchLosses(pending);
            pending.clear();
        }
        if (progressPending) {
            Q_EMIT progress(lastProgress);
            progressPending = false;
        }
        sinceEmit.restart();
    };

    Trainer::Hooks hooks;
    hooks.onBatch = [&](const BatchLoss &b) { pending.push_back(b); };
    RateMeter rate;
    QElapsedTimer clock;
    clock.start();
    const TrainConfig &config = t->config();
    hooks.onProgress = [&](const Progress &p) {
        const int samples = std::min(config.batchSize, config.numSamples - (p.batch - 1) * config.batchSize);
        rate.addBatch(clock.nsecsElapsed(), samples);
        lastProgress = p;
        lastProgress.samplesPerSec = rate.samplesPerSec();
        if (lastProgress.samplesPerSec > 0) // from the recent batches, not the warm-up
            lastProgress.etaSeconds =
                double(p.total - p.done) * config.numSamples / p.batchesPerEpoch / lastProgress.samplesPerSec;
        progressPending = true;
        if (sinceEmit.elapsed() >= kEmitIntervalMs)
            flush();
    };
    hooks.onEpoch = [&](const EpochStats &s) {
        flush();
        Q_EMIT epochFinished(s);
        if (learned)
            Q_EMIT learnedTable(t->peTable());
    };
    hooks.shouldStop = [this] { return m_stop.load(); };
    hooks.waitWhilePaused = [&] {
        if (!m_paused.load())
            return;
        flush();
        Q_EMIT paused(t->steps());
        std::unique_lock<std::mutex> lock(m_pauseMutex);
        m_pauseCv.wait(lock, [this] { return !m_paused.load() || m_stop.load(); });
        rate.restart();
    };

    const TrainResult result = t->run(hooks);
    flush();
    if (result.outcome == Outcome::Completed)
        Q_EMIT probed(t->probe());
    m_paused = false;
    Q_EMIT finished(result);
}

} // namespace posenc::core
