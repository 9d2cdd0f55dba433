#include "lab/run_record.h"

#include "settings/named_values.h"

#include <limits>

namespace posenc::core {

namespace {
constexpr Named<RunStatus> kStatuses[] = {{RunStatus::Queued, "queued"},   {RunStatus::Training, "training"},
                                          {RunStatus::Paused, "paused"},   {RunStatus::Done, "done"},
                                          {RunStatus::Stopped, "stopped"}, {RunStatus::Diverged, "diverged"},
                                          {RunStatus::Failed, "failed"}};
} // namespace

QString runStatusName(RunStatus status) {
    return nameOf(kStatuses, status);
}

bool runStatusFromName(const QString &name, RunStatus *status) {
    return parseExactName(kStatuses, name, status);
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
