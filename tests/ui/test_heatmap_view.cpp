// HeatmapView: the colour map follows the table's size, the colour range is [-1, 1] for the
// sinusoidal kinds and the data's range otherwise, and the hover readout names the right cell.

#include "heatmap_view.h"
#include "test_support.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QMouseEvent>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace posenc;
using posenc::ui::HeatmapView;

Q_DECLARE_METATYPE(core::PeKind)

using posenc::testing::makeEncoding;

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

// The number that follows `label ` in a readout, e.g. number(text, "wavelength").
double number(const QString &text, const QString &label) {
    const QRegularExpression re(QRegularExpression::escape(label) +
                                QStringLiteral(" (-?[0-9.]+(?:e[-+]?[0-9]+)?)"));
    const QRegularExpressionMatch m = re.match(text);
    return m.hasMatch() ? m.captured(1).toDouble() : qQNaN();
}

void sendMouse(QWidget *widget, QEvent::Type type, const QPointF &pos) {
    const Qt::MouseButton button = type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton;
    QMouseEvent event(type, pos, widget->mapToGlobal(pos), button, button, Qt::NoModifier);
    QApplication::sendEvent(widget, &event);
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
    void readout_data();
    void readout();
    void readoutAtIndexZeroReadsInFull();
    void learnedReadoutHasNoFrequency();
    void cellAtMapsCellCentres_data();
    void cellAtMapsCellCentres();
    void mouseMoveEmitsHoveredPosition();
    void doubleClickResetsView();
    void labelsAndTitle();
    void largeTableFillsEveryCell();
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

    // Cells are centred on integer indices: the data range runs from the first to the last centre.
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

void TestHeatmapView::learnedRangeFollowsData() {
    const auto learned = makeEncoding(core::PeKind::Learned, 2, 3);
    m_view->setTable(handTable(3, 2, {-0.3f, 2.5f, 0.1f, 0.f, 1.f, -0.2f}), learned);
    QCOMPARE(m_view->rangeLower(), double(-0.3f));
    QCOMPARE(m_view->rangeUpper(), double(2.5f));

    // A narrower table narrows the range again (the cached bounds alone would only grow).
    m_view->setTable(handTable(3, 2, {-0.1f, 0.2f, 0.f, 0.05f, 0.1f, 0.f}), learned);
    QCOMPARE(m_view->rangeLower(), double(-0.1f));
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

void TestHeatmapView::largeTableFillsEveryCell() {
    // Its speed is measured by `posenc-bench heatmap`; here, that every cell lands where it belongs.
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 512, 5000);
    const core::PeTable table = core::computePeTable(encoding);
    QCOMPARE(table.values.size(), 5000 * 512);
    m_view->setTable(table, encoding);
    QCOMPARE(m_view->positions(), 5000);
    QCOMPARE(m_view->dimensions(), 512);
    QCPColorMapData *data = colorMap(m_view)->data();
    for (const auto &[p, d] : {std::pair{0, 0}, {0, 511}, {4999, 0}, {4999, 511}, {2500, 257}})
        QCOMPARE(data->cell(p, d), double(table.at(p, d)));
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
