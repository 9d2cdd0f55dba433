#include "plots/similarity_view.h"

#include "plots/palette.h"
#include "plots/plot_export.h"
#include "util/file_util.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace posenc::ui {

namespace {

const QString kHint = QStringLiteral("Move the mouse over the matrix to read p, q and the value.");
// Multiply-adds allowed per picture: a few tens of milliseconds on one core, so the GUI stays live.
constexpr double kWorkBudget = double(1 << 25);
constexpr int kFallbackBins = 512; // before the plot has been laid out
constexpr int kMaxDenseOffsets = 1024;
// Work below this is done at once on the GUI thread (a few milliseconds); above it, on the pool.
constexpr double kSyncWork = double(1 << 21);

// "3" or "0–9": the positions of a bin.
QString binText(const core::BinnedMatrix &m, int bin) {
    const int first = m.edges[bin], last = m.edges[bin + 1] - 1;
    return first == last ? QString::number(first) : QStringLiteral("%1\u2013%2").arg(first).arg(last);
}

QString number(double v) {
    return QString::number(std::abs(v) < 5e-13 ? 0.0 : v, 'g', 4);
}

// 0..count-1.
QVector<int> denseOffsets(int count) {
    QVector<int> offsets(count);
    std::iota(offsets.begin(), offsets.end(), 0);
    return offsets;
}

// The first `rows` rows of a table.
core::PeTable firstRows(const core::PeTable &table, int rows) {
    core::PeTable head;
    head.rows = std::min(rows, table.rows);
    head.cols = table.cols;
    head.values = table.values.mid(0, qsizetype(head.rows) * table.cols);
    return head;
}

} // namespace

SimilarityView::SimilarityView(QWidget *parent) : QWidget(parent) {
    createMatrixPanel();
    createOffsetPanel();
    createControls();
    connectComputing();
}

void SimilarityView::createMatrixPanel() {
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumSize(480, 170);
    m_plot->setMouseTracking(true);
    m_matrixTitle = setUpPlot(m_plot, tr("Similarity of positions"), tr("position q"), tr("position p"));
    m_plot->yAxis->setRangeReversed(true); // p = 0 at the top, as a matrix is read
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis})
        axis->grid()->setVisible(false);

    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_scale = new QCPColorScale(m_plot);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setRangeDrag(false);
    m_scale->setRangeZoom(false);
    m_plot->plotLayout()->addElement(1, 1, m_scale);
    m_map->setColorScale(m_scale);
    m_margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, m_margins);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, m_margins);
}

void SimilarityView::createOffsetPanel() {
    m_offsetTitle = new QCPTextElement(m_plot, tr("Against the offset"), m_matrixTitle->font());
    m_plot->plotLayout()->addElement(0, 2, m_offsetTitle);
    m_offsetRect = new QCPAxisRect(m_plot);
    // The legend (ALiBi's heads, learned's trained part, runs) sits under the offset panel, where it
    // never hides a curve.
    auto *offsetColumn = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(1, 2, offsetColumn);
    offsetColumn->addElement(0, 0, m_offsetRect);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    offsetColumn->addElement(1, 0, m_plot->legend);
    offsetColumn->setRowStretchFactor(1, 0.001);
    m_offsetRect->setMarginGroup(QCP::msTop | QCP::msBottom, m_margins);
    m_offsetRect->axis(QCPAxis::atBottom)->setLabel(tr("offset k = q \u2212 p"));
    m_plot->legend->setBrush(QColor(255, 255, 255, 220));
    m_plot->plotLayout()->setColumnStretchFactor(0, 1.0);
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);
    m_plot->plotLayout()->setColumnStretchFactor(2, 0.9);
}

void SimilarityView::createControls() {
    m_headBox = new QSpinBox(this);
    m_headBox->setObjectName(QStringLiteral("alibiHead"));
    m_headBox->setPrefix(tr("head "));
    m_headBox->setRange(1, 1);
    m_headBox->setToolTip(tr("The ALiBi head whose bias the matrix shows"));
    m_headBox->hide();
    connect(m_headBox, qOverload<int>(&QSpinBox::valueChanged), this,
            [this](int head) { setAlibiHead(head - 1); });
    m_readout = new QLabel(kHint, this);
    m_readout->setObjectName(QStringLiteral("readout"));
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setToolTip(tr("The cell under the mouse: positions p and q and the value there"));
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("note"));
    m_note->setWordWrap(true);
    m_note->setStyleSheet(QStringLiteral("color: #555;"));

    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_readout, 1);
    bottom->addWidget(m_headBox);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);
    layout->addLayout(bottom);
    layout->addWidget(m_note);
}

void SimilarityView::connectComputing() {
    connect(m_plot, &QCustomPlot::mouseMove, this, &SimilarityView::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, &SimilarityView::resetView);
    m_watcher = new QFutureWatcher<Result>(this);
    connect(m_watcher, &QFutureWatcher<Result>::finished, this, [this] {
        if (m_pending)
            apply(m_watcher->result());
    });
    // A new size may allow more (or need fewer) cells per side: recompute once the resizing rests.
    auto *resizeTimer = new QTimer(this);
    resizeTimer->setSingleShot(true);
    resizeTimer->setInterval(150);
    connect(resizeTimer, &QTimer::timeout, this, &SimilarityView::refresh);
    connect(m_plot, &QCustomPlot::afterLayout, this, [this, resizeTimer] {
        if (m_requestedBins >= 0 && binCount() != m_requestedBins)
            resizeTimer->start();
    });
    m_plot->installEventFilter(this);
}

void SimilarityView::setTable(const core::PeTable &table, const core::EncodingConfig &encoding, int heads,
                              int seqLen) {
    m_table = table;
    m_encoding = encoding;
    m_heads = std::max(1, heads);
    m_seqLen = seqLen;
    m_alibiHead = std::clamp(m_alibiHead, 0, m_heads - 1);
    m_dirty = true;
    if (isVisible())
        refresh();
}

void SimilarityView::setRunShape(int heads, int seqLen) {
    if (std::max(1, heads) != m_heads || seqLen != m_seqLen)
        setTable(m_table, m_encoding, heads, seqLen);
}

void SimilarityView::refresh() {
    const int bins = binCount();
    if (!m_dirty && bins == m_requestedBins)
        return;
    const Job job{m_table, m_encoding, m_heads, m_seqLen, m_alibiHead, bins, m_dirty || m_pendingCurves};
    m_dirty = false;
    m_requestedBins = bins;
    if (job.work() <= kSyncWork) {
        m_pendingCurves = false;
        apply(compute(job));
        return;
    }
    // Big tables: compute on the thread pool; the picture shown stays until the result arrives (a
    // newer request replaces the watched one, whose result is then dropped).
    m_pending = true;
    m_pendingCurves = job.curves;
    m_readout->setText(tr("Computing the similarity of %1 positions\u2026").arg(bins));
    m_watcher->setFuture(QtConcurrent::run(&SimilarityView::compute, job));
}

void SimilarityView::setMaxBins(int bins) {
    m_maxBins = std::max(0, bins);
    refresh();
}

void SimilarityView::setAlibiHead(int head) {
    head = std::clamp(head, 0, m_heads - 1);
    if (head == m_alibiHead)
        return;
    m_alibiHead = head;
    const QSignalBlocker blocker(m_headBox);
    m_headBox->setValue(head + 1);
    if (m_encoding.kind == core::PeKind::Alibi) {
        m_dirty = true;
        refresh();
    }
}

void SimilarityView::setRunCurve(int id, const QString &name, const QColor &colour,
                                 const core::PeTable &table) {
    RunCurve run{id, name, colour, {}};
    const QVector<int> offsets = denseOffsets(std::min(table.rows, kMaxDenseOffsets));
    double work = 0;
    for (int k : offsets)
        work += double(table.rows - k) * table.cols;
    run.values =
        core::meanSimilarityAtOffsets(table, offsets, std::max(1, int(std::ceil(work / kWorkBudget))));
    auto it =
        std::find_if(m_runCurves.begin(), m_runCurves.end(), [id](const RunCurve &r) { return r.id == id; });
    if (it != m_runCurves.end())
        *it = run;
    else
        m_runCurves.append(run);
    if (m_drawnBins >= 0) {
        drawCurves();
        resetView();
    }
}

void SimilarityView::removeRunCurve(int id) {
    const auto it = std::remove_if(m_runCurves.begin(), m_runCurves.end(),
                                   [id](const RunCurve &r) { return r.id == id; });
    if (it == m_runCurves.end())
        return;
    m_runCurves.erase(it, m_runCurves.end());
    if (m_drawnBins >= 0) {
        drawCurves();
        resetView();
    }
}

QVector<double> SimilarityView::runCurve(int id) const {
    for (const RunCurve &run : m_runCurves)
        if (run.id == id)
            return run.values;
    return {};
}

QVector<double> SimilarityView::curve(int index) const {
    return index >= 0 && index < m_curves.size() ? m_curves[index] : QVector<double>();
}

QStringList SimilarityView::curveNames() const {
    return m_curveNames;
}

double SimilarityView::rangeLower() const {
    return m_map->dataRange().lower;
}

double SimilarityView::rangeUpper() const {
    return m_map->dataRange().upper;
}

QString SimilarityView::note() const {
    return m_note->text();
}

QString SimilarityView::colourBarLabel() const {
    return m_scale->axis()->label();
}

int SimilarityView::binCount() const {
    const bool fromTable = core::hasTable(m_encoding.kind) || m_encoding.kind == core::PeKind::None;
    const int positions = fromTable ? m_table.rows : m_encoding.maxLen;
    const QRect rect = m_plot->axisRect()->rect();
    int bins = rect.width() > 16 && rect.height() > 16
                   ? int(std::min(rect.width(), rect.height()) * m_plot->devicePixelRatioF())
                   : kFallbackBins;
    if (m_maxBins > 0)
        bins = std::min(bins, m_maxBins);
    // The cosine matrix costs bins^2 / 2 dot products of length `cols`.
    int cols = fromTable ? m_table.cols : m_encoding.dModel / m_heads;
    if (m_encoding.kind == core::PeKind::Alibi)
        cols = 1;
    bins = std::min(bins, int(std::sqrt(2 * kWorkBudget / std::max(cols, 1))));
    return std::clamp(bins, 1, std::max(positions, 1));
}

double SimilarityView::Job::work() const {
    const int positions = core::hasTable(encoding.kind) ? table.rows : encoding.maxLen;
    const int cols = core::hasTable(encoding.kind) ? table.cols : std::max(1, encoding.dModel / heads);
    double total = double(positions) * cols + 0.5 * double(bins) * bins * cols;
    if (curves && core::hasTable(encoding.kind)) // the mean over p at each dense offset, before any stride
        for (int k = 0; k < std::min(table.rows, kMaxDenseOffsets); ++k)
            total += double(table.rows - k) * table.cols;
    return total;
}

SimilarityView::Result SimilarityView::compute(const Job &job) {
    Result r;
    r.bins = job.bins;
    r.curves = job.curves;
    const core::EncodingConfig &e = job.encoding;
    switch (e.kind) {
    case core::PeKind::Rope:
        r.matrix = core::ropeScoreMatrix(e.maxLen, e.dModel / job.heads, e.base, job.bins);
        break;
    case core::PeKind::Alibi:
        r.matrix =
            core::alibiBiasMatrix(core::alibiSlopeValues(job.heads).value(job.alibiHead), e.maxLen, job.bins);
        break;
    case core::PeKind::None:
        break;
    default:
        r.matrix = core::cosineSimilarity(job.table, job.bins);
        break;
    }
    if (job.curves)
        computeCurves(job, &r);
    return r;
}

void SimilarityView::computeCurves(const Job &job, Result *r) {
    const core::EncodingConfig &e = job.encoding;
    const int length = core::hasTable(e.kind) ? job.table.rows : e.maxLen;
    switch (e.kind) {
    case core::PeKind::Rope:
        r->offsets = denseOffsets(std::min(length, kMaxDenseOffsets));
        r->values.append(QVector<double>());
        for (int k : std::as_const(r->offsets))
            r->values[0].append(core::ropeScore(k, e.dModel / job.heads, e.base));
        r->names.append(tr("RoPE score \u03a3 cos(k\u00b7\u03b8\u1d62)/n"));
        break;
    case core::PeKind::Alibi: {
        // Straight lines: evenly spread offsets draw them exactly over the whole length.
        r->offsets = core::spreadOffsets(length, kMaxDenseOffsets);
        const QVector<double> slopes = core::alibiSlopeValues(job.heads);
        for (int h = 0; h < slopes.size(); ++h) {
            QVector<double> bias;
            for (int k : std::as_const(r->offsets))
                bias.append(-slopes[h] * k);
            r->values.append(bias);
            r->names.append(tr("head %1 (slope %2)").arg(h + 1).arg(number(slopes[h])));
        }
        break;
    }
    case core::PeKind::None:
        break;
    default: {
        const core::PeTable &table = job.table;
        r->offsets = denseOffsets(std::min(length, kMaxDenseOffsets));
        // The mean over p of offset k costs (rows - k) dot products; sample p when that is too much.
        double work = 0;
        for (int k : std::as_const(r->offsets))
            work += double(table.rows - k) * table.cols;
        const int stride = std::max(1, int(std::ceil(work / kWorkBudget)));
        r->values.append(core::meanSimilarityAtOffsets(table, r->offsets, stride));
        r->names.append(stride > 1 ? tr("mean over p (sampled every %1 positions)").arg(stride)
                                   : tr("mean over p"));
        if (e.kind == core::PeKind::Learned && job.seqLen > 1 && job.seqLen < table.rows) {
            const QVector<int> trained = denseOffsets(std::min(job.seqLen, int(r->offsets.size())));
            QVector<double> values = core::meanSimilarityAtOffsets(firstRows(table, job.seqLen), trained);
            values.resize(r->offsets.size(), qQNaN());
            r->values.append(values);
            r->names.append(tr("trained positions only (p + k < %1)").arg(job.seqLen));
        }
        break;
    }
    }
}

void SimilarityView::apply(const Result &result) {
    m_pending = false;
    m_drawnBins = result.bins;
    m_matrix = result.matrix;
    if (result.curves) {
        m_offsets = result.offsets;
        m_curves = result.values;
        m_curveNames = result.names;
    }
    drawMatrix();
    if (result.curves)
        drawCurves();
    drawTrainedMarks();
    resetView();
    setReadout(QString()); // no longer "Computing…"
    Q_EMIT computed();
}

void SimilarityView::finishComputing() {
    if (!m_pending)
        return;
    m_watcher->waitForFinished();
    apply(m_watcher->result());
}

void SimilarityView::drawMatrix() {
    const bool fixed = core::isSinusoidal(m_encoding.kind) || m_encoding.kind == core::PeKind::Rope;
    const int positions = m_matrix.isEmpty() ? 0 : m_matrix.edges.last();
    QCPColorMapData *data = m_map->data();
    data->setSize(m_matrix.bins, m_matrix.bins);
    // Bins are near-equal runs of rows / bins positions; cell centres sit in their middle.
    const double half = m_matrix.bins > 0 ? (double(positions) / m_matrix.bins - 1) / 2 : 0;
    const QCPRange centres = m_matrix.bins > 1 ? QCPRange(half, positions - 1 - half)
                                               : QCPRange(-0.5, std::max(positions, 1) - 0.5);
    data->setRange(centres, centres);
    for (int p = 0; p < m_matrix.bins; ++p)
        for (int q = 0; q < m_matrix.bins; ++q)
            data->setCell(q, p, m_matrix.at(p, q));
    m_map->setVisible(!m_matrix.isEmpty());

    QString title;
    switch (m_encoding.kind) {
    case core::PeKind::Rope:
        title = tr("RoPE: score of unit q and k at positions p, q (head_dim %1)")
                    .arg(m_encoding.dModel / m_heads);
        break;
    case core::PeKind::Alibi:
        title = tr("ALiBi: bias of head %1 of %2 at query p, key q").arg(m_alibiHead + 1).arg(m_heads);
        break;
    case core::PeKind::None:
        title = tr("No positional encoding: nothing to compare");
        break;
    default:
        title = tr("Cosine similarity of positions \u00b7 %1").arg(core::describe(m_encoding));
        break;
    }
    m_matrixTitle->setText(title);
    m_scale->axis()->setLabel(valueName());
    if (fixed) {
        m_map->setGradient(divergingGradient());
        m_map->setDataRange(QCPRange(-1, 1));
    } else {
        m_map->setGradient(sequentialGradient());
        m_map->rescaleDataRange(true);
        const QCPRange bounds = data->dataBounds();
        if (!(bounds.upper > bounds.lower))
            m_map->setDataRange(QCPRange(bounds.lower - 1, bounds.upper + 1));
    }
    const QSignalBlocker blocker(m_headBox);
    m_headBox->setVisible(m_encoding.kind == core::PeKind::Alibi);
    m_headBox->setRange(1, m_heads);
    m_headBox->setValue(m_alibiHead + 1);
}

void SimilarityView::drawCurves() {
    m_plot->clearGraphs();
    QCPAxis *x = m_offsetRect->axis(QCPAxis::atBottom), *y = m_offsetRect->axis(QCPAxis::atLeft);
    const QVector<double> keys(m_offsets.begin(), m_offsets.end());
    QCPColorGradient heads = sequentialGradient(); // color() is not const
    for (int c = 0; c < m_curves.size(); ++c) {
        QCPGraph *graph = m_plot->addGraph(x, y);
        graph->setData(keys, m_curves[c], true);
        graph->setName(m_curveNames[c]);
        QColor colour = categoricalColor(c);
        if (m_encoding.kind == core::PeKind::Alibi) // steepest head darkest, as in the viridis bar
            colour = heads.color(m_curves.size() > 1 ? 0.85 * c / (m_curves.size() - 1) : 0, QCPRange(0, 1));
        graph->setPen(QPen(colour, c == 0 || m_encoding.kind == core::PeKind::Alibi ? 1.8 : 1.4,
                           c > 0 && m_encoding.kind != core::PeKind::Alibi ? Qt::DashLine : Qt::SolidLine));
    }
    const bool similarityAxis =
        m_encoding.kind != core::PeKind::Alibi && m_encoding.kind != core::PeKind::None;
    for (const RunCurve &run : std::as_const(m_runCurves)) {
        if (!similarityAxis)
            break;
        QVector<double> runKeys(run.values.size());
        std::iota(runKeys.begin(), runKeys.end(), 0.0);
        QCPGraph *graph = m_plot->addGraph(x, y);
        graph->setData(runKeys, run.values, true);
        graph->setName(run.name);
        graph->setPen(QPen(run.colour, 1.6));
    }
    m_plot->legend->setVisible(m_plot->graphCount() > 1);
    QString yLabel;
    QString note;
    switch (m_encoding.kind) {
    case core::PeKind::Rope:
        yLabel = tr("score \u03a3 cos(k\u00b7\u03b8\u1d62) / n");
        note =
            tr("RoPE rotates q and k by their positions, so the score of unit q and k is \u03a3\u1d62 "
               "cos(k\u00b7\u03b8\u1d62)/n with n = head_dim/2 = %1: it depends on the offset k = q \u2212 p "
               "alone, which is why every diagonal of the matrix is constant.")
                .arg(m_encoding.dModel / m_heads / 2);
        break;
    case core::PeKind::Alibi:
        yLabel = tr("bias \u2212slope\u00b7k");
        note = tr("ALiBi adds \u2212slope\u2095\u00b7|p \u2212 q| to head h's attention scores (no table): a "
                  "steeper head looks nearer. Slopes 2^(\u22128h/H) for H = %1 heads.")
                   .arg(m_heads);
        break;
    case core::PeKind::None:
        note = tr("none: every position is the zero vector, so the model cannot tell positions apart "
                  "and the similarity is undefined.");
        break;
    default:
        yLabel = tr("mean cosine similarity of p, p + k");
        note = core::isSinusoidal(m_encoding.kind)
                   ? tr("Sinusoidal: cos(PE(p), PE(q)) = mean of cos((q \u2212 p)\u00b7\u03c9\u1d62), so it "
                        "depends on q \u2212 p alone (every diagonal is constant).")
                   : tr("learned: positions below seq_len = %1 (dashed box) were trained; later ones keep "
                        "their random start and look alike only by chance.")
                         .arg(m_seqLen);
        if (m_offsets.size() < (core::hasTable(m_encoding.kind) ? m_table.rows : 0))
            note += tr(" Offsets 0\u2013%1 of %2 shown.").arg(m_offsets.size() - 1).arg(m_table.rows - 1);
        break;
    }
    y->setLabel(yLabel);
    m_note->setText(note);
    m_offsetTitle->setText(m_encoding.kind == core::PeKind::Alibi ? tr("Bias against distance, every head")
                                                                  : tr("Against the offset"));
}

void SimilarityView::drawTrainedMarks() {
    m_plot->clearItems();
    const bool learned = m_encoding.kind == core::PeKind::Learned;
    if (!learned || m_seqLen <= 0 || m_seqLen >= m_table.rows)
        return;
    const QPen pen(QColor(20, 20, 20), 1.5, Qt::DashLine);
    auto *box = new QCPItemRect(m_plot);
    box->setClipAxisRect(m_plot->axisRect());
    box->setPen(pen);
    box->setSelectable(false);
    box->topLeft->setCoords(-0.5, -0.5);
    box->bottomRight->setCoords(m_seqLen - 0.5, m_seqLen - 0.5);
    auto *label = new QCPItemText(m_plot);
    label->setClipAxisRect(m_plot->axisRect());
    label->position->setCoords(m_seqLen - 0.5, -0.5);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    label->setPadding(QMargins(4, 2, 2, 2));
    label->setText(tr("trained: p, q < seq_len %1").arg(m_seqLen));
    label->setBrush(QColor(255, 255, 255, 200));

    QCPAxis *x = m_offsetRect->axis(QCPAxis::atBottom), *y = m_offsetRect->axis(QCPAxis::atLeft);
    auto *line = new QCPItemStraightLine(m_plot);
    line->setClipAxisRect(m_offsetRect);
    line->setPen(pen);
    line->setSelectable(false);
    for (QCPItemPosition *point : {line->point1, line->point2})
        point->setAxes(x, y);
    line->point1->setCoords(m_seqLen - 1, 0);
    line->point2->setCoords(m_seqLen - 1, 1);
}

QString SimilarityView::valueName() const {
    switch (m_encoding.kind) {
    case core::PeKind::Rope:
        return tr("RoPE score (unit q, k)");
    case core::PeKind::Alibi:
        return tr("ALiBi bias, head %1").arg(m_alibiHead + 1);
    default:
        return tr("cosine similarity");
    }
}

QString SimilarityView::readout(int row, int col) const {
    if (row < 0 || col < 0 || row >= m_matrix.bins || col >= m_matrix.bins)
        return {};
    const int cells =
        (m_matrix.edges[row + 1] - m_matrix.edges[row]) * (m_matrix.edges[col + 1] - m_matrix.edges[col]);
    QString text =
        QStringLiteral("p %1 \u00b7 q %2 \u00b7 ").arg(binText(m_matrix, row), binText(m_matrix, col));
    if (cells == 1)
        return text + QStringLiteral("%1 %2").arg(valueName(), number(m_matrix.at(row, col)));
    return text + tr("mean %1 %2 (%3 cells)").arg(valueName(), number(m_matrix.at(row, col))).arg(cells);
}

bool SimilarityView::cellAt(const QPointF &pixel, int *row, int *col) const {
    if (m_matrix.isEmpty() || !m_plot->axisRect()->rect().contains(pixel.toPoint()))
        return false;
    const int positions = m_matrix.edges.last();
    const int q = int(std::floor(m_plot->xAxis->pixelToCoord(pixel.x()) + 0.5));
    const int p = int(std::floor(m_plot->yAxis->pixelToCoord(pixel.y()) + 0.5));
    if (p < 0 || q < 0 || p >= positions || q >= positions)
        return false;
    const auto binOf = [this](int position) {
        return int(std::upper_bound(m_matrix.edges.begin(), m_matrix.edges.end(), position) -
                   m_matrix.edges.begin()) -
               1;
    };
    if (row)
        *row = binOf(p);
    if (col)
        *col = binOf(q);
    return true;
}

QString SimilarityView::readoutText() const {
    return m_readout->text();
}

QString SimilarityView::writeMatrixCsv(const QString &path) const {
    QByteArray text = "p\\q";
    for (int b = 0; b < m_matrix.bins; ++b)
        text += ',' + QByteArray::number(m_matrix.edges[b]);
    text += '\n';
    for (int a = 0; a < m_matrix.bins; ++a) {
        text += QByteArray::number(m_matrix.edges[a]);
        for (int b = 0; b < m_matrix.bins; ++b)
            text += ',' + QByteArray::number(m_matrix.at(a, b), 'g', 9);
        text += '\n';
    }
    return core::writeFileAtomically(path, text);
}

QString SimilarityView::writeOffsetCsv(const QString &path) const {
    QByteArray text = "offset";
    const auto cell = [](double v) {
        return std::isfinite(v) ? QByteArray::number(v, 'g', 9) : QByteArray();
    };
    const bool withRuns = m_encoding.kind != core::PeKind::Alibi && m_encoding.kind != core::PeKind::None;
    QStringList names = m_curveNames;
    for (const RunCurve &run : m_runCurves)
        if (withRuns)
            names << run.name;
    for (const QString &name : std::as_const(names))
        text += ",\"" + name.toUtf8().replace("\"", "\"\"") + '"';
    text += '\n';
    for (int i = 0; i < m_offsets.size(); ++i) {
        text += QByteArray::number(m_offsets[i]);
        for (const QVector<double> &values : m_curves)
            text += ',' + cell(values[i]);
        for (const RunCurve &run : m_runCurves)
            if (withRuns) // dense offsets here: offset i is index i
                text += ',' + cell(run.values.value(m_offsets[i], qQNaN()));
        text += '\n';
    }
    return core::writeFileAtomically(path, text);
}

void SimilarityView::resetView() {
    const int positions = m_matrix.isEmpty() ? 1 : m_matrix.edges.last();
    m_plot->xAxis->setRange(-0.5, positions - 0.5);
    m_plot->yAxis->setRange(-0.5, positions - 0.5);
    QCPAxis *x = m_offsetRect->axis(QCPAxis::atBottom), *y = m_offsetRect->axis(QCPAxis::atLeft);
    double lastOffset = m_offsets.isEmpty() ? 1 : m_offsets.last();
    for (int g = 0; g < m_plot->graphCount(); ++g) // runs' curves may reach further than the table shown
        if (!m_plot->graph(g)->data()->isEmpty())
            lastOffset = std::max(lastOffset, (m_plot->graph(g)->data()->constEnd() - 1)->key);
    x->setRange(0, std::max(1.0, lastOffset));
    bool found = false;
    QCPRange values(0, 1);
    for (int g = 0; g < m_plot->graphCount(); ++g) {
        const QCPRange r = m_plot->graph(g)->getValueRange(found);
        if (found)
            values = g == 0 ? r : QCPRange(std::min(values.lower, r.lower), std::max(values.upper, r.upper));
    }
    const double pad = std::max(values.size(), 1e-6) * 0.05;
    y->setRange(values.lower - pad, values.upper + pad);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool SimilarityView::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_plot && event->type() == QEvent::Leave)
        setReadout(QString());
    return QWidget::eventFilter(watched, event);
}

void SimilarityView::showEvent(QShowEvent *event) {
    QWidget::showEvent(event);
    refresh();
}

void SimilarityView::onMouseMove(QMouseEvent *event) {
    int row = -1, col = -1;
    QString text;
    if (cellAt(event->position(), &row, &col)) {
        text = readout(row, col);
    } else if (m_offsetRect->rect().contains(event->position().toPoint()) && !m_offsets.isEmpty()) {
        const double coord = m_offsetRect->axis(QCPAxis::atBottom)->pixelToCoord(event->position().x());
        const auto it = std::lower_bound(m_offsets.begin(), m_offsets.end(), int(std::lround(coord)));
        const int i = int(std::min<qsizetype>(it - m_offsets.begin(), m_offsets.size() - 1));
        QStringList parts{QStringLiteral("k %1").arg(m_offsets[i])};
        for (int c = 0; c < m_curves.size() && c < 4; ++c)
            parts << QStringLiteral("%1 %2").arg(m_curveNames[c], number(m_curves[c][i]));
        text = parts.join(QStringLiteral(" \u00b7 "));
    }
    setReadout(text);
    if (!text.isEmpty())
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

void SimilarityView::setReadout(const QString &text) {
    m_readout->setText(text.isEmpty() ? kHint : text);
    if (text == m_lastReadout)
        return;
    m_lastReadout = text;
    Q_EMIT readoutChanged(text);
}

} // namespace posenc::ui
