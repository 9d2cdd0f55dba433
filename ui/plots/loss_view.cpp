#include "plots/loss_view.h"

#include "plots/log_ticker.h"
#include "plots/plot_export.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace posenc::ui {

namespace {

const QColor kKeyColour(90, 90, 90);
constexpr int kRawAlpha = 70;

// Non-finite losses (a diverged batch) become gaps instead of wrecking the axis ranges.
double plottable(double loss) {
    return std::isfinite(loss) ? loss : qQNaN();
}

QCPGraph *addMarkerGraph(QCustomPlot *plot, QCPScatterStyle::ScatterShape shape, double size) {
    QCPGraph *graph = plot->addGraph();
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setScatterStyle(QCPScatterStyle(shape, size));
    return graph;
}

void styleMarkers(QCPGraph *graph, const QColor &colour, bool filled) {
    QCPScatterStyle style = graph->scatterStyle();
    style.setPen(QPen(colour, 1.5));
    style.setBrush(filled ? QBrush(colour) : QBrush(Qt::white));
    graph->setScatterStyle(style);
    graph->setPen(QPen(colour));
}

QString lossText(double loss) {
    return std::isfinite(loss) ? QString::number(loss, 'g', 4) : QStringLiteral("\u2014");
}

const QVector<core::BatchLoss> kNoBatches;
const QVector<core::EpochStats> kNoEpochs;

} // namespace

void LossView::Envelope::add(double value) {
    if (!std::isfinite(value))
        return;
    lower = std::min(lower, value);
    upper = std::max(upper, value);
    if (value > 0)
        positive = std::min(positive, value);
}

QHBoxLayout *LossView::createControls() {
    m_logBox = new QCheckBox(tr("log scale"), this);
    m_logBox->setObjectName(QStringLiteral("logScale"));
    m_logBox->setToolTip(tr("Draw the loss on a logarithmic axis (small late losses become readable)"));
    auto *smoothLabel = new QLabel(tr("Smoothing:"), this);
    m_smoothSlider = new QSlider(Qt::Horizontal, this);
    m_smoothSlider->setObjectName(QStringLiteral("smoothing"));
    m_smoothSlider->setRange(0, 99);
    m_smoothSlider->setValue(qRound(m_alpha * 100));
    m_smoothSlider->setMaximumWidth(200);
    m_smoothSlider->setToolTip(tr("EMA factor of the smoothed lines: 0 hides them, 0.99 is the smoothest"));
    smoothLabel->setBuddy(m_smoothSlider);
    m_smoothValue = new QLabel(QString::number(m_alpha, 'f', 2), this);
    auto *controls = new QHBoxLayout;
    controls->addWidget(m_logBox);
    controls->addStretch(1);
    controls->addWidget(smoothLabel);
    controls->addWidget(m_smoothSlider);
    controls->addWidget(m_smoothValue);
    return controls;
}

LossView::LossView(QWidget *parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(320, 110);
    setUpPlot(m_plot, tr("Training loss"), tr("step"), tr("MSE loss"));
    // Beside the axis rect: the legend never covers the newest steps, however many runs there are.
    placeLegendBeside(m_plot);
    m_plot->legend->setBrush(QColor(255, 255, 255, 210));
    // Lines as single segments: Qt strokes a long antialiased polyline as one path, which took ~250 ms
    // per replot for five runs of 20,000 noisy batch losses (posenc-bench ui).
    m_plot->setPlottingHint(QCP::phFastPolylines, true);
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);

    // Keys without data that say what the markers mean, in every run's colour.
    m_trainKey = addMarkerGraph(m_plot, QCPScatterStyle::ssCircle, 7);
    m_trainKey->setName(tr("train loss (epoch)"));
    styleMarkers(m_trainKey, kKeyColour, false);
    m_valKey = addMarkerGraph(m_plot, QCPScatterStyle::ssDiamond, 8);
    m_valKey->setName(tr("validation loss (epoch)"));
    styleMarkers(m_valKey, kKeyColour, true);

    QHBoxLayout *controls = createControls();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_plot, 1);

    connect(m_plot, &QCustomPlot::beforeReplot, this, &LossView::thinMarkers);
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

void LossView::addRun(int id, const QString &name, const QColor &colour) {
    if (Run *known = find(id)) {
        known->name = name;
        known->colour = colour;
        styleRun(*known);
        updateLegend();
        scheduleReplot();
        return;
    }
    Run run;
    run.id = id;
    run.name = name;
    run.colour = colour;
    run.graphs.raw = m_plot->addGraph();
    run.graphs.smooth = m_plot->addGraph();
    run.graphs.train = addMarkerGraph(m_plot, QCPScatterStyle::ssCircle, 7);
    run.graphs.val = addMarkerGraph(m_plot, QCPScatterStyle::ssDiamond, 8);
    styleRun(run);
    const auto at = std::lower_bound(m_runs.begin(), m_runs.end(), id,
                                     [](const Run &r, int value) { return r.id < value; });
    m_runs.insert(at, run);
    m_current = id;
    m_follow = true;
    updateLegend();
    showLatest();
    scheduleReplot();
}

void LossView::styleRun(Run &run) {
    QColor light = run.colour;
    light.setAlpha(kRawAlpha);
    run.graphs.raw->setPen(QPen(light, 1));
    run.graphs.raw->setAntialiased(false); // thin and translucent: the edges hardly show, the cost did
    run.graphs.raw->setName(tr("%1 \u00b7 batch loss").arg(run.name));
    run.graphs.smooth->setPen(QPen(run.colour, 2));
    run.graphs.smooth->setName(run.name);
    run.graphs.smooth->setVisible(run.visible && m_alpha > 0);
    styleMarkers(run.graphs.train, run.colour, false);
    run.graphs.train->setName(tr("%1 \u00b7 train loss (epoch)").arg(run.name));
    styleMarkers(run.graphs.val, run.colour, true);
    run.graphs.val->setName(tr("%1 \u00b7 validation loss (epoch)").arg(run.name));
}

void LossView::setRunHistory(int id, const QVector<core::BatchLoss> &batches,
                             const QVector<core::EpochStats> &epochs) {
    Run *run = find(id);
    if (!run)
        return;
    run->batches = batches;
    run->epochs.clear();
    run->envelope = {};
    run->graphs.train->data()->clear();
    run->graphs.val->data()->clear();
    QVector<double> keys, raw;
    for (const core::BatchLoss &batch : batches) {
        keys << double(batch.step);
        raw << plottable(batch.loss);
        run->envelope.add(batch.loss);
    }
    run->graphs.raw->setData(keys, raw, true);
    recomputeSmoothing(*run);
    for (const core::EpochStats &stats : epochs)
        addEpoch(id, stats);
    afterAppend();
}

void LossView::removeRun(int id) {
    Run *run = find(id);
    if (!run)
        return;
    for (QCPGraph *graph : {run->graphs.raw, run->graphs.smooth, run->graphs.train, run->graphs.val})
        m_plot->removeGraph(graph);
    m_runs.removeAt(int(run - m_runs.data()));
    if (m_current == id)
        m_current = m_runs.isEmpty() ? 0 : m_runs.last().id;
    updateLegend();
    if (m_follow)
        showLatest();
    scheduleReplot();
}

void LossView::clear() {
    while (!m_runs.isEmpty())
        removeRun(m_runs.last().id);
    m_current = 0;
    m_follow = true;
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(logScale() ? QCPRange(1e-3, 1) : QCPRange(0, 1));
    updateLegend();
    scheduleReplot();
}

void LossView::appendBatchLosses(int id, const QVector<core::BatchLoss> &losses) {
    Run *run = find(id);
    if (!run || losses.isEmpty())
        return;
    QVector<double> keys, raw, smooth;
    keys.reserve(losses.size());
    raw.reserve(losses.size());
    smooth.reserve(losses.size());
    for (const core::BatchLoss &batch : losses) {
        run->batches.append(batch);
        keys << double(batch.step);
        raw << plottable(batch.loss);
        smooth << stepEma(*run, batch.loss);
        run->envelope.add(batch.loss);
    }
    run->smoothed += smooth;
    run->graphs.raw->addData(keys, raw, true);
    run->graphs.smooth->addData(keys, smooth, true);
    afterAppend();
}

void LossView::addEpoch(int id, const core::EpochStats &stats) {
    Run *run = find(id);
    if (!run)
        return;
    run->epochs.append(stats);
    run->graphs.train->addData(double(stats.step), plottable(stats.trainLoss));
    run->graphs.val->addData(double(stats.step), plottable(stats.valLoss));
    run->envelope.add(stats.trainLoss);
    run->envelope.add(stats.valLoss);
    afterAppend();
}

void LossView::afterAppend() {
    if (m_follow)
        showLatest();
    scheduleReplot();
}

void LossView::setRunVisible(int id, bool visible) {
    Run *run = find(id);
    if (!run || run->visible == visible)
        return;
    run->visible = visible;
    run->graphs.raw->setVisible(visible);
    run->graphs.smooth->setVisible(visible && m_alpha > 0);
    run->graphs.train->setVisible(visible);
    run->graphs.val->setVisible(visible);
    updateLegend();
    if (m_follow)
        showLatest();
    else
        fitValueAxis();
    scheduleReplot();
}

bool LossView::isRunVisible(int id) const {
    const Run *run = find(id);
    return run && run->visible;
}

QVector<int> LossView::runIds() const {
    QVector<int> ids;
    for (const Run &run : m_runs)
        ids << run.id;
    return ids;
}

void LossView::setCurrentRun(int id) {
    if (find(id))
        m_current = id;
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
    // Rebuilt in one fixed order (runs by id, then the keys), so toggling never reorders the entries.
    m_plot->legend->clearItems();
    for (const Run &run : std::as_const(m_runs))
        if (run.visible)
            (m_alpha > 0 ? run.graphs.smooth : run.graphs.raw)->addToLegend();
    for (QCPGraph *key : {m_trainKey, m_valKey})
        key->addToLegend();
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
    for (Run &run : m_runs) {
        run.graphs.smooth->setVisible(run.visible && m_alpha > 0);
        recomputeSmoothing(run);
    }
    updateLegend();
    scheduleReplot();
}

LossView::Graphs LossView::graphsOf(int id) const {
    const Run *run = find(id);
    return run ? run->graphs : Graphs{};
}

int LossView::batchPointCount(int id) const {
    const Run *run = find(id);
    return run ? run->graphs.raw->dataCount() : 0;
}

int LossView::epochPointCount(int id) const {
    const Run *run = find(id);
    return run ? run->graphs.train->dataCount() : 0;
}

int LossView::validationPointCount(int id) const {
    const Run *run = find(id);
    return run ? run->graphs.val->dataCount() : 0;
}

const QVector<core::BatchLoss> &LossView::batchHistory(int id) const {
    const Run *run = find(id);
    return run ? run->batches : kNoBatches;
}

const QVector<core::EpochStats> &LossView::epochHistory(int id) const {
    const Run *run = find(id);
    return run ? run->epochs : kNoEpochs;
}

QVector<double> LossView::smoothedHistory(int id) const {
    const Run *run = find(id);
    return run ? run->smoothed : QVector<double>();
}

QString LossView::writeEpochCsv(const QString &path) const {
    return core::writeEpochCsv(epochHistory(), path);
}

QString LossView::writeBatchCsv(const QString &path) const {
    return core::writeBatchCsv(batchHistory(), path);
}

void LossView::recomputeSmoothing(Run &run) {
    run.ema = 0;
    run.emaValid = false;
    QVector<double> keys;
    keys.reserve(run.batches.size());
    run.smoothed.clear();
    run.smoothed.reserve(run.batches.size());
    for (const core::BatchLoss &batch : std::as_const(run.batches)) {
        keys << double(batch.step);
        run.smoothed << stepEma(run, batch.loss);
    }
    run.graphs.smooth->setData(keys, run.smoothed, true);
}

void LossView::scheduleReplot() {
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

double LossView::stepEma(Run &run, double loss) const {
    if (std::isfinite(loss)) {
        run.ema = run.emaValid ? m_alpha * run.ema + (1 - m_alpha) * loss : loss;
        run.emaValid = true;
    }
    return run.emaValid ? run.ema : qQNaN();
}

LossView::Run *LossView::find(int id) {
    for (Run &run : m_runs)
        if (run.id == id)
            return &run;
    return nullptr;
}

const LossView::Run *LossView::find(int id) const {
    for (const Run &run : m_runs)
        if (run.id == id)
            return &run;
    return nullptr;
}

void LossView::thinMarkers() {
    // Epoch markers closer than a few pixels only cover each other (a long run has hundreds), and
    // drawing thousands of symbols dominated the replot: draw every n-th one instead.
    constexpr double kMinGapPx = 6;
    const double pxPerStep = std::abs(m_plot->xAxis->coordToPixel(1) - m_plot->xAxis->coordToPixel(0));
    for (Run &run : m_runs) {
        int skip = 0;
        if (run.epochs.size() > 1) {
            const double stepsApart =
                double(run.epochs.last().step - run.epochs.first().step) / (run.epochs.size() - 1);
            const double gap = stepsApart * pxPerStep;
            skip = gap > 0 && gap < kMinGapPx ? int(std::ceil(kMinGapPx / gap)) - 1 : 0;
        }
        run.graphs.train->setScatterSkip(skip);
        run.graphs.val->setScatterSkip(skip);
    }
}

void LossView::showLatest() {
    double last = 0;
    for (const Run &run : std::as_const(m_runs)) {
        if (!run.visible)
            continue;
        if (!run.batches.isEmpty())
            last = qMax(last, double(run.batches.last().step));
        if (!run.epochs.isEmpty())
            last = qMax(last, double(run.epochs.last().step));
    }
    if (last <= 0)
        last = 1;
    // A little room on the right so the newest epoch marker is not cut in half.
    m_plot->xAxis->setRange(0, last + qMax(1.0, 0.02 * last));
    fitValueAxis();
}

bool LossView::fitFromEnvelopes(QCPRange *range) const {
    // While following, every step of every visible run is shown: the kept envelopes are the answer
    // (an EMA stays inside its losses' range), with no pass over the points.
    const bool log = logScale();
    bool any = false;
    for (const Run &run : m_runs) {
        const Envelope &e = run.envelope;
        const double lower = log ? e.positive : e.lower;
        if (!run.visible || !std::isfinite(lower) || !std::isfinite(e.upper))
            continue;
        if (any) {
            range->expand(QCPRange(lower, e.upper));
        } else {
            *range = QCPRange(lower, e.upper);
            any = true;
        }
    }
    return any;
}

void LossView::fitValueAxis() {
    const bool log = logScale();
    QCPRange range;
    bool any = false;
    if (m_follow) {
        any = fitFromEnvelopes(&range);
    } else {
        const QCPRange steps = m_plot->xAxis->range();
        for (const Run &run : std::as_const(m_runs)) {
            for (QCPGraph *graph : {run.graphs.raw, run.graphs.smooth, run.graphs.train, run.graphs.val}) {
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
        }
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

QString LossView::hoverText(double step) const {
    QStringList lines;
    for (const Run &run : m_runs) {
        if (!run.visible || run.batches.isEmpty())
            continue;
        // The run's last step at or before the cursor (steps are increasing).
        const auto after =
            std::upper_bound(run.batches.begin(), run.batches.end(), step,
                             [](double s, const core::BatchLoss &b) { return s < double(b.step); });
        if (after == run.batches.begin())
            continue;
        const int i = int(after - run.batches.begin()) - 1;
        const QString raw = lossText(run.batches[i].loss);
        lines << (m_alpha > 0
                      ? tr("%1: smoothed %2 \u00b7 raw %3").arg(run.name, lossText(run.smoothed[i]), raw)
                      : tr("%1: raw %2").arg(run.name, raw));
    }
    if (lines.isEmpty())
        return {};
    lines.prepend(tr("step %1").arg(qint64(std::floor(step))));
    return lines.join(QLatin1Char('\n'));
}

QString LossView::readoutAt(const QPointF &pixel) const {
    if (!m_plot->axisRect()->rect().contains(pixel.toPoint()))
        return {};
    return hoverText(m_plot->xAxis->pixelToCoord(pixel.x()));
}

bool LossView::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_plot) {
        if (event->type() == QEvent::MouseMove) {
            const auto *mouse = static_cast<QMouseEvent *>(event);
            onHover(mouse->position().toPoint(), mouse->globalPosition().toPoint());
        } else if (event->type() == QEvent::Leave && !m_readout.isEmpty()) {
            m_readout.clear();
            QToolTip::hideText();
            emit readoutChanged(m_readout);
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LossView::onHover(const QPoint &pos, const QPoint &globalPos) {
    const QString text = readoutAt(pos);
    if (text == m_readout)
        return;
    m_readout = text;
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(globalPos, text, m_plot, m_plot->axisRect()->rect());
    emit readoutChanged(m_readout);
}

} // namespace posenc::ui
