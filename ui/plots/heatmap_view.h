#pragma once
// The PE matrix as a colour map: position on x, dimension on y, a colour scale labelled
// "PE value" (diverging and fixed to [-1, 1] for the sinusoidal kinds), wheel zoom, drag pan,
// double-click reset, and a hover readout of the cell under the mouse. With more cells than
// pixels each pixel shows the mean of the cells it covers (BinnedColorMap), and the readout
// says how many cells a pixel holds.

#include "encoding/pe_table.h"
#include "settings/config.h"

#include <QWidget>

class QCustomPlot;
class QCPColorScale;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QLabel;
class QMouseEvent;

namespace posenc::ui {

class BinnedColorMap;

class HeatmapView : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapView(QWidget *parent = nullptr);

    // Shows `table` (rows = positions, cols = dimensions) drawn for `encoding`.
    void setTable(const core::PeTable &table, const core::EncodingConfig &encoding);
    const core::EncodingConfig &encoding() const { return m_encoding; }

    // The table's size: positions (x) and dimensions (y).
    int positions() const;
    int dimensions() const;
    // The colour scale's range: fixed [-1, 1] for the sinusoidal kinds; for a learned table
    // symmetric around 0 and only growing while the same run refreshes it, so cells that never
    // train keep their colour.
    double rangeLower() const;
    double rangeUpper() const;
    // A new run begins: the learned range starts from its next table again.
    void resetColorRange();
    // Marks positions < `seqLen` of a learned table as "trained positions" (0 hides the mark).
    void setTrainedLength(int seqLen);
    int trainedLength() const { return m_trainedLength; }

    // The readout of one cell, e.g. "position 3 · dimension 4 · sin, i = 2 · wavelength 62.83
    // positions · value 0.04799"; the `learned` and `none` kinds have no sin/cos part.
    QString readout(int position, int dim) const;
    // The cell under a pixel of the plot widget; false outside the map.
    bool cellAt(const QPointF &pixel, int *position, int *dim) const;
    // What a pixel at `pixel` shows when it holds more than one cell, e.g. "1 px = 5.2 positions
    // · pixel mean 0.01234"; empty when every visible cell has a pixel or more.
    QString binningNote(const QPointF &pixel) const;
    // False while the bins of a big view are computed off the GUI thread (the last ones show).
    bool binsCurrent() const;
    // Shows the whole table again (also on double-click).
    void resetView();

    QCustomPlot *plot() const { return m_plot; }

Q_SIGNALS:
    // The position under the mouse, or -1 when the mouse leaves the map.
    void hoveredPosition(int position);
    // The readout of the hovered cell (empty when leaving).
    void readoutChanged(const QString &text);
    // The visible position range (x axis) changed by a zoom, pan, reset or new table.
    void positionRangeChanged(double lower, double upper);

protected:
    // Notices the mouse leaving the plot (hoveredPosition(-1)).
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onMouseMove(QMouseEvent *event);
    // Sets the hovered cell (-1 for none) and its readout, and emits the signals when they change.
    void setHovered(int position, int dim, const QString &text);

    QCustomPlot *m_plot = nullptr;
    BinnedColorMap *m_map = nullptr;
    QCPColorScale *m_scale = nullptr;
    QCPTextElement *m_title = nullptr;
    QLabel *m_readout = nullptr;
    core::EncodingConfig m_encoding;
    core::PeTable m_table;
    QCPItemStraightLine *m_trainedLine = nullptr;
    QCPItemText *m_trainedLabel = nullptr;
    double m_learnedBound = 0; // the learned range's half-width so far (0: none yet)
    int m_trainedLength = 0;
    int m_hoveredPosition = -1;
    int m_hoveredDim = -1;
    QString m_hoverText;
};

} // namespace posenc::ui
