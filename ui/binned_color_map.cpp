#include "binned_color_map.h"

#include <cmath>

namespace posenc::ui {

BinnedColorMap::BinnedColorMap(QCPAxis *keyAxis, QCPAxis *valueAxis) : QCPColorMap(keyAxis, valueAxis) {
    setInterpolate(false);
    setTightBoundary(false);
}

void BinnedColorMap::setTable(const core::PeTable &table) {
    m_table = table;
    ++m_tableVersion;
}

double BinnedColorMap::drawnValue(double key, double value) const {
    const int k = m_keys.binAt(key), v = m_values.binAt(value);
    if (k < 0 || v < 0 || mMapData->keySize() != m_keys.count || mMapData->valueSize() != m_values.count)
        return qQNaN();
    return mMapData->cell(k, v);
}

void BinnedColorMap::rebin(double width, double height) {
    const QCPRange keyRange = keyAxis()->range(), valueRange = valueAxis()->range();
    const QVector<double> binnedFor{double(m_tableVersion), keyRange.lower,   keyRange.upper,
                                    valueRange.lower,       valueRange.upper, std::round(width),
                                    std::round(height)};
    if (binnedFor == m_binnedFor)
        return;
    m_binnedFor = binnedFor;
    m_keys = binAxis(m_table.rows, keyRange.lower, keyRange.upper, std::round(width));
    m_values = binAxis(m_table.cols, valueRange.lower, valueRange.upper, std::round(height));
    if (m_keys.count == 0 || m_values.count == 0) {
        mMapData->setSize(0, 0);
        return;
    }
    const QVector<float> means = binTable(m_table, m_keys, m_values);
    mMapData->setSize(m_keys.count, m_values.count);
    mMapData->setRange(QCPRange(m_keys.firstCentre(), m_keys.lastCentre()),
                       QCPRange(m_values.firstCentre(), m_values.lastCentre()));
    const float *mean = means.constData();
    for (int v = 0; v < m_values.count; ++v)
        for (int k = 0; k < m_keys.count; ++k)
            mMapData->setCell(k, v, *mean++);
}

void BinnedColorMap::draw(QCPPainter *painter) {
    // The axis rect in the painter's pixels: an export at scale 2 bins twice as finely.
    const QRect rect = keyAxis()->axisRect()->rect();
    const double scale = std::max(1.0, std::abs(painter->transform().m11()));
    const bool keyIsHorizontal = keyAxis()->orientation() == Qt::Horizontal;
    rebin((keyIsHorizontal ? rect.width() : rect.height()) * scale,
          (keyIsHorizontal ? rect.height() : rect.width()) * scale);
    QCPColorMap::draw(painter);
}

} // namespace posenc::ui
