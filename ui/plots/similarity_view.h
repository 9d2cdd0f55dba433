#pragma once
// How positions relate under the displayed encoding, in one plot of two panels:
// - left, a position-by-position matrix with a labelled colour bar: the cosine similarity of the PE
//   table's rows (fixed to [-1, 1] for the formula kinds), RoPE's score of unit q and k, or ALiBi's
//   bias of one head. When there are more positions than pixels each cell is the exact mean of the
//   positions it covers; the work is bounded so that a redraw stays well under 50 ms.
// - right, the same against the offset k = q - p: the mean similarity of p and p + k, RoPE's
//   sum_i cos(k theta_i) / n (which depends on the offset alone), or ALiBi's bias for every head.
// For `learned` the trained positions (< seq_len) are marked. The hover readout gives p, q and the value.

#include "encoding/pe_table.h"
#include "encoding/relative_position.h"
#include "settings/config.h"

#include <QColor>
#include <QWidget>

class QCustomPlot;
class QCPAxisRect;
class QCPMarginGroup;
class QCPColorMap;
class QCPColorScale;
class QCPTextElement;
class QLabel;
class QMouseEvent;
class QSpinBox;
template <typename T> class QFutureWatcher;

namespace posenc::ui {

class SimilarityView : public QWidget {
    Q_OBJECT
public:
    explicit SimilarityView(QWidget *parent = nullptr);

    // Shows the relations for `table` drawn with `encoding`; `heads` splits d_model for rope and alibi,
    // `seqLen` is the trained length marked for `learned`. The pictures are computed now when the view
    // is shown, else when it is next shown (or refresh() is called).
    void setTable(const core::PeTable &table, const core::EncodingConfig &encoding, int heads, int seqLen);
    // Changes the heads and the trained length only (the settings changed, the table did not).
    void setRunShape(int heads, int seqLen);
    // Computes the pictures if the table or the size changed since they were last drawn: at once when
    // that is quick, else on the thread pool (computed() tells when they are drawn).
    void refresh();
    // True while a computation runs on the pool; finishComputing() waits for it and draws it (exports).
    bool isComputing() const { return m_pending; }
    void finishComputing();

    // Adds or replaces run `id`'s curve of mean similarity against offset, from its (learned) table, in
    // the run's colour, so that runs compare side by side; drawn beside the displayed encoding's
    // curves (not for alibi and none, whose axis is not a similarity).
    void setRunCurve(int id, const QString &name, const QColor &colour, const core::PeTable &table);
    // Removes a run's curve; unknown ids are ignored.
    void removeRunCurve(int id);
    // The runs' curves: their values at offsets 0, 1, ... (as many as the table allows, at most 1024).
    QVector<double> runCurve(int id) const;

    // The most matrix cells per side (0: as many as the colour map has pixels, the default).
    void setMaxBins(int bins);
    // The ALiBi head whose bias the matrix shows (0-based; clamped to the heads).
    void setAlibiHead(int head);

    // The matrix as drawn: bins per side, edges and values (cell (a, b) covers p in bin a, q in bin b).
    const core::BinnedMatrix &matrix() const { return m_matrix; }
    // The right-hand curves: offsets k and, per curve, its values and name.
    const QVector<int> &offsets() const { return m_offsets; }
    QVector<double> curve(int index) const;
    QStringList curveNames() const;
    // The colour scale's range.
    double rangeLower() const;
    double rangeUpper() const;
    // The one-line note under the plot (what the picture shows, e.g. that RoPE's depends on k alone).
    QString note() const;
    // The label of the colour bar, e.g. "cosine similarity".
    QString colourBarLabel() const;

    // The readout of matrix cell (row, col), e.g. "p 3 · q 10 · cosine similarity 0.5311", or for a
    // binned cell "p 0–9 · q 10–19 · mean cosine similarity 0.5311 (100 cells)".
    QString readout(int row, int col) const;
    // The matrix cell under a pixel of the plot widget; false outside the matrix.
    bool cellAt(const QPointF &pixel, int *row, int *col) const;
    // The readout shown under the plot (the hint when nothing is hovered).
    QString readoutText() const;

    // Writes the matrix as drawn: header "p\q,<first q of each bin>...", one row per bin. And the
    // curves: header "offset,<curve name>...". Empty string on success, else the reason.
    QString writeMatrixCsv(const QString &path) const;
    QString writeOffsetCsv(const QString &path) const;

    // Shows the whole matrix and curves again (also on double-click).
    void resetView();

    QCustomPlot *plot() const { return m_plot; }

Q_SIGNALS:
    // New pictures were computed and drawn.
    void computed();
    // The hovered readout (empty when the mouse leaves the matrix and the curves).
    void readoutChanged(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    // The constructor's steps: the matrix with its colour scale, the offset panel with the legend under
    // it, the readout / head / note row, and the connections (mouse, the pool's results, resizing).
    void createMatrixPanel();
    void createOffsetPanel();
    void createControls();
    void connectComputing();

    // What one computation needs (copies: it may run on another thread) and what it gives.
    struct Job {
        core::PeTable table;
        core::EncodingConfig encoding;
        int heads = 1;
        int seqLen = 0;
        int alibiHead = 0;
        int bins = 0;
        bool curves = true; // the table changed: the offset curves too, not just the matrix size
        // Multiply-adds it costs, roughly.
        double work() const;
    };
    struct Result {
        int bins = 0;
        bool curves = false;
        core::BinnedMatrix matrix;
        QVector<int> offsets;
        QVector<QVector<double>> values;
        QStringList names;
    };
    static Result compute(const Job &job);
    static void computeCurves(const Job &job, Result *result);
    void apply(const Result &result);

    // The bins per side: the limit, the colour map's pixels and the work budget.
    int binCount() const;
    void drawMatrix();
    void drawCurves();
    void drawTrainedMarks();
    QString valueName() const;
    void onMouseMove(QMouseEvent *event);
    void setReadout(const QString &text);

    QCustomPlot *m_plot = nullptr;
    QCPAxisRect *m_offsetRect = nullptr;
    QCPMarginGroup *m_margins = nullptr; // lines the matrix, its colour scale and the offset panel up
    QCPColorMap *m_map = nullptr;
    QCPColorScale *m_scale = nullptr;
    QCPTextElement *m_matrixTitle = nullptr;
    QCPTextElement *m_offsetTitle = nullptr;
    QLabel *m_readout = nullptr;
    QLabel *m_note = nullptr;
    QSpinBox *m_headBox = nullptr;

    core::PeTable m_table;
    core::EncodingConfig m_encoding;
    int m_heads = 1;
    int m_seqLen = 0;
    int m_maxBins = 0;
    int m_alibiHead = 0;
    bool m_dirty = false;
    int m_drawnBins = -1;     // of the matrix shown
    int m_requestedBins = -1; // of the last computation asked for
    bool m_pending = false;   // a computation runs on the pool
    bool m_pendingCurves = false;
    QFutureWatcher<Result> *m_watcher = nullptr;

    core::BinnedMatrix m_matrix;
    QVector<int> m_offsets;
    QVector<QVector<double>> m_curves;
    QStringList m_curveNames;
    struct RunCurve {
        int id = 0;
        QString name;
        QColor colour;
        QVector<double> values; // at offsets 0, 1, ...
    };
    QVector<RunCurve> m_runCurves;
    QString m_lastReadout;
};

} // namespace posenc::ui
