#pragma once
// PE value against position for chosen dimensions: each sin/cos pair shares a hue (sine solid,
// cosine dashed), legend entries read "dim 4 · sin · i=2", and a vertical cursor follows the
// position hovered in the heatmap.

#include "encoding/pe_table.h"
#include "settings/config.h"

#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;
class QLabel;
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
    // Applies dimensions given as text, and shows them in the field above the plot in canonical
    // form; on bad text shows the reason in red under the field, keeps the previous dimensions and
    // returns false.
    bool applyDimensionsText(const QString &text);
    // The field is named "dimensions", its red message "dimensionsError" and the cursor's readout
    // "cursorReadout" (for findChild).
    // The most curves drawn at once.
    static constexpr int kMaxCurves = 64;

    // Moves the vertical cursor to a position and reads the drawn curves there; -1 hides it.
    void setCursorPosition(int position);
    int cursorPosition() const { return m_cursor; }
    // Shows positions [lower, upper] (the heatmap's visible range); from then on a reset returns
    // to the last range given here instead of 0..100.
    void setPositionRange(double lower, double upper);

    // The legend label of a dimension for `encoding`, e.g. "dim 4 · sin · i=2".
    static QString legendLabel(const core::EncodingConfig &encoding, int dim);

    // Shows the followed position range (else 0..100, or the whole table if shorter) and every
    // curve's values again (also on double-click).
    void resetView();

    QCustomPlot *plot() const { return m_plot; }

private:
    void rebuild();
    // Parses `text` for the current d_model; applies it when valid (rewriting the field to its
    // canonical form only if `rewriteField`), else keeps the dimensions; shows the message either way.
    bool applyText(const QString &text, bool rewriteField);
    // Draws `dims` (sorted, unique) without touching the field.
    void drawDimensions(const QVector<int> &dims);
    // Fits the y axis to [-1.1, 1.1] or to the curves, whichever is wider.
    void fitValueAxis();
    // Shows the input error, else the note about dropped dimensions, under the field.
    void showMessage();
    // The values of the drawn curves at the cursor, e.g. "position 4000 · dim 0 = -0.6 · …".
    void updateCursorReadout();

    QCustomPlot *m_plot = nullptr;
    QCPItemStraightLine *m_cursorLine = nullptr;
    QLineEdit *m_dimsEdit = nullptr;
    QLabel *m_dimsError = nullptr;
    QLabel *m_cursorReadout = nullptr;
    QString m_inputError;
    QString m_droppedNote;
    core::PeTable m_table;
    core::EncodingConfig m_encoding;
    QVector<int> m_dims{0, 1, 2, 3, 4, 5, 6, 7};
    int m_cursor = -1;
    bool m_followsRange = false; // setPositionRange was called: resets go to m_followedRange
    double m_followedLower = 0, m_followedUpper = 0;
};

} // namespace posenc::ui
