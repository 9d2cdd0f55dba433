#pragma once
// A QCPColorMap that draws a PE table box-filtered to the pixels it is drawn on: at every draw
// (window, zoom, pan, resize, export at any size) it bins the visible cells into at most one bin
// per pixel, each the mean of the cells under it, so the image it paints is never larger than
// the axis rect and never aliases.

#include "heatmap_binning.h"
#include "pe_table.h"

#include <qcustomplot.h>

namespace posenc::ui {

class BinnedColorMap : public QCPColorMap {
public:
    // Draws on `keyAxis` (positions) against `valueAxis` (dimensions).
    BinnedColorMap(QCPAxis *keyAxis, QCPAxis *valueAxis);

    // The table to show; the next draw bins it.
    void setTable(const core::PeTable &table);
    const core::PeTable &table() const { return m_table; }

    // The bins of the last draw: positions and dimensions.
    const AxisBins &keyBins() const { return m_keys; }
    const AxisBins &valueBins() const { return m_values; }
    // The value drawn at a coordinate (the mean of its bin); NaN outside the drawn bins.
    double drawnValue(double key, double value) const;
    // Bins the table for an axis rect of `width` x `height` pixels at the axes' current ranges
    // (draw() calls it with the painter's size; a no-op when nothing changed).
    void rebin(double width, double height);

protected:
    void draw(QCPPainter *painter) override;

private:
    core::PeTable m_table;
    AxisBins m_keys;
    AxisBins m_values;
    quint64 m_tableVersion = 0;
    // What the current bins were made for: table version, axis ranges, pixel sizes.
    QVector<double> m_binnedFor;
};

} // namespace posenc::ui
