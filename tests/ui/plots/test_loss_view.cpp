// LossView: runs side by side (each its colour's batch line, EMA line and epoch markers), streamed
// points, the EMA, the log axis, following the newest step, hiding and removing runs, the hover text,
// the legend and the CSV files.

#include "plots/log_ticker.h"
#include "plots/loss_view.h"
#include "test_support.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QFile>
#include <QMouseEvent>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace posenc;
using posenc::testing::readLines;
using posenc::testing::sendMouse;
using posenc::ui::LossView;

namespace {

// `count` batches from step `first` on, with loss 1 / step (so every value is different).
QVector<core::BatchLoss> batches(qint64 first, int count) {
    QVector<core::BatchLoss> out;
    for (int i = 0; i < count; ++i)
        out.append({first + i, 1.0 / double(first + i)});
    return out;
}

QVector<core::BatchLoss> fromLosses(qint64 first, const QVector<double> &losses) {
    QVector<core::BatchLoss> out;
    for (double loss : losses)
        out.append({first++, loss});
    return out;
}

core::EpochStats epoch(int number, qint64 step, double train, double val, double samplesPerSec) {
    core::EpochStats stats;
    stats.epoch = number;
    stats.step = step;
    stats.trainLoss = train;
    stats.valLoss = val;
    stats.samplesPerSec = samplesPerSec;
    return stats;
}

QVector<double> values(QCPGraph *graph) {
    QVector<double> out;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
        out << it->value;
    return out;
}

// The EMA as defined for the smoothed line: starts at the first loss.
QVector<double> handEma(const QVector<double> &losses, double alpha) {
    QVector<double> out;
    double ema = 0;
    for (int i = 0; i < losses.size(); ++i) {
        ema = i == 0 ? losses[i] : alpha * ema + (1 - alpha) * losses[i];
        out << ema;
    }
    return out;
}

bool legendHas(QCustomPlot *plot, const QString &name) {
    for (int i = 0; i < plot->legend->itemCount(); ++i)
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(plot->legend->item(i)))
            if (item->plottable()->name() == name)
                return true;
    return false;
}

const QColor kRed(200, 30, 30);
const QColor kBlue(30, 60, 200);
const QColor kGreen(20, 150, 60);

} // namespace

class TestLossView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void appendingAddsPoints();
    void graphsAndLabels();
    void emaMatchesHandComputed_data();
    void emaMatchesHandComputed();
    void smoothingChangeRecomputesFromRaw();
    void logScaleToggle();
    void logScaleSkipsNonPositiveLosses();
    void twoRunsTwoColouredSets();
    void hiddenRunLeavesPlotAndLegend();
    void hoverNamesEachVisibleRun_data();
    void hoverNamesEachVisibleRun();
    void hoverFromTheMouse();
    void removeRunAndRestoreHistory();
    void clearEmptiesEverything();
    void epochCsv();
    void batchCsv();
    void csvOfTheCurrentRun();
    void csvToUnwritablePath();
    void followLatest();
    void logLabelsAreDistinct_data();
    void logLabelsAreDistinct();
    void legendKeepsItsOrder();
    void denseEpochMarkersAreThinned();

private:
    LossView *m_view = nullptr;
};

void TestLossView::init() {
    m_view = new LossView;
    m_view->resize(800, 500);
    m_view->addRun(1, QStringLiteral("run a"), kRed);
}

void TestLossView::cleanup() {
    delete m_view;
    m_view = nullptr;
}

void TestLossView::appendingAddsPoints() {
    for (int i = 0; i < 3; ++i)
        m_view->appendBatchLosses(1, batches(1 + 10 * i, 10));
    QCOMPARE(m_view->batchPointCount(), 30);
    QCOMPARE(m_view->batchPointCount(1), 30);
    QCOMPARE(m_view->batchHistory().size(), 30);
    QCOMPARE(m_view->batchHistory().last().step, qint64(30));
    QCPGraph *raw = m_view->graphsOf(1).raw;
    QVERIFY(raw);
    QCOMPARE(raw->data()->at(29)->key, 30.0);
    QCOMPARE(raw->data()->at(29)->value, 1.0 / 30);

    m_view->addEpoch(1, epoch(1, 15, 0.5, 0.6, 1000));
    m_view->addEpoch(1, epoch(2, 30, 0.25, 0.3, 1100));
    QCOMPARE(m_view->epochPointCount(), 2);
    QCOMPARE(m_view->validationPointCount(), 2);
    QCPGraph *val = m_view->graphsOf(1).val;
    QCOMPARE(val->data()->at(1)->key, 30.0);
    QCOMPARE(val->data()->at(1)->value, 0.3);
    // An unknown run takes nothing.
    m_view->appendBatchLosses(7, batches(1, 5));
    QCOMPARE(m_view->batchPointCount(7), 0);
    QCOMPARE(m_view->runIds(), QVector<int>{1});
}

void TestLossView::graphsAndLabels() {
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->xAxis->label(), QStringLiteral("step"));
    QCOMPARE(plot->yAxis->label(), QStringLiteral("MSE loss"));
    QCOMPARE(plot->findChild<QCPTextElement *>()->text(), QStringLiteral("Training loss"));
    QVERIFY(legendHas(plot, QStringLiteral("run a")));
    QVERIFY(legendHas(plot, QStringLiteral("train loss (epoch)")));
    QVERIFY(legendHas(plot, QStringLiteral("validation loss (epoch)")));
    // The legend sits beside the axis rect, not inside it.
    QVERIFY(!plot->axisRect()->insetLayout()->elements(false).contains(plot->legend));

    const LossView::Graphs g = m_view->graphsOf(1);
    QCOMPARE(g.train->lineStyle(), QCPGraph::lsNone);
    QCOMPARE(g.train->scatterStyle().shape(), QCPScatterStyle::ssCircle);
    QCOMPARE(g.val->lineStyle(), QCPGraph::lsNone);
    QCOMPARE(g.val->scatterStyle().shape(), QCPScatterStyle::ssDiamond);
    // The raw line is thin and translucent, the smoothed one solid; all in the run's colour.
    QVERIFY(g.raw->pen().widthF() < g.smooth->pen().widthF());
    QCOMPARE(g.raw->pen().color().rgb(), kRed.rgb());
    QVERIFY(g.raw->pen().color().alpha() < 255);
    QCOMPARE(g.smooth->pen().color(), kRed);
    QCOMPARE(g.train->scatterStyle().pen().color(), kRed);
    QCOMPARE(g.val->scatterStyle().pen().color(), kRed);
}

void TestLossView::emaMatchesHandComputed_data() {
    QTest::addColumn<double>("alpha");
    QTest::newRow("0.9") << 0.9;
    QTest::newRow("0.5") << 0.5;
    QTest::newRow("0.99") << 0.99;
}

void TestLossView::emaMatchesHandComputed() {
    QFETCH(double, alpha);
    m_view->setSmoothing(alpha);
    const QVector<double> losses{1.0, 0.5, 0.25, 2.0, 1.0, 0.125, 0.75};
    // Streamed in two chunks: the EMA carries on across appends.
    m_view->appendBatchLosses(1, fromLosses(1, losses.mid(0, 2)));
    m_view->appendBatchLosses(1, fromLosses(3, losses.mid(2)));
    const QVector<double> shown = values(m_view->graphsOf(1).smooth);
    const QVector<double> expected = handEma(losses, alpha);
    QCOMPARE(shown.size(), expected.size());
    QCOMPARE(m_view->smoothedHistory(1).size(), expected.size());
    for (int i = 0; i < shown.size(); ++i)
        QVERIFY2(std::abs(shown[i] - expected[i]) < 1e-12,
                 qPrintable(QStringLiteral("point %1: %2 vs %3").arg(i).arg(shown[i]).arg(expected[i])));
}

void TestLossView::smoothingChangeRecomputesFromRaw() {
    QVector<double> losses;
    for (int i = 0; i < 20; ++i)
        losses << 1.0 + std::sin(i);
    m_view->appendBatchLosses(1, fromLosses(1, losses));
    m_view->setSmoothing(0.5);
    QCOMPARE(m_view->batchPointCount(), 20);
    QCPGraph *smooth = m_view->graphsOf(1).smooth;
    QCOMPARE(values(smooth).last(), handEma(losses, 0.5).last());
    auto *slider = m_view->findChild<QSlider *>(QStringLiteral("smoothing"));
    QCOMPARE(slider->value(), 50);

    // The slider drives the factor, 0..99 -> 0..0.99.
    slider->setValue(20);
    QCOMPARE(m_view->smoothing(), 0.2);
    QCOMPARE(values(smooth).last(), handEma(losses, 0.2).last());
    QCOMPARE(values(smooth).first(), losses.first());
    QCOMPARE(m_view->batchPointCount(), 20);

    // 0 hides the smoothing line; the legend then shows the run by its batch line.
    slider->setValue(0);
    QVERIFY(!smooth->visible());
    QVERIFY(!legendHas(m_view->plot(), smooth->name()));
    QVERIFY(legendHas(m_view->plot(), m_view->graphsOf(1).raw->name()));
}

void TestLossView::logScaleToggle() {
    m_view->appendBatchLosses(1, batches(1, 100));
    QCPAxis *y = m_view->plot()->yAxis;
    QVERIFY(!m_view->logScale());
    m_view->setLogScale(true);
    QVERIFY(m_view->logScale());
    QCOMPARE(y->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(dynamic_cast<ui::DistinctLogTicker *>(y->ticker().data()));
    auto *box = m_view->findChild<QCheckBox *>(QStringLiteral("logScale"));
    QVERIFY(box->isChecked());
    // Losses from 1/100 to 1 are all visible.
    QVERIFY(y->range().lower > 0 && y->range().lower <= 0.01);
    QVERIFY(y->range().upper >= 1.0);

    box->setChecked(false);
    QVERIFY(!m_view->logScale());
    QCOMPARE(y->scaleType(), QCPAxis::stLinear);
    QVERIFY(!dynamic_cast<ui::DistinctLogTicker *>(y->ticker().data()));
}

void TestLossView::logScaleSkipsNonPositiveLosses() {
    m_view->setLogScale(true);
    m_view->appendBatchLosses(1, fromLosses(1, {0.5, 0.0, -1.0, 0.25}));
    const QCPRange range = m_view->plot()->yAxis->range();
    QVERIFY2(range.lower > 0 && range.lower <= 0.25 && range.upper >= 0.5,
             qPrintable(QStringLiteral("%1 .. %2").arg(range.lower).arg(range.upper)));
    QCOMPARE(m_view->batchPointCount(), 4);
}

void TestLossView::twoRunsTwoColouredSets() {
    QCustomPlot *plot = m_view->plot();
    m_view->appendBatchLosses(1, batches(1, 10));
    m_view->addEpoch(1, epoch(1, 10, 0.4, 0.5, 900));
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    QCOMPARE(m_view->currentRun(), 2);
    m_view->appendBatchLosses(2, fromLosses(1, {3.0, 1.0, 2.0, 2.0, 2.0}));
    m_view->addEpoch(2, epoch(1, 5, 2.0, 2.5, 800));

    // Two full sets of graphs, each in its run's colour.
    QCOMPARE(m_view->runIds(), (QVector<int>{1, 2}));
    int drawn = 0;
    for (int i = 0; i < plot->graphCount(); ++i)
        drawn += plot->graph(i)->dataCount() > 0 ? 1 : 0;
    QCOMPARE(drawn, 8);
    for (int id : {1, 2}) {
        const LossView::Graphs g = m_view->graphsOf(id);
        const QColor colour = id == 1 ? kRed : kBlue;
        for (QCPGraph *graph : {g.raw, g.smooth})
            QCOMPARE(graph->pen().color().rgb(), colour.rgb());
        for (QCPGraph *graph : {g.train, g.val})
            QCOMPARE(graph->scatterStyle().pen().color(), colour);
    }
    QCOMPARE(m_view->batchPointCount(1), 10);
    QCOMPARE(m_view->batchPointCount(2), 5);
    QCOMPARE(m_view->epochPointCount(2), 1);
    // Each run's EMA starts afresh at its own first loss.
    QCOMPARE(values(m_view->graphsOf(2).smooth).first(), 3.0);
    QCOMPARE(values(m_view->graphsOf(1).smooth).first(), 1.0);
    QCOMPARE(m_view->legendNames(),
             (QStringList{QStringLiteral("run a"), QStringLiteral("run b"),
                          QStringLiteral("train loss (epoch)"), QStringLiteral("validation loss (epoch)")}));
    // The loss axis holds both runs: 1/10 .. 3.
    QVERIFY(plot->yAxis->range().lower <= 0.1);
    QVERIFY(plot->yAxis->range().upper >= 3.0);
}

void TestLossView::hiddenRunLeavesPlotAndLegend() {
    QCustomPlot *plot = m_view->plot();
    m_view->appendBatchLosses(1, batches(1, 10));
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    m_view->appendBatchLosses(2, fromLosses(1, {30.0, 20.0, 10.0}));
    QVERIFY(plot->yAxis->range().upper >= 30.0);
    m_view->setRunVisible(2, false);
    QVERIFY(!m_view->isRunVisible(2));
    const LossView::Graphs g = m_view->graphsOf(2);
    for (QCPGraph *graph : {g.raw, g.smooth, g.train, g.val})
        QVERIFY(!graph->visible());
    QVERIFY(!legendHas(plot, QStringLiteral("run b")));
    // The axis fits the visible run alone (losses 1/10 .. 1).
    QVERIFY2(plot->yAxis->range().upper < 2.0, qPrintable(QString::number(plot->yAxis->range().upper)));
    m_view->setRunVisible(2, true);
    QVERIFY(g.smooth->visible());
    QCOMPARE(m_view->legendNames().mid(0, 2),
             (QStringList{QStringLiteral("run a"), QStringLiteral("run b")}));
    QVERIFY(plot->yAxis->range().upper >= 30.0);
}

void TestLossView::hoverNamesEachVisibleRun_data() {
    QTest::addColumn<double>("cursor");
    QTest::addColumn<int>("step"); // the runs' last step <= cursor
    QTest::newRow("on a step") << 3.0 << 3;
    QTest::newRow("between steps") << 4.7 << 4;
    QTest::newRow("past the end") << 40.0 << 5;
}

void TestLossView::hoverNamesEachVisibleRun() {
    QFETCH(double, cursor);
    QFETCH(int, step);
    m_view->setSmoothing(0.5);
    const QVector<double> a{1.0, 0.5, 0.25, 0.125, 0.0625};
    const QVector<double> b{4.0, 2.0, 8.0, 4.0, 2.0};
    m_view->appendBatchLosses(1, fromLosses(1, a));
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    m_view->appendBatchLosses(2, fromLosses(1, b));
    m_view->addRun(3, QStringLiteral("run c"), kGreen);
    m_view->appendBatchLosses(3, fromLosses(1, {9.0, 9.0, 9.0, 9.0, 9.0}));
    m_view->setRunVisible(3, false);

    const QString text = m_view->hoverText(cursor);
    const QStringList lines = text.split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QStringLiteral("step %1").arg(qint64(std::floor(cursor))));
    const auto expect = [&](const QString &name, const QVector<double> &losses) {
        return QStringLiteral("%1: smoothed %2 \u00b7 raw %3")
            .arg(name, QString::number(handEma(losses, 0.5)[step - 1], 'g', 4),
                 QString::number(losses[step - 1], 'g', 4));
    };
    QCOMPARE(lines[1], expect(QStringLiteral("run a"), a));
    QCOMPARE(lines[2], expect(QStringLiteral("run b"), b));
    QVERIFY(!text.contains(QStringLiteral("run c")));
    // Before any step there is nothing to tell.
    QCOMPARE(m_view->hoverText(0.5), QString());
}

void TestLossView::hoverFromTheMouse() {
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    m_view->appendBatchLosses(1, batches(1, 100));
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    m_view->appendBatchLosses(2, fromLosses(1, QVector<double>(100, 0.5)));
    QCustomPlot *plot = m_view->plot();
    plot->replot();
    QSignalSpy readout(m_view, &LossView::readoutChanged);
    const QPoint pixel(int(plot->xAxis->coordToPixel(50.2)), int(plot->axisRect()->center().y()));
    QMouseEvent move(QEvent::MouseMove, pixel, plot->mapToGlobal(pixel), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QApplication::sendEvent(plot, &move);
    QCOMPARE(readout.count(), 1);
    const QString text = m_view->readoutText();
    QCOMPARE(text, m_view->readoutAt(pixel));
    QVERIFY2(text.startsWith(QStringLiteral("step 50\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("run a: smoothed ")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("raw %1").arg(1.0 / 50, 0, 'g', 4)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("run b: smoothed 0.5 \u00b7 raw 0.5")), qPrintable(text));
    // Outside the axis rect there is no readout.
    QCOMPARE(m_view->readoutAt(QPointF(1, 1)), QString());
}

void TestLossView::removeRunAndRestoreHistory() {
    QCustomPlot *plot = m_view->plot();
    const int graphs = plot->graphCount();
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    m_view->appendBatchLosses(2, batches(1, 12));
    m_view->addEpoch(2, epoch(1, 12, 0.2, 0.3, 10));
    const QVector<core::BatchLoss> kept = m_view->batchHistory(2);
    const QVector<core::EpochStats> keptEpochs = m_view->epochHistory(2);
    const QVector<double> smooth = values(m_view->graphsOf(2).smooth);
    m_view->removeRun(2);
    QCOMPARE(plot->graphCount(), graphs);
    QCOMPARE(m_view->runIds(), QVector<int>{1});
    QCOMPARE(m_view->currentRun(), 1);
    QVERIFY(!legendHas(plot, QStringLiteral("run b")));
    m_view->removeRun(2); // unknown: nothing happens

    // Back with its whole history, drawn as before.
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    m_view->setRunHistory(2, kept, keptEpochs);
    QCOMPARE(m_view->batchPointCount(2), 12);
    QCOMPARE(m_view->epochPointCount(2), 1);
    QCOMPARE(values(m_view->graphsOf(2).smooth), smooth);
    QCOMPARE(m_view->validationPointCount(2), 1);
}

void TestLossView::clearEmptiesEverything() {
    m_view->appendBatchLosses(1, batches(1, 10));
    m_view->addRun(2, QStringLiteral("b"), kBlue);
    m_view->appendBatchLosses(2, batches(1, 7));
    m_view->addEpoch(2, epoch(1, 7, 0.3, 0.4, 10));
    m_view->clear();
    QCOMPARE(m_view->runIds(), QVector<int>());
    QCOMPARE(m_view->currentRun(), 0);
    QCOMPARE(m_view->batchPointCount(), 0);
    QCOMPARE(m_view->epochPointCount(), 0);
    QVERIFY(m_view->batchHistory().isEmpty());
    QVERIFY(m_view->epochHistory().isEmpty());
    QCOMPARE(m_view->plot()->graphCount(), 2); // the two marker keys
    QCOMPARE(m_view->legendNames(),
             (QStringList{QStringLiteral("train loss (epoch)"), QStringLiteral("validation loss (epoch)")}));
    QCOMPARE(m_view->hoverText(5), QString());
}

void TestLossView::epochCsv() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const double train1 = 0.123456789012, val1 = 1.0 / 3, train2 = 2.5e-5, val2 = 0.0421;
    m_view->addEpoch(1, epoch(1, 32, train1, val1, 1234.5));
    m_view->addEpoch(1, epoch(2, 64, train2, val2, 2000));
    const QString path = dir.filePath(QStringLiteral("epochs.csv"));
    QCOMPARE(m_view->writeEpochCsv(path), QString());

    const QStringList lines = readLines(path);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QStringLiteral("epoch,train_loss,val_loss,step,samples_per_s"));
    const QStringList row1 = lines[1].split(QLatin1Char(','));
    QCOMPARE(row1.size(), 5);
    QCOMPARE(row1[0].toInt(), 1);
    // 9 significant digits: at most half a unit in the 9th digit off.
    QVERIFY(std::abs(row1[1].toDouble() - train1) < 5e-9 * train1);
    QCOMPARE(row1[1], QStringLiteral("0.123456789"));
    QVERIFY(std::abs(row1[2].toDouble() - val1) < 5e-9 * val1);
    QCOMPARE(row1[3].toInt(), 32);
    QCOMPARE(row1[4].toDouble(), 1234.5);
    const QStringList row2 = lines[2].split(QLatin1Char(','));
    QCOMPARE(row2[0].toInt(), 2);
    QCOMPARE(row2[1].toDouble(), train2);
    QCOMPARE(row2[2].toDouble(), val2);
    QCOMPARE(row2[3].toInt(), 64);
}

void TestLossView::batchCsv() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (int i = 0; i < 3; ++i)
        m_view->appendBatchLosses(1, batches(1 + 10 * i, 10));
    const QString path = dir.filePath(QStringLiteral("batches.csv"));
    QCOMPARE(m_view->writeBatchCsv(path), QString());
    const QStringList lines = readLines(path);
    QCOMPARE(lines.size(), 31);
    QCOMPARE(lines[0], QStringLiteral("step,loss"));
    for (int step = 1; step <= 30; ++step) {
        const QStringList row = lines[step].split(QLatin1Char(','));
        QCOMPARE(row.size(), 2);
        QCOMPARE(row[0].toInt(), step);
        QVERIFY(std::abs(row[1].toDouble() - 1.0 / step) < 5e-9 / step);
    }
}

void TestLossView::csvOfTheCurrentRun() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    m_view->appendBatchLosses(1, batches(1, 4));
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    m_view->appendBatchLosses(2, batches(1, 9));
    const QString path = dir.filePath(QStringLiteral("b.csv"));
    QCOMPARE(m_view->writeBatchCsv(path), QString());
    QCOMPARE(readLines(path).size(), 10); // the newest run
    m_view->setCurrentRun(1);             // the row the user selected
    QCOMPARE(m_view->writeBatchCsv(path), QString());
    QCOMPARE(readLines(path).size(), 5);
    m_view->setCurrentRun(42); // unknown: the current run stays
    QCOMPARE(m_view->currentRun(), 1);
}

void TestLossView::csvToUnwritablePath() {
    m_view->appendBatchLosses(1, batches(1, 3));
    const QString path = QStringLiteral("/nonexistent-dir/batches.csv");
    const QString message = m_view->writeBatchCsv(path);
    QVERIFY2(message.startsWith(QStringLiteral("Cannot write /nonexistent-dir/batches.csv: ")),
             qPrintable(message));
    QVERIFY(!QFile::exists(path));
    QVERIFY(m_view->writeEpochCsv(path).startsWith(QStringLiteral("Cannot write ")));
}

void TestLossView::followLatest() {
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    QCustomPlot *plot = m_view->plot();
    plot->replot();
    QVERIFY(m_view->followLatest());
    m_view->appendBatchLosses(1, batches(1, 50));
    QCOMPARE(plot->xAxis->range().lower, 0.0);
    QVERIFY(plot->xAxis->range().upper >= 50);
    QVERIFY(plot->xAxis->range().upper <= 52);
    // The loss axis shows every loss (1/50 .. 1).
    QVERIFY(plot->yAxis->range().lower <= 1.0 / 50);
    QVERIFY(plot->yAxis->range().upper >= 1.0);

    m_view->appendBatchLosses(1, batches(51, 50));
    QVERIFY(plot->xAxis->range().upper >= 100);

    // The user presses the mouse to pan: following stops and new points do not move the view.
    sendMouse(plot, QEvent::MouseButtonPress, plot->axisRect()->center());
    sendMouse(plot, QEvent::MouseButtonRelease, plot->axisRect()->center());
    QVERIFY(!m_view->followLatest());
    const QCPRange before = plot->xAxis->range();
    m_view->appendBatchLosses(1, batches(101, 100));
    QCOMPARE(plot->xAxis->range(), before);

    // A double-click follows again and shows the newest step.
    sendMouse(plot, QEvent::MouseButtonDblClick, plot->axisRect()->center());
    QVERIFY(m_view->followLatest());
    QVERIFY(plot->xAxis->range().upper >= 200);
    QCOMPARE(plot->xAxis->range().lower, 0.0);

    // The wheel (zoom) stops following too.
    const QPointF centre = plot->axisRect()->center();
    QWheelEvent wheel(centre, plot->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(plot, &wheel);
    QVERIFY(!m_view->followLatest());
}

void TestLossView::logLabelsAreDistinct_data() {
    QTest::addColumn<double>("lower");
    QTest::addColumn<double>("upper");
    QTest::newRow("inside one decade around 1") << 0.8 << 1.2;
    QTest::newRow("very narrow") << 0.95 << 1.05;
    QTest::newRow("around 2") << 1.5 << 2.5;
    QTest::newRow("two decades") << 0.01 << 1.0;
    QTest::newRow("one decade and a bit") << 0.3 << 3.0;
    QTest::newRow("six decades") << 1e-5 << 10.0;
    QTest::newRow("fifteen decades") << 1e-12 << 1e3;
}

void TestLossView::logLabelsAreDistinct() {
    QFETCH(double, lower);
    QFETCH(double, upper);
    m_view->setLogScale(true);
    QCPAxis *axis = m_view->plot()->yAxis;
    axis->setRange(lower, upper);
    m_view->plot()->replot();
    const QVector<double> ticks = axis->tickVector();
    const QVector<QString> labels = axis->tickVectorLabels();
    QVERIFY2(ticks.size() >= 2 && ticks.size() <= 10, qPrintable(QString::number(ticks.size())));
    QCOMPARE(labels.size(), ticks.size());
    const QStringList list(labels.begin(), labels.end());
    QCOMPARE(QSet<QString>(list.begin(), list.end()).size(), list.size()); // no "10^0 10^0 10^0"
    for (int i = 0; i < ticks.size(); ++i) {
        QVERIFY(ticks[i] >= lower * (1 - 1e-9) && ticks[i] <= upper * (1 + 1e-9));
        // Each label reads back to its tick to the digits it shows.
        QVERIFY2(std::abs(labels[i].toDouble() - ticks[i]) <=
                     1e-9 * ticks[i] + 0.5 * std::abs(ticks[i]) * 1e-6,
                 qPrintable(labels[i]));
        if (i > 0)
            QVERIFY(ticks[i] > ticks[i - 1]);
    }
}

void TestLossView::legendKeepsItsOrder() {
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    m_view->addRun(3, QStringLiteral("run c"), kGreen);
    const QStringList keys{QStringLiteral("train loss (epoch)"), QStringLiteral("validation loss (epoch)")};
    const QStringList before = m_view->legendNames();
    QCOMPARE(before,
             (QStringList{QStringLiteral("run a"), QStringLiteral("run b"), QStringLiteral("run c")} + keys));
    m_view->setRunVisible(2, false);
    QCOMPARE(m_view->legendNames(), (QStringList{QStringLiteral("run a"), QStringLiteral("run c")} + keys));
    m_view->setSmoothing(0);
    m_view->setSmoothing(0.5);
    m_view->setRunVisible(2, true);
    QCOMPARE(m_view->legendNames(), before);
    // A run put back (undo) takes its place by id, not the end.
    m_view->removeRun(2);
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    QCOMPARE(m_view->legendNames(), before);
}

void TestLossView::denseEpochMarkersAreThinned() {
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    // 600 epochs over ~700 pixels: a marker every pixel would only cover the next one.
    for (int e = 1; e <= 600; ++e)
        m_view->addEpoch(1, epoch(e, 4 * e, 0.5, 0.6, 1));
    m_view->addRun(2, QStringLiteral("run b"), kBlue);
    for (int e = 1; e <= 5; ++e)
        m_view->addEpoch(2, epoch(e, 480 * e, 0.5, 0.6, 1));
    m_view->plot()->replot();
    QVERIFY(m_view->graphsOf(1).train->scatterSkip() >= 1);
    QCOMPARE(m_view->graphsOf(1).val->scatterSkip(), m_view->graphsOf(1).train->scatterSkip());
    QCOMPARE(m_view->epochPointCount(1), 600);             // every epoch is kept; fewer are drawn
    QCOMPARE(m_view->graphsOf(2).train->scatterSkip(), 0); // far apart: every one drawn
}

QTEST_MAIN(TestLossView)
#include "test_loss_view.moc"
