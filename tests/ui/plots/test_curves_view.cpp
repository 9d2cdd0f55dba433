// CurvesView: one curve per chosen dimension drawn from the table, sin/cos pairs sharing a hue,
// legend labels, parsing of the dimensions field, and the position cursor.

#include "encoding/compute_table.h"
#include "plots/curves_view.h"
#include "test_support.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QRegularExpression>
#include <QtTest>

using namespace posenc;
using posenc::ui::CurvesView;

using posenc::testing::child;
using posenc::testing::makeEncoding;

namespace {

QStringList graphNames(QCustomPlot *plot) {
    QStringList names;
    for (int i = 0; i < plot->graphCount(); ++i)
        names << plot->graph(i)->name();
    return names;
}

} // namespace

class TestCurvesView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void defaultCurvesAndLegend();
    void sinCosPairsShareColour();
    void legendLabel_data();
    void legendLabel();
    void parseDimensions_data();
    void parseDimensions();
    void badEntryKeepsPreviousDimensions();
    void typingInTheFieldApplies_data();
    void typingInTheFieldApplies();
    void graphDataEqualsTable();
    void dimensionsBeyondDModelAreDropped();
    void defaultRanges_data();
    void defaultRanges();
    void learnedValuesFillTheValueAxis();
    void doubleClickResetsView();
    void cursorFollowsPosition();
    void followedRangeSurvivesNewTable();
    void labelsAndTitle();

private:
    CurvesView *m_view = nullptr;
    core::EncodingConfig m_encoding;
    core::PeTable m_table;
};

void TestCurvesView::init() {
    m_view = new CurvesView;
    m_view->resize(800, 500);
    m_encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 200);
    m_table = core::computePeTable(m_encoding);
    m_view->setTable(m_table, m_encoding);
}

void TestCurvesView::cleanup() {
    delete m_view;
    m_view = nullptr;
}

void TestCurvesView::defaultCurvesAndLegend() {
    QCOMPARE(m_view->dimensions(), (QVector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->graphCount(), 8);
    QCOMPARE(graphNames(plot), (QStringList{
                                   QStringLiteral("dim 0 \u00b7 sin \u00b7 i=0"),
                                   QStringLiteral("dim 1 \u00b7 cos \u00b7 i=0"),
                                   QStringLiteral("dim 2 \u00b7 sin \u00b7 i=1"),
                                   QStringLiteral("dim 3 \u00b7 cos \u00b7 i=1"),
                                   QStringLiteral("dim 4 \u00b7 sin \u00b7 i=2"),
                                   QStringLiteral("dim 5 \u00b7 cos \u00b7 i=2"),
                                   QStringLiteral("dim 6 \u00b7 sin \u00b7 i=3"),
                                   QStringLiteral("dim 7 \u00b7 cos \u00b7 i=3"),
                               }));
    QVERIFY(plot->legend->visible());
    QCOMPARE(plot->legend->itemCount(), 8);
}

void TestCurvesView::sinCosPairsShareColour() {
    QCustomPlot *plot = m_view->plot();
    for (int i = 0; i < 4; ++i) {
        const QPen sine = plot->graph(2 * i)->pen();
        const QPen cosine = plot->graph(2 * i + 1)->pen();
        QCOMPARE(cosine.color(), sine.color());
        QCOMPARE(sine.style(), Qt::SolidLine);
        QCOMPARE(cosine.style(), Qt::DashLine);
        for (int j = 0; j < i; ++j)
            QVERIFY(plot->graph(2 * j)->pen().color() != sine.color());
    }
}

void TestCurvesView::legendLabel_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("dim");
    QTest::addColumn<QString>("label");
    QTest::newRow("sinusoidal sin") << int(core::PeKind::Sinusoidal) << 4 << "dim 4 \u00b7 sin \u00b7 i=2";
    QTest::newRow("sinusoidal cos") << int(core::PeKind::Sinusoidal) << 31 << "dim 31 \u00b7 cos \u00b7 i=15";
    QTest::newRow("concat sin") << int(core::PeKind::SinusoidalConcat) << 4 << "dim 4 \u00b7 sin \u00b7 i=4";
    QTest::newRow("concat cos") << int(core::PeKind::SinusoidalConcat) << 17
                                << "dim 17 \u00b7 cos \u00b7 i=1";
    QTest::newRow("learned") << int(core::PeKind::Learned) << 4 << "dim 4";
    QTest::newRow("none") << int(core::PeKind::None) << 4 << "dim 4";
}

void TestCurvesView::legendLabel() {
    QFETCH(int, kind);
    QFETCH(int, dim);
    QFETCH(QString, label);
    QCOMPARE(CurvesView::legendLabel(makeEncoding(core::PeKind(kind), 32, 100), dim), label);
}

void TestCurvesView::parseDimensions_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("dModel");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QVector<int>>("dims");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("range and single") << "0-3, 8" << 32 << true << QVector<int>{0, 1, 2, 3, 8} << QString();
    QTest::newRow("unordered, duplicates")
        << " 8 ,0 - 2,2" << 32 << true << QVector<int>{0, 1, 2, 8} << QString();
    QTest::newRow("last dimension") << "31" << 32 << true << QVector<int>{31} << QString();
    QTest::newRow("descending range") << "5-2" << 32 << false << QVector<int>{} << "5-2";
    QTest::newRow("letters") << "abc" << 32 << false << QVector<int>{} << "abc";
    QTest::newRow("letters after a good part") << "0-3, x" << 32 << false << QVector<int>{} << "\"x\"";
    QTest::newRow("beyond d_model") << "40" << 32 << false << QVector<int>{} << "d_model is 32";
    QTest::newRow("range beyond d_model") << "30-33" << 32 << false << QVector<int>{} << "d_model is 32";
    QTest::newRow("equal to d_model") << "32" << 32 << false << QVector<int>{} << "d_model is 32";
    QTest::newRow("negative") << "-1" << 32 << false << QVector<int>{} << "-1";
    QTest::newRow("empty") << "" << 32 << false << QVector<int>{} << "at least one";
    QTest::newRow("too many") << "0-99" << 128 << false << QVector<int>{} << "64";
}

void TestCurvesView::parseDimensions() {
    QFETCH(QString, text);
    QFETCH(int, dModel);
    QFETCH(bool, ok);
    QFETCH(QVector<int>, dims);
    QFETCH(QString, errorPart);
    QVector<int> parsed{99};
    QString error;
    QCOMPARE(CurvesView::parseDimensions(text, dModel, &parsed, &error), ok);
    if (ok) {
        QCOMPARE(parsed, dims);
        QVERIFY(error.isEmpty());
    } else {
        QCOMPARE(parsed, QVector<int>{99}); // untouched
        QVERIFY2(error.contains(errorPart, Qt::CaseInsensitive), qPrintable(error));
    }
}

void TestCurvesView::badEntryKeepsPreviousDimensions() {
    QVERIFY(!m_view->applyDimensionsText(QStringLiteral("abc")));
    QCOMPARE(m_view->dimensions(), (QVector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
    QCOMPARE(m_view->plot()->graphCount(), 8);
    QVERIFY(child<QLabel>(m_view, QStringLiteral("dimensionsError"))->text().contains(QStringLiteral("abc")));

    QVERIFY(m_view->applyDimensionsText(QStringLiteral("2, 9")));
    QCOMPARE(m_view->dimensions(), (QVector<int>{2, 9}));
    QCOMPARE(graphNames(m_view->plot()), (QStringList{QStringLiteral("dim 2 \u00b7 sin \u00b7 i=1"),
                                                      QStringLiteral("dim 9 \u00b7 cos \u00b7 i=4")}));
    QCOMPARE(child<QLabel>(m_view, QStringLiteral("dimensionsError"))->text(), QString());
    QCOMPARE(m_view->findChild<QLineEdit *>(QStringLiteral("dimensions"))->text(), QStringLiteral("2, 9"));
}

void TestCurvesView::typingInTheFieldApplies_data() {
    // Each prefix of "10-12, 20" as typed, and the dimensions drawn after it: a partial entry keeps
    // the last valid selection and says why.
    QTest::addColumn<QStringList>("prefixes");
    QTest::addColumn<QList<QVector<int>>>("drawn");
    QTest::addColumn<QList<bool>>("valid");
    QTest::newRow("10-12, 20") << QStringList{"1",      "10",      "10-",      "10-1",     "10-12",
                                              "10-12,", "10-12, ", "10-12, 2", "10-12, 20"}
                               << QList<QVector<int>>{{1},
                                                      {10},
                                                      {10},
                                                      {10},
                                                      {10, 11, 12},
                                                      {10, 11, 12},
                                                      {10, 11, 12},
                                                      {2, 10, 11, 12},
                                                      {10, 11, 12, 20}}
                               << QList<bool>{true, true, false, false, true, true, true, true, true};
}

void TestCurvesView::typingInTheFieldApplies() {
    QFETCH(QStringList, prefixes);
    QFETCH(QList<QVector<int>>, drawn);
    QFETCH(QList<bool>, valid);
    auto *edit = m_view->findChild<QLineEdit *>(QStringLiteral("dimensions"));
    auto *error = m_view->findChild<QLabel *>(QStringLiteral("dimensionsError"));
    QVERIFY(edit && error);
    QCOMPARE(edit->text(), QStringLiteral("0-7"));
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QVERIFY(error->text().contains(QStringLiteral("at least one")));
    QCOMPARE(m_view->dimensions(), (QVector<int>{0, 1, 2, 3, 4, 5, 6, 7}));

    for (int i = 0; i < prefixes.size(); ++i) {
        QTest::keyClick(edit, prefixes[i].back().toLatin1()); // one character at a time
        QCOMPARE(edit->text(), prefixes[i]);                  // never rewritten while typing
        QCOMPARE(edit->cursorPosition(), prefixes[i].size());
        QCOMPARE(m_view->dimensions(), drawn[i]);
        QCOMPARE(m_view->plot()->graphCount(), drawn[i].size());
        QCOMPARE(error->isHidden(), valid[i]);
    }
    QCOMPARE(graphNames(m_view->plot()).first(), QStringLiteral("dim 10 \u00b7 sin \u00b7 i=5"));
    QCOMPARE(graphNames(m_view->plot()).last(), QStringLiteral("dim 20 \u00b7 sin \u00b7 i=10"));

    // A dimension beyond d_model keeps the selection and says why.
    QTest::keyClick(edit, '0');
    QCOMPARE(edit->text(), QStringLiteral("10-12, 200"));
    QCOMPARE(m_view->dimensions(), (QVector<int>{10, 11, 12, 20}));
    QVERIFY(error->text().contains(QStringLiteral("d_model is 32")));
    QVERIFY(!error->isHidden());
}

void TestCurvesView::graphDataEqualsTable() {
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->graph(2)->dataCount(), 200);
    QCOMPARE(plot->graph(2)->data()->at(10)->key, 10.0);
    QCOMPARE(plot->graph(2)->data()->at(10)->value, double(m_table.at(10, 2)));
    QCOMPARE(plot->graph(7)->data()->at(199)->value, double(m_table.at(199, 7)));

    // A new table (another base) redraws the curves from it.
    const auto other = makeEncoding(core::PeKind::Sinusoidal, 32, 200, 100.0);
    const core::PeTable table = core::computePeTable(other);
    QVERIFY(table.at(10, 2) != m_table.at(10, 2));
    m_view->setTable(table, other);
    QCOMPARE(plot->graphCount(), 8);
    QCOMPARE(plot->graph(2)->data()->at(10)->value, double(table.at(10, 2)));
}

void TestCurvesView::dimensionsBeyondDModelAreDropped() {
    const auto wide = makeEncoding(core::PeKind::Sinusoidal, 64, 50);
    m_view->setTable(core::computePeTable(wide), wide);
    m_view->setDimensions({0, 40});
    QCOMPARE(m_view->plot()->graphCount(), 2);

    const auto narrow = makeEncoding(core::PeKind::Sinusoidal, 16, 50);
    m_view->setTable(core::computePeTable(narrow), narrow);
    QCOMPARE(graphNames(m_view->plot()), QStringList{QStringLiteral("dim 0 \u00b7 sin \u00b7 i=0")});
    QVERIFY2(child<QLabel>(m_view, QStringLiteral("dimensionsError"))->text().contains(QStringLiteral("40")),
             qPrintable(child<QLabel>(m_view, QStringLiteral("dimensionsError"))->text()));

    m_view->setTable(core::computePeTable(wide), wide);
    QCOMPARE(m_view->plot()->graphCount(), 2);
    QCOMPARE(child<QLabel>(m_view, QStringLiteral("dimensionsError"))->text(), QString());
}

void TestCurvesView::defaultRanges_data() {
    QTest::addColumn<int>("maxLen");
    QTest::addColumn<double>("xUpper");
    QTest::newRow("long table shows 0-100") << 5000 << 100.0;
    QTest::newRow("short table shows all") << 50 << 49.0;
}

void TestCurvesView::defaultRanges() {
    QFETCH(int, maxLen);
    QFETCH(double, xUpper);
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, maxLen);
    m_view->setTable(core::computePeTable(encoding), encoding);
    QCOMPARE(m_view->plot()->xAxis->range(), QCPRange(0, xUpper));
    QCOMPARE(m_view->plot()->yAxis->range(), QCPRange(-1.1, 1.1));
}

void TestCurvesView::learnedValuesFillTheValueAxis() {
    // A learned table starts at N(0, 0.02^2): on a [-1.1, 1.1] axis its curves would be flat lines.
    const auto encoding = makeEncoding(core::PeKind::Learned, 16, 300);
    const core::PeTable table = core::computePeTable(encoding, 4);
    m_view->setTable(table, encoding);
    float lo = 0, hi = 0;
    for (int p = 0; p < 300; ++p)
        for (int d = 0; d < 8; ++d) {
            lo = std::min(lo, table.at(p, d));
            hi = std::max(hi, table.at(p, d));
        }
    const QCPRange range = m_view->plot()->yAxis->range();
    QVERIFY2(range.lower <= lo && range.upper >= hi,
             qPrintable(QStringLiteral("%1..%2").arg(range.lower).arg(range.upper)));
    QVERIFY2(range.size() < 3 * (hi - lo), qPrintable(QString::number(range.size())));

    const auto none = makeEncoding(core::PeKind::None, 16, 300);
    m_view->setTable(core::computePeTable(none), none);
    QCOMPARE(m_view->plot()->yAxis->range(), QCPRange(-1, 1)); // zeros, centred
}

void TestCurvesView::doubleClickResetsView() {
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    QCustomPlot *plot = m_view->plot();
    plot->replot();
    plot->xAxis->setRange(150, 160);
    const QPointF centre = plot->axisRect()->center();
    QMouseEvent event(QEvent::MouseButtonDblClick, centre, plot->mapToGlobal(centre), Qt::LeftButton,
                      Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(plot, &event);
    QCOMPARE(plot->xAxis->range(), QCPRange(0, 100));
}

void TestCurvesView::cursorFollowsPosition() {
    QCustomPlot *plot = m_view->plot();
    auto *line = qobject_cast<QCPItemStraightLine *>(plot->item(0));
    QVERIFY(line);
    QVERIFY(!line->visible());
    QCOMPARE(m_view->cursorPosition(), -1);

    m_view->setCursorPosition(42);
    QCOMPARE(m_view->cursorPosition(), 42);
    QVERIFY(line->visible());
    QCOMPARE(line->point1->coords().x(), 42.0);
    QCOMPARE(line->point2->coords().x(), 42.0);
    QVERIFY(line->point1->coords().y() != line->point2->coords().y()); // vertical
    QCOMPARE(line->pen().style(), Qt::DashLine);

    m_view->setCursorPosition(-1);
    QCOMPARE(m_view->cursorPosition(), -1);
    QVERIFY(!line->visible());
}

void TestCurvesView::followedRangeSurvivesNewTable() {
    // The window passes the heatmap's range before the new table reaches the curves.
    const auto encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 5000);
    m_view->setPositionRange(-0.5, 4999.5);
    m_view->setTable(core::computePeTable(encoding), encoding);
    QCOMPARE(m_view->plot()->xAxis->range(), QCPRange(-0.5, 4999.5));
    m_view->setPositionRange(3000, 3500);
    m_view->plot()->xAxis->setRange(10, 20); // the user drags the curves on their own
    m_view->resetView();
    QCOMPARE(m_view->plot()->xAxis->range(), QCPRange(3000, 3500));

    m_view->setCursorPosition(4999);
    const QString text = m_view->findChild<QLabel *>(QStringLiteral("cursorReadout"))->text();
    QVERIFY2(text.startsWith(QStringLiteral("position 4999 \u00b7 dim 0 = ")), qPrintable(text));
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("dim 7 = (-?[0-9.e-]+)")).match(text);
    QVERIFY2(m.hasMatch(), qPrintable(text));
    const double value = core::peValue(encoding, 4999, 7);
    QVERIFY2(std::abs(m.captured(1).toDouble() - value) <= 5e-4 * std::max(std::abs(value), 1e-3),
             qPrintable(text));
}

void TestCurvesView::labelsAndTitle() {
    QCustomPlot *plot = m_view->plot();
    QCOMPARE(plot->xAxis->label(), QStringLiteral("position"));
    QCOMPARE(plot->yAxis->label(), QStringLiteral("PE value"));
    auto *title = plot->findChild<QCPTextElement *>();
    QVERIFY(title);
    QCOMPARE(title->text(), QStringLiteral("PE value per dimension"));
}

QTEST_MAIN(TestCurvesView)
#include "test_curves_view.moc"
