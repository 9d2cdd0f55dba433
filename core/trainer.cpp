#include "trainer.h"

#include "cpu_runtime.h"
#include "dataset.h"
#include "file_util.h"
#include "fused_adam.h"
#include "model.h"

#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <sstream>

namespace posenc::core {

namespace {
constexpr const char *kCheckpointFormat = "posenc-studio-checkpoint-1";
constexpr int kEvalChunk = 1024;
constexpr qint64 kEvalScoreBudget = qint64(1) << 24; // attention scores per evaluation chunk (64 MB)
const double kNaN = std::numeric_limits<double>::quiet_NaN();

QString fromStd(const std::string &s) {
    return QString::fromStdString(s);
}

QString torchMessage(const std::exception &e) {
    return firstLine(e.what());
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
    TrainResult result;
    const int threads = d->threads > 0 ? d->threads : recommendedThreads(d->config);
    torch::set_num_threads(threads);
    // torch::set_num_threads does not reach OpenBLAS's own pool.
    core::setBlasThreads(d->blasThreads > 0 ? d->blasThreads : threads);
    keepFreedMemory();
    const int batches = d->batchesPerEpoch();
    const qint64 totalSteps = qint64(d->config.epochs) * batches;
    const qint64 firstStep = d->steps;
    QElapsedTimer runClock;
    runClock.start();

    const auto finish = [&](Outcome outcome, const QString &message) {
        result.outcome = outcome;
        result.message = message;
        result.epochsDone = d->epochsDone;
        result.steps = d->steps;
        result.lastTrainLoss = d->lastTrain;
        result.lastValLoss = d->lastVal;
        return result;
    };

    try {
        while (d->epochsDone < d->config.epochs) {
            const int epoch = d->epochsDone + 1;
            QElapsedTimer epochClock;
            epochClock.start();
            qint64 pausedNs = 0;
            int samplesThisRun = 0;
            while (d->nextBatch < batches) {
                if (hooks.waitWhilePaused) {
                    QElapsedTimer pauseClock;
                    pauseClock.start();
                    hooks.waitWhilePaused();
                    pausedNs += pauseClock.nsecsElapsed();
                }
                if (hooks.shouldStop && hooks.shouldStop())
                    return finish(Outcome::Stopped, QStringLiteral("Stopped at epoch %1, batch %2 of %3.")
                                                        .arg(epoch)
                                                        .arg(d->nextBatch)
                                                        .arg(batches));
                const int b = d->nextBatch;
                double loss;
                {
                    std::lock_guard<std::mutex> lock(d->stepMutex);
                    // Drawn at the first batch, not before the stop check, so a run stopped
                    // between epochs has not used up the next epoch's shuffle.
                    if (!d->order.defined())
                        d->order = d->epochOrder();
                    const int start = b * d->config.batchSize;
                    const int len = std::min(d->config.batchSize, d->config.numSamples - start);
                    const auto idx = d->order.narrow(0, start, len);
                    const auto x = d->train.sequences.index_select(0, idx);
                    const auto y = d->train.labels.index_select(0, idx);
                    if (auto *fused = dynamic_cast<FusedAdam *>(d->optimizer.get()))
                        fused->zeroGrad();
                    else
                        d->optimizer->zero_grad();
                    const auto lossTensor = torch::mse_loss(d->model->forward(x).view(-1), y);
                    loss = lossTensor.item<double>();
                    if (!std::isfinite(loss)) {
                        const QString what =
                            std::isnan(loss) ? QStringLiteral("NaN") : QStringLiteral("infinite");
                        return finish(
                            Outcome::Diverged,
                            QStringLiteral("Training diverged: the loss became %1 at epoch %2, batch %3 "
                                           "(step %4). Try a lower learning rate than %5.")
                                .arg(what)
                                .arg(epoch)
                                .arg(b + 1)
                                .arg(d->steps + 1)
                                .arg(d->config.lr));
                    }
                    lossTensor.backward();
                    d->optimizer->step();
                    ++d->steps;
                    ++d->nextBatch;
                    d->epochLossSum += loss;
                    samplesThisRun += len;
                }
                if (hooks.onBatch)
                    hooks.onBatch({d->steps, loss});
                if (hooks.onProgress) {
                    const qint64 doneThisRun = d->steps - firstStep;
                    const double elapsed = runClock.nsecsElapsed() * 1e-9;
                    Progress p;
                    p.done = d->steps;
                    p.total = totalSteps;
                    p.epoch = epoch;
                    p.batch = b + 1;
                    p.batchesPerEpoch = batches;
                    p.etaSeconds = doneThisRun > 0 ? elapsed / doneThisRun * (totalSteps - d->steps) : -1;
                    hooks.onProgress(p);
                }
            }
            const double seconds = std::max(1e-9, (epochClock.nsecsElapsed() - pausedNs) * 1e-9);
            EpochStats stats;
            {
                std::lock_guard<std::mutex> lock(d->stepMutex);
                stats.valLoss = d->evaluate();
                d->epochsDone = epoch;
                d->lastTrain = d->epochLossSum / batches;
                d->lastVal = stats.valLoss;
                d->order = torch::Tensor();
                d->nextBatch = 0;
                d->epochLossSum = 0;
            }
            stats.epoch = epoch;
            stats.step = d->steps;
            stats.trainLoss = d->lastTrain;
            stats.samplesPerSec = samplesThisRun / seconds;
            if (hooks.onEpoch)
                hooks.onEpoch(stats);
        }
    } catch (const std::exception &e) {
        return finish(Outcome::Failed, QStringLiteral("Training failed: %1").arg(torchMessage(e)));
    }
    return finish(Outcome::Completed, QStringLiteral("Completed %1 epochs.").arg(d->epochsDone));
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

PeTable Trainer::peTable() const {
    std::lock_guard<std::mutex> lock(d->stepMutex);
    return toPeTable(d->model->positional_encoding->table());
}

QString Trainer::saveCheckpoint(const QString &path) const {
    try {
        std::lock_guard<std::mutex> lock(d->stepMutex);
        torch::serialize::OutputArchive archive;
        archive.write("format", c10::IValue(std::string(kCheckpointFormat)));
        archive.write("config", c10::IValue(toText(d->config).toStdString()));
        archive.write("epochs_done", c10::IValue(int64_t(d->epochsDone)));
        archive.write("steps", c10::IValue(int64_t(d->steps)));
        archive.write("last_train_loss", c10::IValue(d->lastTrain));
        archive.write("last_val_loss", c10::IValue(d->lastVal));
        archive.write("shuffle_rng", d->shuffleGen.get_state());
        archive.write("next_batch", c10::IValue(int64_t(d->nextBatch)));
        archive.write("epoch_loss_sum", c10::IValue(d->epochLossSum));
        if (d->order.defined())
            archive.write("epoch_order", d->order);
        torch::serialize::OutputArchive modelArchive, optimArchive;
        d->model->save(modelArchive);
        d->optimizer->save(optimArchive);
        archive.write("model", modelArchive);
        archive.write("optimizer", optimArchive);
        std::ostringstream bytes;
        archive.save_to(bytes);
        const std::string data = bytes.str();
        return writeFileAtomically(path, QByteArray(data.data(), qsizetype(data.size())));
    } catch (const std::exception &e) {
        return QStringLiteral("Cannot save checkpoint %1: %2").arg(path, torchMessage(e));
    }
}

std::unique_ptr<Trainer> Trainer::loadCheckpoint(const QString &path, QString *error) {
    const auto fail = [&](const QString &why) -> std::unique_ptr<Trainer> {
        if (error)
            *error = QStringLiteral("Cannot load checkpoint %1: %2").arg(path, why);
        return nullptr;
    };
    QFile file(path);
    if (!file.exists())
        return fail(QStringLiteral("the file does not exist"));
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    const QByteArray bytes = file.readAll();
    if (bytes.isEmpty())
        return fail(QStringLiteral("the file is empty"));
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(bytes.constData(), size_t(bytes.size()));
        c10::IValue value;
        if (!archive.try_read("format", value) || !value.isString() ||
            value.toStringRef() != kCheckpointFormat)
            return fail(QStringLiteral("it is not a PosEnc Studio checkpoint"));
        TrainConfig config;
        QString why;
        if (!archive.try_read("config", value) || !value.isString() ||
            !fromText(fromStd(value.toStringRef()), &config, &why))
            return fail(QStringLiteral("its settings are unreadable (%1)").arg(why));
        const QStringList problems = validate(config);
        if (!problems.isEmpty())
            return fail(
                QStringLiteral("its settings are invalid: %1").arg(problems.join(QStringLiteral("; "))));
        std::unique_ptr<Trainer> t(new Trainer);
        t->d->build(config);
        torch::serialize::InputArchive modelArchive, optimArchive;
        if (!archive.try_read("model", modelArchive) || !archive.try_read("optimizer", optimArchive))
            return fail(QStringLiteral("the model or optimiser state is missing"));
        try {
            t->d->model->load(modelArchive);
        } catch (const std::exception &e) {
            return fail(
                QStringLiteral("the saved model does not match its settings (%1)").arg(torchMessage(e)));
        }
        t->d->optimizer->load(optimArchive);
        archive.read("epochs_done", value);
        t->d->epochsDone = int(value.toInt());
        archive.read("steps", value);
        t->d->steps = value.toInt();
        archive.read("last_train_loss", value);
        t->d->lastTrain = value.toDouble();
        archive.read("last_val_loss", value);
        t->d->lastVal = value.toDouble();
        torch::Tensor rng;
        archive.read("shuffle_rng", rng);
        t->d->shuffleGen.set_state(rng);
        archive.read("next_batch", value);
        t->d->nextBatch = int(value.toInt());
        archive.read("epoch_loss_sum", value);
        t->d->epochLossSum = value.toDouble();
        if (t->d->nextBatch > 0)
            archive.read("epoch_order", t->d->order);
        if (t->d->epochsDone < 0 || t->d->epochsDone > config.epochs || t->d->steps < 0 ||
            t->d->nextBatch < 0 || t->d->nextBatch >= t->d->batchesPerEpoch() ||
            (t->d->order.defined() && t->d->order.numel() != config.numSamples))
            return fail(QStringLiteral("its epoch position is out of range"));
        return t;
    } catch (const std::exception &e) {
        // A complete zip archive without the archive's records is another PyTorch file.
        const QString why = torchMessage(e);
        if (bytes.startsWith("PK\x03\x04") && why.contains(QLatin1String("constants.pkl")))
            return fail(QStringLiteral(
                "it is not a PosEnc Studio checkpoint (a state_dict or another PyTorch file?)"));
        return fail(QStringLiteral("the file is truncated or corrupt (%1)").arg(why));
    }
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

} // namespace posenc::core
