// The run palette: the same run has the same colour everywhere, and the colours of the first runs are
// told apart at a glance (from each other and from the white plot background).

#include "plots/palette.h"

#include <QtTest>

#include <cmath>

namespace {
// Distance in a roughly perceptual RGB space (the "redmean" weighting).
double distance(const QColor &a, const QColor &b) {
    const double r = (a.red() + b.red()) / 2.0;
    const double dr = a.red() - b.red(), dg = a.green() - b.green(), db = a.blue() - b.blue();
    return std::sqrt((2 + r / 256) * dr * dr + 4 * dg * dg + (2 + (255 - r) / 256) * db * db);
}
} // namespace

class TestPalette : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameRunSameColour();
    void firstRunsAreDistinguishable_data();
    void firstRunsAreDistinguishable();
    void categoricalCycles();
};

void TestPalette::sameRunSameColour() {
    for (int i = 0; i < 40; ++i)
        QCOMPARE(posenc::ui::runColor(i), posenc::ui::runColor(i));
    QCOMPARE(posenc::ui::runColor(0), QColor(0xee, 0x77, 0x33));
    QCOMPARE(posenc::ui::runColorCount(), 10);
}

void TestPalette::firstRunsAreDistinguishable_data() {
    QTest::addColumn<int>("count");
    QTest::addColumn<double>("minDistance");
    QTest::newRow("the fixed ten") << 10 << 100.0;
    QTest::newRow("sixteen runs") << 16 << 60.0;
}

void TestPalette::firstRunsAreDistinguishable() {
    QFETCH(int, count);
    QFETCH(double, minDistance);
    const QColor white(Qt::white);
    for (int i = 0; i < count; ++i) {
        const QColor a = posenc::ui::runColor(i);
        QVERIFY2(distance(a, white) > 150,
                 qPrintable(QStringLiteral("run %1 too pale: %2").arg(i).arg(a.name())));
        for (int j = i + 1; j < count; ++j) {
            const QColor b = posenc::ui::runColor(j);
            QVERIFY2(distance(a, b) > minDistance, qPrintable(QStringLiteral("runs %1 %2 and %3 %4: %5")
                                                                  .arg(i)
                                                                  .arg(a.name())
                                                                  .arg(j)
                                                                  .arg(b.name())
                                                                  .arg(distance(a, b))));
        }
    }
}

void TestPalette::categoricalCycles() {
    QCOMPARE(posenc::ui::categoricalColor(0), QColor(0x1f, 0x77, 0xb4));
    QCOMPARE(posenc::ui::categoricalColor(10), posenc::ui::categoricalColor(0));
    QCOMPARE(posenc::ui::categoricalColor(-1), posenc::ui::categoricalColor(9));
}

QTEST_MAIN(TestPalette)
#include "test_palette.moc"
