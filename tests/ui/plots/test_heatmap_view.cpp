// HeatmapView: the view follows the table's size, the colour range is [-1, 1] for the sinusoidal
// kinds and the data's range otherwise, the hover readout names the right cell, and with more
// cells than pixels each pixel shows the mean of the cells it covers (window, zoom, resize, export).

#include "encoding/compute_table.h"
#include "plots/heatmap_binning.h"
#include "plots/heatmap_view.h"
#include "plots/plot_export.h"
#include "test_support.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QMouseEvent>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace posenc;
using posenc::ui::HeatmapView;

Q_DECLARE_METATYPE(core::PeKind)

using posenc::testing::makeEncoding;
using posenc::testing::number;
using posenc::testing::sendMouse;

namespace {

core::PeTable handTable(int rows, int cols, const QVector<float> &values) {
    core::PeTable table;
    table.rows = rows;
    table.cols = cols;
    table.values = values;
    return table;
}

QCPColorMap *colorMap(HeatmapView *view) {
    return qobject_cast<QCPColorMap *>(view->plot()->plottable(0));
}

// The mean of the cells under the coordinate box [k0, k1] x [v0, v1] (cell k spans [k - 0.5,
// k + 0.5]), each weighted by its overlap: written out apart from heatmap_binning.
double boxMean(const core::PeTable &t, double k0, double k1, double v0, double v1) {
    double sum = 0, area = 0;
    for (int p = std::max(0, int(k0 - 1)); p <= std::min(t.rows - 1, int(k1 + 1)); ++p) {
        const double wp = std::max(0.0, std::min(k1, p + 0.5) - std::max(k0, p - 0.5));
        for (int d = std::max(0, int(v0 - 1)); d <= std::min(t.cols - 1, int(v1 + 1)) && wp > 0; ++d) {
            const double wd = std::max(0.0, std::min(v1, d + 0.5) - std::max(v0, d - 0.5));
            sum += wp * wd * t.at(p, d);
            area += wp * wd;
        }
    }
    return sum / area;
}

// The coordinate span [lo, hi] of bin `index` of `count` bins whose centres run over `centres`.
QPair<double, double> binSpan(const QCPRange &centres, int count, int index) {
    const double width = count > 1 ? centres.size() / (count - 1) : centres.size();
    const double lower = count > 1 ? centres.lower - width / 2 : centres.lower;
    return {lower + index * width, lower + (index + 1) * width};
}

} // namespace

class TestHeatmapView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void sizeFollowsTable_data();
    void sizeFollowsTable();
    void sinusoidalRangeIsFixed_data();
    void sinusoidalRangeIsFixed();
    void learnedRangeFollowsData();
    void trainedPositionsAreMarked();
    void readout_data();
    void readout();
    void readoutAtIndexZeroReadsInFull();
    void learnedReadoutHasNoFrequency();
    void cellAtMapsCellCentres_data();
    void cellAtMapsCellCentres();
    void mouseMoveEmitsHoveredPosition();
    void doubleClickResetsView();
    void labelsAndTitle();
    void binAxisSplitsCellsByOverlap_data();
    void binAxisSplitsCellsByOverlap();
    void binnedPixelIsTheMeanOfItsCells_data();
    void binnedPixelIsTheMeanOfItsCells();
    void dimensionZeroAveragesOutAtMaxLen5000();
    void hoverSaysHowManyCellsAPixelHolds();
    void zoomAndResizeRecomputeTheBinning();
    void exportBinsForItsOwnSize();
    void bigViewIsBinnedOffTheGuiThread();
    void refreshKeepsZoomUnlessTheSizeChanges();

private:
    // Shows the view at 800x600 with the table laid out, so pixels map to cells.
    void showLaidOut();

    HeatmapView *m_view = nullptr;
};

void TestHeatmapView::init() {
    m_view = new HeatmapView;
    m_view->resize(800, 600);
}

void TestHeatmapView::cleanup() {
    delete m_view;
    m_view = nullptr;
}

void TestHeatmapView::showLaidOut() {
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    m_view->plot()->replot();
}

void TestHeatmapView::sizeFollowsTable_data() {
    QTest::addColumn<int>("dModelBefore");
    QTest::addColumn<int>("maxLenBefore");
    QTest::addColumn<int>("dModelAfter");
    QTest::addColumn<int>("maxLenAfter");
    QTest::newRow("d_model 32 -> 64") << 32 << 100 << 64 << 100;
    QTest::newRow("d_model 64 -> 32") << 64 << 100 << 32 << 100;
    QTest::newRow("max_len 100 -> 250") << 32 << 100 << 32 << 250;
    QTest::newRow("both change") << 16 << 50 << 8 << 20;
    QTest::newRow("single position") << 32 << 100 << 4 << 1;
}

void TestHeatmapView::sizeFollowsTable() {
    QFETCH(int, dModelBefore);
    QFETCH(int, maxLenBefore);
    QFETCH(int, dModelAfter);
    QFETCH(int, maxLenAfter);
    const auto before = makeEncoding(core::PeKind::Sinusoidal, dModelBefore, maxLenBefore);
    m_view->setTable(core::computePeTable(before), before);
    QCOMPARE(m_view->positions(), maxLenBefore);
    QCOMPARE(m_view->dimensions(), dModelBefore);

    const auto after = makeEncoding(core::PeKind::Sinusoidal, dModelAfter, maxLenAfter);
    const core::PeTable table = core::computePeTable(after);
    m_view->setTable(table, after);
    QCOMPARE(m_view->positions(), maxLenAfter);
    QCOMPARE(m_view->dimensions(), dModelAfter);
    showLaidOut(); // the map is binned for the pixels it is drawn on

    // Fewer cells than pixels: one bin per cell, centred on integer indices, so the data range runs
    // from the first to the last centre.
    QCPColorMapData *data = colorMap(m_view)->data();
    if (maxLenAfter > 1)
        QCOMPARE(data->keyRange(), QCPRange(0, maxLenAfter - 1));
    QCOMPARE(data->valueRange(), QCPRange(0, dModelAfter - 1));
    // The corners hold the table's values (position on x, dimension on y).
    const int lastP = maxLenAfter - 1, lastD = dModelAfter - 1;
    QCOMPARE(data->cell(0, 0), double(table.at(0, 0)));
    QCOMPARE(data->cell(lastP, 0), double(table.at(lastP, 0)));
    QCOMPARE(data->cell(0, lastD), double(table.at(0, lastD)));
    QCOMPARE(data->cell(lastP, lastD), double(table.at(lastP, lastD)));
    // The view shows the whole table.
    QCOMPARE(m_view->plot()->xAxis->range(), QCPRange(-0.5, maxLenAfter - 0.5));
    QCOMPARE(m_view->plot()->yAxis->range(), QCPRange(-0.5, dModelAfter - 0.5));
}

void TestHeatmapView::sinusoidalRangeIsFixed_data() {
    QTest::addColumn<core::PeKind>("kind");
    QTest::newRow("sinusoidal") << core::PeKind::Sinusoidal;
    QTest::newRow("sinusoidal-concat") << core::PeKind::SinusoidalConcat;
}

void TestHeatmapView::sinusoidalRangeIsFixed() {
    QFETCH(core::PeKind, kind);
    // A data-driven table first, so a leftover range would show.
    m_view->setTable(handTable(2, 2, {-3.f, 0.f, 0.5f, 7.f}), makeEncoding(core::PeKind::Learned, 2, 2));
    QCOMPARE(m_view->rangeUpper(), 7.0);

    // Only 3 positions: the data stays well inside [-1, 1], the range must not follow it.
    const auto encoding = makeEncoding(kind, 32, 3);
    m_view->setTable(core::computePeTable(encoding), encoding);
    QCOMPARE(m_view->rangeLower(), -1.0);
    QCOMPARE(m_view->rangeUpper(), 1.0);
}

void TestHeatmapView::trainedPositionsAreMarked() {
    const auto learned = makeEncoding(core::PeKind::Learned, 8, 100);
    m_view->setTable(core::computePeTable(learned), learned);
    m_view->setTrainedLength(20);
    auto *line = m_view->plot()->findChild<QCPItemStraightLine *>();
    auto *label = m_view->plot()->findChild<QCPItemText *>();
    QVERIFY(line && label);
    QVERIFY(line->visible());
    QCOMPARE(line->point1->coords().x(), 19.5); // between position 19 (trained) and 20
    QCOMPARE(label->text(), QStringLiteral("trained positions"));
    // A formula table has no trained positions.
    const auto sinusoidal = makeEncoding(core::PeKind::Sinusoidal, 8, 100);
    m_view->setTable(core::computePeTable(sinusoidal), sinusoidal);
    QVERIFY(!line->visible());
    QVERIFY(!label->visible());
}

void TestHeatmapView::learnedRangeFollowsData() {
    const auto learned = makeEncoding(core::PeKind::Learned, 2, 3);
    m_view->setTable(handTable(3, 2, {-0.3f, 2.5f, 0.1f, 0.f, 1.f, -0.2f}), learned);
    QCOMPARE(m_view->rangeLower(), -double(2.5f)); // symmetric around 0
    QCOMPARE(m_view->rangeUpper(), double(2.5f));

    // The same run's next epoch: a narrower table keeps the range, so untrained cells keep their colour.
    m_view->setTable(handTable(3, 2, {-0.1f, 0.2f, 0.f, 0.05f, 0.1f, 0.f}), learned);
    QCOMPARE(m_view->rangeLower(), -double(2.5f));
    QCOMPARE(m_view->rangeUpper(), double(2.5f));
    // A wider one grows it.
    m_view->setTable(handTable(3, 2, {-3.f, 0.2f, 0.f, 0.05f, 0.1f, 0.f}), learned);
    QCOMPARE(m_view->rangeUpper(), 3.0);
    // A new run starts from its own table.
    m_view->resetColorRange();
    m_view->setTable(handTable(3, 2, {-0.1f, 0.2f, 0.f, 0.05f, 0.1f, 0.f}), learned);
    QCOMPARE(m_view->rangeLower(), -double(0.2f));
    QCOMPARE(m_view->rangeUpper(), double(0.2f));

    // All zeros (kind none) still gets a usable range.
    const auto none = makeEncoding(core::PeKind::None, 4, 5);
    m_view->setTable(core::computePeTable(none), none);
    QCOMPARE(m_view->rangeLower(), -1.0);
    QCOMPARE(m_view->rangeUpper(), 1.0);
}

void TestHeatmapView::readout_data() {
    QTest::addColumn<core::PeKind>("kind");
    QTest::addColumn<int>("position");
    QTest::addColumn<int>("dim");
    QTest::addColumn<QString>("sinCos");
    QTest::addColumn<int>("freqIndex");
    QTest::addColumn<double>("wavelength");
    QTest::addColumn<double>("value");

    // d_model 32, base 10000: column pair i has wavelength 2*pi*10000^(2i/32) and value
    // sin or cos of position / 10000^(2i/32).
    const auto scale = [](int i) { return std::pow(10000.0, 2.0 * i / 32); };
    const double twoPi = 2 * M_PI;
    QTest::newRow("first cell") << core::PeKind::Sinusoidal << 0 << 0 << "sin" << 0 << twoPi << 0.0;
    QTest::newRow("position 3, dim 4")
        << core::PeKind::Sinusoidal << 3 << 4 << "sin" << 2 << twoPi * scale(2) << std::sin(3 / scale(2));
    QTest::newRow("position 7, dim 5")
        << core::PeKind::Sinusoidal << 7 << 5 << "cos" << 2 << twoPi * scale(2) << std::cos(7 / scale(2));
    QTest::newRow("position 0, dim 1") << core::PeKind::Sinusoidal << 0 << 1 << "cos" << 0 << twoPi << 1.0;
    QTest::newRow("last cell") << core::PeKind::Sinusoidal << 99 << 31 << "cos" << 15 << twoPi * scale(15)
                               << std::cos(99 / scale(15));
    // Concatenated: dims 0-15 are the sines, 16-31 the cosines.
    QTest::newRow("concat, dim 17") << core::PeKind::SinusoidalConcat << 3 << 17 << "cos" << 1
                                    << twoPi * scale(1) << std::cos(3 / scale(1));
}

void TestHeatmapView::readout() {
    QFETCH(core::PeKind, kind);
    QFETCH(int, position);
    QFETCH(int, dim);
    QFETCH(QString, sinCos);
    QFETCH(int, freqIndex);
    QFETCH(double, wavelength);
    QFETCH(double, value);
    const auto encoding = makeEncoding(kind, 32, 100);
    m_view->setTable(core::computePeTable(encoding), encoding);

    const QString text = m_view->readout(position, dim);
    QVERIFY2(
        text.startsWith(QStringLiteral("position %1 \u00b7 dimension %2 \u00b7 ").arg(position).arg(dim)),
        qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("%1, i = %2").arg(sinCos).arg(freqIndex)), qPrintable(text));
    // Shown with 4 significant digits.
    const double shownWavelength = number(text, QStringLiteral("wavelength"));
    QVERIFY2(std::abs(shownWavelength - wavelength) <= 5e-4 * wavelength, qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral(" positions \u00b7 value ")), qPrintable(text));
    const double shownValue = number(text, QStringLiteral("value"));
    QVERIFY2(std::abs(shownValue - value) <= 5e-4 * std::max(std::abs(value), 1e-3), qPrintable(text));
}

void TestHeatmapView::readoutAtIndexZeroReadsInFull() {
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 100);
    m_view->setTable(core::computePeTable(encoding), encoding);
    QCOMPARE(
        m_view->readout(0, 0),
        QStringLiteral("position 0 \u00b7 dimension 0 \u00b7 sin, i = 0 \u00b7 wavelength 6.283 positions "
                       "\u00b7 value 0"));
    // Outside the table there is nothing to read.
    QCOMPARE(m_view->readout(100, 0), QString());
    QCOMPARE(m_view->readout(0, 32), QString());
    QCOMPARE(m_view->readout(-1, 0), QString());
}

void TestHeatmapView::learnedReadoutHasNoFrequency() {
    m_view->setTable(handTable(2, 3, {0.f, 0.f, 0.f, 0.f, 0.123456f, 0.f}),
                     makeEncoding(core::PeKind::Learned, 3, 2));
    QCOMPARE(m_view->readout(1, 1), QStringLiteral("position 1 \u00b7 dimension 1 \u00b7 value 0.1235"));
}

void TestHeatmapView::cellAtMapsCellCentres_data() {
    QTest::addColumn<int>("position");
    QTest::addColumn<int>("dim");
    QTest::newRow("first cell") << 0 << 0;
    QTest::newRow("last cell") << 99 << 31;
    QTest::newRow("last position, dim 0") << 99 << 0;
    QTest::newRow("position 0, last dim") << 0 << 31;
    QTest::newRow("inside") << 42 << 17;
}

void TestHeatmapView::cellAtMapsCellCentres() {
    QFETCH(int, position);
    QFETCH(int, dim);
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 100);
    m_view->setTable(core::computePeTable(encoding), encoding);
    showLaidOut();
    const QCPAxis *x = m_view->plot()->xAxis;
    const QCPAxis *y = m_view->plot()->yAxis;

    int p = -1, d = -1;
    QVERIFY(m_view->cellAt(QPointF(x->coordToPixel(position), y->coordToPixel(dim)), &p, &d));
    QCOMPARE(p, position);
    QCOMPARE(d, dim);
    // Anywhere inside the cell (centre +-0.4 cells) is the same cell.
    for (double dx : {-0.4, 0.4}) {
        for (double dy : {-0.4, 0.4}) {
            p = d = -1;
            QVERIFY(
                m_view->cellAt(QPointF(x->coordToPixel(position + dx), y->coordToPixel(dim + dy)), &p, &d));
            QCOMPARE(p, position);
            QCOMPARE(d, dim);
        }
    }
    // Left of and below the axis rect is no cell.
    const QRect rect = m_view->plot()->axisRect()->rect();
    QVERIFY(!m_view->cellAt(QPointF(rect.left() - 5, y->coordToPixel(dim)), &p, &d));
    QVERIFY(!m_view->cellAt(QPointF(x->coordToPixel(position), rect.bottom() + 5), &p, &d));
}

void TestHeatmapView::mouseMoveEmitsHoveredPosition() {
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 100);
    m_view->setTable(core::computePeTable(encoding), encoding);
    showLaidOut();
    QCustomPlot *plot = m_view->plot();
    QSignalSpy positions(m_view, &HeatmapView::hoveredPosition);
    QSignalSpy readouts(m_view, &HeatmapView::readoutChanged);

    sendMouse(plot, QEvent::MouseMove, QPointF(plot->xAxis->coordToPixel(42), plot->yAxis->coordToPixel(5)));
    QCOMPARE(positions.count(), 1);
    QCOMPARE(positions.takeFirst().at(0).toInt(), 42);
    QCOMPARE(readouts.count(), 1);
    const QString text = readouts.takeFirst().at(0).toString();
    QCOMPARE(text, m_view->readout(42, 5));
    QVERIFY(text.startsWith(QStringLiteral("position 42 \u00b7 dimension 5 \u00b7 cos, i = 2")));
    QCOMPARE(m_view->findChild<QLabel *>(QStringLiteral("readout"))->text(), text);

    // Index 0 is a cell like any other.
    sendMouse(plot, QEvent::MouseMove, QPointF(plot->xAxis->coordToPixel(0), plot->yAxis->coordToPixel(0)));
    QCOMPARE(positions.count(), 1);
    QCOMPARE(positions.takeFirst().at(0).toInt(), 0);
    QVERIFY(readouts.takeLast().at(0).toString().startsWith(
        QStringLiteral("position 0 \u00b7 dimension 0 \u00b7 sin")));

    // Off the map (in the margin left of the axis rect): -1 and an empty readout.
    sendMouse(plot, QEvent::MouseMove,
              QPointF(plot->axisRect()->rect().left() - 10, plot->yAxis->coordToPixel(5)));
    QCOMPARE(positions.count(), 1);
    QCOMPARE(positions.takeFirst().at(0).toInt(), -1);
    QCOMPARE(readouts.takeLast().at(0).toString(), QString());

    // Back on the map, then the mouse leaves the widget.
    sendMouse(plot, QEvent::MouseMove, QPointF(plot->xAxis->coordToPixel(7), plot->yAxis->coordToPixel(1)));
    QCOMPARE(positions.takeFirst().at(0).toInt(), 7);
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(plot, &leave);
    QCOMPARE(positions.count(), 1);
    QCOMPARE(positions.takeFirst().at(0).toInt(), -1);
}

void TestHeatmapView::doubleClickResetsView() {
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 100);
    m_view->setTable(core::computePeTable(encoding), encoding);
    showLaidOut();
    QCustomPlot *plot = m_view->plot();
    plot->xAxis->setRange(10, 20);
    plot->yAxis->setRange(3, 4);
    sendMouse(plot, QEvent::MouseButtonDblClick, plot->axisRect()->center());
    QCOMPARE(plot->xAxis->range(), QCPRange(-0.5, 99.5));
    QCOMPARE(plot->yAxis->range(), QCPRange(-0.5, 31.5));
}

void TestHeatmapView::labelsAndTitle() {
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 5000);
    m_view->setTable(core::computePeTable(encoding), encoding);
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->xAxis->label(), QStringLiteral("position"));
    QCOMPARE(plot->yAxis->label(), QStringLiteral("dimension"));
    auto *scale = plot->findChild<QCPColorScale *>();
    QVERIFY(scale);
    QCOMPARE(scale->axis()->label(), QStringLiteral("PE value"));
    QCOMPARE(scale->type(), QCPAxis::atRight);
    auto *title = plot->findChild<QCPTextElement *>();
    QVERIFY(title);
    QCOMPARE(title->text(),
             QStringLiteral("Sinusoidal positional encoding \u00b7 d_model 32 \u00b7 max_len 5000"));

    const auto learned = makeEncoding(core::PeKind::Learned, 8, 20);
    m_view->setTable(core::computePeTable(learned), learned);
    QCOMPARE(title->text(), QStringLiteral("Learned positional encoding \u00b7 d_model 8 \u00b7 max_len 20"));
}

void TestHeatmapView::binAxisSplitsCellsByOverlap_data() {
    QTest::addColumn<int>("cells");
    QTest::addColumn<double>("pixels");
    QTest::addColumn<int>("bins");
    QTest::addColumn<QVector<double>>("means"); // of a table whose cell k holds k
    // 10 cells on 4 pixels: 2.5 cells each; bin 0 = (0 + 1 + 0.5 * 2) / 2.5.
    QTest::newRow("2.5 cells per pixel") << 10 << 4.0 << 4 << QVector<double>{0.8, 3.2, 5.8, 8.2};
    QTest::newRow("2 cells per pixel") << 8 << 4.0 << 4 << QVector<double>{0.5, 2.5, 4.5, 6.5};
    QTest::newRow("all in one pixel") << 7 << 1.0 << 1 << QVector<double>{3.0};
    QTest::newRow("fewer cells than pixels") << 3 << 10.0 << 3 << QVector<double>{0, 1, 2};
}

void TestHeatmapView::binAxisSplitsCellsByOverlap() {
    QFETCH(int, cells);
    QFETCH(double, pixels);
    QFETCH(int, bins);
    QFETCH(QVector<double>, means);
    core::PeTable column;
    column.rows = cells;
    column.cols = 1;
    for (int k = 0; k < cells; ++k)
        column.values << float(k);
    const ui::AxisBins keys = ui::binAxis(cells, -0.5, cells - 0.5, pixels);
    const ui::AxisBins one = ui::binAxis(1, -0.5, 0.5, 100);
    QCOMPARE(keys.count, bins);
    QCOMPARE(keys.binned, cells > pixels);
    const QVector<float> binned = ui::binTable(column, keys, one);
    QCOMPARE(binned.size(), bins);
    for (int k = 0; k < bins; ++k)
        QVERIFY2(std::abs(binned[k] - means[k]) < 1e-6, qPrintable(QString::number(binned[k])));
    // A view past the table's ends bins only the cells there are.
    QCOMPARE(ui::binAxis(cells, -100, -50, pixels).count, 0);
    QCOMPARE(ui::binAxis(cells, cells - 1.0, cells + 100.0, pixels).cells.value(0), cells - 1);
}

void TestHeatmapView::binnedPixelIsTheMeanOfItsCells_data() {
    QTest::addColumn<int>("dModel");
    QTest::addColumn<int>("maxLen");
    QTest::newRow("5000 x 512: both axes binned") << 512 << 5000;
    QTest::newRow("5000 x 32: positions binned") << 32 << 5000;
    QTest::newRow("concat 3001 x 999") << 999 << 3001;
}

void TestHeatmapView::binnedPixelIsTheMeanOfItsCells() {
    QFETCH(int, dModel);
    QFETCH(int, maxLen);
    const auto encoding =
        makeEncoding(dModel % 2 ? core::PeKind::SinusoidalConcat : core::PeKind::Sinusoidal, dModel, maxLen);
    const core::PeTable table = core::computePeTable(encoding);
    m_view->setTable(table, encoding);
    showLaidOut();
    QCPColorMapData *data = colorMap(m_view)->data();
    const QRect rect = m_view->plot()->axisRect()->rect();
    // One bin per pixel (never more), over the whole table (binned off the GUI thread when big).
    QTRY_COMPARE(data->keySize(), rect.width());
    QCOMPARE(data->valueSize(), std::min(dModel, rect.height()));
    QCOMPARE(m_view->positions(), maxLen);
    QCOMPARE(m_view->dimensions(), dModel);
    for (int k : {0, 1, data->keySize() / 2, data->keySize() - 1}) {
        for (int v : {0, 1, data->valueSize() / 3, data->valueSize() - 1}) {
            const auto [k0, k1] = binSpan(data->keyRange(), data->keySize(), k);
            const auto [v0, v1] = binSpan(data->valueRange(), data->valueSize(), v);
            const double expected = boxMean(table, k0, k1, v0, v1);
            QVERIFY2(std::abs(data->cell(k, v) - expected) < 1e-5,
                     qPrintable(QStringLiteral("bin (%1, %2): %3, mean of its cells %4")
                                    .arg(k)
                                    .arg(v)
                                    .arg(data->cell(k, v))
                                    .arg(expected)));
        }
    }
    // The colours keep their fixed meaning.
    QCOMPARE(m_view->rangeLower(), -1.0);
    QCOMPARE(m_view->rangeUpper(), 1.0);
}

void TestHeatmapView::dimensionZeroAveragesOutAtMaxLen5000() {
    // Dimension 0 is sin(position): period 6.28 positions, far finer than a pixel at max_len 5000.
    // Sampled one cell per pixel it drew as a false, nearly solid band; its pixels' means are small.
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 5000);
    m_view->setTable(core::computePeTable(encoding), encoding);
    showLaidOut();
    QCPColorMapData *data = colorMap(m_view)->data();
    const double cellsPerPixel = 5000.0 / data->keySize();
    QVERIFY(cellsPerPixel > 5);
    double worst = 0, sum = 0;
    for (int k = 0; k < data->keySize(); ++k) {
        worst = std::max(worst, std::abs(data->cell(k, 0)));
        sum += data->cell(k, 0);
    }
    // The mean of sin over a window of L positions is at most 2 / L in size.
    QVERIFY2(worst <= 2 / cellsPerPixel + 1e-6, qPrintable(QString::number(worst)));
    QVERIFY(std::abs(sum / data->keySize()) < 0.01);
    // The slowest dimension (cos, wavelength ~ 44000 positions) is not flattened: ~1 near position 0.
    QVERIFY(data->cell(0, 31) > 0.99);
}

void TestHeatmapView::hoverSaysHowManyCellsAPixelHolds() {
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 5000);
    m_view->setTable(core::computePeTable(encoding), encoding);
    showLaidOut();
    QCustomPlot *plot = m_view->plot();
    QSignalSpy readouts(m_view, &HeatmapView::readoutChanged);
    const QPointF pixel(plot->xAxis->coordToPixel(2500), plot->yAxis->coordToPixel(4));
    sendMouse(plot, QEvent::MouseMove, pixel);
    QCOMPARE(readouts.count(), 1);
    const QString text = readouts.takeFirst().at(0).toString();
    int p = -1, d = -1;
    QVERIFY(m_view->cellAt(pixel, &p, &d));
    QCOMPARE(d, 4);
    QVERIFY(std::abs(p - 2500) <= 5);
    // The exact cell first, then what the pixel holds.
    QVERIFY2(text.startsWith(m_view->readout(p, d) + QStringLiteral(" \u00b7 1 px = ")), qPrintable(text));
    const double perPixel = 5000.0 / plot->axisRect()->width();
    QVERIFY2(text.contains(QStringLiteral("1 px = %1 positions").arg(perPixel, 0, 'f', 1)), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("dimensions")), qPrintable(text)); // 32 rows fit
    // The pixel mean is the drawn value there.
    auto *map = colorMap(m_view);
    const double drawn = map->data()->data(plot->xAxis->pixelToCoord(pixel.x()), 4);
    QVERIFY2(std::abs(number(text, QStringLiteral("pixel mean")) - drawn) <=
                 5e-4 * std::max(1.0, std::abs(drawn)),
             qPrintable(text));
    // Zoomed in to one cell per pixel or more, the note goes.
    plot->xAxis->setRange(2480, 2520);
    plot->replot();
    sendMouse(plot, QEvent::MouseMove,
              QPointF(plot->xAxis->coordToPixel(2500), plot->yAxis->coordToPixel(4)));
    QCOMPARE(readouts.takeLast().at(0).toString(), m_view->readout(2500, 4));
}

void TestHeatmapView::zoomAndResizeRecomputeTheBinning() {
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 512, 5000);
    const core::PeTable table = core::computePeTable(encoding);
    m_view->setTable(table, encoding);
    showLaidOut();
    QCustomPlot *plot = m_view->plot();
    QCPColorMapData *data = colorMap(m_view)->data();
    QTRY_COMPARE(data->keySize(), plot->axisRect()->width());

    // Zoomed to 100 positions x 32 dimensions: every cell gets its own pixels and its own value.
    plot->xAxis->setRange(999.5, 1099.5);
    plot->yAxis->setRange(-0.5, 31.5);
    plot->replot();
    QCOMPARE(data->keySize(), 100);
    QCOMPARE(data->valueSize(), 32);
    QCOMPARE(data->keyRange(), QCPRange(1000, 1099));
    for (const auto &[p, d] : {std::pair{1000, 0}, {1099, 31}, {1050, 7}})
        QCOMPARE(data->cell(p - 1000, d), double(table.at(p, d)));

    // Zoomed out again, then resized: one bin per pixel of the new size.
    m_view->resetView();
    plot->replot();
    QTRY_COMPARE(data->keySize(), plot->axisRect()->width());
    const int before = data->keySize();
    m_view->resize(500, 400);
    QTRY_VERIFY(plot->axisRect()->width() < before);
    plot->replot();
    QTRY_COMPARE(data->keySize(), plot->axisRect()->width());
}

void TestHeatmapView::exportBinsForItsOwnSize() {
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 5000);
    m_view->setTable(core::computePeTable(encoding), encoding);
    showLaidOut();
    QCPColorMapData *data = colorMap(m_view)->data();
    const int onScreen = data->keySize();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pe.png"));
    QCOMPARE(ui::exportPlot(m_view->plot(), path, 2400, 1200), QString());
    // The export drew one bin per pixel of its own, wider axis rect.
    QVERIFY2(data->keySize() > 2 * onScreen, qPrintable(QString::number(data->keySize())));
    QVERIFY(data->keySize() < 2400);
    const QImage image(path);
    QCOMPARE(image.size(), QSize(2400, 1200));
    // The window's own binning comes back with the next frame.
    QTRY_COMPARE(data->keySize(), onScreen);
}

void TestHeatmapView::bigViewIsBinnedOffTheGuiThread() {
    // 5000 x 1024 = 5.1M cells in view, more than BinnedColorMap::kSyncCells (1M).
    showLaidOut();
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 1024, 5000);
    const core::PeTable table = core::computePeTable(encoding);
    m_view->setTable(table, encoding);
    QCustomPlot *plot = m_view->plot();
    QCPColorMapData *data = colorMap(m_view)->data();
    plot->replot();
    QCOMPARE(data->keySize(), 0); // the window went on; the bins come from a pool thread
    const QRect rect = plot->axisRect()->rect();
    QTRY_COMPARE(data->keySize(), rect.width());
    QCOMPARE(data->valueSize(), rect.height());
    for (int k : {0, data->keySize() / 2}) {
        const auto [k0, k1] = binSpan(data->keyRange(), data->keySize(), k);
        const auto [v0, v1] = binSpan(data->valueRange(), data->valueSize(), 3);
        QVERIFY(std::abs(data->cell(k, 3) - boxMean(table, k0, k1, v0, v1)) < 1e-5);
    }
    // An export bins at once, for its own size.
    QTemporaryDir dir;
    QCOMPARE(ui::exportPlot(plot, dir.filePath(QStringLiteral("big.png")), 1800, 1200), QString());
    QVERIFY(data->keySize() > rect.width());
    QTRY_COMPARE(data->keySize(), rect.width());
}

void TestHeatmapView::refreshKeepsZoomUnlessTheSizeChanges() {
    auto encoding = makeEncoding(core::PeKind::Learned, 16, 100);
    m_view->setTable(core::computePeTable(encoding, 1), encoding);
    showLaidOut();
    QCustomPlot *plot = m_view->plot();
    plot->xAxis->setRange(0, 19); // the user zooms into the trained positions
    m_view->setTable(core::computePeTable(encoding, 2), encoding); // the next epoch's table
    QCOMPARE(plot->xAxis->range(), QCPRange(0, 19));
    encoding.maxLen = 200;
    m_view->setTable(core::computePeTable(encoding, 2), encoding);
    QCOMPARE(plot->xAxis->range(), QCPRange(-0.5, 199.5));
}

QTEST_MAIN(TestHeatmapView)
#include "test_heatmap_view.moc"
