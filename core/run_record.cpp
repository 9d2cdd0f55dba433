#include "run_record.h"

#include <array>
#include <limits>

namespace posenc::core {

namespace {
struct StatusName {
    RunStatus status;
    const char *name;
};
constexpr std::array<StatusName, 7> kStatusNames{{{RunStatus::Queued, "queued"},
                                                  {RunStatus::Training, "training"},
                                                  {RunStatus::Paused, "paused"},
                                                  {RunStatus::Done, "done"},
                                                  {RunStatus::Stopped, "stopped"},
                                                  {RunStatus::Diverged, "diverged"},
                                                  {RunStatus::Failed, "failed"}}};
} // namespace

QString runStatusName(RunStatus status) {
    for (const StatusName &entry : kStatusNames)
        if (entry.status == status)
            return QString::fromLatin1(entry.name);
    return QStringLiteral("failed");
}

bool runStatusFromName(const QString &name, RunStatus *status) {
    for (const StatusName &entry : kStatusNames) {
        if (name == QLatin1String(entry.name)) {
            *status = entry.status;
            return true;
        }
    }
    return false;
}

RunStatus statusOf(Outcome outcome) {
    switch (outcome) {
    case Outcome::Completed:
        return RunStatus::Done;
    case Outcome::Stopped:
        return RunStatus::Stopped;
    case Outcome::Diverged:
        return RunStatus::Diverged;
    case Outcome::Failed:
        return RunStatus::Failed;
    }
    return RunStatus::Failed;
}

double RunRecord::lastTrainLoss() const {
    return epochs.isEmpty() ? std::numeric_limits<double>::quiet_NaN() : epochs.last().trainLoss;
}

double RunRecord::lastValLoss() const {
    return epochs.isEmpty() ? std::numeric_limits<double>::quiet_NaN() : epochs.last().valLoss;
}

} // namespace posenc::core
