#pragma once
// The streaming loss plot: every batch loss as a thin line, each epoch's train and validation
// loss as markers, against the step. Points are appended, replots are queued (coalesced),
// the view follows the newest step while live, the y axis can be logarithmic, an EMA
// smoothing line redraws from the kept raw data, and the previous run stays, dimmed, until clear().

#include "training_types.h"

#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCheckBox;
class QLabel;
class QSlider;

namespace posenc::ui {

class LossView : public QWidget {
    Q_OBJECT
public:
    explicit LossView(QWidget *parent = nullptr);

    // A new run begins: the current run's lines become the dimmed "previous run".
    void beginRun(const QString &label);
    // Removes every run (Reset).
    void clear();

    // Adds batch losses to the current run (streaming: appended, replot queued).
    void appendBatchLosses(const QVector<core::BatchLoss> &losses);
    // Adds an epoch's train and validation markers to the current run.
    void addEpoch(const core::EpochStats &stats);

    // Switches the loss axis between logarithmic and linear (the "log scale" box).
    void setLogScale(bool on);
    bool logScale() const;
    // EMA factor in [0, 0.99]: 0 shows no smoothing line.
    void setSmoothing(double alpha);
    double smoothing() const { return m_alpha; }
    // Whether the x axis follows the newest step (turned off when the user zooms or pans,
    // back on with a double-click).
    void setFollowLatest(bool on) { m_follow = on; }
    bool followLatest() const { return m_follow; }

    // For tests and exports: the points in the current run's lines.
    int batchPointCount() const;
    int epochPointCount() const;
    int validationPointCount() const;
    bool hasPreviousRun() const;
    int previousBatchPointCount() const;
    // The label given to beginRun() for the current run.
    QString runLabel() const { return m_runLabel; }
    // The current run's losses as kept (raw, unsmoothed).
    const QVector<core::BatchLoss> &batchHistory() const { return m_batches; }
    const QVector<core::EpochStats> &epochHistory() const { return m_epochs; }

    // Write the current run's history as CSV: one row per epoch (epoch,train_loss,val_loss,step,
    // samples_per_s), or one row per batch (step,loss); empty string or "Cannot write <path>: why".
    QString writeEpochCsv(const QString &path) const;
    QString writeBatchCsv(const QString &path) const;

    QCustomPlot *plot() const { return m_plot; }
    // The legend's entries, top to bottom.
    QStringList legendNames() const;

private:
    void updateLegend();
    void recomputeSmoothing();
    void scheduleReplot();
    // One EMA step with `loss` (non-finite losses are skipped); the smoothed value, NaN before any.
    double stepEma(double loss);
    // Shows every step of the current run (or the previous run while the current one is empty).
    void showLatest();
    // Fits the loss axis to the data inside the visible steps.
    void fitValueAxis();

    QCustomPlot *m_plot = nullptr;
    QCPGraph *m_raw = nullptr;
    QCPGraph *m_smooth = nullptr;
    QCPGraph *m_train = nullptr;
    QCPGraph *m_val = nullptr;
    QCPGraph *m_prevRaw = nullptr;
    QCPGraph *m_prevTrain = nullptr;
    QCPGraph *m_prevVal = nullptr;
    QCheckBox *m_logBox = nullptr;
    QSlider *m_smoothSlider = nullptr;
    QLabel *m_smoothValue = nullptr;
    QString m_runLabel;
    QVector<core::BatchLoss> m_batches;
    QVector<core::EpochStats> m_epochs;
    double m_alpha = 0.9;
    double m_ema = 0;
    bool m_emaValid = false;
    bool m_follow = true;
};

} // namespace posenc::ui
