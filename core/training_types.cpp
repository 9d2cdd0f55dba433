#include "training_types.h"

#include "config.h"
#include "file_util.h"
#include "pe_table.h"

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
