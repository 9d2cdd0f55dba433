#include "window/training_status.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include <climits>
#include <cmath>

namespace posenc::ui {

namespace {
QString formatEta(double seconds) {
    if (seconds < 0 || !std::isfinite(seconds))
        return QStringLiteral("ETA —");
    const int s = int(std::lround(seconds));
    return QStringLiteral("ETA %1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

TrainingStatus::TrainingStatus(QWidget *parent) : QWidget(parent) {
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(280);
    m_progress->setTextVisible(true);
    m_progress->setToolTip(tr("Epoch and batch of the live run"));
    m_eta = new QLabel;
    m_eta->setToolTip(tr("Estimated time left in the run"));
    m_speed = new QLabel;
    m_speed->setToolTip(tr("Training throughput of the last epoch"));
    m_losses = new QLabel;
    m_losses->setToolTip(tr("Last epoch's mean train loss and validation loss (MSE)"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget *w : {static_cast<QWidget *>(m_losses), static_cast<QWidget *>(m_speed),
                       static_cast<QWidget *>(m_eta), static_cast<QWidget *>(m_progress)})
        layout->addWidget(w);
    clear();
}

void TrainingStatus::runStarted() {
    m_losses->setText(tr("train — · val —"));
}

void TrainingStatus::showProgress(const core::Progress &p) {
    m_progress->setRange(0, int(std::min<qint64>(p.total, INT_MAX)));
    m_progress->setValue(int(std::min<qint64>(p.done, INT_MAX)));
    m_progress->setFormat(
        tr("epoch %1/%2 · batch %3/%4")
            .arg(p.epoch)
            .arg(p.batchesPerEpoch > 0 ? (p.total + p.batchesPerEpoch - 1) / p.batchesPerEpoch : 0)
            .arg(p.batch)
            .arg(p.batchesPerEpoch));
    m_eta->setText(formatEta(p.etaSeconds));
    if (p.samplesPerSec > 0)
        m_speed->setText(tr("%1 samples/s").arg(p.samplesPerSec, 0, 'f', 0));
}

void TrainingStatus::showEpoch(const core::EpochStats &stats) {
    m_speed->setText(tr("%1 samples/s").arg(stats.samplesPerSec, 0, 'f', 0));
    m_losses->setText(tr("train %1 · val %2").arg(stats.trainLoss, 0, 'g', 4).arg(stats.valLoss, 0, 'g', 4));
}

void TrainingStatus::showFinished(const core::TrainResult &result) {
    m_eta->setText(formatEta(result.outcome == core::Outcome::Completed ? 0 : -1));
}

void TrainingStatus::clear() {
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("idle"));
    m_eta->setText(tr("ETA —"));
    m_speed->setText(tr("— samples/s"));
    m_losses->setText(tr("train — · val —"));
}

QString TrainingStatus::text() const {
    return QStringLiteral("%1 | %2 | %3 | %4")
        .arg(m_losses->text(), m_speed->text(), m_eta->text(), m_progress->text());
}

} // namespace posenc::ui
