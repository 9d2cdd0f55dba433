#include "training_types.h"

#include "config.h"
#include "pe_table.h"

namespace posenc::core {

QString outcomeName(Outcome outcome) {
    switch (outcome) {
    case Outcome::Completed: return QStringLiteral("completed");
    case Outcome::Stopped: return QStringLiteral("stopped");
    case Outcome::Diverged: return QStringLiteral("diverged");
    case Outcome::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
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
}

} // namespace posenc::core
