#pragma once
// The streaming loss plot of every run side by side: per run a thin translucent line of its batch
// losses, its EMA-smoothed line and its epoch train / validation markers, all in the run's colour.
// Points are appended, replots are queued (coalesced), the view follows the newest step while live,
// the y axis can be logarithmic, the smoothing redraws from the kept raw data, runs can be hidden,
// and hovering tells each visible run's loss at the step under the cursor.

#include "train/training_types.h"

#include <QColor>
#include <QVector>
#include <QWidget>

#include <limits>

class QCustomPlot;
class QCPGraph;
class QCPRange;
class QCheckBox;
class QHBoxLayout;
class QLabel;
class QSlider;

namespace posenc::ui {

class LossView : public QWidget {
    Q_OBJECT
public:
    explicit LossView(QWidget *parent = nullptr);

    // Adds run `id` (empty, visible, the current run); a known id only takes the new name and colour.
    void addRun(int id, const QString &name, const QColor &colour);
    // Replaces a run's whole history at once (a restored or loaded run).
    void setRunHistory(int id, const QVector<core::BatchLoss> &batches,
                       const QVector<core::EpochStats> &epochs);
    // Removes a run's lines; unknown ids are ignored.
    void removeRun(int id);
    // Removes every run (Reset).
    void clear();

    // Adds batch losses to run `id` (streaming: appended, replot queued).
    void appendBatchLosses(int id, const QVector<core::BatchLoss> &losses);
    // Adds an epoch's train and validation markers to run `id`.
    void addEpoch(int id, const core::EpochStats &stats);
    // Shows or hides a run's lines, markers and legend entry.
    void setRunVisible(int id, bool visible);
    bool isRunVisible(int id) const;
    // The runs held, by id (the legend's order).
    QVector<int> runIds() const;
    // The run the CSV files and the accessors without an id speak of: the selected run, else the newest.
    void setCurrentRun(int id);
    int currentRun() const { return m_current; }

    // Switches the loss axis between logarithmic and linear (the "log scale" box).
    void setLogScale(bool on);
    bool logScale() const;
    // EMA factor in [0, 0.99]: 0 shows no smoothing lines.
    void setSmoothing(double alpha);
    double smoothing() const { return m_alpha; }
    // Whether the x axis follows the newest step (turned off when the user zooms or pans,
    // back on with a double-click).
    void setFollowLatest(bool on) { m_follow = on; }
    bool followLatest() const { return m_follow; }

    // A run's graphs (null for an unknown id): for tests and exports.
    struct Graphs {
        QCPGraph *raw = nullptr;
        QCPGraph *smooth = nullptr;
        QCPGraph *train = nullptr;
        QCPGraph *val = nullptr;
    };
    Graphs graphsOf(int id) const;
    // The points in a run's lines; without an id, the current run's.
    int batchPointCount(int id) const;
    int batchPointCount() const { return batchPointCount(m_current); }
    int epochPointCount(int id) const;
    int epochPointCount() const { return epochPointCount(m_current); }
    int validationPointCount(int id) const;
    int validationPointCount() const { return validationPointCount(m_current); }
    // A run's losses as kept (raw, unsmoothed); without an id, the current run's.
    const QVector<core::BatchLoss> &batchHistory(int id) const;
    const QVector<core::BatchLoss> &batchHistory() const { return batchHistory(m_current); }
    const QVector<core::EpochStats> &epochHistory(int id) const;
    const QVector<core::EpochStats> &epochHistory() const { return epochHistory(m_current); }
    // A run's smoothed values, one per batch loss.
    QVector<double> smoothedHistory(int id) const;

    // The hover text at `step`: the step, then per visible run its name, smoothed and raw loss at its
    // last step <= `step`; empty when no visible run has a loss there.
    QString hoverText(double step) const;
    // The hover text for a pixel of the plot (empty outside the axis rect).
    QString readoutAt(const QPointF &pixel) const;
    // The text last shown in the hover tooltip (empty when the mouse left).
    QString readoutText() const { return m_readout; }

    // Write the current run's history as CSV: one row per epoch (epoch,train_loss,val_loss,step,
    // samples_per_s), or one row per batch (step,loss); empty string or "Cannot write <path>: why".
    QString writeEpochCsv(const QString &path) const;
    QString writeBatchCsv(const QString &path) const;

    QCustomPlot *plot() const { return m_plot; }
    // The legend's entries, top to bottom: one per visible run, then the marker keys.
    QStringList legendNames() const;

Q_SIGNALS:
    // The hover text changed (empty when the mouse left the plot).
    void readoutChanged(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    // The lowest and highest finite loss (and the lowest positive one, for the log axis) of a run.
    struct Envelope {
        double lower = std::numeric_limits<double>::infinity();
        double upper = -std::numeric_limits<double>::infinity();
        double positive = std::numeric_limits<double>::infinity();
        void add(double value);
    };
    struct Run {
        int id = 0;
        QString name;
        QColor colour;
        bool visible = true;
        Graphs graphs;
        QVector<core::BatchLoss> batches;
        QVector<double> smoothed;
        QVector<core::EpochStats> epochs;
        double ema = 0;
        bool emaValid = false;
        Envelope envelope;
    };

    // The row above the plot: the log-scale box and the smoothing slider.
    QHBoxLayout *createControls();
    Run *find(int id);
    const Run *find(int id) const;
    void styleRun(Run &run);
    void updateLegend();
    void recomputeSmoothing(Run &run);
    void scheduleReplot();
    // One EMA step of `run` with `loss` (non-finite losses are skipped); the smoothed value, NaN before any.
    double stepEma(Run &run, double loss) const;
    // Shows every step of the visible runs.
    void showLatest();
    // Fits the loss axis to the data inside the visible steps.
    void fitValueAxis();
    bool fitFromEnvelopes(QCPRange *range) const;
    void afterAppend();
    // Draws only every n-th epoch marker where they would sit closer than a few pixels.
    void thinMarkers();
    void onHover(const QPoint &pos, const QPoint &globalPos);

    QCustomPlot *m_plot = nullptr;
    QCPGraph *m_trainKey = nullptr;
    QCPGraph *m_valKey = nullptr;
    QCheckBox *m_logBox = nullptr;
    QSlider *m_smoothSlider = nullptr;
    QLabel *m_smoothValue = nullptr;
    QVector<Run> m_runs; // by id, so the legend keeps its order
    int m_current = 0;
    double m_alpha = 0.9;
    bool m_follow = true;
    QString m_readout;
};

} // namespace posenc::ui
