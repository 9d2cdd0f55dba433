#include "plots/heatmap_view.h"

#include "plots/binned_color_map.h"
#include "plots/palette.h"
#include "plots/plot_export.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace posenc::ui {

namespace {

const QString kHint = QStringLiteral("Move the mouse over the map to read a cell.");

QString kindTitle(core::PeKind kind) {
    switch (kind) {
    case core::PeKind::Sinusoidal:
        return QStringLiteral("Sinusoidal positional encoding");
    case core::PeKind::SinusoidalConcat:
        return QStringLiteral("Sinusoidal (concatenated) positional encoding");
    case core::PeKind::Learned:
        return QStringLiteral("Learned positional encoding");
    case core::PeKind::None:
        return QStringLiteral("No positional encoding (all zeros)");
    case core::PeKind::Rope:
        return QStringLiteral("RoPE: no additive table (queries and keys are rotated in attention)");
    case core::PeKind::Alibi:
        return QStringLiteral("ALiBi: no additive table (attention scores get a distance bias)");
    }
    return {};
}

// Four significant digits without an exponent for readable sizes ("6.283", "62832").
QString fourDigits(double v) {
    if (!std::isfinite(v) || v == 0 || std::abs(v) >= 1e7)
        return QString::number(v, 'g', 4);
    const int decimals = qMax(0, 3 - int(std::floor(std::log10(std::abs(v)))));
    return QString::number(v, 'f', decimals);
}

// Cells per pixel for the readout: "5.2", "48".
QString cellsPerPixel(double cells) {
    return QString::number(cells, 'f', cells < 100 ? 1 : 0);
}

} // namespace

HeatmapView::HeatmapView(QWidget *parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(320, 120);
    m_plot->setMouseTracking(true);
    m_title = setUpPlot(m_plot, kindTitle(m_encoding.kind), tr("position"), tr("dimension"));
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        axis->setTicker(ticker);
        axis->grid()->setVisible(false);
    }

    m_map = new BinnedColorMap(m_plot->xAxis, m_plot->yAxis);

    m_scale = new QCPColorScale(m_plot);
    m_scale->setType(QCPAxis::atRight);
    m_scale->axis()->setLabel(tr("PE value"));
    m_scale->setRangeDrag(false);
    m_scale->setRangeZoom(false);
    m_plot->plotLayout()->addElement(1, 1, m_scale);
    m_map->setColorScale(m_scale);
    m_map->setGradient(divergingGradient());
    m_map->setDataRange(QCPRange(-1, 1));

    auto *group = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);

    m_readout = new QLabel(kHint, this);
    m_readout->setObjectName(QStringLiteral("readout"));
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setToolTip(tr("The cell under the mouse: its position, dimension, which sine or cosine "
                             "it is, its wavelength and its value; where a pixel holds several cells, "
                             "how many, and the mean the pixel shows"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_readout);

    connect(m_plot, &QCustomPlot::mouseMove, this, &HeatmapView::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, &HeatmapView::resetView);
    connect(m_plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), this,
            [this](const QCPRange &range) { Q_EMIT positionRangeChanged(range.lower, range.upper); });
    m_plot->installEventFilter(this);
    resetView();
}

void HeatmapView::resetColorRange() {
    m_learnedBound = 0;
}

void HeatmapView::setTrainedLength(int seqLen) {
    m_trainedLength = seqLen;
    if (!m_trainedLine) {
        m_trainedLine = new QCPItemStraightLine(m_plot);
        m_trainedLine->setPen(QPen(Qt::black, 1.5, Qt::DashLine));
        m_trainedLabel = new QCPItemText(m_plot);
        m_trainedLabel->setText(tr("trained positions"));
        m_trainedLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
        m_trainedLabel->setBrush(QColor(255, 255, 255, 200));
        m_trainedLabel->setClipToAxisRect(true);
    }
    const bool shown = m_encoding.kind == core::PeKind::Learned && seqLen > 0 && seqLen < m_encoding.maxLen;
    const double x = seqLen - 0.5; // the border between the last trained position and the next
    m_trainedLine->point1->setCoords(x, 0);
    m_trainedLine->point2->setCoords(x, 1);
    m_trainedLabel->position->setType(QCPItemPosition::ptPlotCoords);
    m_trainedLabel->position->setCoords(x, m_encoding.dModel - 0.5);
    m_trainedLine->setVisible(shown);
    m_trainedLabel->setVisible(shown);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HeatmapView::setTable(const core::PeTable &table, const core::EncodingConfig &encoding) {
    // A new size shows the whole table; the same size (a learned table refreshing each epoch, a
    // new base) keeps the user's zoom.
    const bool resized = table.rows != m_table.rows || table.cols != m_table.cols;
    m_table = table;
    m_encoding = encoding;
    m_map->setTable(table); // binned at the next draw, for the pixels it is drawn on

    if (core::isSinusoidal(encoding.kind)) {
        m_map->setGradient(divergingGradient());
        m_map->setDataRange(QCPRange(-1, 1));
    } else if (encoding.kind == core::PeKind::Learned) {
        // The whole table's range, not the drawn means', so the colours stay put while zooming;
        // symmetric, and only growing while the same run refreshes its table.
        if (resized)
            m_learnedBound = 0;
        for (float v : table.values)
            m_learnedBound = std::max(m_learnedBound, double(std::abs(v)));
        m_map->setGradient(divergingGradient());
        m_map->setDataRange(m_learnedBound > 0 ? QCPRange(-m_learnedBound, m_learnedBound) : QCPRange(-1, 1));
    } else {
        m_map->setGradient(sequentialGradient());
        const auto [lo, hi] = std::minmax_element(table.values.cbegin(), table.values.cend());
        const double lower = table.isEmpty() ? 0.0 : *lo, upper = table.isEmpty() ? 0.0 : *hi;
        m_map->setDataRange(upper > lower ? QCPRange(lower, upper) : QCPRange(lower - 1, upper + 1));
    }
    if (encoding.kind != core::PeKind::Learned)
        m_learnedBound = 0;
    setTrainedLength(m_trainedLength);
    m_title->setText(QStringLiteral("%1 \u00b7 d_model %2 \u00b7 max_len %3")
                         .arg(kindTitle(encoding.kind))
                         .arg(encoding.dModel)
                         .arg(encoding.maxLen));

    // Keep the readout of a still-valid hovered cell current.
    if (m_hoveredPosition >= table.rows || m_hoveredDim >= table.cols)
        setHovered(-1, -1, QString());
    else if (m_hoveredPosition >= 0)
        setHovered(m_hoveredPosition, m_hoveredDim, readout(m_hoveredPosition, m_hoveredDim));
    if (resized)
        resetView();
    else
        m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int HeatmapView::positions() const {
    return m_table.rows;
}

int HeatmapView::dimensions() const {
    return m_table.cols;
}

double HeatmapView::rangeLower() const {
    return m_map->dataRange().lower;
}

double HeatmapView::rangeUpper() const {
    return m_map->dataRange().upper;
}

QString HeatmapView::readout(int position, int dim) const {
    if (position < 0 || position >= m_table.rows || dim < 0 || dim >= m_table.cols)
        return {};
    QString text = QStringLiteral("position %1 \u00b7 dimension %2").arg(position).arg(dim);
    if (core::isSinusoidal(m_encoding.kind)) {
        const core::PeColumnInfo info = core::columnInfo(m_encoding, dim);
        text += QStringLiteral(" \u00b7 %1, i = %2 \u00b7 wavelength %3 positions")
                    .arg(info.isSin ? QStringLiteral("sin") : QStringLiteral("cos"))
                    .arg(info.freqIndex)
                    .arg(fourDigits(info.wavelength));
    }
    const double value = m_table.at(position, dim);
    text += QStringLiteral(" \u00b7 value %1").arg(QString::number(value == 0 ? 0.0 : value, 'g', 4));
    return text;
}

bool HeatmapView::cellAt(const QPointF &pixel, int *position, int *dim) const {
    if (m_table.isEmpty() || !m_plot->axisRect()->rect().contains(pixel.toPoint()))
        return false;
    // Cell k is centred on coordinate k, so rounding the coordinate finds it.
    const int p = int(std::floor(m_plot->xAxis->pixelToCoord(pixel.x()) + 0.5));
    const int d = int(std::floor(m_plot->yAxis->pixelToCoord(pixel.y()) + 0.5));
    if (p < 0 || p >= m_table.rows || d < 0 || d >= m_table.cols)
        return false;
    if (position)
        *position = p;
    if (dim)
        *dim = d;
    return true;
}

bool HeatmapView::binsCurrent() const {
    return !m_map->isBinning();
}

void HeatmapView::resetView() {
    m_plot->xAxis->setRange(-0.5, qMax(positions(), 1) - 0.5);
    m_plot->yAxis->setRange(-0.5, qMax(dimensions(), 1) - 0.5);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString HeatmapView::binningNote(const QPointF &pixel) const {
    const QRect rect = m_plot->axisRect()->rect();
    if (m_table.isEmpty() || !rect.contains(pixel.toPoint()))
        return {};
    // The same bins BinnedColorMap draws on screen.
    const QCPRange x = m_plot->xAxis->range(), y = m_plot->yAxis->range();
    const AxisBins keys = binAxis(m_table.rows, x.lower, x.upper, rect.width());
    const AxisBins values = binAxis(m_table.cols, y.lower, y.upper, rect.height());
    if (!keys.binned && !values.binned)
        return {};
    QStringList sizes;
    if (keys.binned)
        sizes << tr("%1 positions").arg(cellsPerPixel(keys.cellsPerBin));
    if (values.binned)
        sizes << tr("%1 dimensions").arg(cellsPerPixel(values.cellsPerBin));
    QString text = tr("1 px = %1").arg(sizes.join(QStringLiteral(" \u00d7 ")));
    const int k = keys.binAt(m_plot->xAxis->pixelToCoord(pixel.x()));
    const int v = values.binAt(m_plot->yAxis->pixelToCoord(pixel.y()));
    if (k >= 0 && v >= 0) {
        const double mean = binMean(m_table, keys, k, values, v);
        text += tr(" \u00b7 pixel mean %1").arg(QString::number(std::abs(mean) < 5e-7 ? 0.0 : mean, 'g', 4));
    }
    return text;
}

bool HeatmapView::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_plot && event->type() == QEvent::Leave)
        setHovered(-1, -1, QString());
    return QWidget::eventFilter(watched, event);
}

void HeatmapView::onMouseMove(QMouseEvent *event) {
    int p = -1, d = -1;
    if (!cellAt(event->position(), &p, &d)) {
        setHovered(-1, -1, QString());
        return;
    }
    QString text = readout(p, d);
    const QString note = binningNote(event->position());
    if (!note.isEmpty())
        text += QStringLiteral(" \u00b7 ") + note;
    setHovered(p, d, text);
}

void HeatmapView::setHovered(int position, int dim, const QString &text) {
    if (position == m_hoveredPosition && dim == m_hoveredDim && text == m_hoverText)
        return;
    const bool positionChanged = position != m_hoveredPosition;
    m_hoveredPosition = position;
    m_hoveredDim = dim;
    m_hoverText = text;
    m_readout->setText(text.isEmpty() ? kHint : text);
    Q_EMIT readoutChanged(text);
    if (positionChanged)
        Q_EMIT hoveredPosition(position);
}

} // namespace posenc::ui
