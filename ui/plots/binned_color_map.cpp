#include "plots/binned_color_map.h"

#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace posenc::ui {

namespace {
// QCPColorMapData with its cells writable in one go (setCell per cell checks bounds and ranges).
class BinData : public QCPColorMapData {
public:
    BinData() : QCPColorMapData(0, 0, QCPRange(0, 1), QCPRange(0, 1)) {}
    // Sets the size and the centre ranges, then writes `means` (value-major) into the cells.
    void assign(int keys, int values, const QCPRange &keyRange, const QCPRange &valueRange,
                const QVector<float> &means) {
        setSize(keys, values);
        setRange(keyRange, valueRange);
        if (!mData)
            return;
        std::copy(means.cbegin(), means.cend(), mData);
        mDataModified = true;
    }
};

// The cells in view along one axis: [lower, upper] clipped to the table.
double visibleCells(int cells, const QCPRange &range) {
    return std::max(0.0, std::min(range.upper, cells - 0.5) - std::max(range.lower, -0.5));
}
} // namespace

BinnedColorMap::BinnedColorMap(QCPAxis *keyAxis, QCPAxis *valueAxis) : QCPColorMap(keyAxis, valueAxis) {
    setInterpolate(false);
    setTightBoundary(false);
    setData(new BinData, false); // the map owns it
    QObject::connect(&m_watcher, &QFutureWatcher<Binned>::finished, this, &BinnedColorMap::onBinned);
}

BinnedColorMap::~BinnedColorMap() {
    m_watcher.waitForFinished(); // the job holds only copies, but its result would land here
}

void BinnedColorMap::setTable(const core::PeTable &table) {
    m_table = table;
    ++m_tableVersion;
}

BinnedColorMap::Binned BinnedColorMap::binView(const core::PeTable &table, const QVector<double> &view) {
    Binned binned;
    binned.view = view;
    binned.keys = binAxis(table.rows, view[1], view[2], view[5]);
    binned.values = binAxis(table.cols, view[3], view[4], view[6]);
    binned.means = binTable(table, binned.keys, binned.values);
    return binned;
}

void BinnedColorMap::install(const Binned &binned) {
    m_bins = binned;
    m_bins.means.clear();
    if (binned.keys.count == 0 || binned.values.count == 0) {
        mMapData->setSize(0, 0);
        return;
    }
    static_cast<BinData *>(mMapData)->assign(
        binned.keys.count, binned.values.count, QCPRange(binned.keys.firstCentre(), binned.keys.lastCentre()),
        QCPRange(binned.values.firstCentre(), binned.values.lastCentre()), binned.means);
}

void BinnedColorMap::rebin(double width, double height, bool now) {
    const QCPRange keyRange = keyAxis()->range(), valueRange = valueAxis()->range();
    const QVector<double> view{double(m_tableVersion), keyRange.lower,    keyRange.upper,    valueRange.lower,
                               valueRange.upper,       std::round(width), std::round(height)};
    if (view == m_bins.view || (!now && view == m_wanted))
        return;
    const double cells = visibleCells(m_table.rows, keyRange) * visibleCells(m_table.cols, valueRange);
    if (now || cells <= kSyncCells) {
        m_wanted.clear();
        install(binView(m_table, view));
        return;
    }
    m_wanted = view;
    if (!m_watcher.isRunning())
        startBinning(view);
}

void BinnedColorMap::startBinning(const QVector<double> &view) {
    m_watcher.setFuture(QtConcurrent::run([table = m_table, view] { return binView(table, view); }));
}

void BinnedColorMap::onBinned() {
    const Binned binned = m_watcher.result();
    // The wanted view, or at least the current table where an older one is still on screen.
    const bool wanted = binned.view == m_wanted;
    if (wanted || (binned.view[0] == m_tableVersion && m_bins.view.value(0) != m_tableVersion)) {
        install(binned);
        parentPlot()->replot(QCustomPlot::rpQueuedReplot);
    }
    if (wanted)
        m_wanted.clear();
    else if (!m_wanted.isEmpty())
        startBinning(m_wanted); // the view moved on while this was binned
}

void BinnedColorMap::draw(QCPPainter *painter) {
    // The axis rect in the painter's pixels: an export at scale 2 bins twice as finely, and an
    // export (no caching) bins at once, so the file always holds its own truthful bins.
    const QRect rect = keyAxis()->axisRect()->rect();
    const double scale = std::max(1.0, std::abs(painter->transform().m11()));
    const bool keyIsHorizontal = keyAxis()->orientation() == Qt::Horizontal;
    rebin((keyIsHorizontal ? rect.width() : rect.height()) * scale,
          (keyIsHorizontal ? rect.height() : rect.width()) * scale,
          painter->modes().testFlag(QCPPainter::pmNoCaching));
    QCPColorMap::draw(painter);
}

} // namespace posenc::ui
