#pragma once
// A QCPColorMap that draws a PE table box-filtered to the pixels it is drawn on: at every draw
// (window, zoom, pan, resize, export at any size) it bins the visible cells into at most one bin
// per pixel, each the mean of the cells under it, so the image it paints is never larger than
// the axis rect and never aliases. A view of more than kSyncCells cells is binned on a pool
// thread (latest wins) while the previous bins stay on screen; exports always bin at once.

#include "encoding/pe_table.h"
#include "plots/heatmap_binning.h"

#include <qcustomplot.h>

#include <QFutureWatcher>

namespace posenc::ui {

class BinnedColorMap : public QCPColorMap {
public:
    // Views with more visible cells than this are binned off the GUI thread (~1 ms of binning).
    static constexpr qint64 kSyncCells = qint64(1) << 20;

    // Draws on `keyAxis` (positions) against `valueAxis` (dimensions).
    BinnedColorMap(QCPAxis *keyAxis, QCPAxis *valueAxis);
    ~BinnedColorMap() override;

    // The table to show; the next draw bins it.
    void setTable(const core::PeTable &table);
    const core::PeTable &table() const { return m_table; }

    // The bins on screen now: positions and dimensions.
    const AxisBins &keyBins() const { return m_bins.keys; }
    const AxisBins &valueBins() const { return m_bins.values; }
    // True while bins for the window's current view are being computed off the GUI thread (the
    // previous bins are on screen meanwhile).
    bool isBinning() const { return !m_wanted.isEmpty(); }
    // Bins the table for an axis rect of `width` x `height` pixels at the axes' current ranges
    // (draw() calls it with the painter's size; a no-op when nothing changed). Big views of the
    // window bin on a pool thread unless `now`.
    void rebin(double width, double height, bool now);

protected:
    void draw(QCPPainter *painter) override;

private:
    // Bins and means for one view; `view` = table version, axis ranges, pixel sizes.
    struct Binned {
        QVector<double> view;
        AxisBins keys;
        AxisBins values;
        QVector<float> means;
    };
    static Binned binView(const core::PeTable &table, const QVector<double> &view);
    void install(const Binned &binned);
    void startBinning(const QVector<double> &view);
    void onBinned();

    core::PeTable m_table;
    quint64 m_tableVersion = 0;
    Binned m_bins;            // what the map data holds (means dropped once copied)
    QVector<double> m_wanted; // the window's current view, when it is binned off the GUI thread
    QFutureWatcher<Binned> m_watcher;
};

} // namespace posenc::ui
