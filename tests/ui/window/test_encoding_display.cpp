// EncodingDisplay without a window or a settings panel: the settings' table reaches the heatmap and
// the curves in the shape it was last told (a seq_len change alone waits for the next table), a run's
// table shows with the run's shape and the settings' come back, an invalid encoding asks for nothing,
// and a live learned table is shown as given.

#include "window/encoding_display.h"

#include "encoding/compute_table.h"
#include "encoding/pe_table_computer.h"
#include "plots/curves_view.h"
#include "plots/heatmap_view.h"
#include "plots/similarity_view.h"
#include "test_support.h"
#include "train/training_controller.h"

#include <qcustomplot.h>

#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace posenc;
using posenc::testing::makeEncoding;
using posenc::ui::EncodingDisplay;

class TestEncodingDisplay : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void settingsTableInTheToldShape();
    void runTableThenTheSettingsAgain();
    void invalidEncodingAsksForNothing();
    void liveTableAsGiven();

private:
    core::TrainingController *m_controller = nullptr;
    ui::HeatmapView *m_heatmap = nullptr;
    ui::CurvesView *m_curves = nullptr;
    ui::SimilarityView *m_similarity = nullptr;
    EncodingDisplay *m_display = nullptr;
};

void TestEncodingDisplay::init() {
    m_controller = new core::TrainingController;
    m_heatmap = new ui::HeatmapView;
    m_curves = new ui::CurvesView;
    m_similarity = new ui::SimilarityView;
    m_display = new EncodingDisplay(m_controller, m_heatmap, m_curves, m_similarity);
}

void TestEncodingDisplay::cleanup() {
    delete m_display;
    delete m_similarity;
    delete m_curves;
    delete m_heatmap;
    delete m_controller;
}

void TestEncodingDisplay::settingsTableInTheToldShape() {
    core::TrainConfig c = testing::smallConfig(1);
    c.encoding = makeEncoding(core::PeKind::Sinusoidal, 16, 24);
    c.seqLen = 20;
    m_display->setSettings(c);
    m_display->showSettings(c);
    QTRY_COMPARE(m_heatmap->positions(), 24);
    QCOMPARE(m_heatmap->dimensions(), 16);
    QCOMPARE(m_heatmap->trainedLength(), 20);
    QCOMPARE(m_curves->plot()->graph(0)->data()->size(), 24);
    QVERIFY(std::abs(m_curves->plot()->graph(1)->data()->at(5)->value - core::peValue(c.encoding, 5, 1)) <
            1e-6);

    // seq_len alone is no new table; the next table is drawn in the shape last told.
    c.seqLen = 12;
    m_display->setSettings(c);
    QCOMPARE(m_heatmap->trainedLength(), 20);
    c.encoding.dModel = 8;
    m_display->showSettings(c);
    QTRY_COMPARE(m_heatmap->dimensions(), 8);
    QCOMPARE(m_heatmap->trainedLength(), 12);
    QCOMPARE(m_display->settings(), c);
    // Without a held run, the CSV's table is the one a new run starts from.
    QCOMPARE(m_display->tableFor(c).values, core::computePeTable(c.encoding, c.seed).values);
}

void TestEncodingDisplay::runTableThenTheSettingsAgain() {
    core::TrainConfig c = testing::smallConfig(1);
    c.encoding = makeEncoding(core::PeKind::Sinusoidal, 16, 24);
    m_display->setSettings(c);
    m_display->showSettings(c);
    QTRY_COMPARE(m_heatmap->dimensions(), 16);

    core::RunRecord run;
    run.config = testing::smallConfig(1);
    run.config.encoding = makeEncoding(core::PeKind::Sinusoidal, 4, 40);
    run.config.seqLen = 30;
    m_display->showRun(run); // at once, from the record
    QCOMPARE(m_heatmap->positions(), 40);
    QCOMPARE(m_heatmap->dimensions(), 4);
    QCOMPARE(m_heatmap->trainedLength(), 30);
    QCOMPARE(EncodingDisplay::tableOf(run).values, core::computePeTable(run.config.encoding).values);
    run.table = core::computePeTable(makeEncoding(core::PeKind::Sinusoidal, 2, 3));
    QCOMPARE(EncodingDisplay::tableOf(run).rows, 3); // the table as trained wins

    m_display->showSettings(); // nothing selected: the settings' table again
    QTRY_COMPARE(m_heatmap->dimensions(), 16);
    QCOMPARE(m_heatmap->positions(), 24);
    QCOMPARE(m_heatmap->trainedLength(), c.seqLen);
}

void TestEncodingDisplay::invalidEncodingAsksForNothing() {
    core::TrainConfig c = testing::smallConfig(1);
    c.encoding = makeEncoding(core::PeKind::Sinusoidal, 32, 64);
    m_display->showSettings(c);
    QTRY_COMPARE(m_heatmap->dimensions(), 32);
    auto *computer = m_display->findChild<core::PeTableComputer *>();
    QVERIFY(computer);
    QSignalSpy ready(computer, &core::PeTableComputer::ready);
    c.encoding = makeEncoding(core::PeKind::Sinusoidal, 4096, 20000); // over the table limit
    QVERIFY(!core::validate(c.encoding).isEmpty());
    m_display->showSettings(c);
    QVERIFY(!computer->isBusy());
    QCOMPARE(m_heatmap->dimensions(), 32); // the last valid table stays
    c.encoding = makeEncoding(core::PeKind::Sinusoidal, 64, 64);
    m_display->showSettings(c);
    QVERIFY(ready.wait(20000));
    QCOMPARE(ready.count(), 1);
    QCOMPARE(ready.at(0).at(1).value<core::EncodingConfig>().dModel, 64);
    QCOMPARE(m_heatmap->dimensions(), 64);
}

void TestEncodingDisplay::liveTableAsGiven() {
    core::TrainConfig c = testing::smallConfig(1);
    c.encoding = makeEncoding(core::PeKind::Learned, 8, 10);
    c.seqLen = 6;
    m_display->setSettings(c);
    core::PeTable table;
    table.rows = 10;
    table.cols = 8;
    for (int i = 0; i < 80; ++i)
        table.values << 0.01f * float(i);
    m_display->showLiveTable(table, c.encoding);
    QCOMPARE(m_heatmap->dimensions(), 8);
    QCOMPARE(m_heatmap->encoding().kind, core::PeKind::Learned);
    QCOMPARE(m_heatmap->trainedLength(), 6);
    QCOMPARE(m_curves->plot()->graph(2)->data()->at(3)->value, double(table.at(3, 2)));
}

QTEST_MAIN(TestEncodingDisplay)
#include "test_encoding_display.moc"
