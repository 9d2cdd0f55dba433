#pragma once
// PE value against position for chosen dimensions: each sin/cos pair shares a hue (sine solid,
// cosine dashed), legend entries read "dim 4 · sin · i=2", and a vertical cursor follows the
// position hovered in the heatmap.

#include "config.h"
#include "pe_table.h"

#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;
class QLineEdit;

namespace posenc::ui {

class CurvesView : public QWidget {
    Q_OBJECT
public:
    explicit CurvesView(QWidget *parent = nullptr);

    // Redraws the chosen dimensions from `table` (dimensions beyond d_model are dropped).
    void setTable(const core::PeTable &table, const core::EncodingConfig &encoding);
    // Chooses the dimensions to draw; the default is the first four sin/cos pairs, 0..7.
    void setDimensions(const QVector<int> &dims);
    QVector<int> dimensions() const { return m_dims; }
    // Parses "0-3, 8, 10" into dimensions; false (and `error`) on bad text.
    static bool parseDimensions(const QString &text, int dModel, QVector<int> *dims, QString *error);

    // Moves the vertical cursor to a position; -1 hides it.
    void setCursorPosition(int position);
    int cursorPosition() const { return m_cursor; }

    // The legend label of a dimension for `encoding`, e.g. "dim 4 · sin · i=2".
    static QString legendLabel(const core::EncodingConfig &encoding, int dim);

    QCustomPlot *plot() const { return m_plot; }

private:
    void rebuild();

    QCustomPlot *m_plot = nullptr;
    QCPItemStraightLine *m_cursorLine = nullptr;
    QLineEdit *m_dimsEdit = nullptr;
    core::PeTable m_table;
    core::EncodingConfig m_encoding;
    QVector<int> m_dims{0, 1, 2, 3, 4, 5, 6, 7};
    int m_cursor = -1;
};

} // namespace posenc::ui
