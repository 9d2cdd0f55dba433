#include "encoding/relative_position.h"

#include <QtGlobal>

#include <algorithm>
#include <cmath>

namespace posenc::core {

namespace {

// The inverse frequencies base^(-2i/head_dim), i in [0, head_dim/2).
QVector<double> inverseFrequencies(int headDim, double base) {
    QVector<double> inv;
    for (int i = 0; i < headDim / 2; ++i)
        inv.append(std::pow(base, -2.0 * i / headDim));
    return inv;
}

// The Euclidean norm of each row.
QVector<double> rowNorms(const PeTable &table) {
    QVector<double> norms(table.rows);
    for (int p = 0; p < table.rows; ++p) {
        const float *row = table.values.constData() + qsizetype(p) * table.cols;
        double sum = 0;
        for (int d = 0; d < table.cols; ++d)
            sum += double(row[d]) * row[d];
        norms[p] = std::sqrt(sum);
    }
    return norms;
}

// 2^(-8k/n) for k = 1..n.
QVector<double> powerOfTwoSlopes(int n) {
    QVector<double> slopes;
    for (int k = 0; k < n; ++k)
        slopes.append(std::pow(2.0, -8.0 * (k + 1) / n));
    return slopes;
}

} // namespace

RopeTable ropeTable(int length, int headDim, double base) {
    RopeTable table;
    const QVector<double> inv = inverseFrequencies(headDim, base);
    if (length <= 0 || inv.isEmpty())
        return table;
    table.length = length;
    table.pairs = int(inv.size());
    const qsizetype size = qsizetype(length) * table.pairs;
    table.angles.resize(size);
    table.cos.resize(size);
    table.sin.resize(size);
    for (int p = 0; p < length; ++p)
        for (int i = 0; i < table.pairs; ++i) {
            const qsizetype at = qsizetype(p) * table.pairs + i;
            table.angles[at] = p * inv[i];
            table.cos[at] = std::cos(table.angles[at]);
            table.sin[at] = std::sin(table.angles[at]);
        }
    return table;
}

double ropeScore(int offset, int headDim, double base) {
    const QVector<double> inv = inverseFrequencies(headDim, base);
    if (inv.isEmpty())
        return 0.0;
    double sum = 0;
    for (double f : inv)
        sum += std::cos(offset * f);
    return sum / inv.size();
}

QVector<double> alibiSlopeValues(int heads) {
    if (heads <= 0)
        return {};
    const int p = 1 << int(std::floor(std::log2(double(heads))));
    QVector<double> slopes = powerOfTwoSlopes(p);
    // The paper's mix: every other slope of the 2p series fills the rest.
    const QVector<double> extra = powerOfTwoSlopes(2 * p);
    for (int k = 0; k < heads - p; ++k)
        slopes.append(extra[2 * k]);
    return slopes;
}

QVector<double> alibiBias(int heads, int length) {
    const QVector<double> slopes = alibiSlopeValues(heads);
    if (length <= 0)
        return {};
    QVector<double> bias(qsizetype(slopes.size()) * length * length);
    qsizetype at = 0;
    for (double slope : slopes)
        for (int i = 0; i < length; ++i)
            for (int j = 0; j < length; ++j)
                bias[at++] = -slope * std::abs(i - j);
    return bias;
}

QVector<int> binEdges(int count, int bins) {
    if (count <= 0 || bins <= 0)
        return {};
    bins = std::min(bins, count);
    QVector<int> edges(bins + 1);
    for (int b = 0; b <= bins; ++b)
        edges[b] = int(qint64(b) * count / bins);
    return edges;
}

namespace {

// Fills m.values with the dot products of the bins' mean unit rows ([bins, cols] in `means`): the
// mean over a block of the unit rows' dot products.
void dotProductsOfMeans(BinnedMatrix &m, const QVector<double> &means, int cols) {
    m.values.resize(qsizetype(m.bins) * m.bins);
    for (int a = 0; a < m.bins; ++a)
        for (int b = a; b < m.bins; ++b) {
            const double *u = means.constData() + qsizetype(a) * cols;
            const double *v = means.constData() + qsizetype(b) * cols;
            double dot = 0;
            for (int d = 0; d < cols; ++d)
                dot += u[d] * v[d];
            m.values[qsizetype(a) * m.bins + b] = m.values[qsizetype(b) * m.bins + a] = dot;
        }
}

} // namespace

BinnedMatrix cosineSimilarity(const PeTable &table, int bins) {
    BinnedMatrix m;
    m.edges = binEdges(table.rows, bins);
    if (m.edges.isEmpty() || table.cols <= 0)
        return m;
    m.bins = int(m.edges.size()) - 1;
    const int cols = table.cols;
    // The mean unit row of each bin.
    const QVector<double> norms = rowNorms(table);
    QVector<double> means(qsizetype(m.bins) * cols, 0.0);
    for (int b = 0; b < m.bins; ++b) {
        double *mean = means.data() + qsizetype(b) * cols;
        const int first = m.edges[b], last = m.edges[b + 1];
        for (int p = first; p < last; ++p) {
            if (norms[p] == 0)
                continue;
            const float *row = table.values.constData() + qsizetype(p) * cols;
            const double scale = 1.0 / (norms[p] * (last - first));
            for (int d = 0; d < cols; ++d)
                mean[d] += row[d] * scale;
        }
    }
    dotProductsOfMeans(m, means, cols);
    return m;
}

BinnedMatrix ropeScoreMatrix(int length, int headDim, double base, int bins) {
    BinnedMatrix m;
    const QVector<double> inv = inverseFrequencies(headDim, base);
    m.edges = binEdges(length, bins);
    if (m.edges.isEmpty() || inv.isEmpty())
        return m;
    m.bins = int(m.edges.size()) - 1;
    // Position p as the unit vector (cos p theta_i, sin p theta_i) / sqrt(n): the dot product of
    // two of them is the score at their offset.
    const int pairs = int(inv.size()), cols = 2 * pairs;
    QVector<double> means(qsizetype(m.bins) * cols, 0.0);
    for (int b = 0; b < m.bins; ++b) {
        double *mean = means.data() + qsizetype(b) * cols;
        const double scale = 1.0 / (std::sqrt(double(pairs)) * (m.edges[b + 1] - m.edges[b]));
        for (int p = m.edges[b]; p < m.edges[b + 1]; ++p)
            for (int i = 0; i < pairs; ++i) {
                mean[2 * i] += std::cos(p * inv[i]) * scale;
                mean[2 * i + 1] += std::sin(p * inv[i]) * scale;
            }
    }
    dotProductsOfMeans(m, means, cols);
    return m;
}

BinnedMatrix alibiBiasMatrix(double slope, int length, int bins) {
    BinnedMatrix m;
    m.edges = binEdges(length, bins);
    if (m.edges.isEmpty())
        return m;
    m.bins = int(m.edges.size()) - 1;
    m.values.resize(qsizetype(m.bins) * m.bins);
    for (int a = 0; a < m.bins; ++a)
        for (int b = 0; b < m.bins; ++b) {
            const double na = m.edges[a + 1] - m.edges[a];
            // Disjoint bins: every q lies on the same side of every p, so the mean distance is the
            // distance of the means; within one bin of n positions it is (n^2 - 1) / (3n).
            const double meanA = (m.edges[a] + m.edges[a + 1] - 1) / 2.0;
            const double meanB = (m.edges[b] + m.edges[b + 1] - 1) / 2.0;
            const double distance = a == b ? (na * na - 1) / (3 * na) : std::abs(meanA - meanB);
            m.values[qsizetype(a) * m.bins + b] = -slope * distance;
        }
    return m;
}

QVector<int> spreadOffsets(int length, int maxCount) {
    QVector<int> offsets;
    if (length <= 0 || maxCount <= 0)
        return offsets;
    if (length <= maxCount || maxCount == 1) {
        for (int k = 0; k < std::min(length, maxCount); ++k)
            offsets.append(k);
        return offsets;
    }
    for (int i = 0; i < maxCount; ++i) {
        const int k = int(std::lround(double(i) * (length - 1) / (maxCount - 1)));
        if (offsets.isEmpty() || k != offsets.last())
            offsets.append(k);
    }
    return offsets;
}

QVector<double> meanSimilarityAtOffsets(const PeTable &table, const QVector<int> &offsets, int stride) {
    QVector<double> means;
    const QVector<double> norms = rowNorms(table);
    stride = std::max(1, stride);
    for (int k : offsets) {
        double sum = 0;
        int count = 0;
        for (int p = 0; p + k < table.rows; p += stride, ++count) {
            const double n = norms[p] * norms[p + k];
            if (n == 0)
                continue;
            const float *u = table.values.constData() + qsizetype(p) * table.cols;
            const float *v = table.values.constData() + qsizetype(p + k) * table.cols;
            double dot = 0;
            for (int d = 0; d < table.cols; ++d)
                dot += double(u[d]) * v[d];
            sum += dot / n;
        }
        means.append(count > 0 ? sum / count : qQNaN());
    }
    return means;
}

} // namespace posenc::core
