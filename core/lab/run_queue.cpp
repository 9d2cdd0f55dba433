#include "lab/run_queue.h"

#include "train/training_controller.h"

#include <QMetaObject>

namespace posenc::core {

RunQueue::RunQueue(TrainingController *controller, QObject *parent)
    : QObject(parent), m_controller(controller) {
    connect(controller, &TrainingController::finished, this,
            [this](const TrainResult &result) { onRunEnded(result.outcome == Outcome::Stopped); });
    connect(controller, &TrainingController::failed, this, [this] { onRunEnded(false); });
}

void RunQueue::enqueue(const QVector<TrainConfig> &configs) {
    if (configs.isEmpty())
        return;
    m_pending += configs;
    Q_EMIT pendingChanged(pending());
    scheduleNext();
}

void RunQueue::dropPending() {
    const bool had = !m_pending.isEmpty();
    m_pending.clear();
    m_held = false;
    if (had)
        Q_EMIT pendingChanged(0);
    finishBatchIfDone();
}

void RunQueue::resumeQueue() {
    m_held = false;
    scheduleNext();
}

void RunQueue::onRunEnded(bool stopped) {
    // Any run's end counts: a run the user started before enqueueing also frees the controller.
    m_running = false;
    if (stopped && !m_pending.isEmpty()) {
        m_held = true;
        // Queued, so every slot on finished() (e.g. the window's "Stopped after …") runs before a
        // slot on stoppedWithPending() opens its question.
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (m_held && !m_pending.isEmpty())
                    Q_EMIT stoppedWithPending(pending());
            },
            Qt::QueuedConnection);
        return;
    }
    if (m_pending.isEmpty())
        finishBatchIfDone();
    else
        scheduleNext();
}

void RunQueue::scheduleNext() {
    // Queued, so every other slot on the controller's finished() sees the run end before the next
    // run's stateChanged(Running).
    if (m_scheduled || m_held || m_pending.isEmpty())
        return;
    m_scheduled = true;
    QMetaObject::invokeMethod(this, &RunQueue::startNext, Qt::QueuedConnection);
}

void RunQueue::startNext() {
    m_scheduled = false;
    // Busy (a run of the user's, or one started meanwhile): its finished() schedules us again.
    while (!m_held && !m_pending.isEmpty() && !m_controller->isLive()) {
        const TrainConfig config = m_pending.takeFirst();
        QStringList problems = validate(config);
        if (problems.isEmpty()) {
            const int index = m_started++;
            Q_EMIT pendingChanged(pending());
            Q_EMIT runStarting(config, index, m_started + pending());
            problems = m_controller->start(config);
            m_running = problems.isEmpty();
        } else {
            Q_EMIT pendingChanged(pending());
        }
        if (m_running)
            return;
        Q_EMIT runRejected(config, problems.join(QStringLiteral("; ")));
    }
    finishBatchIfDone();
}

void RunQueue::finishBatchIfDone() {
    if (m_running || !m_pending.isEmpty() || m_started == 0)
        return;
    m_started = 0;
    Q_EMIT queueFinished();
}

} // namespace posenc::core
