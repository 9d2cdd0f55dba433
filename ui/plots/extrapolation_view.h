#pragma once
// The length-extrapolation probe of every run: probe loss against sequence length, one line per
// visible run in the run's colour, a dashed vertical line at each trained seq_len, an optional log
// y axis, a legend beside the axis rect (never over a line) and a hover readout of the nearest point.

#include "train/training_types.h"

#include <QColor>
#include <QVector>
#include <QWidget>

class QCheckBox;
class QCustomPlot;
class QCPGraph;
class QLabel;
class QMouseEvent;

namespace posenc::ui {

class ExtrapolationView : public QWidget {
    Q_OBJECT
public:
    explicit ExtrapolationView(QWidget *parent = nullptr);

    // Adds run `id`, or replaces its name, colour, probe and trained length (a new probe arrived).
    void setRun(int id, const QString &name, const QColor &colour, const core::ProbeResult &probe,
                int trainedSeqLen);
    // Removes a run's line; unknown ids are ignored.
    void removeRun(int id);
    // Shows or hides a run's line (and its legend entry and seq_len marker).
    void setRunVisible(int id, bool visible);
    // Removes every run.
    void clear();

    // The runs held, in the order they were added, and whether each is drawn.
    QVector<int> runIds() const;
    bool isRunVisible(int id) const;
    // The distinct trained seq_len of the visible runs: where the dashed lines are.
    QVector<int> trainedLengthMarkers() const;

    // A logarithmic loss axis (the default is linear).
    void setLogScale(bool on);
    bool logScale() const;

    // The readout for the point nearest to a pixel of the plot within a few pixels, e.g.
    // "transformer · rope · recency · d32 · length 80 · loss 0.1234"; empty when none is near.
    QString readoutAt(const QPointF &pixel) const;
    // Where a run's point at `length` is drawn, in plot pixels (for tests and tooltips).
    QPointF pixelOf(int id, int length) const;
    // The readout line under the plot (the hint when nothing is hovered).
    QString readoutText() const;

    // Writes the visible runs as CSV: header "length,<run name>,...", one row per length any run
    // probed, an empty cell where a run has no point. Empty string on success, else the reason.
    QString writeCsv(const QString &path) const;

    // Shows every visible point again (also on double-click).
    void resetView();

    QCustomPlot *plot() const { return m_plot; }

Q_SIGNALS:
    // The hovered point's readout (empty when the mouse leaves every point).
    void readoutChanged(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Run {
        int id = 0;
        QString name;
        QColor colour;
        core::ProbeResult probe;
        int trainedSeqLen = 0;
        bool visible = true;
        QCPGraph *graph = nullptr;
    };

    int indexOf(int id) const;
    // Rebuilds the legend (visible runs, in order), the seq_len markers, the notes and the ranges.
    void relayout();
    void updateMarkers();
    void onMouseMove(QMouseEvent *event);
    void setReadout(const QString &text);

    QCustomPlot *m_plot = nullptr;
    QCheckBox *m_logBox = nullptr;
    QLabel *m_readout = nullptr;
    QLabel *m_notes = nullptr;
    QVector<Run> m_runs;
    QString m_lastReadout;
};

} // namespace posenc::ui
