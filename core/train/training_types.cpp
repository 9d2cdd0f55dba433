#include "train/training_types.h"

#include "encoding/pe_table.h"
#include "settings/config.h"
#include "util/file_util.h"

namespace posenc::core {

QString outcomeName(Outcome outcome) {
    switch (outcome) {
    case Outcome::Completed:
        return QStringLiteral("completed");
    case Outcome::Stopped:
        return QStringLiteral("stopped");
    case Outcome::Diverged:
        return QStringLiteral("diverged");
    case Outcome::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

QString writeEpochCsv(const QVector<EpochStats> &epochs, const QString &path) {
    QByteArray text = "epoch,train_loss,val_loss,step,samples_per_s\n";
    for (const EpochStats &e : epochs)
        text += QByteArray::number(e.epoch) + ',' + QByteArray::number(e.trainLoss, 'g', 9) + ',' +
                QByteArray::number(e.valLoss, 'g', 9) + ',' + QByteArray::number(e.step) + ',' +
                QByteArray::number(e.samplesPerSec, 'f', 1) + '\n';
    return writeFileAtomically(path, text);
}

QString writeBatchCsv(const QVector<BatchLoss> &losses, const QString &path) {
    QByteArray text = "step,loss\n";
    for (const BatchLoss &b : losses)
        text += QByteArray::number(b.step) + ',' + QByteArray::number(b.loss, 'g', 9) + '\n';
    return writeFileAtomically(path, text);
}

QString writeProbeCsv(const ProbeResult &probe, const QString &path) {
    QByteArray text = "length,loss\n";
    for (const ProbePoint &p : probe.points)
        text += QByteArray::number(p.length) + ',' + QByteArray::number(p.loss, 'g', 9) + '\n';
    return writeFileAtomically(path, text);
}

void RateMeter::addBatch(qint64 nanoseconds, int samples) {
    if (++m_seen <= kWarmupBatches)
        return;
    m_batches.push_back({nanoseconds, samples});
    if (m_batches.size() > kWindow + 1)
        m_batches.removeFirst();
}

void RateMeter::restart() {
    m_batches.clear();
}

double RateMeter::samplesPerSec() const {
    if (m_batches.size() < 2)
        return 0;
    qint64 samples = 0;
    for (int i = 1; i < m_batches.size(); ++i) // the first entry only marks where the window starts
        samples += m_batches[i].second;
    const double seconds = (m_batches.last().first - m_batches.first().first) * 1e-9;
    return seconds > 0 ? samples / seconds : 0;
}

void registerMetaTypes() {
    qRegisterMetaType<BatchLoss>();
    qRegisterMetaType<QVector<BatchLoss>>();
    qRegisterMetaType<EpochStats>();
    qRegisterMetaType<Progress>();
    qRegisterMetaType<TrainResult>();
    qRegisterMetaType<TrainConfig>();
    qRegisterMetaType<EncodingConfig>();
    qRegisterMetaType<PeTable>();
    qRegisterMetaType<ProbeResult>();
}

} // namespace posenc::core
