#pragma once
// Box filtering of a PE table into screen pixels: each bin is the mean of the cells it covers,
// weighted by how much of each cell lies under it, so detail finer than a pixel averages out
// instead of aliasing into patterns that are not in the data.

#include "encoding/pe_table.h"

#include <QVector>

namespace posenc::ui {

// One axis of the binning. Cell k spans the coordinates [k - 0.5, k + 0.5]; the bins split
// [lower, upper] into `count` equal parts. When more cells than pixels are visible the bins
// are pixels (binned), else each bin is one visible cell.
struct AxisBins {
    int count = 0;
    double lower = 0;
    double upper = 0;
    bool binned = false;
    double cellsPerBin = 0;  // visible cells / bins (1 when not binned)
    QVector<int> begin;      // entries of bin j: [begin[j], begin[j + 1])
    QVector<int> cells;      // per entry: the cell
    QVector<double> weights; // per entry: its share of the bin; a bin's shares add up to 1

    // Coordinates of the first and the last bin's centre (a single bin: lower and upper).
    double firstCentre() const;
    double lastCentre() const;
    // The bin that holds coordinate `coord`, or -1 outside [lower, upper].
    int binAt(double coord) const;
};

// The bins of an axis that shows coordinates [viewLower, viewUpper] of `cellCount` cells on
// `pixels` pixels; empty (count 0) when no cell is in view.
AxisBins binAxis(int cellCount, double viewLower, double viewUpper, double pixels);

// The box-filtered table, keys = positions (rows), values = dimensions (columns), stored
// value-major like QCPColorMapData: bin (k, v) at [v * keys.count + k].
QVector<float> binTable(const core::PeTable &table, const AxisBins &keys, const AxisBins &values);

// The mean of one bin, (key bin k, value bin v): what that pixel shows.
double binMean(const core::PeTable &table, const AxisBins &keys, int k, const AxisBins &values, int v);

} // namespace posenc::ui
