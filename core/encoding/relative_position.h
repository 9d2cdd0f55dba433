#pragma once
// How positions relate to each other, as plain values for the views (no LibTorch types): RoPE's
// angle table and its score against offset, ALiBi's slopes and distance bias, and the cosine
// similarity of a PE table's rows, binned so that one cell is the exact mean of the cells it covers.

#include "encoding/pe_table.h"

#include <QVector>

namespace posenc::core {

// RoPE's angles pos * base^(-2i/head_dim) for pos in [0, length) and i in [0, head_dim/2), with their
// cos and sin; row-major [length, pairs]. The same numbers as attention.h's ropeAngles().
struct RopeTable {
    int length = 0;
    int pairs = 0; // head_dim / 2
    QVector<double> angles;
    QVector<double> cos;
    QVector<double> sin;

    double angle(int position, int pair) const { return angles[qsizetype(position) * pairs + pair]; }
};

// The angle table for `length` positions of a head of `headDim` dimensions (empty for headDim < 2).
RopeTable ropeTable(int length, int headDim, double base);
// The score between unit q and k rotated `offset` positions apart: sum_i cos(offset * theta_i) / n,
// n = head_dim / 2. It depends on the offset alone (1 at offset 0).
double ropeScore(int offset, int headDim, double base);

// ALiBi's head slopes, 2^(-8k/h) with the paper's mix when h is not a power of two; the same numbers
// as attention.h's alibiSlopes() (computed in double, that one rounds to float).
QVector<double> alibiSlopeValues(int heads);
// The bias ALiBi adds to the scores of every head at `length`: -slope_h * |i - j|, row-major
// [heads, length, length] (query i, key j).
QVector<double> alibiBias(int heads, int length);

// A square matrix over positions in bins: bin b covers positions [edges[b], edges[b + 1]).
struct BinnedMatrix {
    int bins = 0;
    QVector<int> edges;     // bins + 1 entries, edges[0] = 0, edges[bins] = positions
    QVector<double> values; // row-major [bins, bins]

    double at(int row, int col) const { return values[qsizetype(row) * bins + col]; }
    bool isEmpty() const { return bins == 0; }
};

// Splits `count` positions into `bins` (at most `count`) near-equal runs of consecutive positions.
QVector<int> binEdges(int count, int bins);
// Cosine similarity of the table's rows (positions), binned: cell (a, b) is the mean of cos(row p,
// row q) over p in bin a and q in bin b, exactly (the mean of unit rows' dot products is the dot
// product of their means). An all-zero row has similarity 0 with every row.
BinnedMatrix cosineSimilarity(const PeTable &table, int bins);
// RoPE's score of unit q and k, sum_i cos((p - q) theta_i) / n, over `length` positions, binned the
// same way (exact block means; no [length, head_dim] table is held).
BinnedMatrix ropeScoreMatrix(int length, int headDim, double base, int bins);
// ALiBi's bias -slope * |p - q| over `length` positions, binned the same way (exact block means).
BinnedMatrix alibiBiasMatrix(double slope, int length, int bins);

// Up to `maxCount` offsets k in [0, length): all of them when they fit, else evenly spread ones
// (always 0 and length - 1).
QVector<int> spreadOffsets(int length, int maxCount);
// The mean cosine similarity of rows p and p + k over p (every `stride`-th p) for each offset k.
QVector<double> meanSimilarityAtOffsets(const PeTable &table, const QVector<int> &offsets, int stride = 1);

} // namespace posenc::core
