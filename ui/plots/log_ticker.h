#pragma once
// A tick generator for logarithmic value axes whose labels are distinct at every zoom level:
// powers of ten over many decades, 1-2-5 steps over a few, linear "nice" steps inside one decade,
// each label printed with just enough digits to tell it from its neighbours.

#include <qcustomplot.h>

namespace posenc::ui {

class DistinctLogTicker : public QCPAxisTicker {
public:
    // The ticks inside `range` (positive part only), at most about eight.
    static QVector<double> ticksFor(const QCPRange &range);
    // Labels for `ticks`, with the fewest significant digits that keep them all distinct.
    static QVector<QString> labelsFor(const QVector<double> &ticks);

protected:
    QVector<double> createTickVector(double tickStep, const QCPRange &range) override;
    QVector<QString> createLabelVector(const QVector<double> &ticks, const QLocale &locale, QChar formatChar,
                                       int precision) override;
    int getSubTickCount(double tickStep) override;
};

} // namespace posenc::ui
