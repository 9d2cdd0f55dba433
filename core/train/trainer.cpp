#include "train/trainer.h"

#include "model/fused_adam.h"
#include "model/model.h"
#include "train/checkpoint_io.h"
#include "train/dataset.h"
#include "util/cpu_runtime.h"
#include "util/file_util.h"

#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <thread>

namespace posenc::core {

namespace {
// The TorchScript-archive checkpoints written before the pickled format; still read.
constexpr const char *kLegacyFormat = "posenc-studio-checkpoint-1";
constexpr int kEvalChunk = 1024;
constexpr qint64 kEvalScoreBudget = qint64(1) << 24; // attention scores per evaluation chunk (64 MB)
// A run whose every batch loss of an epoch is this many times its first loss has diverged, even
// if the numbers stay finite (lr 1e6 gives losses of 1e13 falling to 1e8, never NaN).
constexpr double kDivergedFactor = 1e4;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

QString torchMessage(const std::exception &e) {
    return firstLine(e.what());
}
} // namespace

namespace {
QString nonFiniteMessage(double loss, int epoch, int batch, qint64 step, double lr) {
    return QStringLiteral(
               "Training diverged: the loss became %1 at epoch %2, batch %3 (step %4). Try a lower "
               "learning rate than %5.")
        .arg(std::isnan(loss) ? QStringLiteral("NaN") : QStringLiteral("infinite"))
        .arg(epoch)
        .arg(batch)
        .arg(step)
        .arg(lr);
}

QString stayedHighMessage(double startLoss, double lowest, int epoch, double lr) {
    return QStringLiteral("Training diverged: the loss stayed above %1 times its first value (%2) for all of "
                          "epoch %3 (lowest %4). Try a lower learning rate than %5.")
        .arg(kDivergedFactor)
        .arg(startLoss)
        .arg(epoch)
        .arg(lowest)
        .arg(lr);
}

// Blocks while the run is paused; the nanoseconds it waited.
qint64 waitWhilePaused(const Trainer::Hooks &hooks) {
    if (!hooks.waitWhilePaused)
        return 0;
    QElapsedTimer clock;
    clock.start();
    hooks.waitWhilePaused();
    return clock.nsecsElapsed();
}
} // namespace

struct Trainer::Impl {
    TrainConfig config;
    SequenceData train;
    SequenceData val;
    mutable SequenceModel model{nullptr}; // evaluation switches eval()/train() on a const Trainer
    std::unique_ptr<torch::optim::Adam> optimizer;
    at::Generator shuffleGen; // continues the seed's global stream after model init
    int threads = 0;
    int blasThreads = 0;
    int epochsDone = 0;
    qint64 steps = 0;
    double lastTrain = kNaN;
    double lastVal = kNaN;
    double labelMean = 0; // the training labels' statistics, which normalise validation and probes
    double labelStd = 1;
    // Where the current epoch stands, so a run stopped mid-epoch resumes at the next batch.
    torch::Tensor order; // this epoch's sample order; undefined between epochs
    int nextBatch = 0;
    double epochLossSum = 0;
    double startLoss = kNaN; // the run's first batch loss, before any update (NaN before it)
    double epochMinLoss = std::numeric_limits<double>::infinity(); // this epoch's, this session
    RunHistory history; // every batch loss and epoch since the run's start (or its oldest checkpoint)
    mutable std::mutex stepMutex; // held for each batch and for every read of the model

    int batchesPerEpoch() const { return (config.numSamples + config.batchSize - 1) / config.batchSize; }

    void build(const TrainConfig &c) {
        config = c;
        // The seed's order on one stream: dataset, then model initialisation, then shuffling.
        torch::manual_seed(c.seed);
        train = makeSeedDataset(c.numSamples, c.seqLen, c.featureDim, c10::nullopt, &labelMean, &labelStd,
                                c.task);
        model = SequenceModel(c);
        // The fused path (default) also steps Adam over one flat buffer; --lstm reference keeps LibTorch's.
        if (c.lstm == LstmImpl::Fused)
            optimizer = std::make_unique<FusedAdam>(model->parameters(), torch::optim::AdamOptions(c.lr));
        else
            optimizer =
                std::make_unique<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(c.lr));
        {
            auto global = at::detail::getDefaultCPUGenerator();
            std::lock_guard<std::mutex> lock(global.mutex());
            shuffleGen = global.clone();
        }
        val = makeValidationSet(c.valSamples, c.seqLen, c.featureDim, validationGenerator(c.seed), labelMean,
                                labelStd, c.task);
    }

    // The order of one epoch, drawn as torch's DataLoader(shuffle=True) draws it: one int64 for
    // the loader's base seed, one for the sampler's generator, then randperm.
    torch::Tensor epochOrder() {
        torch::empty({}, torch::kLong).random_(shuffleGen);
        const auto seed = torch::empty({}, torch::kLong).random_(shuffleGen).item<int64_t>();
        auto gen = at::make_generator<at::CPUGeneratorImpl>(uint64_t(seed));
        return torch::randperm(config.numSamples, gen, torch::TensorOptions().dtype(torch::kLong));
    }

    // Mean squared error of the model on `data`, in chunks whose attention scores stay small.
    double evaluate(const SequenceData &data) const {
        torch::NoGradGuard noGrad;
        model->eval();
        double sum = 0;
        const int n = int(data.labels.size(0));
        const qint64 perSample = qint64(config.heads) * data.sequences.size(1) * data.sequences.size(1);
        const int chunk =
            int(std::clamp<qint64>(kEvalScoreBudget / std::max<qint64>(perSample, 1), 1, kEvalChunk));
        for (int start = 0; start < n; start += chunk) {
            const int len = std::min(chunk, n - start);
            const auto out = model->forward(data.sequences.narrow(0, start, len)).view(-1);
            sum +=
                torch::mse_loss(out, data.labels.narrow(0, start, len), torch::Reduction::Sum).item<double>();
        }
        model->train();
        return sum / n;
    }
    double evaluate() const { return evaluate(val); }

    // One optimiser step on the next batch (holds stepMutex): the batch's loss and size. A loss
    // that is not finite comes back before any update.
    std::pair<double, int> trainBatch() {
        std::lock_guard<std::mutex> lock(stepMutex);
        // Drawn at the first batch, not before the stop check, so a run stopped between epochs has
        // not used up the next epoch's shuffle.
        if (!order.defined())
            order = epochOrder();
        const int start = nextBatch * config.batchSize;
        const int len = std::min(config.batchSize, config.numSamples - start);
        const auto idx = order.narrow(0, start, len);
        if (auto *fused = dynamic_cast<FusedAdam *>(optimizer.get()))
            fused->zeroGrad(); // one pass over the flat gradient buffer
        else
            optimizer->zero_grad();
        const auto lossTensor = torch::mse_loss(model->forward(train.sequences.index_select(0, idx)).view(-1),
                                                train.labels.index_select(0, idx));
        const double loss = lossTensor.item<double>();
        if (!std::isfinite(loss))
            return {loss, len};
        if (std::isnan(startLoss))
            startLoss = loss;
        epochMinLoss = std::min(epochMinLoss, loss);
        lossTensor.backward();
        optimizer->step();
        ++steps;
        ++nextBatch;
        epochLossSum += loss;
        history.batches.push_back({steps, loss});
        return {loss, len};
    }

    // The validation loss and the bookkeeping of a finished epoch (holds stepMutex).
    EpochStats endEpoch(int epoch, double samplesPerSec) {
        std::lock_guard<std::mutex> lock(stepMutex);
        EpochStats stats;
        stats.valLoss = evaluate();
        epochsDone = epoch;
        lastTrain = epochLossSum / batchesPerEpoch();
        lastVal = stats.valLoss;
        order = torch::Tensor();
        nextBatch = 0;
        epochLossSum = 0;
        stats.epoch = epoch;
        stats.step = steps;
        stats.trainLoss = lastTrain;
        stats.samplesPerSec = samplesPerSec;
        history.epochs.push_back(stats);
        return stats;
    }

    // Where the run is after `batch` of `epoch`; the ETA from the run's average step time so far.
    Progress progress(int epoch, int batch, qint64 firstStep, double elapsedSeconds) const {
        Progress p;
        p.done = steps;
        p.total = qint64(config.epochs) * batchesPerEpoch();
        p.epoch = epoch;
        p.batch = batch;
        p.batchesPerEpoch = batchesPerEpoch();
        const qint64 doneThisRun = steps - firstStep;
        p.etaSeconds = doneThisRun > 0 ? elapsedSeconds / doneThisRun * (p.total - steps) : -1;
        return p;
    }

    TrainResult result(Outcome outcome, const QString &message) const {
        TrainResult r;
        r.outcome = outcome;
        r.message = message;
        r.epochsDone = epochsDone;
        r.steps = steps;
        r.lastTrainLoss = lastTrain;
        r.lastValLoss = lastVal;
        return r;
    }

    ProbeResult probe() const {
        ProbeResult result;
        for (int length : probeLengths(config)) {
            if (hasTable(config.encoding.kind) && length > config.encoding.maxLen) {
                result.skipped << QStringLiteral("length %1 skipped: beyond max_len %2 of the %3 table")
                                      .arg(length)
                                      .arg(config.encoding.maxLen)
                                      .arg(peKindName(config.encoding.kind));
                continue;
            }
            const auto data =
                makeValidationSet(config.valSamples, length, config.featureDim,
                                  probeGenerator(config.task, length), labelMean, labelStd, config.task);
            result.points.push_back({length, evaluate(data)});
        }
        return result;
    }

    // What a checkpoint holds of this run (tensors shared, not copied; hold stepMutex).
    CheckpointState snapshot() const {
        CheckpointState s;
        s.config = config;
        s.epochsDone = epochsDone;
        s.steps = steps;
        s.nextBatch = nextBatch;
        s.lastTrainLoss = lastTrain;
        s.lastValLoss = lastVal;
        s.epochLossSum = epochLossSum;
        s.startLoss = startLoss;
        s.shuffleRng = shuffleGen.get_state();
        s.order = order;
        s.history = history;
        for (const auto &p : model->named_parameters())
            s.model.emplace_back(p.key(), p.value().detach());
        for (const auto &b : model->named_buffers())
            s.model.emplace_back(b.key(), b.value());
        s.parameterCount = qint64(model->parameters().size());
        const auto &options =
            static_cast<const torch::optim::AdamOptions &>(optimizer->param_groups()[0].options());
        s.lr = options.lr();
        s.beta1 = std::get<0>(options.betas());
        s.beta2 = std::get<1>(options.betas());
        s.eps = options.eps();
        s.weightDecay = options.weight_decay();
        const auto params = model->parameters();
        for (size_t i = 0; i < params.size(); ++i) {
            const auto it = optimizer->state().find(c10::guts::to_string(params[i].unsafeGetTensorImpl()));
            if (it == optimizer->state().end())
                continue;
            s.adam.resize(params.size());
            const auto &adam = static_cast<const torch::optim::AdamParamState &>(*it->second);
            s.adam[i] = {adam.step(), adam.exp_avg(), adam.exp_avg_sq()};
        }
        return s;
    }

    // Every parameter and buffer of the model as built from the settings.
    std::vector<TensorSpec> layout() const {
        std::vector<TensorSpec> out;
        for (const auto &p : model->named_parameters())
            out.push_back({p.key(), p.value().sizes().vec(), true});
        for (const auto &b : model->named_buffers())
            out.push_back({b.key(), b.value().sizes().vec(), false});
        return out;
    }

    // Builds the run from a checkpoint's settings and, once every check passes, takes its state.
    // The fixed PE table stays the one build() computed from the settings.
    QString restore(const CheckpointState &s) {
        build(s.config);
        const auto &pe = model->positional_encoding;
        const torch::Tensor fixedTable =
            s.config.encoding.kind == PeKind::Learned ? torch::Tensor() : pe->table();
        const QString why = checkCheckpoint(s, layout(), fixedTable, shuffleGen.get_state().numel());
        if (!why.isEmpty())
            return why;
        torch::NoGradGuard noGrad;
        const auto params = model->parameters();
        for (size_t i = 0; i < params.size(); ++i)
            params[i].copy_(s.model[i].second);
        optimizer->state().clear();
        for (size_t i = 0; i < s.adam.size(); ++i) {
            auto slot = std::make_unique<torch::optim::AdamParamState>();
            slot->step(s.adam[i].step);
            slot->exp_avg(s.adam[i].expAvg.clone());
            slot->exp_avg_sq(s.adam[i].expAvgSq.clone());
            optimizer->state()[c10::guts::to_string(params[i].unsafeGetTensorImpl())] = std::move(slot);
        }
        shuffleGen.set_state(s.shuffleRng);
        epochsDone = int(s.epochsDone);
        steps = s.steps;
        nextBatch = int(s.nextBatch);
        lastTrain = s.lastTrainLoss;
        lastVal = s.lastValLoss;
        epochLossSum = s.epochLossSum;
        startLoss = s.startLoss;
        order = s.order.defined() ? s.order.clone() : torch::Tensor();
        history = s.history;
        return {};
    }

    static QString readLegacy(const QByteArray &bytes, CheckpointState *s);
    static QString readLegacyCounters(torch::serialize::InputArchive &archive, CheckpointState *s);
};

Trainer::Trainer() : d(std::make_unique<Impl>()) {}
Trainer::~Trainer() = default;

std::unique_ptr<Trainer> Trainer::create(const TrainConfig &config, QString *error) {
    const QStringList problems = validate(config);
    if (!problems.isEmpty()) {
        if (error)
            *error = problems.join(QLatin1Char('\n'));
        return nullptr;
    }
    std::unique_ptr<Trainer> t(new Trainer);
    try {
        t->d->build(config);
    } catch (const std::exception &e) {
        if (error)
            *error = QStringLiteral("Could not set up training: %1").arg(torchMessage(e));
        return nullptr;
    }
    return t;
}

const TrainConfig &Trainer::config() const {
    return d->config;
}
int Trainer::epochsDone() const {
    return d->epochsDone;
}
qint64 Trainer::steps() const {
    return d->steps;
}
int Trainer::batchesPerEpoch() const {
    return d->batchesPerEpoch();
}
double Trainer::lastTrainLoss() const {
    return d->lastTrain;
}
double Trainer::lastValLoss() const {
    return d->lastVal;
}
void Trainer::setTotalEpochs(int epochs) {
    d->config.epochs = epochs;
}
void Trainer::setThreads(int threads) {
    d->threads = threads;
}
void Trainer::setBlasThreads(int threads) {
    d->blasThreads = threads;
}

TrainResult Trainer::run(const Hooks &hooks) {
    torch::set_num_threads(d->threads > 0 ? d->threads : recommendedThreads(d->config));
    // torch::set_num_threads does not reach OpenBLAS's own pool.
    core::setBlasThreads(d->blasThreads > 0 ? d->blasThreads : recommendedBlasThreads(d->config));
    keepFreedMemory();
    const int batches = d->batchesPerEpoch();
    const qint64 firstStep = d->steps;
    QElapsedTimer runClock;
    runClock.start();
    try {
        while (d->epochsDone < d->config.epochs) {
            const int epoch = d->epochsDone + 1;
            QElapsedTimer epochClock;
            epochClock.start();
            qint64 pausedNs = 0;
            int samples = 0;
            while (d->nextBatch < batches) {
                pausedNs += waitWhilePaused(hooks);
                if (hooks.shouldStop && hooks.shouldStop())
                    return d->result(Outcome::Stopped, QStringLiteral("Stopped at epoch %1, batch %2 of %3.")
                                                           .arg(epoch)
                                                           .arg(d->nextBatch)
                                                           .arg(batches));
                const int batch = d->nextBatch + 1;
                const auto [loss, size] = d->trainBatch();
                if (!std::isfinite(loss))
                    return d->result(Outcome::Diverged,
                                     nonFiniteMessage(loss, epoch, batch, d->steps + 1, d->config.lr));
                samples += size;
                if (hooks.onBatch)
                    hooks.onBatch({d->steps, loss});
                if (hooks.onProgress)
                    hooks.onProgress(d->progress(epoch, batch, firstStep, runClock.nsecsElapsed() * 1e-9));
            }
            const double seconds = std::max(1e-9, (epochClock.nsecsElapsed() - pausedNs) * 1e-9);
            const EpochStats stats = d->endEpoch(epoch, samples / seconds);
            if (hooks.onEpoch)
                hooks.onEpoch(stats);
            if (d->startLoss > 0 && d->epochMinLoss >= kDivergedFactor * d->startLoss)
                return d->result(Outcome::Diverged,
                                 stayedHighMessage(d->startLoss, d->epochMinLoss, epoch, d->config.lr));
            d->epochMinLoss = std::numeric_limits<double>::infinity();
        }
    } catch (const std::exception &e) {
        return d->result(Outcome::Failed, QStringLiteral("Training failed: %1").arg(torchMessage(e)));
    }
    return d->result(Outcome::Completed, QStringLiteral("Completed %1 epochs.").arg(d->epochsDone));
}

ProbeResult Trainer::probe() const {
    std::lock_guard<std::mutex> lock(d->stepMutex);
    try {
        return d->probe();
    } catch (const std::exception &e) {
        ProbeResult failed;
        failed.skipped << QStringLiteral("probe failed: %1").arg(torchMessage(e));
        return failed;
    }
}

RunHistory Trainer::history() const {
    std::lock_guard<std::mutex> lock(d->stepMutex);
    return d->history;
}

PeTable Trainer::peTable() const {
    std::lock_guard<std::mutex> lock(d->stepMutex);
    return toPeTable(d->model->positional_encoding->table());
}

QString Trainer::saveCheckpoint(const QString &path) const {
    QByteArray bytes;
    try {
        std::lock_guard<std::mutex> lock(d->stepMutex);
        bytes = encodeCheckpoint(d->snapshot());
    } catch (const std::exception &e) {
        return QStringLiteral("Cannot save checkpoint %1: %2").arg(path, torchMessage(e));
    }
    return writeFileAtomically(path, bytes);
}

// The counters of a legacy archive, each checked for its type before use.
QString Trainer::Impl::readLegacyCounters(torch::serialize::InputArchive &archive, CheckpointState *s) {
    const auto integer = [&](const char *key, qint64 *out) {
        c10::IValue v;
        const bool ok = archive.try_read(key, v) && v.isInt();
        *out = ok ? v.toInt() : 0;
        return ok;
    };
    const auto real = [&](const char *key, double *out) {
        c10::IValue v;
        const bool ok = archive.try_read(key, v) && v.isDouble();
        *out = ok ? v.toDouble() : 0;
        return ok;
    };
    if (!integer("epochs_done", &s->epochsDone) || !integer("steps", &s->steps) ||
        !integer("next_batch", &s->nextBatch) || !real("last_train_loss", &s->lastTrainLoss) ||
        !real("last_val_loss", &s->lastValLoss) || !real("epoch_loss_sum", &s->epochLossSum) ||
        !archive.try_read("shuffle_rng", s->shuffleRng))
        return QStringLiteral("its epoch position is missing or unreadable");
    s->order = torch::Tensor();
    if (s->nextBatch > 0 && !archive.try_read("epoch_order", s->order))
        return QStringLiteral("it stopped mid-epoch but has no sample order");
    return {};
}

// A checkpoint in the TorchScript-archive format: its embedded code is bounded before LibTorch
// compiles it; then it is read into a scratch run and checked like the current format.
QString Trainer::Impl::readLegacy(const QByteArray &bytes, CheckpointState *s) {
    QString why = checkLegacyCode(bytes);
    if (!why.isEmpty())
        return why;
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(bytes.constData(), size_t(bytes.size()));
    } catch (const c10::Error &e) {
        // A complete zip archive without the archive's records is another PyTorch file.
        if (QString::fromUtf8(e.what()).contains(QLatin1String("constants.pkl")))
            return QStringLiteral(
                "it is not a PosEnc Studio checkpoint (a state_dict or another PyTorch file?)");
        throw;
    }
    c10::IValue value;
    if (!archive.try_read("format", value) || !value.isString() || value.toStringRef() != kLegacyFormat)
        return QStringLiteral("it is not a PosEnc Studio checkpoint");
    if (!archive.try_read("config", value) || !value.isString())
        return QStringLiteral("its settings are missing");
    TrainConfig config;
    why = readCheckpointSettings(value.toStringRef(), &config);
    if (!why.isEmpty())
        return why;
    Impl scratch;
    scratch.build(config);
    torch::serialize::InputArchive modelArchive, optimArchive;
    if (!archive.try_read("model", modelArchive) || !archive.try_read("optimizer", optimArchive))
        return QStringLiteral("the model or optimiser state is missing");
    scratch.model->load(modelArchive);
    scratch.optimizer->load(optimArchive);
    *s = scratch.snapshot();
    return readLegacyCounters(archive, s);
}

namespace {
// The whole file, read without trusting it, in whichever format it is.
QString readCheckpointState(const QString &path, CheckpointState *s,
                            QString (*readLegacy)(const QByteArray &, CheckpointState *)) {
    QByteArray bytes;
    const QString why = readRegularFile(path, maxCheckpointBytes(), &bytes);
    if (!why.isEmpty())
        return why;
    if (hasCheckpointChecksum(bytes))
        return decodeCheckpoint(bytes, s);
    if (!bytes.startsWith("PK\x03\x04"))
        return QStringLiteral("the file is truncated or corrupt (it is not a checkpoint archive)");
    return readLegacy(bytes, s);
}

QString loadFailure(const std::exception &e) {
    const QString why = torchMessage(e);
    if (why.contains(QLatin1String("not enough memory")))
        return QStringLiteral("there is not enough memory to load it");
    return QStringLiteral("the file is truncated or corrupt (%1)").arg(why);
}
} // namespace

std::unique_ptr<Trainer> Trainer::loadCheckpoint(const QString &path, QString *error) {
    std::unique_ptr<Trainer> t;
    QString why;
    try {
        CheckpointState state;
        why = readCheckpointState(path, &state, &Impl::readLegacy);
        if (why.isEmpty()) {
            t.reset(new Trainer);
            why = t->d->restore(state);
        }
    } catch (const std::bad_alloc &) {
        why = QStringLiteral("there is not enough memory to load it");
    } catch (const std::exception &e) {
        why = loadFailure(e);
    }
    if (why.isEmpty())
        return t;
    if (error)
        *error = QStringLiteral("Cannot load checkpoint %1: %2").arg(path, printableReason(why));
    return nullptr;
}

QString Trainer::exportStateDict(const QString &path) const {
    std::lock_guard<std::mutex> lock(d->stepMutex);
    return saveStateDict(*d->model, path);
}

int recommendedThreads(const TrainConfig &) {
    // Measured on the 2-core build machine (tests/bench, `posenc-bench train --threads N`): one
    // intra-op thread trains the seed config in 1.04 s against 2.27 s with two, and the wide
    // config (d_model 256, seq_len 128, batch 64) in 2.5 s against 6.8 s. The model's matrices
    // are too small to amortise the fork/join of each op, so every size gets one thread.
    return 1;
}

int recommendedBlasThreads(const TrainConfig &config) {
    // Measured (`posenc-bench train --config wide --blas-threads N`, quiet 2-core machine): a fused
    // LSTM of d_model 256 spends 87% of its time in sgemm and trains in 1.69 s with two OpenBLAS
    // threads against 2.44 s with one; at the seed's d_model 32 each GEMM is too small to share.
    const bool gemmBound = config.backbone == Backbone::Lstm && config.encoding.dModel >= 128;
    return gemmBound ? int(std::clamp(std::thread::hardware_concurrency(), 1u, 2u)) : 1;
}

} // namespace posenc::core
