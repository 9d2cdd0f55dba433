#include "train/training_controller.h"

#include "train/training_worker.h"

#include <QMetaObject>

namespace posenc::core {

TrainingController::TrainingController(QObject *parent) : QObject(parent) {
    registerMetaTypes();
    m_worker = new TrainingWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &TrainingWorker::runStarted, this, &TrainingController::runStarted);
    connect(m_worker, &TrainingWorker::batchLosses, this, &TrainingController::batchLosses);
    connect(m_worker, &TrainingWorker::epochFinished, this, &TrainingController::epochFinished);
    connect(m_worker, &TrainingWorker::progress, this, &TrainingController::progress);
    connect(m_worker, &TrainingWorker::learnedTable, this, &TrainingController::learnedTable);
    connect(m_worker, &TrainingWorker::probed, this, &TrainingController::probed);
    connect(m_worker, &TrainingWorker::paused, this, &TrainingController::paused);
    connect(m_worker, &TrainingWorker::finished, this, [this](const TrainResult &result) {
        setState(State::Idle);
        Q_EMIT finished(result);
    });
    connect(m_worker, &TrainingWorker::failed, this, [this](const QString &message) {
        setState(State::Idle);
        Q_EMIT failed(message);
    });
    m_thread.setObjectName(QStringLiteral("posenc-training"));
    m_thread.start();
}

TrainingController::~TrainingController() {
    // Mandelbrot-style shutdown: abort the run, wake a paused one, then join the thread.
    m_worker->requestStop();
    m_thread.quit();
    m_thread.wait();
}

void TrainingController::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

QStringList TrainingController::start(const TrainConfig &config) {
    const QStringList problems = validate(config);
    if (!problems.isEmpty() || isLive())
        return isLive() ? QStringList{QStringLiteral("A run is already live: stop it first.")} : problems;
    m_worker->resetFlags();
    setState(State::Running);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, config] { worker->start(config); }, Qt::QueuedConnection);
    return {};
}

void TrainingController::continueLoaded(int totalEpochs) {
    if (isLive())
        return;
    m_worker->resetFlags();
    setState(State::Running);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, totalEpochs] { worker->continueHeld(totalEpochs); },
        Qt::QueuedConnection);
}

bool TrainingController::probe() {
    if (isLive() || !m_worker->heldConfig(nullptr))
        return false;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->probeHeld(); }, Qt::QueuedConnection);
    return true;
}

void TrainingController::pause() {
    if (m_state != State::Running)
        return;
    m_worker->requestPause();
    setState(State::Paused);
}

void TrainingController::resume() {
    if (m_state != State::Paused)
        return;
    m_worker->requestResume();
    setState(State::Running);
}

void TrainingController::stop() {
    if (isLive())
        m_worker->requestStop();
}

QString TrainingController::saveCheckpoint(const QString &path) const {
    return m_worker->saveCheckpoint(path);
}

QString TrainingController::exportStateDict(const QString &path) const {
    return m_worker->exportStateDict(path);
}

QString TrainingController::loadCheckpoint(const QString &path, TrainConfig *config, int *epochsDone) {
    if (isLive())
        return QStringLiteral("Stop the live run before loading a checkpoint.");
    return m_worker->loadCheckpoint(path, config, epochsDone);
}

PeTable TrainingController::currentPeTable() const {
    return m_worker->currentPeTable();
}

RunHistory TrainingController::history() const {
    return m_worker->history();
}

bool TrainingController::runConfig(TrainConfig *config) const {
    return m_worker->heldConfig(config);
}

} // namespace posenc::core
