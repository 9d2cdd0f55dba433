#include "plots/log_ticker.h"

#include <QSet>

#include <algorithm>

#include <cmath>

namespace posenc::ui {

namespace {
constexpr int kMaxTicks = 8;

// The ticks at multiples of a 1-2-5 step that give about five ticks over [lo, hi].
QVector<double> linearTicks(double lo, double hi) {
    const double raw = (hi - lo) / 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {2.0, 5.0, 10.0})
        if (raw / magnitude > m * 0.75)
            step = m * magnitude;
    QVector<double> ticks;
    for (double t = std::ceil(lo / step) * step; t <= hi * (1 + 1e-12); t += step)
        ticks << (std::abs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

// 1, 2, 5 (or 1 alone, or every n-th power) times the powers of ten inside [lo, hi].
QVector<double> decadeTicks(double lo, double hi, const QVector<double> &mantissas, int every) {
    QVector<double> ticks;
    const int first = int(std::floor(std::log10(lo))), last = int(std::ceil(std::log10(hi)));
    for (int e = first; e <= last; ++e) {
        if (e % every != 0)
            continue;
        for (double m : mantissas) {
            const double t = m * std::pow(10.0, e);
            if (t >= lo * (1 - 1e-12) && t <= hi * (1 + 1e-12))
                ticks << t;
        }
    }
    return ticks;
}
} // namespace

QVector<double> DistinctLogTicker::ticksFor(const QCPRange &range) {
    const double lo = std::max(range.lower, 1e-300), hi = range.upper;
    if (!(hi > lo))
        return {};
    const double decades = std::log10(hi / lo);
    if (decades < 1) {
        QVector<double> ticks = linearTicks(lo, hi);
        ticks.erase(std::remove_if(ticks.begin(), ticks.end(), [](double t) { return t <= 0; }), ticks.end());
        return ticks;
    }
    for (const QVector<double> &mantissas :
         {QVector<double>{1, 2, 5}, QVector<double>{1, 3}, QVector<double>{1}}) {
        const QVector<double> ticks = decadeTicks(lo, hi, mantissas, 1);
        if (ticks.size() <= kMaxTicks && ticks.size() >= 2)
            return ticks;
    }
    const int every = int(std::ceil(decades / kMaxTicks));
    return decadeTicks(lo, hi, {1}, std::max(every, 1));
}

QVector<QString> DistinctLogTicker::labelsFor(const QVector<double> &ticks) {
    QVector<QString> labels;
    for (int digits = 1; digits <= 12; ++digits) {
        labels.clear();
        QSet<QString> seen;
        for (double t : ticks) {
            labels << QString::number(t, 'g', digits);
            seen.insert(labels.last());
        }
        if (seen.size() == ticks.size())
            break;
    }
    return labels;
}

QVector<double> DistinctLogTicker::createTickVector(double, const QCPRange &range) {
    return ticksFor(range);
}

QVector<QString> DistinctLogTicker::createLabelVector(const QVector<double> &ticks, const QLocale &, QChar,
                                                      int) {
    return labelsFor(ticks);
}

int DistinctLogTicker::getSubTickCount(double) {
    return 0;
}

} // namespace posenc::ui
