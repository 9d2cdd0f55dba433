#include "plots/heatmap_binning.h"

#include <algorithm>
#include <cmath>

namespace posenc::ui {

namespace {
// Shares below this are rounding noise at a bin's edge, not a cell under the bin.
constexpr double kMinShare = 1e-9;

// One bin per visible cell, first..last.
void cellBins(AxisBins *bins, int first, int last) {
    bins->count = last - first + 1;
    bins->lower = first - 0.5;
    bins->upper = last + 0.5;
    bins->cellsPerBin = 1;
    for (int k = first; k <= last; ++k) {
        bins->begin << bins->cells.size();
        bins->cells << k;
        bins->weights << 1.0;
    }
    bins->begin << bins->cells.size();
}

// `count` bins over [lower, upper], each holding the cells it overlaps with their overlap shares.
void pixelBins(AxisBins *bins, int cellCount, double lower, double upper, int count) {
    bins->count = count;
    bins->lower = lower;
    bins->upper = upper;
    bins->binned = true;
    bins->cellsPerBin = (upper - lower) / count;
    const double width = bins->cellsPerBin;
    for (int j = 0; j < count; ++j) {
        bins->begin << bins->cells.size();
        const double x0 = lower + j * width, x1 = j + 1 == count ? upper : lower + (j + 1) * width;
        const int first = std::max(0, int(std::floor(x0 + 0.5)));
        const int last = std::min(cellCount - 1, int(std::ceil(x1 - 0.5)));
        double total = 0;
        const int start = bins->weights.size();
        for (int k = first; k <= last; ++k) {
            const double overlap = std::min(x1, k + 0.5) - std::max(x0, k - 0.5);
            if (overlap <= kMinShare * width)
                continue;
            bins->cells << k;
            bins->weights << overlap;
            total += overlap;
        }
        for (int e = start; e < bins->weights.size(); ++e)
            bins->weights[e] /= total;
    }
    bins->begin << bins->cells.size();
}
} // namespace

double AxisBins::firstCentre() const {
    return count > 1 ? lower + 0.5 * (upper - lower) / count : lower;
}

double AxisBins::lastCentre() const {
    return count > 1 ? upper - 0.5 * (upper - lower) / count : upper;
}

int AxisBins::binAt(double coord) const {
    if (count <= 0 || coord < lower || coord > upper)
        return -1;
    return std::min(count - 1, int((coord - lower) / (upper - lower) * count));
}

AxisBins binAxis(int cellCount, double viewLower, double viewUpper, double pixels) {
    AxisBins bins;
    if (viewUpper < viewLower)
        std::swap(viewLower, viewUpper);
    const double lower = std::max(viewLower, -0.5), upper = std::min(viewUpper, cellCount - 0.5);
    if (cellCount <= 0 || !(upper > lower) || !(viewUpper > viewLower) || !(pixels > 0))
        return bins;
    const double visiblePixels = pixels * (upper - lower) / (viewUpper - viewLower);
    if (upper - lower <= visiblePixels) {
        cellBins(&bins, std::max(0, int(std::floor(lower + 0.5))),
                 std::min(cellCount - 1, int(std::ceil(upper - 0.5))));
        return bins;
    }
    pixelBins(&bins, cellCount, lower, upper, std::max(1, int(std::lround(visiblePixels))));
    return bins;
}

QVector<float> binTable(const core::PeTable &table, const AxisBins &keys, const AxisBins &values) {
    QVector<float> out(qsizetype(keys.count) * values.count);
    if (out.isEmpty() || table.isEmpty())
        return out;
    // Per key bin: first the weighted sum of its rows over the visible columns (one contiguous,
    // vectorisable pass over the cells), then that one row binned over the value bins.
    const int firstCell = values.cells.first(), width = values.cells.last() - firstCell + 1;
    QVector<double> rowSum(width);
    double *__restrict sum = rowSum.data();
    for (int k = 0; k < keys.count; ++k) {
        std::fill(rowSum.begin(), rowSum.end(), 0.0);
        for (int e = keys.begin[k]; e < keys.begin[k + 1]; ++e) {
            const float *__restrict row =
                table.values.constData() + qsizetype(keys.cells[e]) * table.cols + firstCell;
            const double wk = keys.weights[e];
            for (int i = 0; i < width; ++i)
                sum[i] += wk * row[i];
        }
        for (int v = 0; v < values.count; ++v) {
            double mean = 0;
            for (int f = values.begin[v]; f < values.begin[v + 1]; ++f)
                mean += values.weights[f] * sum[values.cells[f] - firstCell];
            out[qsizetype(v) * keys.count + k] = float(mean);
        }
    }
    return out;
}

double binMean(const core::PeTable &table, const AxisBins &keys, int k, const AxisBins &values, int v) {
    double mean = 0;
    for (int e = keys.begin[k]; e < keys.begin[k + 1]; ++e)
        for (int f = values.begin[v]; f < values.begin[v + 1]; ++f)
            mean += keys.weights[e] * values.weights[f] * table.at(keys.cells[e], values.cells[f]);
    return mean;
}

} // namespace posenc::ui
