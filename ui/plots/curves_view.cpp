#include "plots/curves_view.h"

#include "plots/palette.h"
#include "plots/plot_export.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace posenc::ui {

namespace {

constexpr int kDefaultVisiblePositions = 100;
const QString kCursorHint =
    QStringLiteral("Move the mouse over the heatmap to read the curves at a position.");

// "0-3, 8" for {0, 1, 2, 3, 8}.
QString formatDimensions(const QVector<int> &dims) {
    QStringList parts;
    for (int i = 0; i < dims.size();) {
        int j = i;
        while (j + 1 < dims.size() && dims[j + 1] == dims[j] + 1)
            ++j;
        parts << (j > i ? QStringLiteral("%1-%2").arg(dims[i]).arg(dims[j]) : QString::number(dims[i]));
        i = j + 1;
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

CurvesView::CurvesView(QWidget *parent) : QWidget(parent) {
    auto *dimsLabel = new QLabel(tr("Dimensions:"), this);
    m_dimsEdit = new QLineEdit(formatDimensions(m_dims), this);
    m_dimsEdit->setObjectName(QStringLiteral("dimensions"));
    m_dimsEdit->setPlaceholderText(tr("e.g. 0-3, 8, 10"));
    m_dimsEdit->setToolTip(tr("The dimensions to draw: numbers and ranges separated by commas, e.g. "
                              "\"0-3, 8, 10\"; applied as you type"));
    dimsLabel->setBuddy(m_dimsEdit);
    m_dimsError = new QLabel(this);
    m_dimsError->setObjectName(QStringLiteral("dimensionsError"));
    m_dimsError->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_dimsError->setWordWrap(true);
    m_dimsError->hide();

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(320, 110);
    setUpPlot(m_plot, tr("PE value per dimension"), tr("position"), tr("PE value"));
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);

    placeLegendBeside(m_plot);

    // Solid curves as single segments: Qt strokes a wide antialiased polyline as one path, which
    // took ~150 ms per replot for 8 curves (and the cursor replots on every mouse move).
    m_plot->setPlottingHint(QCP::phFastPolylines, true);

    m_cursorLine = new QCPItemStraightLine(m_plot);
    m_cursorLine->setPen(QPen(QColor(40, 40, 40), 1, Qt::DashLine));
    m_cursorLine->setSelectable(false);
    m_cursorLine->setVisible(false);

    m_cursorReadout = new QLabel(kCursorHint, this);
    m_cursorReadout->setObjectName(QStringLiteral("cursorReadout"));
    m_cursorReadout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cursorReadout->setWordWrap(true);

    auto *dimsRow = new QHBoxLayout;
    dimsRow->addWidget(dimsLabel);
    dimsRow->addWidget(m_dimsEdit, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(dimsRow);
    layout->addWidget(m_dimsError);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_cursorReadout);

    // Applies as the user types, never rewriting the field under the cursor: a partial entry
    // ("10-") shows why it is not a selection yet and keeps the last valid one.
    connect(m_dimsEdit, &QLineEdit::textEdited, this,
            [this](const QString &text) { applyText(text, false); });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, &CurvesView::resetView);
    resetView();
}

void CurvesView::setTable(const core::PeTable &table, const core::EncodingConfig &encoding) {
    const bool newLength = table.rows != m_table.rows;
    m_table = table;
    m_encoding = encoding;
    rebuild();
    if (newLength)
        resetView();
    else
        fitValueAxis();
    updateCursorReadout();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CurvesView::setDimensions(const QVector<int> &dims) {
    drawDimensions(dims);
    m_dimsEdit->setText(formatDimensions(m_dims));
}

void CurvesView::drawDimensions(const QVector<int> &dims) {
    m_dims = dims;
    std::sort(m_dims.begin(), m_dims.end());
    m_dims.erase(std::unique(m_dims.begin(), m_dims.end()), m_dims.end());
    rebuild();
    fitValueAxis();
    updateCursorReadout();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool CurvesView::parseDimensions(const QString &text, int dModel, QVector<int> *dims, QString *error) {
    static const QRegularExpression item(
        QStringLiteral("^\\s*(\\d{1,9})\\s*(?:[-\u2013]\\s*(\\d{1,9})\\s*)?$"));
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    QVector<int> result;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (part.trimmed().isEmpty())
            continue;
        const QRegularExpressionMatch m = item.match(part);
        if (!m.hasMatch())
            return fail(tr("\"%1\" is not a dimension or a range like 0-3").arg(part.trimmed()));
        const int first = m.captured(1).toInt();
        const int last = m.captured(2).isEmpty() ? first : m.captured(2).toInt();
        if (last < first)
            return fail(
                tr("\"%1\": a range goes from the lower to the higher dimension").arg(part.trimmed()));
        if (last >= dModel)
            return fail(tr("Dimension %1 does not exist: d_model is %2, so dimensions run from 0 to %3")
                            .arg(last)
                            .arg(dModel)
                            .arg(dModel - 1));
        if (last - first >= kMaxCurves)
            return fail(tr("At most %1 curves at a time").arg(kMaxCurves));
        for (int d = first; d <= last; ++d)
            result << d;
    }
    if (result.isEmpty())
        return fail(tr("Enter at least one dimension, e.g. 0-3, 8"));
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    if (result.size() > kMaxCurves)
        return fail(tr("At most %1 curves at a time").arg(kMaxCurves));
    if (dims)
        *dims = result;
    return true;
}

bool CurvesView::applyDimensionsText(const QString &text) {
    return applyText(text, true);
}

bool CurvesView::applyText(const QString &text, bool rewriteField) {
    QVector<int> dims;
    QString error;
    const bool ok = parseDimensions(text, m_encoding.dModel, &dims, &error);
    m_inputError = ok ? QString() : error;
    if (ok && rewriteField)
        setDimensions(dims);
    else if (ok)
        drawDimensions(dims);
    showMessage();
    return ok;
}

void CurvesView::showMessage() {
    m_dimsError->setText(m_inputError.isEmpty() ? m_droppedNote : m_inputError);
    m_dimsError->setVisible(!m_dimsError->text().isEmpty());
}

void CurvesView::setCursorPosition(int position) {
    m_cursor = position < 0 ? -1 : position;
    m_cursorLine->setVisible(m_cursor >= 0);
    if (m_cursor >= 0) {
        m_cursorLine->point1->setCoords(m_cursor, 0);
        m_cursorLine->point2->setCoords(m_cursor, 1);
    }
    updateCursorReadout();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CurvesView::updateCursorReadout() {
    if (m_cursor < 0 || m_cursor >= m_table.rows) {
        m_cursorReadout->setText(kCursorHint);
        return;
    }
    QStringList parts{QStringLiteral("position %1").arg(m_cursor)};
    for (int dim : std::as_const(m_dims))
        if (dim < m_table.cols) {
            const double value = m_table.at(m_cursor, dim);
            parts << QStringLiteral("dim %1 = %2")
                         .arg(dim)
                         .arg(QString::number(value == 0 ? 0.0 : value, 'g', 4));
        }
    m_cursorReadout->setText(parts.join(QStringLiteral(" \u00b7 ")));
}

void CurvesView::setPositionRange(double lower, double upper) {
    m_followsRange = true;
    m_followedLower = lower;
    m_followedUpper = upper;
    m_plot->xAxis->setRange(lower, upper);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString CurvesView::legendLabel(const core::EncodingConfig &encoding, int dim) {
    if (!core::isSinusoidal(encoding.kind))
        return QStringLiteral("dim %1").arg(dim);
    const core::PeColumnInfo info = core::columnInfo(encoding, dim);
    return QStringLiteral("dim %1 \u00b7 %2 \u00b7 i=%3")
        .arg(dim)
        .arg(info.isSin ? QStringLiteral("sin") : QStringLiteral("cos"))
        .arg(info.freqIndex);
}

void CurvesView::resetView() {
    const int upper = qMin(m_table.rows - 1, kDefaultVisiblePositions);
    if (m_followsRange)
        m_plot->xAxis->setRange(m_followedLower, m_followedUpper);
    else
        m_plot->xAxis->setRange(0, qMax(upper, 1));
    fitValueAxis();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CurvesView::rebuild() {
    m_plot->clearGraphs();
    QVector<int> dropped;
    QVector<double> keys(m_table.rows);
    for (int p = 0; p < m_table.rows; ++p)
        keys[p] = p;
    const bool sinusoidal = core::isSinusoidal(m_encoding.kind);
    for (int dim : std::as_const(m_dims)) {
        if (dim >= m_table.cols) {
            dropped << dim;
            continue;
        }
        QVector<double> values(m_table.rows);
        for (int p = 0; p < m_table.rows; ++p)
            values[p] = m_table.at(p, dim);
        QCPGraph *graph = m_plot->addGraph();
        graph->setName(legendLabel(m_encoding, dim));
        // A sin/cos pair shares the hue of its frequency index; the cosine is dashed.
        const core::PeColumnInfo info = core::columnInfo(m_encoding, dim);
        const int hue = sinusoidal ? info.freqIndex : m_plot->graphCount() - 1;
        // Dashed curves stay polylines (for the dash pattern), which Qt only draws fast 1 px wide.
        const bool dashed = sinusoidal && !info.isSin;
        QPen pen(categoricalColor(hue), dashed ? 1.0 : 1.6);
        pen.setStyle(dashed ? Qt::DashLine : Qt::SolidLine);
        graph->setPen(pen);
        graph->setData(keys, values, true);
    }
    m_droppedNote =
        dropped.isEmpty() || m_table.isEmpty()
            ? QString()
            : tr("Not drawn: dimension %1 (d_model is %2)").arg(formatDimensions(dropped)).arg(m_table.cols);
    showMessage();
}

void CurvesView::fitValueAxis() {
    // Sinusoids always get their full [-1, 1]; a learned table's small values get the data's range.
    const bool sinusoidal = core::isSinusoidal(m_encoding.kind);
    QCPRange range(-1.1, 1.1);
    bool any = sinusoidal;
    for (int i = 0; i < m_plot->graphCount(); ++i) {
        bool found = false;
        const QCPRange r = m_plot->graph(i)->getValueRange(found);
        if (!found)
            continue;
        const QCPRange padded(r.lower - 0.05 * r.size(), r.upper + 0.05 * r.size());
        range = any ? range.expanded(padded) : padded;
        any = true;
    }
    if (range.size() <= 0)
        range = QCPRange(range.lower - 1, range.upper + 1); // all zeros (`none`)
    m_plot->yAxis->setRange(range);
}

} // namespace posenc::ui
