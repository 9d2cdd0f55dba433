#pragma once
// The colours every view shares: one colour per run (the same run has the same colour in every plot),
// the categorical hues of the per-dimension curves, and the colour gradients of the maps.

#include <QColor>

class QCPColorGradient;

namespace posenc::ui {

// The colour of run `index` (0-based, in the order runs were made): ten distinguishable colours
// (Paul Tol's vibrant and muted sets, as TensorBoard uses them), then further hues around the circle.
QColor runColor(int index);
// How many runs get a colour from the fixed list before generated hues take over.
int runColorCount();

// matplotlib's tab10 colours, cycled: one hue per frequency index in the curves.
QColor categoricalColor(int index);

// Blue (negative) - white (zero) - red (positive), the stops of matplotlib's RdBu reversed: values
// with a fixed symmetric range such as [-1, 1].
QCPColorGradient divergingGradient();
// Viridis' stops: a perceptually ordered gradient for data-driven ranges.
QCPColorGradient sequentialGradient();

} // namespace posenc::ui
