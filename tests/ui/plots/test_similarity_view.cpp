// SimilarityView: the cosine similarity matrix (shift invariant for sinusoidal, binned cells = block
// means, never more cells than pixels), RoPE's score and ALiBi's bias curves, the learned table's
// trained positions, the hover readout and the CSV files.

#include "encoding/compute_table.h"
#include "encoding/relative_position.h"
#include "plots/palette.h"
#include "plots/plot_export.h"
#include "plots/similarity_view.h"
#include "test_support.h"

#include <qcustomplot.h>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace posenc;
using posenc::testing::makeEncoding;
using ui::SimilarityView;

class TestSimilarityView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void sinusoidalDependsOnOffsetOnly_data();
    void sinusoidalDependsOnOffsetOnly();
    void binnedCellIsMeanOfItsCells();
    void neverMoreCellsThanPixels();
    void ropeScoreAgainstOffset();
    void alibiBiasPerHead();
    void learnedMarksTrainedPositions();
    void noneSaysUndefined();
    void readoutGivesPAndQ();
    void mouseMoveShowsReadout();
    void csvFiles();
    void hiddenViewComputesWhenShown();
    void runCurvesSideBySide();
    void bigTableComputesOffTheGuiThread();

private:
    // Shows the view at a size whose matrix has room for `bins` cells per side.
    void show(int bins = 0);

    SimilarityView *m_view = nullptr;
};

void TestSimilarityView::init() {
    m_view = new SimilarityView;
}

void TestSimilarityView::cleanup() {
    delete m_view;
    m_view = nullptr;
}

void TestSimilarityView::show(int bins) {
    m_view->resize(1200, 700);
    m_view->setMaxBins(bins);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    m_view->plot()->replot();
    m_view->refresh();
    m_view->finishComputing();
}

void TestSimilarityView::sinusoidalDependsOnOffsetOnly_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("dModel");
    QTest::newRow("sinusoidal d32") << int(core::PeKind::Sinusoidal) << 32;
    QTest::newRow("sinusoidal d8") << int(core::PeKind::Sinusoidal) << 8;
    QTest::newRow("sinusoidal-concat d16") << int(core::PeKind::SinusoidalConcat) << 16;
}

void TestSimilarityView::sinusoidalDependsOnOffsetOnly() {
    QFETCH(int, kind);
    QFETCH(int, dModel);
    const core::EncodingConfig e = makeEncoding(core::PeKind(kind), dModel, 120);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    show();
    const core::BinnedMatrix &m = m_view->matrix();
    QCOMPARE(m.bins, 120);
    double worst = 0;
    for (int p = 0; p < m.bins; ++p)
        for (int q = 0; q < m.bins; ++q)
            worst = std::max(worst, std::abs(m.at(p, q) - (p >= q ? m.at(p - q, 0) : m.at(0, q - p))));
    QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
    QCOMPARE(m_view->rangeLower(), -1.0);
    QCOMPARE(m_view->rangeUpper(), 1.0);
    QCOMPARE(m_view->colourBarLabel(), QStringLiteral("cosine similarity"));
    // The curve is the same numbers: mean over p of the similarity at offset k.
    const QVector<double> curve = m_view->curve(0);
    QCOMPARE(m_view->offsets().size(), qsizetype(120));
    for (int k : {0, 1, 7, 50, 119})
        QVERIFY2(std::abs(curve[k] - m.at(k, 0)) < 1e-6, qPrintable(QStringLiteral("k %1").arg(k)));
    QVERIFY(m_view->note().contains(QStringLiteral("alone")));
}

void TestSimilarityView::binnedCellIsMeanOfItsCells() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Learned, 16, 1000);
    const core::PeTable table = core::computePeTable(e, 5);
    m_view->setTable(table, e, 4, 100);
    show(100);
    const core::BinnedMatrix &m = m_view->matrix();
    QCOMPARE(m.bins, 100);
    QCOMPARE(m.edges[1], 10);
    const core::BinnedMatrix full = core::cosineSimilarity(table, 1000);
    for (const auto &[a, b] : {std::pair{0, 0}, std::pair{3, 7}, std::pair{99, 12}, std::pair{50, 51}}) {
        double sum = 0;
        for (int p = 10 * a; p < 10 * a + 10; ++p)
            for (int q = 10 * b; q < 10 * b + 10; ++q)
                sum += full.at(p, q);
        QVERIFY2(std::abs(m.at(a, b) - sum / 100) < 1e-9, qPrintable(QStringLiteral("%1,%2").arg(a).arg(b)));
    }
    // The learned range follows the data (it is not fixed to [-1, 1]); the diagonal cells are 1-ish.
    QVERIFY(m_view->rangeUpper() <= 1.0 + 1e-9);
    QVERIFY(m_view->rangeLower() > -1.0);
}

void TestSimilarityView::neverMoreCellsThanPixels() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Sinusoidal, 32, 5000);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    show();
    const QRect rect = m_view->plot()->axisRect()->rect();
    const int bins = m_view->matrix().bins;
    QVERIFY2(bins <= std::min(rect.width(), rect.height()) * m_view->devicePixelRatioF(),
             qPrintable(QStringLiteral("%1 bins in %2x%3").arg(bins).arg(rect.width()).arg(rect.height())));
    QVERIFY(bins > 100);
    QCOMPARE(m_view->matrix().edges.last(), 5000);
    // The colour map spans all 5000 positions.
    QCOMPARE(m_view->plot()->xAxis->range().upper, 4999.5);
}

void TestSimilarityView::ropeScoreAgainstOffset() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Rope, 32, 300);
    m_view->setTable(core::computePeTable(e), e, 4, 20); // head_dim 8
    show();
    QCOMPARE(m_view->curveNames().size(), qsizetype(1));
    const QVector<double> curve = m_view->curve(0);
    QCOMPARE(curve.size(), qsizetype(300));
    for (int k : {0, 1, 2, 10, 299}) {
        double expected = 0;
        for (int i = 0; i < 4; ++i)
            expected += std::cos(k * std::pow(10000.0, -2.0 * i / 8));
        QVERIFY2(std::abs(curve[k] - expected / 4) < 1e-12, qPrintable(QStringLiteral("k %1").arg(k)));
    }
    // The matrix holds the same score at p - q: it depends on the offset alone.
    const core::BinnedMatrix &m = m_view->matrix();
    QCOMPARE(m.bins, 300);
    QVERIFY(std::abs(m.at(40, 30) - curve[10]) < 1e-9);
    QVERIFY(std::abs(m.at(250, 260) - curve[10]) < 1e-9);
    QCOMPARE(m_view->rangeLower(), -1.0);
    QVERIFY(m_view->note().contains(QStringLiteral("depends on the offset k = q \u2212 p alone")));
    QCOMPARE(m_view->colourBarLabel(), QStringLiteral("RoPE score (unit q, k)"));
}

void TestSimilarityView::alibiBiasPerHead() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Alibi, 32, 64);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    show();
    // Four heads, slopes 2^-2, 2^-4, 2^-6, 2^-8; one line per head, bias = -slope * k.
    QCOMPARE(m_view->curveNames().size(), qsizetype(4));
    QVERIFY(m_view->curveNames()[1].startsWith(QStringLiteral("head 2 (slope 0.0625)")));
    const QVector<int> &k = m_view->offsets();
    QCOMPARE(k.last(), 63);
    for (int h = 0; h < 4; ++h) {
        const double slope = std::pow(2.0, -2.0 * (h + 1));
        for (int i : {0, 5, int(k.size()) - 1})
            QCOMPARE(m_view->curve(h)[i], -slope * k[i]);
    }
    // The matrix is head 1's bias; choosing head 3 shows its own.
    QCOMPARE(m_view->matrix().at(10, 2), -0.25 * 8);
    QCOMPARE(m_view->colourBarLabel(), QStringLiteral("ALiBi bias, head 1"));
    m_view->setAlibiHead(2);
    QCOMPARE(m_view->matrix().at(10, 2), -std::pow(2.0, -6.0) * 8);
    QCOMPARE(m_view->colourBarLabel(), QStringLiteral("ALiBi bias, head 3"));
    QCOMPARE(m_view->rangeUpper(), 0.0);
    QCOMPARE(m_view->rangeLower(), -std::pow(2.0, -6.0) * 63);
    QVERIFY(m_view->plot()->legend->visible());
}

void TestSimilarityView::learnedMarksTrainedPositions() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Learned, 16, 100);
    m_view->setTable(core::computePeTable(e, 1), e, 4, 20);
    show();
    QCPItemRect *box = nullptr;
    for (int i = 0; i < m_view->plot()->itemCount(); ++i)
        if (auto *r = qobject_cast<QCPItemRect *>(m_view->plot()->item(i)))
            box = r;
    QVERIFY(box);
    QCOMPARE(box->bottomRight->coords(), QPointF(19.5, 19.5));
    QCOMPARE(box->topLeft->coords(), QPointF(-0.5, -0.5));
    QCOMPARE(box->pen().style(), Qt::DashLine);
    QCOMPARE(m_view->curveNames().size(), qsizetype(2));
    QCOMPARE(m_view->curveNames()[1], QStringLiteral("trained positions only (p + k < 20)"));
    QVERIFY(std::isfinite(m_view->curve(1)[19]) && std::isnan(m_view->curve(1)[20]));
    QVERIFY(m_view->note().contains(QStringLiteral("seq_len = 20")));
}

void TestSimilarityView::noneSaysUndefined() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::None, 16, 50);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    show();
    QVERIFY(m_view->matrix().isEmpty());
    QVERIFY(m_view->note().contains(QStringLiteral("undefined")));
}

void TestSimilarityView::readoutGivesPAndQ() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Sinusoidal, 32, 100);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    show();
    const double value = m_view->matrix().at(3, 10);
    QCOMPARE(
        m_view->readout(3, 10),
        QStringLiteral("p 3 \u00b7 q 10 \u00b7 cosine similarity %1").arg(QString::number(value, 'g', 4)));
    // The cell under the pixel of (q 10, p 3).
    QCustomPlot *plot = m_view->plot();
    const QPointF pixel(plot->xAxis->coordToPixel(10.2), plot->yAxis->coordToPixel(2.8));
    int row = -1, col = -1;
    QVERIFY(m_view->cellAt(pixel, &row, &col));
    QCOMPARE(row, 3);
    QCOMPARE(col, 10);
    // Binned: ranges and the number of cells averaged.
    m_view->setMaxBins(10);
    QVERIFY(m_view->readout(0, 1).startsWith(
        QStringLiteral("p 0\u20139 \u00b7 q 10\u201319 \u00b7 mean cosine similarity ")));
    QVERIFY(m_view->readout(0, 1).endsWith(QStringLiteral("(100 cells)")));
}

void TestSimilarityView::mouseMoveShowsReadout() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Sinusoidal, 32, 100);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    show();
    QSignalSpy spy(m_view, &SimilarityView::readoutChanged);
    QCustomPlot *plot = m_view->plot();
    QTest::mouseMove(plot, QPoint(int(plot->xAxis->coordToPixel(40)), int(plot->yAxis->coordToPixel(5))));
    QTRY_VERIFY(m_view->readoutText().startsWith(QStringLiteral("p 5 \u00b7 q 40 \u00b7 cosine similarity")));
    QVERIFY(!spy.isEmpty());
}

void TestSimilarityView::csvFiles() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Sinusoidal, 8, 6);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    show();
    QTemporaryDir dir;
    const QString matrixPath = dir.filePath(QStringLiteral("similarity.csv"));
    QCOMPARE(m_view->writeMatrixCsv(matrixPath), QString());
    QFile matrix(matrixPath);
    QVERIFY(matrix.open(QIODevice::ReadOnly | QIODevice::Text));
    const QList<QByteArray> lines = matrix.readAll().split('\n');
    QCOMPARE(lines[0], QByteArray("p\\q,0,1,2,3,4,5"));
    QCOMPARE(lines.size(), 8); // header, 6 rows, empty after the last newline
    const QList<QByteArray> row2 = lines[3].split(',');
    QCOMPARE(row2[0], QByteArray("2"));
    QVERIFY(std::abs(row2[3].toDouble() - 1.0) < 1e-6); // (2, 2)
    QVERIFY(std::abs(row2[5].toDouble() - m_view->matrix().at(2, 4)) < 1e-8);

    const QString offsetPath = dir.filePath(QStringLiteral("offset.csv"));
    QCOMPARE(m_view->writeOffsetCsv(offsetPath), QString());
    QFile offsets(offsetPath);
    QVERIFY(offsets.open(QIODevice::ReadOnly | QIODevice::Text));
    const QList<QByteArray> offsetLines = offsets.readAll().split('\n');
    QCOMPARE(offsetLines[0], QByteArray("offset,\"mean over p\""));
    QCOMPARE(offsetLines[1], QByteArray("0,1"));
    QVERIFY(m_view->writeMatrixCsv(QStringLiteral("/nonexistent-dir/m.csv"))
                .contains(QStringLiteral("/nonexistent-dir")));
}

void TestSimilarityView::hiddenViewComputesWhenShown() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Sinusoidal, 16, 40);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    QVERIFY(m_view->matrix().isEmpty()); // hidden: nothing computed yet
    show();
    QCOMPARE(m_view->matrix().bins, 40);
    // A picture of it shows the red/blue diverging map.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("similarity.png"));
    QCOMPARE(ui::exportPlot(m_view->plot(), path, 1000, 500), QString());
    QCOMPARE(QImage(path).size(), QSize(1000, 500));
}

void TestSimilarityView::runCurvesSideBySide() {
    const core::EncodingConfig e = makeEncoding(core::PeKind::Sinusoidal, 16, 100);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    show();
    const core::EncodingConfig learned = makeEncoding(core::PeKind::Learned, 16, 150);
    const core::PeTable table = core::computePeTable(learned, 9);
    m_view->setRunCurve(7, QStringLiteral("run 7 \u00b7 learned"), ui::runColor(6), table);
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->graphCount(), 2);
    QCOMPARE(plot->graph(1)->pen().color(), ui::runColor(6));
    QCOMPARE(plot->graph(1)->name(), QStringLiteral("run 7 \u00b7 learned"));
    QVERIFY(plot->legend->visible());
    // The legend sits under the panels: it covers neither the matrix nor a curve.
    plot->replot();
    for (QCPAxisRect *rect : plot->axisRects())
        QVERIFY(!plot->legend->outerRect().intersects(rect->rect()));
    const QVector<double> curve = m_view->runCurve(7);
    QCOMPARE(curve.size(), qsizetype(150));
    for (int k : {0, 3, 149})
        QVERIFY(std::abs(curve[k] - core::meanSimilarityAtOffsets(table, {k})[0]) < 1e-12);
    // Its whole length shows, past the displayed table's 100 positions.
    QCOMPARE(plot->graph(1)->valueAxis()->axisRect()->axis(QCPAxis::atBottom)->range().upper, 149.0);
    // The CSV gets its column at the shared offsets.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("offset.csv"));
    QCOMPARE(m_view->writeOffsetCsv(path), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    QCOMPARE(file.readLine().trimmed(),
             QStringLiteral("offset,\"mean over p\",\"run 7 \u00b7 learned\"").toUtf8());
    QCOMPARE(file.readLine().trimmed(), QByteArray("0,1,1"));
    // ALiBi's axis is a bias, not a similarity: no run curves there.
    const core::EncodingConfig alibi = makeEncoding(core::PeKind::Alibi, 16, 100);
    m_view->setTable(core::computePeTable(alibi), alibi, 2, 20);
    QCOMPARE(plot->graphCount(), 2); // the two heads
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    m_view->removeRunCurve(7);
    QCOMPARE(plot->graphCount(), 1);
    QVERIFY(m_view->runCurve(7).isEmpty());
}

void TestSimilarityView::bigTableComputesOffTheGuiThread() {
    show();
    QSignalSpy spy(m_view, &SimilarityView::computed);
    const core::EncodingConfig e = makeEncoding(core::PeKind::Sinusoidal, 256, 4000);
    m_view->setTable(core::computePeTable(e), e, 4, 20);
    QVERIFY(m_view->isComputing()); // handed to the pool, the GUI thread goes on
    QVERIFY(m_view->readoutText().startsWith(QStringLiteral("Computing the similarity of ")));
    QVERIFY(spy.wait(30000));
    QVERIFY(!m_view->isComputing());
    QVERIFY2(!m_view->readoutText().startsWith(QStringLiteral("Computing")),
             qPrintable(m_view->readoutText()));
    const core::BinnedMatrix &m = m_view->matrix();
    QCOMPARE(m.edges.last(), 4000);
    QVERIFY(m.bins > 50);
    // Still the formula's numbers: cell (a, a) is the mean over a bin of width w of cos((p - q) w_i).
    QVERIFY(std::abs(m.at(0, 0) - m.at(m.bins / 2, m.bins / 2)) < 1e-6);
    QCOMPARE(m_view->offsets().size(), qsizetype(1024));
    QVERIFY(std::abs(m_view->curve(0)[0] - 1.0) < 1e-6);
    QVERIFY(std::abs(m_view->curve(0)[9] - core::ropeScore(9, 256, 10000.0)) < 1e-6);
}

QTEST_MAIN(TestSimilarityView)
#include "test_similarity_view.moc"
