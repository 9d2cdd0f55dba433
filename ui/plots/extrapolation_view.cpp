#include "plots/extrapolation_view.h"

#include "plots/plot_export.h"
#include "util/file_util.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <map>
#include <set>

namespace posenc::ui {

namespace {

const QString kHint = QStringLiteral("Move the mouse near a point to read its run, length and loss.");
constexpr double kHoverPixels = 12.0; // how near the mouse must be to a point

// A CSV cell: quoted when it holds a comma, a quote or a line break.
QByteArray csvCell(const QString &text) {
    QByteArray bytes = text.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\n'))
        bytes = '"' + bytes.replace("\"", "\"\"") + '"';
    return bytes;
}

// Losses on a log axis must be positive; zero or less becomes a gap.
double plottable(double loss, bool log) {
    return std::isfinite(loss) && (!log || loss > 0) ? loss : qQNaN();
}

} // namespace

ExtrapolationView::ExtrapolationView(QWidget *parent) : QWidget(parent) {
    m_logBox = new QCheckBox(tr("log scale"), this);
    m_logBox->setObjectName(QStringLiteral("logScale"));
    m_logBox->setToolTip(
        tr("Draw the probe loss on a logarithmic axis (small and large losses both readable)"));

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(320, 150);
    m_plot->setMouseTracking(true);
    setUpPlot(m_plot, tr("Length extrapolation: probe loss against sequence length"), tr("sequence length"),
              tr("MSE (normalised labels)"));
    placeLegendBeside(m_plot);

    m_readout = new QLabel(kHint, this);
    m_readout->setObjectName(QStringLiteral("readout"));
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setToolTip(tr("The point under the mouse: its run, sequence length and probe loss"));
    m_notes = new QLabel(this);
    m_notes->setObjectName(QStringLiteral("notes"));
    m_notes->setWordWrap(true);
    m_notes->setStyleSheet(QStringLiteral("color: #666;"));
    m_notes->hide();

    auto *controls = new QHBoxLayout;
    controls->addWidget(m_logBox);
    controls->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_readout);
    layout->addWidget(m_notes);

    connect(m_logBox, &QCheckBox::toggled, this, &ExtrapolationView::setLogScale);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ExtrapolationView::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, &ExtrapolationView::resetView);
    m_plot->installEventFilter(this);
    relayout();
}

void ExtrapolationView::setRun(int id, const QString &name, const QColor &colour,
                               const core::ProbeResult &probe, int trainedSeqLen) {
    int i = indexOf(id);
    if (i < 0) {
        Run run;
        run.id = id;
        run.graph = m_plot->addGraph();
        run.graph->setLineStyle(QCPGraph::lsLine);
        m_runs.append(run);
        i = int(m_runs.size()) - 1;
    }
    Run &run = m_runs[i];
    run.name = name;
    run.colour = colour;
    run.probe = probe;
    run.trainedSeqLen = trainedSeqLen;
    run.graph->setName(name);
    run.graph->setPen(QPen(colour, 2));
    run.graph->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(colour, 1.5), QBrush(Qt::white), 7));
    QVector<double> keys, values;
    for (const core::ProbePoint &p : probe.points) {
        keys.append(p.length);
        values.append(plottable(p.loss, logScale()));
    }
    run.graph->setData(keys, values);
    relayout();
}

void ExtrapolationView::removeRun(int id) {
    const int i = indexOf(id);
    if (i < 0)
        return;
    m_plot->removeGraph(m_runs[i].graph);
    m_runs.removeAt(i);
    relayout();
}

void ExtrapolationView::setRunVisible(int id, bool visible) {
    const int i = indexOf(id);
    if (i < 0 || m_runs[i].visible == visible)
        return;
    m_runs[i].visible = visible;
    m_runs[i].graph->setVisible(visible);
    relayout();
}

void ExtrapolationView::clear() {
    for (const Run &run : std::as_const(m_runs))
        m_plot->removeGraph(run.graph);
    m_runs.clear();
    relayout();
}

QVector<int> ExtrapolationView::runIds() const {
    QVector<int> ids;
    for (const Run &run : m_runs)
        ids.append(run.id);
    return ids;
}

bool ExtrapolationView::isRunVisible(int id) const {
    const int i = indexOf(id);
    return i >= 0 && m_runs[i].visible;
}

QVector<int> ExtrapolationView::trainedLengthMarkers() const {
    std::set<int> lengths;
    for (const Run &run : m_runs)
        if (run.visible && run.trainedSeqLen > 0)
            lengths.insert(run.trainedSeqLen);
    return QVector<int>(lengths.begin(), lengths.end());
}

void ExtrapolationView::setLogScale(bool on) {
    if (on == logScale())
        return;
    m_logBox->setChecked(on);
    m_plot->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on)
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    for (const Run &run : std::as_const(m_runs)) {
        QVector<double> keys, values;
        for (const core::ProbePoint &p : run.probe.points) {
            keys.append(p.length);
            values.append(plottable(p.loss, on));
        }
        run.graph->setData(keys, values);
    }
    resetView();
}

bool ExtrapolationView::logScale() const {
    return m_plot->yAxis->scaleType() == QCPAxis::stLogarithmic;
}

QString ExtrapolationView::readoutAt(const QPointF &pixel) const {
    double best = kHoverPixels * kHoverPixels;
    QString text;
    for (const Run &run : m_runs) {
        if (!run.visible)
            continue;
        for (const core::ProbePoint &p : run.probe.points) {
            const QPointF at = pixelOf(run.id, p.length);
            const double dx = at.x() - pixel.x(), dy = at.y() - pixel.y();
            if (!std::isfinite(dx) || !std::isfinite(dy) || dx * dx + dy * dy > best)
                continue;
            best = dx * dx + dy * dy;
            text = QStringLiteral("%1 \u00b7 length %2 \u00b7 loss %3")
                       .arg(run.name)
                       .arg(p.length)
                       .arg(QString::number(p.loss, 'g', 4));
        }
    }
    return text;
}

QPointF ExtrapolationView::pixelOf(int id, int length) const {
    const int i = indexOf(id);
    if (i >= 0)
        for (const core::ProbePoint &p : m_runs[i].probe.points)
            if (p.length == length) {
                const double y = plottable(p.loss, logScale());
                if (std::isfinite(y))
                    return {m_plot->xAxis->coordToPixel(p.length), m_plot->yAxis->coordToPixel(y)};
            }
    return {qQNaN(), qQNaN()};
}

QString ExtrapolationView::readoutText() const {
    return m_readout->text();
}

QString ExtrapolationView::writeCsv(const QString &path) const {
    std::map<int, QVector<QByteArray>> rows; // length -> one cell per visible run
    QByteArray text = "length";
    int column = 0;
    for (const Run &run : m_runs) {
        if (!run.visible)
            continue;
        text += ',' + csvCell(run.name);
        for (const core::ProbePoint &p : run.probe.points) {
            QVector<QByteArray> &cells = rows[p.length];
            cells.resize(column + 1);
            cells[column] = QByteArray::number(p.loss, 'g', 9);
        }
        ++column;
    }
    text += '\n';
    for (auto &[length, cells] : rows) {
        cells.resize(column);
        text += QByteArray::number(length);
        for (const QByteArray &cell : cells)
            text += ',' + cell;
        text += '\n';
    }
    return core::writeFileAtomically(path, text);
}

void ExtrapolationView::resetView() {
    bool any = false;
    QCPRange keys, values;
    for (const Run &run : std::as_const(m_runs)) {
        if (!run.visible || run.graph->data()->isEmpty())
            continue;
        bool found = false;
        const QCPRange k = run.graph->getKeyRange(found);
        const QCPRange v = run.graph->getValueRange(found, QCP::sdBoth);
        if (!found)
            continue;
        keys = any ? QCPRange(qMin(keys.lower, k.lower), qMax(keys.upper, k.upper)) : k;
        values = any ? QCPRange(qMin(values.lower, v.lower), qMax(values.upper, v.upper)) : v;
        any = true;
    }
    for (int length : trainedLengthMarkers())
        keys = any ? QCPRange(qMin(keys.lower, double(length)), qMax(keys.upper, double(length)))
                   : QCPRange(length, length);
    if (!any)
        values = logScale() ? QCPRange(0.01, 1) : QCPRange(0, 1);
    if (keys.size() <= 0)
        keys = QCPRange(keys.lower - 1, keys.upper + 1);
    const double pad = keys.size() * 0.04;
    m_plot->xAxis->setRange(qMax(0.0, keys.lower - pad), keys.upper + pad);
    if (logScale()) {
        m_plot->yAxis->setRange(values.lower / 1.5, values.upper * 1.5);
    } else {
        const double vpad = qMax(values.size(), 1e-9) * 0.08;
        m_plot->yAxis->setRange(qMax(0.0, values.lower - vpad), values.upper + vpad);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool ExtrapolationView::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_plot && event->type() == QEvent::Leave)
        setReadout(QString());
    return QWidget::eventFilter(watched, event);
}

int ExtrapolationView::indexOf(int id) const {
    for (int i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].id == id)
            return i;
    return -1;
}

void ExtrapolationView::relayout() {
    m_plot->legend->clearItems();
    QStringList notes;
    for (const Run &run : std::as_const(m_runs)) {
        if (!run.visible)
            continue;
        run.graph->addToLegend();
        if (!run.probe.skipped.isEmpty())
            notes << QStringLiteral("%1: %2").arg(run.name, run.probe.skipped.join(QStringLiteral("; ")));
    }
    m_plot->legend->setVisible(m_plot->legend->itemCount() > 0);
    m_notes->setText(tr("Skipped: %1").arg(notes.join(QStringLiteral(" \u2014 "))));
    m_notes->setVisible(!notes.isEmpty());
    updateMarkers();
    resetView();
}

void ExtrapolationView::updateMarkers() {
    for (int i = m_plot->itemCount() - 1; i >= 0; --i)
        m_plot->removeItem(i);
    const QPen pen(QColor(60, 60, 60), 1.2, Qt::DashLine);
    for (int length : trainedLengthMarkers()) {
        auto *line = new QCPItemStraightLine(m_plot);
        line->setPen(pen);
        line->setSelectable(false);
        // Two points on a vertical line, positive so that they exist on a log axis too.
        line->point1->setCoords(length, 1);
        line->point2->setCoords(length, 2);
        auto *label = new QCPItemText(m_plot);
        label->setSelectable(false);
        label->position->setTypeX(QCPItemPosition::ptPlotCoords);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(length, 0.02);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setPadding(QMargins(4, 0, 0, 0));
        label->setColor(QColor(60, 60, 60));
        label->setText(tr("trained seq_len %1").arg(length));
    }
}

void ExtrapolationView::onMouseMove(QMouseEvent *event) {
    const QString text = readoutAt(event->position());
    setReadout(text);
    if (!text.isEmpty())
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
    else
        QToolTip::hideText();
}

void ExtrapolationView::setReadout(const QString &text) {
    m_readout->setText(text.isEmpty() ? kHint : text);
    if (text == m_lastReadout)
        return;
    m_lastReadout = text;
    Q_EMIT readoutChanged(text);
}

} // namespace posenc::ui
