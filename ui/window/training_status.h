#pragma once
// The status bar's training figures: the last epoch's losses, the throughput, the ETA and a progress
// bar (epoch and batch of the live run). It shows the values its slots are given, nothing else.

#include "train/training_types.h"

#include <QWidget>

class QLabel;
class QProgressBar;

namespace posenc::ui {

class TrainingStatus : public QWidget {
    Q_OBJECT
public:
    explicit TrainingStatus(QWidget *parent = nullptr);

    // A run started: no losses yet.
    void runStarted();
    // The run's progress: epoch and batch, ETA and samples/s.
    void showProgress(const core::Progress &progress);
    // An epoch ended: its losses and throughput.
    void showEpoch(const core::EpochStats &stats);
    // The run ended: ETA 0:00 when it completed, else none.
    void showFinished(const core::TrainResult &result);
    // Idle, nothing trained (Reset).
    void clear();
    // "train … · val … | … samples/s | ETA … | epoch …", as shown.
    QString text() const;

private:
    QProgressBar *m_progress = nullptr;
    QLabel *m_eta = nullptr;
    QLabel *m_speed = nullptr;
    QLabel *m_losses = nullptr;
};

} // namespace posenc::ui
