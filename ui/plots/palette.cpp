#include "plots/palette.h"

#include <qcustomplot.h>

#include <cmath>

namespace posenc::ui {

namespace {

// Tol's vibrant set (orange, blue, teal, magenta, cyan, red), three of his muted set (indigo, olive,
// wine) and his bright green, ordered so neighbours differ in hue and lightness.
const QColor kRunColors[] = {QColor(0xee, 0x77, 0x33), QColor(0x00, 0x77, 0xbb), QColor(0x00, 0x99, 0x88),
                             QColor(0xee, 0x33, 0x77), QColor(0x33, 0xbb, 0xee), QColor(0xcc, 0x33, 0x11),
                             QColor(0x33, 0x22, 0x88), QColor(0x99, 0x99, 0x33), QColor(0x88, 0x22, 0x55),
                             QColor(0x22, 0x88, 0x33)};
constexpr int kRunColorCount = int(sizeof(kRunColors) / sizeof(kRunColors[0]));

const QColor kTab10[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                         QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                         QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
                         QColor(0x17, 0xbe, 0xcf)};
constexpr int kTab10Count = int(sizeof(kTab10) / sizeof(kTab10[0]));

} // namespace

QColor runColor(int index) {
    index = std::max(index, 0);
    if (index < kRunColorCount)
        return kRunColors[index];
    // Golden-angle steps around the hue circle keep later runs apart; two lightness levels alternate.
    const double hue = std::fmod(0.70 + (index - kRunColorCount) * 0.381966, 1.0);
    return QColor::fromHslF(float(hue), 0.65f, index % 2 ? 0.38f : 0.5f);
}

int runColorCount() {
    return kRunColorCount;
}

QColor categoricalColor(int index) {
    return kTab10[((index % kTab10Count) + kTab10Count) % kTab10Count];
}

QCPColorGradient divergingGradient() {
    QCPColorGradient gradient;
    gradient.clearColorStops();
    const QVector<QPair<double, QColor>> stops{
        {0.0, QColor(0x05, 0x30, 0x61)},  {0.1, QColor(0x21, 0x66, 0xac)}, {0.25, QColor(0x43, 0x93, 0xc3)},
        {0.4, QColor(0x92, 0xc5, 0xde)},  {0.5, QColor(0xf7, 0xf7, 0xf7)}, {0.6, QColor(0xf4, 0xa5, 0x82)},
        {0.75, QColor(0xd6, 0x60, 0x4d)}, {0.9, QColor(0xb2, 0x18, 0x2b)}, {1.0, QColor(0x67, 0x00, 0x1f)}};
    for (const auto &stop : stops)
        gradient.setColorStopAt(stop.first, stop.second);
    return gradient;
}

QCPColorGradient sequentialGradient() {
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0.0, QColor(0x44, 0x01, 0x54));
    gradient.setColorStopAt(0.25, QColor(0x3b, 0x52, 0x8b));
    gradient.setColorStopAt(0.5, QColor(0x21, 0x91, 0x8c));
    gradient.setColorStopAt(0.75, QColor(0x5e, 0xc9, 0x62));
    gradient.setColorStopAt(1.0, QColor(0xfd, 0xe7, 0x25));
    return gradient;
}

} // namespace posenc::ui
