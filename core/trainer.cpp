#include "trainer.h"

#include "dataset.h"
#include "model.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <sstream>

namespace posenc::core {

namespace {
constexpr const char *kCheckpointFormat = "posenc-studio-checkpoint-1";
constexpr int kEvalChunk = 1024;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

// The first line of a LibTorch error: the rest is a C++ backtrace no user needs.
QString torchMessage(const std::exception &e) {
    const QString full = QString::fromUtf8(e.what());
    return full.section(QLatin1Char('\n'), 0, 0).trimmed();
}

// Writes bytes through a temporary file, so a failed save never leaves half a file behind.
QString writeFileAtomically(const QString &path, const std::string &bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
    if (file.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !file.commit())
        return QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}
} // namespace

struct Trainer::Impl {
    TrainConfig config;
    SequenceData train;
    SequenceData val;
    mutable SequenceModel model{nullptr};  // evaluation switches eval()/train() on a const Trainer
    std::unique_ptr<torch::optim::Adam> optimizer;
    at::Generator shuffleGen;  // continues the seed's global stream after model init
    int epochsDone = 0;
    qint64 steps = 0;
    double lastTrain = kNaN;
    double lastVal = kNaN;
    mutable std::mutex stepMutex;  // held for each batch and for every read of the model

    int batchesPerEpoch() const { return (config.numSamples + config.batchSize - 1) / config.batchSize; }

    void build(const TrainConfig &c) {
        config = c;
        // The seed's order on one stream: dataset, then model initialisation, then shuffling.
        torch::manual_seed(c.seed);
        double mean = 0, stdev = 0;
        train = makeSeedDataset(c.numSamples, c.seqLen, c.featureDim, c10::nullopt, &mean, &stdev);
        model = SequenceModel(c.featureDim, c.encoding, c.layers, c.seed);
        optimizer = std::make_unique<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(c.lr));
        {
            auto global = at::detail::getDefaultCPUGenerator();
            std::lock_guard<std::mutex> lock(global.mutex());
            shuffleGen = global.clone();
        }
        val = makeValidationSet(c.valSamples, c.seqLen, c.featureDim, validationGenerator(c.seed), mean, stdev);
    }

    // The order of one epoch, drawn as torch's DataLoader(shuffle=True) draws it: one int64 for
    // the loader's base seed, one for the sampler's generator, then randperm.
    torch::Tensor epochOrder() {
        torch::empty({}, torch::kLong).random_(shuffleGen);
        const auto seed = torch::empty({}, torch::kLong).random_(shuffleGen).item<int64_t>();
        auto gen = at::make_generator<at::CPUGeneratorImpl>(uint64_t(seed));
        return torch::randperm(config.numSamples, gen, torch::TensorOptions().dtype(torch::kLong));
    }

    double evaluate() const {
        torch::NoGradGuard noGrad;
        model->eval();
        double sum = 0;
        const int n = int(val.labels.size(0));
        for (int start = 0; start < n; start += kEvalChunk) {
            const int len = std::min(kEvalChunk, n - start);
            const auto out = model->forward(val.sequences.narrow(0, start, len)).view(-1);
            sum += torch::mse_loss(out, val.labels.narrow(0, start, len), torch::Reduction::Sum).item<double>();
        }
        model->train();
        return sum / n;
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

const TrainConfig &Trainer::config() const { return d->config; }
int Trainer::epochsDone() const { return d->epochsDone; }
qint64 Trainer::steps() const { return d->steps; }
int Trainer::batchesPerEpoch() const { return d->batchesPerEpoch(); }
double Trainer::lastTrainLoss() const { return d->lastTrain; }
double Trainer::lastValLoss() const { return d->lastVal; }
void Trainer::setTotalEpochs(int epochs) { d->config.epochs = epochs; }

TrainResult Trainer::run(const Hooks &hooks) {
    TrainResult result;
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
            torch::Tensor order;
            {
                std::lock_guard<std::mutex> lock(d->stepMutex);
                order = d->epochOrder();
            }
            double lossSum = 0;
            QElapsedTimer epochClock;
            epochClock.start();
            qint64 pausedNs = 0;
            for (int b = 0; b < batches; ++b) {
                if (hooks.waitWhilePaused) {
                    QElapsedTimer pauseClock;
                    pauseClock.start();
                    hooks.waitWhilePaused();
                    pausedNs += pauseClock.nsecsElapsed();
                }
                if (hooks.shouldStop && hooks.shouldStop())
                    return finish(Outcome::Stopped, QStringLiteral("Stopped after %1 of %2 epochs.")
                                                        .arg(d->epochsDone).arg(d->config.epochs));
                double loss;
                {
                    std::lock_guard<std::mutex> lock(d->stepMutex);
                    const int start = b * d->config.batchSize;
                    const int len = std::min(d->config.batchSize, d->config.numSamples - start);
                    const auto idx = order.narrow(0, start, len);
                    const auto x = d->train.sequences.index_select(0, idx);
                    const auto y = d->train.labels.index_select(0, idx);
                    d->optimizer->zero_grad();
                    const auto lossTensor = torch::mse_loss(d->model->forward(x).view(-1), y);
                    loss = lossTensor.item<double>();
                    if (!std::isfinite(loss)) {
                        const QString what = std::isnan(loss) ? QStringLiteral("NaN") : QStringLiteral("infinite");
                        return finish(Outcome::Diverged,
                                      QStringLiteral("Training diverged: the loss became %1 at epoch %2, batch %3 "
                                                     "(step %4). Try a lower learning rate than %5.")
                                          .arg(what).arg(epoch).arg(b + 1).arg(d->steps + 1).arg(d->config.lr));
                    }
                    lossTensor.backward();
                    d->optimizer->step();
                    ++d->steps;
                }
                lossSum += loss;
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
                d->lastTrain = lossSum / batches;
                d->lastVal = stats.valLoss;
            }
            stats.epoch = epoch;
            stats.step = d->steps;
            stats.trainLoss = d->lastTrain;
            stats.samplesPerSec = d->config.numSamples / seconds;
            if (hooks.onEpoch)
                hooks.onEpoch(stats);
        }
    } catch (const std::exception &e) {
        return finish(Outcome::Failed, QStringLiteral("Training failed: %1").arg(torchMessage(e)));
    }
    return finish(Outcome::Completed, QStringLiteral("Completed %1 epochs.").arg(d->epochsDone));
}

double Trainer::validationLoss() const {
    std::lock_guard<std::mutex> lock(d->stepMutex);
    return d->evaluate();
}

PeTable Trainer::peTable() const {
    std::lock_guard<std::mutex> lock(d->stepMutex);
    const auto t = d->model->positional_encoding->table().detach().contiguous();
    PeTable table;
    table.rows = int(t.size(0));
    table.cols = int(t.size(1));
    table.values.resize(t.numel());
    std::memcpy(table.values.data(), t.data_ptr<float>(), sizeof(float) * size_t(t.numel()));
    return table;
}

QStringList Trainer::parameterSummary() const {
    std::lock_guard<std::mutex> lock(d->stepMutex);
    QStringList out;
    for (const auto &p : d->model->named_parameters()) {
        QStringList dims;
        for (auto s : p.value().sizes())
            dims << QString::number(s);
        out << QStringLiteral("%1 [%2]").arg(fromStd(p.key()), dims.join(QStringLiteral(", ")));
    }
    return out;
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
        torch::serialize::OutputArchive modelArchive, optimArchive;
        d->model->save(modelArchive);
        d->optimizer->save(optimArchive);
        archive.write("model", modelArchive);
        archive.write("optimizer", optimArchive);
        std::ostringstream bytes;
        archive.save_to(bytes);
        return writeFileAtomically(path, bytes.str());
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
        if (!archive.try_read("format", value) || !value.isString() || value.toStringRef() != kCheckpointFormat)
            return fail(QStringLiteral("it is not a PosEnc Studio checkpoint"));
        TrainConfig config;
        QString why;
        if (!archive.try_read("config", value) || !value.isString() ||
            !fromText(fromStd(value.toStringRef()), &config, &why))
            return fail(QStringLiteral("its settings are unreadable (%1)").arg(why));
        const QStringList problems = validate(config);
        if (!problems.isEmpty())
            return fail(QStringLiteral("its settings are invalid: %1").arg(problems.join(QStringLiteral("; "))));
        std::unique_ptr<Trainer> t(new Trainer);
        t->d->build(config);
        torch::serialize::InputArchive modelArchive, optimArchive;
        if (!archive.try_read("model", modelArchive) || !archive.try_read("optimizer", optimArchive))
            return fail(QStringLiteral("the model or optimiser state is missing"));
        try {
            t->d->model->load(modelArchive);
        } catch (const std::exception &e) {
            return fail(QStringLiteral("the saved model does not match its settings (%1)").arg(torchMessage(e)));
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
        if (t->d->epochsDone < 0 || t->d->epochsDone > config.epochs || t->d->steps < 0)
            return fail(QStringLiteral("its epoch count is out of range"));
        return t;
    } catch (const std::exception &e) {
        return fail(QStringLiteral("the file is truncated or corrupt (%1)").arg(torchMessage(e)));
    }
}

QString Trainer::exportStateDict(const QString &path) const {
    try {
        std::lock_guard<std::mutex> lock(d->stepMutex);
        // Parameters only: the seed keeps its fixed PE table as a plain attribute, not in its
        // state_dict, so load_state_dict(strict=True) accepts exactly these keys.
        c10::Dict<std::string, at::Tensor> dict;
        for (const auto &p : d->model->named_parameters())
            dict.insert(p.key(), p.value().detach().clone().contiguous());
        const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
        return writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
    } catch (const std::exception &e) {
        return QStringLiteral("Cannot export state_dict %1: %2").arg(path, torchMessage(e));
    }
}

int recommendedThreads(const TrainConfig &) {
    // Measured on the 2-core build machine (tests/bench, `posenc-bench train --threads N`): one
    // intra-op thread trains the seed config in 1.04 s against 2.27 s with two, and the wide
    // config (d_model 256, seq_len 128, batch 64) in 2.5 s against 6.8 s. The model's matrices
    // are too small to amortise the fork/join of each op, so every size gets one thread.
    return 1;
}

} // namespace posenc::core
