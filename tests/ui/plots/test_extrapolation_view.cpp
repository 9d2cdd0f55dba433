// ExtrapolationView: one line per visible run in the run's colour, the trained seq_len dashed, a log
// option, a legend outside the axis rect, a hover readout naming run, length and loss, CSV and pictures.

#include "plots/extrapolation_view.h"
#include "plots/palette.h"
#include "plots/plot_export.h"

#include <qcustomplot.h>

#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace posenc;
using ui::ExtrapolationView;

namespace {

core::ProbeResult probe(const QVector<QPair<int, double>> &points, const QStringList &skipped = {}) {
    core::ProbeResult result;
    for (const auto &p : points)
        result.points.append({p.first, p.second});
    result.skipped = skipped;
    return result;
}

// Pixels within a small distance of a colour.
int pixelsOf(const QImage &image, const QColor &colour) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) +
                    std::abs(c.blue() - colour.blue()) <
                30)
                ++count;
        }
    return count;
}

} // namespace

class TestExtrapolationView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void oneLinePerRunInItsColour();
    void legendSitsOutsideTheAxisRect();
    void trainedLengthIsDashed();
    void hiddenRunLeavesLegendAndMarkers();
    void removeRun();
    void hoverNamesRunLengthAndLoss_data();
    void hoverNamesRunLengthAndLoss();
    void mouseMoveShowsReadout();
    void logScaleSpacesDecadesEvenly();
    void skippedLengthsAreNoted();
    void csvHasOneColumnPerVisibleRun();
    void pictureShowsEachRunColour();

private:
    ExtrapolationView *m_view = nullptr;
};

void TestExtrapolationView::init() {
    m_view = new ExtrapolationView;
    m_view->resize(900, 560);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    m_view->setRun(1, QStringLiteral("transformer \u00b7 sinusoidal \u00b7 recency \u00b7 d32"),
                   ui::runColor(0), probe({{20, 0.05}, {40, 0.4}, {80, 1.3}, {160, 2.0}}), 20);
    m_view->setRun(2, QStringLiteral("transformer \u00b7 alibi \u00b7 recency \u00b7 d32"), ui::runColor(1),
                   probe({{20, 0.04}, {40, 0.06}, {80, 0.07}, {160, 0.09}}), 20);
    m_view->plot()->replot();
}

void TestExtrapolationView::cleanup() {
    delete m_view;
    m_view = nullptr;
}

void TestExtrapolationView::oneLinePerRunInItsColour() {
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->graphCount(), 2);
    QCOMPARE(plot->graph(0)->pen().color(), ui::runColor(0));
    QCOMPARE(plot->graph(1)->pen().color(), ui::runColor(1));
    QCOMPARE(plot->graph(0)->data()->size(), 4);
    QCOMPARE(plot->graph(1)->data()->at(2)->value, 0.07);
    QCOMPARE(plot->graph(1)->data()->at(2)->key, 80.0);
    QCOMPARE(plot->xAxis->label(), QStringLiteral("sequence length"));
    QCOMPARE(plot->yAxis->label(), QStringLiteral("MSE (normalised labels)"));
    // Every point lies inside the shown ranges.
    QVERIFY(plot->xAxis->range().contains(20) && plot->xAxis->range().contains(160));
    QVERIFY(plot->yAxis->range().contains(0.04) && plot->yAxis->range().contains(2.0));
    // A new probe for run 1 replaces its line.
    m_view->setRun(1, QStringLiteral("run one"), ui::runColor(0), probe({{20, 0.1}, {40, 0.2}}), 20);
    QCOMPARE(plot->graphCount(), 2);
    QCOMPARE(plot->graph(0)->data()->size(), 2);
    QCOMPARE(plot->graph(0)->name(), QStringLiteral("run one"));
}

void TestExtrapolationView::legendSitsOutsideTheAxisRect() {
    QCustomPlot *plot = m_view->plot();
    QVERIFY(plot->legend->visible());
    QCOMPARE(plot->legend->itemCount(), 2);
    const QRect legend = plot->legend->outerRect();
    QVERIFY(legend.width() > 0);
    QVERIFY2(!legend.intersects(plot->axisRect()->rect()), "the legend covers the data area");
}

void TestExtrapolationView::trainedLengthIsDashed() {
    QCOMPARE(m_view->trainedLengthMarkers(), QVector<int>{20});
    QCustomPlot *plot = m_view->plot();
    QCPItemStraightLine *line = nullptr;
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto *l = qobject_cast<QCPItemStraightLine *>(plot->item(i)))
            line = l;
    QVERIFY(line);
    QCOMPARE(line->pen().style(), Qt::DashLine);
    QCOMPARE(line->point1->coords().x(), 20.0);
    QCOMPARE(line->point2->coords().x(), 20.0);
    // A run trained at another length adds its own marker.
    m_view->setRun(3, QStringLiteral("long"), ui::runColor(2), probe({{40, 0.1}}), 40);
    QCOMPARE(m_view->trainedLengthMarkers(), (QVector<int>{20, 40}));
}

void TestExtrapolationView::hiddenRunLeavesLegendAndMarkers() {
    m_view->setRun(3, QStringLiteral("long"), ui::runColor(2), probe({{40, 0.1}}), 40);
    m_view->setRunVisible(3, false);
    QVERIFY(!m_view->isRunVisible(3));
    QVERIFY(m_view->isRunVisible(1));
    QCOMPARE(m_view->trainedLengthMarkers(), QVector<int>{20});
    QCOMPARE(m_view->plot()->legend->itemCount(), 2);
    QVERIFY(!m_view->plot()->graph(2)->visible());
    m_view->setRunVisible(1, false);
    QCOMPARE(m_view->plot()->legend->itemCount(), 1);
    // A hidden run's point gives no readout.
    m_view->plot()->replot();
    QVERIFY(m_view->readoutAt(m_view->plot()->graph(0)->dataPixelPosition(2)).isEmpty()); // (80, 1.3)
}

void TestExtrapolationView::removeRun() {
    m_view->removeRun(1);
    QCOMPARE(m_view->runIds(), QVector<int>{2});
    QCOMPARE(m_view->plot()->graphCount(), 1);
    QCOMPARE(m_view->plot()->graph(0)->pen().color(), ui::runColor(1));
    m_view->removeRun(42); // unknown: ignored
    m_view->clear();
    QCOMPARE(m_view->plot()->graphCount(), 0);
    QVERIFY(!m_view->plot()->legend->visible());
}

void TestExtrapolationView::hoverNamesRunLengthAndLoss_data() {
    QTest::addColumn<int>("id");
    QTest::addColumn<int>("length");
    QTest::addColumn<QString>("expected");
    QTest::newRow("sinusoidal at 80")
        << 1 << 80
        << "transformer \u00b7 sinusoidal \u00b7 recency \u00b7 d32 \u00b7 length 80 "
           "\u00b7 loss 1.3";
    QTest::newRow("alibi at 160")
        << 2 << 160
        << "transformer \u00b7 alibi \u00b7 recency \u00b7 d32 \u00b7 length 160 \u00b7 "
           "loss 0.09";
}

void TestExtrapolationView::hoverNamesRunLengthAndLoss() {
    QFETCH(int, id);
    QFETCH(int, length);
    QFETCH(QString, expected);
    const QPointF at = m_view->pixelOf(id, length);
    QVERIFY(std::isfinite(at.x()) && m_view->plot()->axisRect()->rect().contains(at.toPoint()));
    QCOMPARE(m_view->readoutAt(at + QPointF(3, -2)), expected);
    // Far from every point: nothing.
    QCOMPARE(m_view->readoutAt(at + QPointF(0, 60)), QString());
}

void TestExtrapolationView::mouseMoveShowsReadout() {
    QSignalSpy spy(m_view, &ExtrapolationView::readoutChanged);
    const QPoint at = m_view->pixelOf(2, 40).toPoint();
    QTest::mouseMove(m_view->plot(), at);
    QTRY_VERIFY(m_view->readoutText().contains(QStringLiteral("alibi")));
    QVERIFY(m_view->readoutText().contains(QStringLiteral("length 40 \u00b7 loss 0.06")));
    QVERIFY(!spy.isEmpty());
}

void TestExtrapolationView::logScaleSpacesDecadesEvenly() {
    m_view->clear();
    m_view->setRun(1, QStringLiteral("decades"), ui::runColor(0), probe({{10, 0.01}, {20, 1.0}, {30, 100.0}}),
                   10);
    m_view->setLogScale(true);
    QVERIFY(m_view->logScale());
    QVERIFY(m_view->findChild<QCheckBox *>(QStringLiteral("logScale"))->isChecked());
    m_view->plot()->replot();
    const double y0 = m_view->pixelOf(1, 10).y(), y1 = m_view->pixelOf(1, 20).y(),
                 y2 = m_view->pixelOf(1, 30).y();
    QVERIFY2(std::abs((y0 - y1) - (y1 - y2)) < 1.0,
             qPrintable(QStringLiteral("%1 %2 %3").arg(y0).arg(y1).arg(y2)));
    QVERIFY(y0 - y1 > 50);
    m_view->setLogScale(false);
    m_view->plot()->replot();
    const double l0 = m_view->pixelOf(1, 10).y(), l1 = m_view->pixelOf(1, 20).y();
    QVERIFY(std::abs(l0 - l1) < 0.05 * m_view->plot()->axisRect()->height()); // 0.01 and 1 nearly meet
}

void TestExtrapolationView::skippedLengthsAreNoted() {
    m_view->setRun(3, QStringLiteral("learned"), ui::runColor(2),
                   probe({{20, 0.1}}, {QStringLiteral("length 320 is beyond max_len 200")}), 20);
    auto *notes = m_view->findChild<QLabel *>(QStringLiteral("notes"));
    QVERIFY(notes->isVisible());
    QCOMPARE(notes->text(), QStringLiteral("Skipped: learned: length 320 is beyond max_len 200"));
}

void TestExtrapolationView::csvHasOneColumnPerVisibleRun() {
    m_view->setRun(3, QStringLiteral("short, odd"), ui::runColor(2), probe({{30, 0.5}, {40, 0.25}}), 20);
    m_view->setRun(4, QStringLiteral("hidden"), ui::runColor(3), probe({{20, 9.0}}), 20);
    m_view->setRunVisible(4, false);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("extrapolation.csv"));
    QCOMPARE(m_view->writeCsv(path), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray expected =
        "length,transformer \u00b7 sinusoidal \u00b7 recency \u00b7 d32,transformer \u00b7 alibi "
        "\u00b7 recency \u00b7 d32,\"short, odd\"\n"
        "20,0.05,0.04,\n"
        "30,,,0.5\n"
        "40,0.4,0.06,0.25\n"
        "80,1.3,0.07,\n"
        "160,2,0.09,\n";
    QCOMPARE(file.readAll(), expected);
    QVERIFY(m_view->writeCsv(QStringLiteral("/nonexistent-dir/x.csv"))
                .contains(QStringLiteral("/nonexistent-dir/x.csv")));
}

void TestExtrapolationView::pictureShowsEachRunColour() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("extrapolation.png"));
    QCOMPARE(ui::exportPlot(m_view->plot(), path, 800, 500), QString());
    const QImage image(path);
    QCOMPARE(image.size(), QSize(800, 500));
    QVERIFY2(pixelsOf(image, ui::runColor(0)) > 200,
             qPrintable(QString::number(pixelsOf(image, ui::runColor(0)))));
    QVERIFY2(pixelsOf(image, ui::runColor(1)) > 200,
             qPrintable(QString::number(pixelsOf(image, ui::runColor(1)))));
    // A hidden run is not drawn.
    m_view->setRunVisible(2, false);
    QCOMPARE(ui::exportPlot(m_view->plot(), path, 800, 500), QString());
    QVERIFY(pixelsOf(QImage(path), ui::runColor(1)) < 5);
}

QTEST_MAIN(TestExtrapolationView)
#include "test_extrapolation_view.moc"
