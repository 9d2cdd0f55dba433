#include "loss_view.h"

#include "log_ticker.h"
#include "plot_export.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>
#include <utility>

namespace posenc::ui {

namespace {

const QColor kBatchColour(31, 119, 180);
const QColor kTrainColour(255, 127, 14);
const QColor kValColour(44, 160, 44);
const QColor kPreviousColour(160, 160, 160, 150);

// Non-finite losses (a diverged batch) become gaps instead of wrecking the axis ranges.
double plottable(double loss) {
    return std::isfinite(loss) ? loss : qQNaN();
}

QCPGraph *addMarkerGraph(QCustomPlot *plot, QCPScatterStyle::ScatterShape shape, const QColor &colour,
                         double size) {
    QCPGraph *graph = plot->addGraph();
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setScatterStyle(QCPScatterStyle(shape, QPen(colour, 1.5), QBrush(Qt::white), size));
    graph->setPen(QPen(colour));
    return graph;
}

} // namespace

LossView::LossView(QWidget *parent) : QWidget(parent) {
    m_logBox = new QCheckBox(tr("log scale"), this);
    m_logBox->setObjectName(QStringLiteral("logScale"));
    m_logBox->setToolTip(tr("Draw the loss on a logarithmic axis (small late losses become readable)"));
    auto *smoothLabel = new QLabel(tr("Smoothing:"), this);
    m_smoothSlider = new QSlider(Qt::Horizontal, this);
    m_smoothSlider->setObjectName(QStringLiteral("smoothing"));
    m_smoothSlider->setRange(0, 99);
    m_smoothSlider->setValue(qRound(m_alpha * 100));
    m_smoothSlider->setMaximumWidth(200);
    m_smoothSlider->setToolTip(tr("EMA factor of the smoothed line: 0 hides it, 0.99 is the smoothest"));
    smoothLabel->setBuddy(m_smoothSlider);
    m_smoothValue = new QLabel(QString::number(m_alpha, 'f', 2), this);

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(320, 150);
    setUpPlot(m_plot, tr("Training loss"), tr("step"), tr("MSE loss"));
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 210));

    // The previous run first, so the current run is drawn over it.
    m_prevRaw = m_plot->addGraph();
    m_prevRaw->setPen(QPen(kPreviousColour, 1));
    m_prevTrain = addMarkerGraph(m_plot, QCPScatterStyle::ssCircle, kPreviousColour, 6);
    m_prevVal = addMarkerGraph(m_plot, QCPScatterStyle::ssDiamond, kPreviousColour, 7);
    for (QCPGraph *graph : {m_prevRaw, m_prevTrain, m_prevVal})
        graph->removeFromLegend();

    m_raw = m_plot->addGraph();
    m_raw->setName(tr("batch loss"));
    QColor light = kBatchColour;
    light.setAlpha(90);
    m_raw->setPen(QPen(light, 1));
    m_smooth = m_plot->addGraph();
    m_smooth->setPen(QPen(kBatchColour, 2));
    m_train = addMarkerGraph(m_plot, QCPScatterStyle::ssCircle, kTrainColour, 7);
    m_train->setName(tr("train loss (epoch)"));
    m_val = addMarkerGraph(m_plot, QCPScatterStyle::ssDiamond, kValColour, 8);
    m_val->setName(tr("validation loss (epoch)"));

    auto *controls = new QHBoxLayout;
    controls->addWidget(m_logBox);
    controls->addStretch(1);
    controls->addWidget(smoothLabel);
    controls->addWidget(m_smoothSlider);
    controls->addWidget(m_smoothValue);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_plot, 1);

    connect(m_logBox, &QCheckBox::toggled, this, &LossView::setLogScale);
    connect(m_smoothSlider, &QSlider::valueChanged, this, [this](int value) { setSmoothing(value / 100.0); });
    // Dragging or zooming means the user wants to look somewhere: stop following the newest step.
    connect(m_plot, &QCustomPlot::mousePress, this, [this] { m_follow = false; });
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_follow = false; });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] {
        m_follow = true;
        showLatest();
        scheduleReplot();
    });

    setSmoothing(m_alpha);
    clear();
}

void LossView::beginRun(const QString &label) {
    if (!m_batches.isEmpty() || !m_epochs.isEmpty()) {
        // Hand the containers over instead of copying them; the current graphs get fresh ones.
        m_prevRaw->setData(m_raw->data());
        m_prevTrain->setData(m_train->data());
        m_prevVal->setData(m_val->data());
        for (QCPGraph *graph : {m_raw, m_train, m_val})
            graph->setData(QSharedPointer<QCPGraphDataContainer>::create());
        m_smooth->data()->clear();
        m_prevRaw->setName(m_runLabel.isEmpty() ? tr("previous run")
                                                : tr("previous run: %1").arg(m_runLabel));
        updateLegend();
    }
    m_batches.clear();
    m_epochs.clear();
    m_ema = 0;
    m_emaValid = false;
    m_runLabel = label;
    m_follow = true;
    showLatest();
    scheduleReplot();
}

void LossView::clear() {
    for (QCPGraph *graph : {m_raw, m_smooth, m_train, m_val, m_prevRaw, m_prevTrain, m_prevVal})
        graph->data()->clear();
    updateLegend();
    m_batches.clear();
    m_epochs.clear();
    m_ema = 0;
    m_emaValid = false;
    m_runLabel.clear();
    m_follow = true;
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(logScale() ? QCPRange(1e-3, 1) : QCPRange(0, 1));
    scheduleReplot();
}

void LossView::appendBatchLosses(const QVector<core::BatchLoss> &losses) {
    if (losses.isEmpty())
        return;
    QVector<double> keys, raw, smooth;
    keys.reserve(losses.size());
    raw.reserve(losses.size());
    smooth.reserve(losses.size());
    for (const core::BatchLoss &batch : losses) {
        m_batches.append(batch);
        keys << double(batch.step);
        raw << plottable(batch.loss);
        smooth << stepEma(batch.loss);
    }
    m_raw->addData(keys, raw, true);
    m_smooth->addData(keys, smooth, true);
    if (m_follow)
        showLatest();
    scheduleReplot();
}

void LossView::addEpoch(const core::EpochStats &stats) {
    m_epochs.append(stats);
    m_train->addData(double(stats.step), plottable(stats.trainLoss));
    m_val->addData(double(stats.step), plottable(stats.valLoss));
    if (m_follow)
        showLatest();
    scheduleReplot();
}

void LossView::setLogScale(bool on) {
    if (m_logBox->isChecked() != on) {
        const QSignalBlocker blocker(m_logBox);
        m_logBox->setChecked(on);
    }
    QCPAxis *axis = m_plot->yAxis;
    if (on) {
        // Only positive losses have a place on a log axis: QCustomPlot sanitises the range and the
        // value-range search below skips everything <= 0.
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<DistinctLogTicker>::create());
        axis->setNumberFormat(QStringLiteral("eb"));
        axis->setNumberPrecision(0);
    } else {
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        axis->setNumberFormat(QStringLiteral("gbd"));
        axis->setNumberPrecision(6);
    }
    fitValueAxis();
    scheduleReplot();
}

bool LossView::logScale() const {
    return m_plot->yAxis->scaleType() == QCPAxis::stLogarithmic;
}

void LossView::updateLegend() {
    // Rebuilt in one fixed order, so toggling the smoothing never reorders the entries.
    m_plot->legend->clearItems();
    for (QCPGraph *graph : {m_raw, m_smooth, m_train, m_val, m_prevRaw}) {
        const bool shown = graph == m_smooth ? m_alpha > 0 : graph == m_prevRaw ? hasPreviousRun() : true;
        if (shown)
            graph->addToLegend();
    }
}

QStringList LossView::legendNames() const {
    QStringList names;
    for (int i = 0; i < m_plot->legend->itemCount(); ++i)
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(m_plot->legend->item(i)))
            names << item->plottable()->name();
    return names;
}

void LossView::setSmoothing(double alpha) {
    m_alpha = alpha >= 0 ? qMin(alpha, 0.99) : 0.0;
    {
        const QSignalBlocker blocker(m_smoothSlider);
        m_smoothSlider->setValue(qRound(m_alpha * 100));
    }
    m_smoothValue->setText(QString::number(m_alpha, 'f', 2));
    m_smooth->setName(tr("smoothed (EMA %1)").arg(m_alpha, 0, 'f', 2));
    m_smooth->setVisible(m_alpha > 0);
    updateLegend();
    recomputeSmoothing();
    scheduleReplot();
}

int LossView::batchPointCount() const {
    return m_raw->dataCount();
}

int LossView::epochPointCount() const {
    return m_train->dataCount();
}

int LossView::validationPointCount() const {
    return m_val->dataCount();
}

bool LossView::hasPreviousRun() const {
    return m_prevRaw->dataCount() > 0 || m_prevTrain->dataCount() > 0 || m_prevVal->dataCount() > 0;
}

int LossView::previousBatchPointCount() const {
    return m_prevRaw->dataCount();
}

QString LossView::writeEpochCsv(const QString &path) const {
    return core::writeEpochCsv(m_epochs, path);
}

QString LossView::writeBatchCsv(const QString &path) const {
    return core::writeBatchCsv(m_batches, path);
}

void LossView::recomputeSmoothing() {
    m_ema = 0;
    m_emaValid = false;
    QVector<double> keys, values;
    keys.reserve(m_batches.size());
    values.reserve(m_batches.size());
    for (const core::BatchLoss &batch : std::as_const(m_batches)) {
        keys << double(batch.step);
        values << stepEma(batch.loss);
    }
    m_smooth->setData(keys, values, true);
}

void LossView::scheduleReplot() {
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

double LossView::stepEma(double loss) {
    if (std::isfinite(loss)) {
        m_ema = m_emaValid ? m_alpha * m_ema + (1 - m_alpha) * loss : loss;
        m_emaValid = true;
    }
    return m_emaValid ? m_ema : qQNaN();
}

void LossView::showLatest() {
    double last = 0;
    if (!m_batches.isEmpty())
        last = double(m_batches.last().step);
    if (!m_epochs.isEmpty())
        last = qMax(last, double(m_epochs.last().step));
    if (last <= 0) {
        bool found = false;
        const QCPRange previous = m_prevRaw->getKeyRange(found);
        last = found ? previous.upper : 1;
    }
    // A little room on the right so the newest epoch marker is not cut in half.
    m_plot->xAxis->setRange(0, last + qMax(1.0, 0.02 * last));
    fitValueAxis();
}

void LossView::fitValueAxis() {
    const bool log = logScale();
    const QCPRange steps = m_plot->xAxis->range();
    QCPRange range;
    bool any = false;
    for (QCPGraph *graph : {m_raw, m_smooth, m_train, m_val, m_prevRaw, m_prevTrain, m_prevVal}) {
        if (!graph->visible())
            continue;
        bool found = false;
        const QCPRange r = graph->getValueRange(found, log ? QCP::sdPositive : QCP::sdBoth, steps);
        if (!found)
            continue;
        if (any)
            range.expand(r);
        else
            range = r;
        any = true;
    }
    if (!any)
        return;
    if (log) {
        m_plot->yAxis->setRange(range.lower / 1.3, range.upper * 1.3);
    } else {
        const double pad = range.size() > 0 ? 0.05 * range.size() : qMax(1e-3, 0.05 * std::abs(range.upper));
        const double lower = range.lower >= 0 ? qMax(0.0, range.lower - pad) : range.lower - pad;
        m_plot->yAxis->setRange(lower, range.upper + pad);
    }
}

} // namespace posenc::ui
