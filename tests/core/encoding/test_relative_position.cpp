// The plain-value relative-position formulas the similarity view draws: RoPE's angle table and score
// against offset, ALiBi's slopes and bias (both equal to what the attention module uses), and the
// binned cosine similarity of a PE table (shift invariant for sinusoidal, bins = exact block means).

#include "encoding/compute_table.h"
#include "encoding/pe_table.h"
#include "encoding/relative_position.h"
#include "model/attention.h"

#include <QTest>

#include <cmath>

using namespace posenc::core;

namespace {
EncodingConfig sinusoidal(int dModel, int maxLen) {
    EncodingConfig e;
    e.dModel = dModel;
    e.maxLen = maxLen;
    return e;
}
} // namespace

class TestRelativePosition : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ropeAnglesMatchAttention_data();
    void ropeAnglesMatchAttention();
    void ropeScore_data();
    void ropeScore();
    void ropeMatrixIsBlockMeanOfScore_data();
    void ropeMatrixIsBlockMeanOfScore();
    void alibiSlopesMatchAttention_data();
    void alibiSlopesMatchAttention();
    void alibiBiasValues();
    void alibiBinnedIsBlockMean_data();
    void alibiBinnedIsBlockMean();
    void binEdges_data();
    void binEdges();
    void sinusoidalSimilarityIsShiftInvariant_data();
    void sinusoidalSimilarityIsShiftInvariant();
    void binnedSimilarityIsBlockMean_data();
    void binnedSimilarityIsBlockMean();
    void zeroTableHasZeroSimilarity();
    void meanSimilarityAtOffsets();
    void spreadOffsets();
};

void TestRelativePosition::ropeAnglesMatchAttention_data() {
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("headDim");
    QTest::addColumn<double>("base");
    QTest::newRow("20 x 8, base 1e4") << 20 << 8 << 10000.0;
    QTest::newRow("160 x 16, base 1e4") << 160 << 16 << 10000.0;
    QTest::newRow("50 x 2, base 100") << 50 << 2 << 100.0;
    QTest::newRow("300 x 64, base 5e5") << 300 << 64 << 500000.0;
}

void TestRelativePosition::ropeAnglesMatchAttention() {
    QFETCH(int, length);
    QFETCH(int, headDim);
    QFETCH(double, base);
    const RopeTable table = ropeTable(length, headDim, base);
    const torch::Tensor expected = ropeAngles(length, headDim, base).contiguous();
    QCOMPARE(table.length, length);
    QCOMPARE(table.pairs, int(expected.size(1)));
    const double *e = expected.data_ptr<double>();
    for (int p = 0; p < length; ++p)
        for (int i = 0; i < table.pairs; ++i) {
            const double want = e[p * table.pairs + i];
            QVERIFY2(std::abs(table.angle(p, i) - want) <= 1e-12 * std::max(1.0, std::abs(want)),
                     qPrintable(QStringLiteral("p %1 i %2").arg(p).arg(i)));
            QCOMPARE(table.cos[p * table.pairs + i], std::cos(want));
            QCOMPARE(table.sin[p * table.pairs + i], std::sin(want));
        }
}

void TestRelativePosition::ropeScore_data() {
    QTest::addColumn<int>("offset");
    QTest::addColumn<int>("headDim");
    QTest::addColumn<double>("base");
    QTest::addColumn<double>("expected");
    // Sum of cos(k * base^(-2i/head_dim)) / (head_dim / 2), worked by hand.
    QTest::newRow("offset 0") << 0 << 8 << 10000.0 << 1.0;
    // head_dim 2: one frequency, 1: cos(k).
    QTest::newRow("head_dim 2, k 1") << 1 << 2 << 10000.0 << std::cos(1.0);
    QTest::newRow("head_dim 2, k 3") << 3 << 2 << 10000.0 << std::cos(3.0);
    // head_dim 4, base 100: frequencies 1 and 0.1.
    QTest::newRow("head_dim 4, base 100, k 5") << 5 << 4 << 100.0 << (std::cos(5.0) + std::cos(0.5)) / 2;
    QTest::newRow("head_dim 4, base 100, k 10") << 10 << 4 << 100.0 << (std::cos(10.0) + std::cos(1.0)) / 2;
    QTest::newRow("negative offset is symmetric")
        << -10 << 4 << 100.0 << (std::cos(10.0) + std::cos(1.0)) / 2;
}

void TestRelativePosition::ropeScore() {
    QFETCH(int, offset);
    QFETCH(int, headDim);
    QFETCH(double, base);
    QFETCH(double, expected);
    QVERIFY2(std::abs(posenc::core::ropeScore(offset, headDim, base) - expected) < 1e-12,
             qPrintable(QString::number(posenc::core::ropeScore(offset, headDim, base), 'g', 15)));
}

void TestRelativePosition::ropeMatrixIsBlockMeanOfScore_data() {
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("bins");
    QTest::newRow("60, one cell per bin") << 60 << 60;
    QTest::newRow("90 into 13") << 90 << 13;
}

void TestRelativePosition::ropeMatrixIsBlockMeanOfScore() {
    QFETCH(int, length);
    QFETCH(int, bins);
    const int headDim = 8;
    const BinnedMatrix m = ropeScoreMatrix(length, headDim, 100.0, bins);
    QCOMPARE(m.bins, bins);
    double worst = 0;
    for (int a = 0; a < bins; ++a)
        for (int b = 0; b < bins; ++b) {
            double sum = 0;
            int count = 0;
            for (int p = m.edges[a]; p < m.edges[a + 1]; ++p)
                for (int q = m.edges[b]; q < m.edges[b + 1]; ++q, ++count)
                    sum += posenc::core::ropeScore(p - q, headDim, 100.0);
            worst = std::max(worst, std::abs(m.at(a, b) - sum / count));
        }
    QVERIFY2(worst < 1e-9, qPrintable(QString::number(worst)));
}

void TestRelativePosition::alibiSlopesMatchAttention_data() {
    QTest::addColumn<int>("heads");
    for (int h = 1; h <= 12; ++h)
        QTest::newRow(qPrintable(QStringLiteral("%1 heads").arg(h))) << h;
}

void TestRelativePosition::alibiSlopesMatchAttention() {
    QFETCH(int, heads);
    const QVector<double> slopes = alibiSlopeValues(heads);
    const torch::Tensor expected = alibiSlopes(heads).contiguous();
    QCOMPARE(slopes.size(), qsizetype(expected.size(0)));
    for (int h = 0; h < heads; ++h)
        QCOMPARE(float(slopes[h]), expected[h].item<float>());
}

void TestRelativePosition::alibiBiasValues() {
    // 2 heads: slopes 2^-4 and 2^-8.
    const QVector<double> bias = alibiBias(2, 5);
    QCOMPARE(bias.size(), qsizetype(2 * 5 * 5));
    QCOMPARE(bias[0 * 25 + 0 * 5 + 0], 0.0);
    QCOMPARE(bias[0 * 25 + 0 * 5 + 4], -4.0 / 16);  // head 0, query 0, key 4
    QCOMPARE(bias[0 * 25 + 3 * 5 + 1], -2.0 / 16);  // head 0, query 3, key 1
    QCOMPARE(bias[1 * 25 + 4 * 5 + 0], -4.0 / 256); // head 1, query 4, key 0
    QCOMPARE(bias[1 * 25 + 2 * 5 + 2], 0.0);
}

void TestRelativePosition::alibiBinnedIsBlockMean_data() {
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("bins");
    QTest::newRow("one cell per bin") << 12 << 12;
    QTest::newRow("37 into 5") << 37 << 5;
    QTest::newRow("100 into 7") << 100 << 7;
}

void TestRelativePosition::alibiBinnedIsBlockMean() {
    QFETCH(int, length);
    QFETCH(int, bins);
    const double slope = 0.25;
    const BinnedMatrix m = alibiBiasMatrix(slope, length, bins);
    QCOMPARE(m.bins, bins);
    for (int a = 0; a < m.bins; ++a)
        for (int b = 0; b < m.bins; ++b) {
            double sum = 0;
            int count = 0;
            for (int p = m.edges[a]; p < m.edges[a + 1]; ++p)
                for (int q = m.edges[b]; q < m.edges[b + 1]; ++q, ++count)
                    sum += -slope * std::abs(p - q);
            QVERIFY2(std::abs(m.at(a, b) - sum / count) < 1e-12,
                     qPrintable(QStringLiteral("%1,%2").arg(a).arg(b)));
        }
}

void TestRelativePosition::binEdges_data() {
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("bins");
    QTest::addColumn<QVector<int>>("edges");
    QTest::newRow("10 into 3") << 10 << 3 << QVector<int>{0, 3, 6, 10};
    QTest::newRow("4 into 4") << 4 << 4 << QVector<int>{0, 1, 2, 3, 4};
    QTest::newRow("more bins than cells") << 3 << 8 << QVector<int>{0, 1, 2, 3};
    QTest::newRow("nothing") << 0 << 8 << QVector<int>{};
}

void TestRelativePosition::binEdges() {
    QFETCH(int, count);
    QFETCH(int, bins);
    QFETCH(QVector<int>, edges);
    QCOMPARE(posenc::core::binEdges(count, bins), edges);
}

void TestRelativePosition::sinusoidalSimilarityIsShiftInvariant_data() {
    QTest::addColumn<int>("dModel");
    QTest::addColumn<int>("maxLen");
    QTest::newRow("d32 L100") << 32 << 100;
    QTest::newRow("d64 L300") << 64 << 300;
    QTest::newRow("d8 L500") << 8 << 500;
}

void TestRelativePosition::sinusoidalSimilarityIsShiftInvariant() {
    QFETCH(int, dModel);
    QFETCH(int, maxLen);
    const EncodingConfig e = sinusoidal(dModel, maxLen);
    const BinnedMatrix m = cosineSimilarity(computePeTable(e), maxLen);
    QCOMPARE(m.bins, maxLen);
    // Each cell equals the cell of the first row at the same p - q (and of the first column).
    double worst = 0;
    for (int p = 0; p < maxLen; ++p)
        for (int q = 0; q < maxLen; ++q) {
            const double reference = p >= q ? m.at(p - q, 0) : m.at(0, q - p);
            worst = std::max(worst, std::abs(m.at(p, q) - reference));
        }
    QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
    // And it is the formula's: mean over frequencies of cos((p - q) w_i).
    double formula = 0;
    for (int i = 0; i < dModel / 2; ++i)
        formula += std::cos(7 * std::pow(e.base, -2.0 * i / dModel));
    QVERIFY(std::abs(m.at(7, 0) - formula / (dModel / 2)) < 1e-6);
    QVERIFY(std::abs(m.at(3, 3) - 1.0) < 1e-6);
}

void TestRelativePosition::binnedSimilarityIsBlockMean_data() {
    QTest::addColumn<int>("kind"); // PeKind
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("bins");
    QTest::newRow("sinusoidal 100 into 30") << int(PeKind::Sinusoidal) << 100 << 30;
    QTest::newRow("learned 97 into 10") << int(PeKind::Learned) << 97 << 10;
    QTest::newRow("sinusoidal-concat 64 into 64") << int(PeKind::SinusoidalConcat) << 64 << 64;
}

void TestRelativePosition::binnedSimilarityIsBlockMean() {
    QFETCH(int, kind);
    QFETCH(int, rows);
    QFETCH(int, bins);
    EncodingConfig e = sinusoidal(16, rows);
    e.kind = PeKind(kind);
    const PeTable table = computePeTable(e, 3);
    const BinnedMatrix full = cosineSimilarity(table, rows);
    const BinnedMatrix binned = cosineSimilarity(table, bins);
    QCOMPARE(binned.bins, bins);
    double worst = 0;
    for (int a = 0; a < bins; ++a)
        for (int b = 0; b < bins; ++b) {
            double sum = 0;
            int count = 0;
            for (int p = binned.edges[a]; p < binned.edges[a + 1]; ++p)
                for (int q = binned.edges[b]; q < binned.edges[b + 1]; ++q, ++count)
                    sum += full.at(p, q);
            worst = std::max(worst, std::abs(binned.at(a, b) - sum / count));
        }
    QVERIFY2(worst < 1e-9, qPrintable(QString::number(worst)));
}

void TestRelativePosition::zeroTableHasZeroSimilarity() {
    EncodingConfig e = sinusoidal(8, 10);
    e.kind = PeKind::None;
    const BinnedMatrix m = cosineSimilarity(computePeTable(e), 10);
    QCOMPARE(m.bins, 10);
    for (double v : m.values)
        QCOMPARE(v, 0.0);
}

void TestRelativePosition::meanSimilarityAtOffsets() {
    const EncodingConfig e = sinusoidal(16, 200);
    const PeTable table = computePeTable(e);
    const QVector<double> means = posenc::core::meanSimilarityAtOffsets(table, {0, 1, 10, 150});
    QCOMPARE(means.size(), qsizetype(4));
    // Sinusoidal: every pair at offset k has the same similarity, the rope-like score of d_model.
    for (int i = 0; i < 4; ++i) {
        const int k = QVector<int>{0, 1, 10, 150}[i];
        QVERIFY2(std::abs(means[i] - posenc::core::ropeScore(k, 16, e.base)) < 1e-6,
                 qPrintable(QStringLiteral("k %1: %2").arg(k).arg(means[i])));
    }
    // A stride samples p but keeps the value.
    const QVector<double> strided = posenc::core::meanSimilarityAtOffsets(table, {10}, 7);
    QVERIFY(std::abs(strided[0] - means[2]) < 1e-6);
}

void TestRelativePosition::spreadOffsets() {
    QCOMPARE(posenc::core::spreadOffsets(5, 10), (QVector<int>{0, 1, 2, 3, 4}));
    const QVector<int> spread = posenc::core::spreadOffsets(1001, 11);
    QCOMPARE(spread, (QVector<int>{0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}));
    QCOMPARE(posenc::core::spreadOffsets(0, 10), QVector<int>{});
}

QTEST_GUILESS_MAIN(TestRelativePosition)
#include "test_relative_position.moc"
