// MainWindow: the settings drive the views live, the hover readout, Start / Pause / Resume / Stop /
// Reset of a real training run on the worker thread, closing mid-run, invalid settings, a diverged
// run, persisted settings with command-line overrides, the shortcuts, and the views following the
// runs (rows, colours, delete and undo, visibility, selection, the Runs dock).

#include "encoding/compute_table.h"
#include "window_test_support.h"

#include "encoding/pe_table_computer.h"
#include "plots/curves_view.h"
#include "plots/extrapolation_view.h"
#include "plots/heatmap_view.h"
#include "plots/loss_view.h"
#include "plots/palette.h"
#include "plots/similarity_view.h"
#include "window/run_list.h"
#include "window/run_tracker.h"
#include "window/runs_panel.h"
#include "window/settings_panel.h"

#include <qcustomplot.h>

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace posenc;
using namespace posenc::testing;
using posenc::ui::MainWindow;
using State = core::TrainingController::State;

namespace {

// The seed's interleaved sinusoidal PE, from the oracle core::peValue.
double sinusoid(int position, int dim, int dModel) {
    return core::peValue(makeEncoding(core::PeKind::Sinusoidal, dModel, position + 1), position, dim);
}

// Threads of this process whose name is `name` (QThread names the OS thread after its objectName).
int threadsNamed(const QString &name) {
    int count = 0;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly) && QString::fromLatin1(comm.readAll()).trimmed() == name)
            ++count;
    }
    return count;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void dModelResizesViews_data();
    void dModelResizesViews();
    void maxLenResizesViews();
    void hoverReadout_data();
    void hoverReadout();
    void curvesFollowHeatmapRange();
    void trainingFillsLossPlot();
    void pauseHoldsAndResumeContinues();
    void resetMidRunActsWhenStopped();
    void stopKeepsHistoryAndResetClears();
    void quitAsksFirst();
    void speedAndEtaFromTheFirstBatches();
    void closingMidRunJoinsWorker();
    void tabsAndSimilarityFollowsTable();
    void finishedRunsProbeInExtrapolation();
    void seqLenBeyondMaxLen();
    void badLearningRate_data();
    void badLearningRate();
    void bigTableIsComputedOffTheGuiThread();
    void heatmapKeepsLastValidTable();
    void divergedRun();
    void settingsPersist();
    void shortcuts();
    void twoRunsTwoRowsTwoColours();
    void deleteAndUndoRestoreTheRun();
    void liveRunCannotBeDeleted();
    void uncheckingHidesTheRun();
    void selectingARowShowsItsEncoding();
    void runsDockInViewMenuAndPersists();
    void deleteKeyInTheRunsPanel();
    void fitsA1280x720Screen();

private:
    MainWindow *m_window = nullptr;
    QTemporaryDir m_settingsDir;
};

void TestMainWindow::initTestCase() {
    QVERIFY(m_settingsDir.isValid());
    isolateSettings(m_settingsDir, QStringLiteral("test_main_window"));
}

void TestMainWindow::init() {
    QSettings().clear();
    m_window = new MainWindow;
}

void TestMainWindow::cleanup() {
    delete m_window; // joins a live run's worker
    m_window = nullptr;
    QSettings().clear();
}

void TestMainWindow::dModelResizesViews_data() {
    QTest::addColumn<QString>("how");
    QTest::newRow("typed into the spin box") << QStringLiteral("type");
    QTest::newRow("spin box setValue") << QStringLiteral("setValue");
    QTest::newRow("slider") << QStringLiteral("slider");
}

void TestMainWindow::dModelResizesViews() {
    QFETCH(QString, how);
    ui::SettingsPanel *panel = m_window->settingsPanel();
    core::TrainConfig c = smallConfig(1);
    panel->setConfig(c);
    QTRY_COMPARE(m_window->heatmapView()->positions(), 64);
    QCOMPARE(m_window->heatmapView()->dimensions(), 32);

    if (how == QLatin1String("type")) {
        child<QSpinBox>(panel, QStringLiteral("d-model"))->selectAll();
        QTest::keyClicks(child<QSpinBox>(panel, QStringLiteral("d-model")), QStringLiteral("48"));
    } else if (how == QLatin1String("setValue")) {
        child<QSpinBox>(panel, QStringLiteral("d-model"))->setValue(48);
    } else {
        child<QSlider>(panel, QStringLiteral("d-model-slider"))->setValue(48);
        QCOMPARE(child<QSpinBox>(panel, QStringLiteral("d-model"))->value(), 48);
    }
    // No Apply button: the views follow on their own.
    QTRY_COMPARE(m_window->heatmapView()->dimensions(), 48);
    QCOMPARE(m_window->heatmapView()->positions(), 64);
    QCOMPARE(m_window->heatmapView()->encoding().dModel, 48);
    QCOMPARE(panel->config().encoding.dModel, 48);

    // The curves (dimensions 0..7) are redrawn from the d_model 48 table.
    QCustomPlot *curves = m_window->curvesView()->plot();
    QCOMPARE(curves->graphCount(), 8);
    QCPGraph *dim6 = curves->graph(6);
    QCOMPARE(dim6->data()->size(), 64);
    const double value = dim6->data()->at(40)->value;
    QVERIFY2(std::abs(value - sinusoid(40, 6, 48)) < 1e-5, qPrintable(QString::number(value)));
    QVERIFY(std::abs(value - sinusoid(40, 6, 32)) > 0.1); // not the d_model 32 curve any more

    // Narrower than the default curve set: only the dimensions that exist are drawn.
    child<QSpinBox>(panel, QStringLiteral("d-model"))->setValue(4);
    QTRY_COMPARE(m_window->heatmapView()->dimensions(), 4);
    QCOMPARE(curves->graphCount(), 4);
}

void TestMainWindow::maxLenResizesViews() {
    ui::SettingsPanel *panel = m_window->settingsPanel();
    panel->setConfig(smallConfig(1));
    QTRY_COMPARE(m_window->heatmapView()->positions(), 64);

    child<QSpinBox>(panel, QStringLiteral("max-len"))->setValue(100);
    QTRY_COMPARE(m_window->heatmapView()->positions(), 100);
    QCOMPARE(m_window->heatmapView()->dimensions(), 32);
    QCOMPARE(m_window->curvesView()->plot()->graph(0)->data()->size(), 100);

    child<QSpinBox>(panel, QStringLiteral("max-len"))->selectAll();
    QTest::keyClicks(child<QSpinBox>(panel, QStringLiteral("max-len")), QStringLiteral("250"));
    QTRY_COMPARE(m_window->heatmapView()->positions(), 250);
    QCOMPARE(m_window->curvesView()->plot()->graph(0)->data()->size(), 250);
}

void TestMainWindow::hoverReadout_data() {
    QTest::addColumn<int>("position");
    QTest::addColumn<int>("dim");
    QTest::addColumn<QString>("sinCos");
    QTest::addColumn<int>("freqIndex");
    QTest::newRow("position 3, dim 4 (sin, i = 2)") << 3 << 4 << QStringLiteral("sin") << 2;
    QTest::newRow("position 3, dim 5 (cos, i = 2)") << 3 << 5 << QStringLiteral("cos") << 2;
    QTest::newRow("position 0, dim 0 (sin, i = 0)") << 0 << 0 << QStringLiteral("sin") << 0;
    QTest::newRow("position 17, dim 1 (cos, i = 0)") << 17 << 1 << QStringLiteral("cos") << 0;
    QTest::newRow("position 23, dim 15 (cos, i = 7)") << 23 << 15 << QStringLiteral("cos") << 7;
}

void TestMainWindow::hoverReadout() {
    QFETCH(int, position);
    QFETCH(int, dim);
    QFETCH(QString, sinCos);
    QFETCH(int, freqIndex);
    const int dModel = 16, maxLen = 24;
    core::TrainConfig c = smallConfig(1);
    c.encoding.dModel = dModel;
    c.encoding.maxLen = maxLen;
    c.seqLen = 20;
    m_window->settingsPanel()->setConfig(c);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    ui::HeatmapView *heatmap = m_window->heatmapView();
    QTRY_COMPARE(heatmap->positions(), maxLen);
    QCOMPARE(heatmap->dimensions(), dModel);

    QCustomPlot *plot = heatmap->plot();
    plot->replot(); // lay out the axes before mapping coordinates to pixels
    const QPoint pixel(qRound(plot->xAxis->coordToPixel(position)), qRound(plot->yAxis->coordToPixel(dim)));
    QVERIFY2(plot->axisRect()->rect().contains(pixel), "the cell centre lies inside the map");
    QSignalSpy readoutSpy(heatmap, &ui::HeatmapView::readoutChanged);
    QTest::mouseMove(plot, pixel);
    QTRY_VERIFY(!readoutSpy.isEmpty());

    const QString text = readoutSpy.last().at(0).toString();
    auto *label = heatmap->findChild<QLabel *>(QStringLiteral("readout"));
    QVERIFY(label);
    QCOMPARE(label->text(), text);
    QCOMPARE(number(text, QStringLiteral("position")), double(position));
    QCOMPARE(number(text, QStringLiteral("dimension")), double(dim));
    QVERIFY2(text.contains(QStringLiteral("%1, i = %2").arg(sinCos).arg(freqIndex)), qPrintable(text));
    const double wavelength = 2 * M_PI * std::pow(10000.0, 2.0 * freqIndex / dModel);
    const double shownWavelength = number(text, QStringLiteral("wavelength"));
    QVERIFY2(std::abs(shownWavelength - wavelength) <= 5e-4 * wavelength, qPrintable(text));
    const double value = sinusoid(position, dim, dModel);
    const double shownValue = number(text, QStringLiteral("value"));
    QVERIFY2(std::abs(shownValue - value) <= 5e-4 * std::max(std::abs(value), 1e-3), qPrintable(text));

    // The curves' cursor follows the hovered position, and hides when the mouse leaves.
    QTRY_COMPARE(m_window->curvesView()->cursorPosition(), position);
    const int other = (position + 5) % maxLen;
    // The readout's new text may have re-laid the window out: map the cell with the current axes.
    QCoreApplication::processEvents();
    plot->replot();
    QTest::mouseMove(
        plot, QPoint(qRound(plot->xAxis->coordToPixel(other)), qRound(plot->yAxis->coordToPixel(dim))));
    QTRY_COMPARE(m_window->curvesView()->cursorPosition(), other);
    QVERIFY(label->text().startsWith(QStringLiteral("position %1 ").arg(other)));
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(plot, &leave);
    QTRY_COMPARE(m_window->curvesView()->cursorPosition(), -1);
}

void TestMainWindow::curvesFollowHeatmapRange() {
    core::TrainConfig c = smallConfig(1);
    c.encoding.maxLen = 5000;
    m_window->settingsPanel()->setConfig(c);
    m_window->resize(1280, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    ui::HeatmapView *heatmap = m_window->heatmapView();
    QTRY_COMPARE(heatmap->positions(), 5000);
    QCustomPlot *map = heatmap->plot();
    QCustomPlot *curves = m_window->curvesView()->plot();
    QTRY_COMPARE(curves->xAxis->range(), map->xAxis->range()); // the whole table, not 0..100

    // Zooming the heatmap zooms the curves; panning it pans them.
    map->xAxis->setRange(3000, 3500);
    QCOMPARE(curves->xAxis->range(), QCPRange(3000, 3500));
    map->xAxis->setRange(3950, 4050);
    QCOMPARE(curves->xAxis->range(), QCPRange(3950, 4050));

    // The cursor at position 4000 reads the formula's values of every drawn curve.
    map->replot();
    const QPoint pixel(qRound(map->xAxis->coordToPixel(4000)), qRound(map->yAxis->coordToPixel(3)));
    QTest::mouseMove(map, pixel);
    QTRY_COMPARE(m_window->curvesView()->cursorPosition(), 4000);
    auto *readout = m_window->curvesView()->findChild<QLabel *>(QStringLiteral("cursorReadout"));
    QVERIFY(readout);
    const QString text = readout->text();
    QCOMPARE(number(text, QStringLiteral("position")), 4000.0);
    for (int dim = 0; dim < 8; ++dim) {
        const double value = core::peValue(c.encoding, 4000, dim);
        const double shown = number(text, QStringLiteral("dim %1 =").arg(dim));
        QVERIFY2(std::abs(shown - value) <= 5e-4 * std::max(std::abs(value), 1e-3), qPrintable(text));
    }

    // Double-clicking the heatmap shows the whole table, and the curves follow.
    QMouseEvent dbl(QEvent::MouseButtonDblClick, QPointF(pixel), map->mapToGlobal(QPointF(pixel)),
                    Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(map, &dbl);
    QCOMPARE(curves->xAxis->range(), QCPRange(-0.5, 4999.5));
}

void TestMainWindow::trainingFillsLossPlot() {
    const int epochs = 3;
    m_window->settingsPanel()->setConfig(smallConfig(epochs));
    core::TrainingController *controller = m_window->controller();
    QSignalSpy epochSpy(controller, &core::TrainingController::epochFinished);
    QSignalSpy finishedSpy(controller, &core::TrainingController::finished);
    QVERIFY(m_window->startPauseAction()->isEnabled());

    m_window->startPauseAction()->trigger();
    QCOMPARE(controller->state(), State::Running);
    QCOMPARE(plain(m_window->startPauseAction()), QStringLiteral("Pause"));
    QVERIFY(m_window->stopAction()->isEnabled());
    QVERIFY(!child<QSpinBox>(m_window->settingsPanel(), QStringLiteral("d-model"))
                 ->isEnabled()); // locked while live
    QVERIFY(finishedSpy.wait(60000));

    const auto result = finishedSpy.at(0).at(0).value<core::TrainResult>();
    QCOMPARE(result.outcome, core::Outcome::Completed);
    QCOMPARE(result.epochsDone, epochs);
    QCOMPARE(epochSpy.count(), epochs);
    ui::LossView *loss = m_window->lossView();
    QCOMPARE(loss->epochPointCount(), epochs);
    QCOMPARE(loss->validationPointCount(), epochs);
    QCOMPARE(loss->batchPointCount(), epochs * kStepsPerEpoch);
    QCOMPARE(loss->batchHistory().last().step, qint64(epochs * kStepsPerEpoch));

    const auto last = epochSpy.last().at(0).value<core::EpochStats>();
    QCOMPARE(loss->epochHistory().last().trainLoss, last.trainLoss);
    const QString status = m_window->statusText();
    QVERIFY2(status.contains(QStringLiteral("train %1").arg(last.trainLoss, 0, 'g', 4)), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("val %1").arg(last.valLoss, 0, 'g', 4)), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("Completed 3 epochs")), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("epoch 3/3 \u00b7 batch 32/32")), qPrintable(status));

    QCOMPARE(controller->state(), State::Idle);
    QCOMPARE(plain(m_window->startPauseAction()), QStringLiteral("Start"));
    QVERIFY(!m_window->stopAction()->isEnabled());
    QVERIFY(child<QSpinBox>(m_window->settingsPanel(), QStringLiteral("d-model"))->isEnabled());
}

void TestMainWindow::pauseHoldsAndResumeContinues() {
    m_window->settingsPanel()->setConfig(smallConfig(1000));
    core::TrainingController *controller = m_window->controller();
    ui::LossView *loss = m_window->lossView();
    QAction *startPause = m_window->startPauseAction();

    QSignalSpy paused(controller, &core::TrainingController::paused);
    startPause->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(loss->batchPointCount() > 0, kRunWaitMs);
    startPause->trigger();
    QCOMPARE(controller->state(), State::Paused);
    QCOMPARE(plain(startPause), QStringLiteral("Resume"));
    QVERIFY(m_window->statusText().contains(QStringLiteral("Paused")));

    // The batch in flight when Pause landed may still arrive; the worker then says where it holds.
    QVERIFY(paused.wait(10000));
    const int held = loss->batchPointCount();
    QCOMPARE(qint64(held), paused[0][0].toLongLong());
    QCOMPARE(controller->state(), State::Paused);

    startPause->trigger();
    QCOMPARE(controller->state(), State::Running);
    QCOMPARE(plain(startPause), QStringLiteral("Pause"));
    QTRY_VERIFY_WITH_TIMEOUT(loss->batchPointCount() > held + kStepsPerEpoch, kRunWaitMs);
    // Steps go on from where they were held: no gap, no repeat.
    const auto &history = loss->batchHistory();
    for (int i = 0; i < history.size(); ++i)
        QCOMPARE(history[i].step, qint64(i + 1));

    // A pause then Stop: the paused worker wakes up and ends.
    startPause->trigger();
    QCOMPARE(controller->state(), State::Paused);
    m_window->stopAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(controller->state() == State::Idle, kRunWaitMs);
}

void TestMainWindow::resetMidRunActsWhenStopped() {
    m_window->settingsPanel()->setConfig(smallConfig(1000));
    core::TrainingController *controller = m_window->controller();
    QSignalSpy finished(controller, &core::TrainingController::finished);
    m_window->startPauseAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->lossView()->batchPointCount() > 0, kRunWaitMs);
    m_window->resetAction()->trigger(); // returns at once: no nested event loop
    QVERIFY(m_window->statusText().contains(QStringLiteral("Stopping, then resetting")));
    QVERIFY(finished.wait(30000));
    QCOMPARE(controller->state(), State::Idle);
    QCOMPARE(m_window->lossView()->batchPointCount(), 0);
    QCOMPARE(m_window->lossView()->runIds(), QVector<int>());
    QCOMPARE(m_window->runList()->count(), 0);
    QVERIFY(m_window->statusText().contains(QStringLiteral("Reset: the loss plot is empty")));
}

void TestMainWindow::stopKeepsHistoryAndResetClears() {
    m_window->settingsPanel()->setConfig(smallConfig(1000));
    core::TrainingController *controller = m_window->controller();
    ui::LossView *loss = m_window->lossView();
    QSignalSpy finishedSpy(controller, &core::TrainingController::finished);

    m_window->startPauseAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(loss->batchPointCount() > 2 * kStepsPerEpoch, kRunWaitMs);
    m_window->stopAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(controller->state() == State::Idle, kRunWaitMs);
    QCOMPARE(finishedSpy.count(), 1);
    const auto result = finishedSpy.at(0).at(0).value<core::TrainResult>();
    QCOMPARE(result.outcome, core::Outcome::Stopped);

    // Every step the run made is on the plot, and stays there.
    const int kept = loss->batchPointCount();
    QCOMPARE(qint64(kept), result.steps);
    QCOMPARE(loss->epochPointCount(), result.epochsDone);
    QVERIFY(result.epochsDone >= 2); // finished() comes after every batch loss, so `kept` is final
    QVERIFY(
        m_window->statusText().contains(QStringLiteral("Stopped after %1 epochs").arg(result.epochsDone)));
    QCOMPARE(plain(m_window->startPauseAction()), QStringLiteral("Start"));
    QVERIFY(!m_window->stopAction()->isEnabled());

    // Start again: a new run beside the stopped one, which keeps its row and its lines.
    child<QSpinBox>(m_window->settingsPanel(), QStringLiteral("epochs"))->setValue(1);
    m_window->startPauseAction()->trigger();
    QVERIFY(finishedSpy.wait(60000));
    ui::RunList *runs = m_window->runList();
    QCOMPARE(runs->ids(), (QVector<int>{1, 2}));
    QCOMPARE(runs->record(1)->status, core::RunStatus::Stopped);
    QCOMPARE(runs->record(2)->status, core::RunStatus::Done);
    QCOMPARE(loss->runIds(), (QVector<int>{1, 2}));
    QCOMPARE(loss->batchPointCount(1), kept);
    QCOMPARE(loss->currentRun(), 2);
    QCOMPARE(loss->batchPointCount(), kStepsPerEpoch);
    QCOMPARE(loss->batchHistory().first().step, qint64(1));

    // Reset clears both runs.
    m_window->resetAction()->trigger();
    QCOMPARE(runs->count(), 0);
    QCOMPARE(loss->runIds(), QVector<int>());
    QCOMPARE(loss->batchPointCount(), 0);
    QCOMPARE(loss->epochPointCount(), 0);
    QCOMPARE(loss->validationPointCount(), 0);
    QVERIFY(m_window->statusText().contains(QStringLiteral("train \u2014 \u00b7 val \u2014")));
}

void TestMainWindow::quitAsksFirst() {
    m_window->settingsPanel()->setConfig(smallConfig(1000));
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    // Nothing trained yet: Ctrl+Q closes without a question.
    QString question;
    QVERIFY(m_window->close());
    m_window->show();
    m_window->startPauseAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->lossView()->batchPointCount() > 0, kRunWaitMs);
    // Cancel keeps the window and the run.
    answerNextBox(QStringLiteral("Cancel"), &question);
    QVERIFY(!m_window->close());
    QCOMPARE(question, QStringLiteral("A run is training. Stop the run and quit?"));
    QCOMPARE(m_window->controller()->state(), State::Running);
    QVERIFY(m_window->isVisible());
    // A stopped run that was never saved is "unsaved": quitting asks again, and says so.
    QSignalSpy finished(m_window->controller(), &core::TrainingController::finished);
    m_window->stopAction()->trigger();
    QVERIFY(finished.wait(30000));
    question.clear();
    answerNextBox(QStringLiteral("Quit without saving"), &question);
    QVERIFY(m_window->close());
    QCOMPARE(question, QStringLiteral("The last run is not saved in a checkpoint. Quit anyway?"));
}

void TestMainWindow::speedAndEtaFromTheFirstBatches() {
    core::TrainConfig c = smallConfig(1);
    c.numSamples = 16000; // 2000 batches of 8: the first epoch takes a while
    m_window->settingsPanel()->setConfig(c);
    QSignalSpy progress(m_window->controller(), &core::TrainingController::progress);
    m_window->startPauseAction()->trigger();
    const auto firstRated = [&]() -> core::Progress {
        for (const QList<QVariant> &args : progress) {
            const auto p = args.at(0).value<core::Progress>();
            if (p.samplesPerSec > 0)
                return p;
        }
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(firstRated().samplesPerSec > 0, 30000);
    const core::Progress p = firstRated();
    m_window->stopAction()->trigger();
    // Known within the first epoch, from batch timings (not "—" until the epoch ends).
    QCOMPARE(p.epoch, 1);
    QVERIFY2(p.batch < 2000, qPrintable(QString::number(p.batch)));
    // The ETA is the remaining samples at that rate.
    QCOMPARE(p.total, qint64(2000));
    const double remaining = double(p.total - p.done) * 8;
    QVERIFY(std::abs(p.etaSeconds - remaining / p.samplesPerSec) < 1e-6 * p.etaSeconds + 1e-9);
    QTRY_VERIFY(m_window->statusText().contains(QRegularExpression(QStringLiteral("\\d+ samples/s"))));
}

void TestMainWindow::closingMidRunJoinsWorker() {
    const QString threadName = QStringLiteral("posenc-training");
    m_window->settingsPanel()->setConfig(smallConfig(1000));
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    const int threadsBefore = threadsNamed(threadName);
    QVERIFY(threadsBefore >= 1);
    QElapsedTimer clock;
    clock.start();
    m_window->startPauseAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->lossView()->batchPointCount() > kStepsPerEpoch, kRunWaitMs);
    QCOMPARE(m_window->controller()->state(), State::Running);
    const qint64 epochMs = clock.elapsed(); // at least one epoch, at this build's speed

    QPointer<core::TrainingController> controller = m_window->controller();
    clock.restart();
    QString question;
    answerNextBox(QStringLiteral("Stop the run and quit"), &question);
    QVERIFY(m_window->close());
    QCOMPARE(question, QStringLiteral("A run is training. Stop the run and quit?"));
    delete m_window;
    m_window = nullptr;
    const qint64 elapsed = clock.elapsed();
    // A hang check, not a speed test: the worker stops within a batch and the thread is joined.
    // Finishing the 999 epochs left would take 999 times epochMs; a few epochs' time is the bound,
    // so a sanitizer build, slower at both, holds as well.
    QVERIFY2(elapsed < 5000 + 3 * epochMs,
             qPrintable(QStringLiteral("closing took %1 ms, an epoch %2 ms").arg(elapsed).arg(epochMs)));
    QVERIFY(controller.isNull());
    // Qt's threads are detached: the OS thread leaves /proc a moment after wait() returned.
    QTRY_COMPARE(threadsNamed(threadName), threadsBefore - 1);
    // Closing saved the settings of the run.
    core::TrainConfig saved;
    QVERIFY(core::fromText(QSettings().value(QStringLiteral("settings/config")).toString(), &saved));
    QCOMPARE(saved.epochs, 1000);
    QCOMPARE(saved.numSamples, 256);
}

void TestMainWindow::tabsAndSimilarityFollowsTable() {
    QTabWidget *tabs = m_window->viewTabs();
    QCOMPARE(tabs->count(), 3);
    QCOMPARE(tabs->tabText(0), QStringLiteral("Encoding"));
    QCOMPARE(tabs->tabText(1), QStringLiteral("Similarity"));
    QCOMPARE(tabs->tabText(2), QStringLiteral("Extrapolation"));
    QCOMPARE(tabs->widget(1), static_cast<QWidget *>(m_window->similarityView()));
    m_window->resize(1600, 1000);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    core::TrainConfig c = smallConfig(1);
    c.encoding.dModel = 16;
    m_window->settingsPanel()->setConfig(c);
    tabs->setCurrentIndex(1);
    ui::SimilarityView *similarity = m_window->similarityView();
    QTRY_COMPARE(similarity->matrix().bins, 64);
    // The sinusoidal d16 similarity at offset 5: the mean over frequencies of cos(5 w_i).
    double expected = 0;
    for (int i = 0; i < 8; ++i)
        expected += std::cos(5 * std::pow(10000.0, -2.0 * i / 16));
    QVERIFY(std::abs(similarity->matrix().at(5, 0) - expected / 8) < 1e-6);
    // A new table follows while the tab is shown.
    child<QSpinBox>(m_window->settingsPanel(), QStringLiteral("d-model"))->setValue(8);
    QTRY_VERIFY(std::abs(similarity->matrix().at(5, 0) - expected / 8) > 1e-3);
    child<QComboBox>(m_window->settingsPanel(), QStringLiteral("pe"))
        ->setCurrentText(QStringLiteral("learned"));
    QTRY_COMPARE(similarity->curveNames().size(), qsizetype(2)); // all and trained-only
}

void TestMainWindow::finishedRunsProbeInExtrapolation() {
    // seq_len 20 and max_len 64: the default probe lengths 20, 40, 80, 160 give two points, two skipped.
    m_window->settingsPanel()->setConfig(smallConfig(1));
    QSignalSpy probeSpy(m_window->controller(), &core::TrainingController::probed);
    QSignalSpy finishedSpy(m_window->controller(), &core::TrainingController::finished);
    m_window->startPauseAction()->trigger();
    QVERIFY(finishedSpy.wait(60000));
    QCOMPARE(probeSpy.count(), 1);
    const auto probe = probeSpy.at(0).at(0).value<core::ProbeResult>();
    QCOMPARE(probe.points.size(), qsizetype(2));
    QCOMPARE(probe.skipped.size(), qsizetype(2));
    ui::ExtrapolationView *view = m_window->extrapolationView();
    QCOMPARE(view->runIds(), QVector<int>{1});
    QCPGraph *graph = view->plot()->graph(0);
    QCOMPARE(graph->pen().color(), ui::runColor(0));
    QCOMPARE(graph->data()->size(), 2);
    QCOMPARE(graph->data()->at(1)->key, 40.0);
    QCOMPARE(graph->data()->at(1)->value, probe.points[1].loss);
    QVERIFY(graph->name().startsWith(QStringLiteral("run 1 \u00b7 ")));
    QCOMPARE(view->trainedLengthMarkers(), QVector<int>{20});
    QVERIFY(view->findChild<QLabel *>(QStringLiteral("notes"))
                ->text()
                .contains(QStringLiteral("beyond max_len 64")));
    // Reset clears it with the loss plot.
    m_window->resetAction()->trigger();
    QCOMPARE(view->runIds(), QVector<int>{});
}

void TestMainWindow::seqLenBeyondMaxLen() {
    ui::SettingsPanel *panel = m_window->settingsPanel();
    core::TrainConfig c = smallConfig(1);
    c.seqLen = 30;
    c.encoding.maxLen = 20;
    panel->setConfig(c);
    QVERIFY2(settingsMessage(panel).contains(
                 QStringLiteral("sequence length 30 exceeds max_len 20 of the positional encoding")),
             qPrintable(settingsMessage(panel)));
    QVERIFY(!m_window->startPauseAction()->isEnabled());
    // The encoding itself is valid, so the heatmap follows max_len 20.
    QTRY_COMPARE(m_window->heatmapView()->positions(), 20);

    child<QSpinBox>(panel, QStringLiteral("max-len"))->setValue(30);
    QCOMPARE(settingsMessage(panel), QString());
    QVERIFY(m_window->startPauseAction()->isEnabled());
    child<QSpinBox>(panel, QStringLiteral("seq-len"))->setValue(31);
    QVERIFY(settingsMessage(panel).contains(QStringLiteral("sequence length 31 exceeds max_len 30")));
    QVERIFY(!m_window->startPauseAction()->isEnabled());
    child<QSpinBox>(panel, QStringLiteral("seq-len"))->setValue(20);
    QCOMPARE(settingsMessage(panel), QString());
    QVERIFY(m_window->startPauseAction()->isEnabled());
}

void TestMainWindow::badLearningRate_data() {
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("message");
    QTest::newRow("abc") << QStringLiteral("abc")
                         << QStringLiteral("learning rate must be a finite number above 0 (got \"abc\")");
    QTest::newRow("-1") << QStringLiteral("-1")
                        << QStringLiteral("learning rate must be a finite number above 0 (got -1)");
    QTest::newRow("0") << QStringLiteral("0")
                       << QStringLiteral("learning rate must be a finite number above 0 (got 0)");
    QTest::newRow("empty") << QString()
                           << QStringLiteral("learning rate must be a finite number above 0 (got \"\")");
}

void TestMainWindow::badLearningRate() {
    QFETCH(QString, typed);
    QFETCH(QString, message);
    ui::SettingsPanel *panel = m_window->settingsPanel();
    panel->setConfig(smallConfig(1));
    QVERIFY(m_window->startPauseAction()->isEnabled());

    child<QLineEdit>(panel, QStringLiteral("lr"))->selectAll();
    if (typed.isEmpty())
        QTest::keyClick(child<QLineEdit>(panel, QStringLiteral("lr")), Qt::Key_Delete);
    else
        QTest::keyClicks(child<QLineEdit>(panel, QStringLiteral("lr")), typed);
    QCOMPARE(child<QLineEdit>(panel, QStringLiteral("lr"))->text(), typed);
    QCOMPARE(settingsMessage(panel), message);
    QVERIFY(!m_window->startPauseAction()->isEnabled());
    // Space (Start) does nothing either.
    m_window->startPauseAction()->trigger();
    QCOMPARE(m_window->controller()->state(), State::Idle);

    child<QLineEdit>(panel, QStringLiteral("lr"))->selectAll();
    QTest::keyClicks(child<QLineEdit>(panel, QStringLiteral("lr")), QStringLiteral("2e-3"));
    QCOMPARE(settingsMessage(panel), QString());
    QVERIFY(m_window->startPauseAction()->isEnabled());
    QCOMPARE(panel->config().lr, 2e-3);
}

void TestMainWindow::bigTableIsComputedOffTheGuiThread() {
    ui::SettingsPanel *panel = m_window->settingsPanel();
    core::TrainConfig c = smallConfig(1);
    c.encoding.maxLen = 5000;
    panel->setConfig(c);
    QTRY_COMPARE(m_window->heatmapView()->positions(), 5000);
    QCOMPARE(m_window->heatmapView()->dimensions(), 32);

    // The 20M-value table is not computed inside setValue (the window returns at once, still
    // showing the d_model 32 table); it arrives whole, heatmap and curves, from the computer.
    child<QSpinBox>(panel, QStringLiteral("d-model"))->setValue(4096);
    QCOMPARE(m_window->heatmapView()->dimensions(), 32);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->heatmapView()->dimensions(), 4096, 20000);
    QCOMPARE(m_window->heatmapView()->positions(), 5000);
    QCOMPARE(m_window->curvesView()->plot()->graph(0)->data()->size(), 5000);
}

void TestMainWindow::heatmapKeepsLastValidTable() {
    // The spin box keeps d_model within 2..4096, but max_len x d_model can still exceed the table
    // limit: that is an invalid encoding the heatmap must not try to draw.
    ui::SettingsPanel *panel = m_window->settingsPanel();
    core::TrainConfig c = smallConfig(1);
    c.encoding.maxLen = 20000;
    panel->setConfig(c);
    QTRY_COMPARE(m_window->heatmapView()->positions(), 20000);
    QCOMPARE(m_window->heatmapView()->dimensions(), 32);

    // Every table the window is given from here on arrives through the computer's `ready`; a
    // (wrong) table for d_model 4096 would be delivered before the next valid one.
    auto *computer = m_window->findChild<core::PeTableComputer *>();
    QVERIFY(computer);
    QSignalSpy readySpy(computer, &core::PeTableComputer::ready);
    child<QSpinBox>(panel, QStringLiteral("d-model"))->setValue(4096);
    QVERIFY2(settingsMessage(panel).contains(QStringLiteral("81,920,000 values")),
             qPrintable(settingsMessage(panel)));
    QVERIFY(!m_window->startPauseAction()->isEnabled());
    QVERIFY(!computer->isBusy()); // nothing asked for
    QCOMPARE(m_window->heatmapView()->positions(), 20000);
    QCOMPARE(m_window->heatmapView()->dimensions(), 32);
    QCOMPARE(m_window->heatmapView()->encoding().dModel, 32);

    child<QSpinBox>(panel, QStringLiteral("d-model"))->setValue(64);
    QVERIFY(readySpy.wait(20000));
    QCOMPARE(readySpy.count(), 1);
    QCOMPARE(readySpy.at(0).at(1).value<core::EncodingConfig>().dModel, 64);
    QCOMPARE(m_window->heatmapView()->dimensions(), 64);
    QCOMPARE(settingsMessage(panel), QString());
    QVERIFY(m_window->startPauseAction()->isEnabled());
}

void TestMainWindow::divergedRun() {
    ui::SettingsPanel *panel = m_window->settingsPanel();
    panel->setConfig(smallConfig(2));
    child<QLineEdit>(panel, QStringLiteral("lr"))->selectAll();
    QTest::keyClicks(child<QLineEdit>(panel, QStringLiteral("lr")), QStringLiteral("1e30"));
    QCOMPARE(panel->config().lr, 1e30);
    QVERIFY(m_window->startPauseAction()->isEnabled()); // valid, just far too high

    QSignalSpy finishedSpy(m_window->controller(), &core::TrainingController::finished);
    m_window->startPauseAction()->trigger();
    QVERIFY(finishedSpy.wait(60000));
    const auto result = finishedSpy.at(0).at(0).value<core::TrainResult>();
    QCOMPARE(result.outcome, core::Outcome::Diverged);
    QVERIFY2(m_window->statusText().contains(QStringLiteral("diverged")), qPrintable(m_window->statusText()));

    auto *box = m_window->findChild<QMessageBox *>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QCOMPARE(box->text(), result.message);
    QVERIFY(box->text().contains(QStringLiteral("lower learning rate")));
    box->close();
    QTRY_VERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("errorBox")));

    // The window stays usable: a sane rate trains.
    QCOMPARE(m_window->controller()->state(), State::Idle);
    QVERIFY(m_window->startPauseAction()->isEnabled());
    QCOMPARE(plain(m_window->startPauseAction()), QStringLiteral("Start"));
    QVERIFY(child<QLineEdit>(panel, QStringLiteral("lr"))->isEnabled());
    child<QLineEdit>(panel, QStringLiteral("lr"))->setText(QStringLiteral("0.001"));
    child<QSpinBox>(panel, QStringLiteral("epochs"))->setValue(1);
    m_window->startPauseAction()->trigger();
    QVERIFY(finishedSpy.wait(60000));
    QCOMPARE(finishedSpy.last().at(0).value<core::TrainResult>().outcome, core::Outcome::Completed);
    QCOMPARE(m_window->lossView()->batchPointCount(), kStepsPerEpoch);
}

void TestMainWindow::settingsPersist() {
    ui::SettingsPanel *panel = m_window->settingsPanel();
    child<QSpinBox>(panel, QStringLiteral("d-model"))->setValue(48);
    child<QSpinBox>(panel, QStringLiteral("epochs"))->setValue(3);
    QVERIFY(m_window->close()); // closeEvent saves
    delete m_window;
    m_window = nullptr;

    {
        MainWindow again;
        const core::TrainConfig c = again.settingsPanel()->config();
        QCOMPARE(c.encoding.dModel, 48);
        QCOMPARE(c.epochs, 3);
        QCOMPARE(c.encoding.maxLen, core::TrainConfig().encoding.maxLen);
        QTRY_COMPARE(again.heatmapView()->dimensions(), 48);
    }

    // A command-line option wins for its own field only.
    core::CliOptions options;
    options.config.encoding.dModel = 64;
    options.config.epochs = 7; // not given: the remembered 3 stays
    options.given = {QStringLiteral("d-model")};
    m_window = new MainWindow(options);
    const core::TrainConfig c = m_window->settingsPanel()->config();
    QCOMPARE(c.encoding.dModel, 64);
    QCOMPARE(c.epochs, 3);
    QTRY_COMPARE(m_window->heatmapView()->dimensions(), 64);
}

void TestMainWindow::shortcuts() {
    QAction *startPause = m_window->startPauseAction();
    QAction *stop = m_window->stopAction();
    QCOMPARE(startPause->shortcut(), QKeySequence(Qt::Key_Space));
    QCOMPARE(stop->shortcut(), QKeySequence(Qt::Key_Escape));
    QCOMPARE(m_window->resetAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
    for (QAction *action : {startPause, stop, m_window->resetAction()}) {
        const QString keys = action->shortcut().toString(QKeySequence::NativeText);
        QVERIFY2(action->toolTip().contains(keys), qPrintable(action->toolTip()));
    }
    QVERIFY(startPause->toolTip().contains(QStringLiteral("Space")));
    QVERIFY(stop->toolTip().contains(QStringLiteral("Esc")));

    QMenu *file = nullptr;
    for (QMenu *menu : m_window->findChildren<QMenu *>())
        if (menu->title() == QStringLiteral("&File"))
            file = menu;
    QVERIFY(file);
    const auto byShortcut = [this](const QKeySequence &keys) -> QAction * {
        for (QAction *action : m_window->findChildren<QAction *>())
            if (action->shortcut() == keys)
                return action;
        return nullptr;
    };
    const struct {
        QKeySequence keys;
        const char *text;
    } fileActions[] = {{QKeySequence(Qt::CTRL | Qt::Key_E), "Export heatmap"},
                       {QKeySequence(Qt::CTRL | Qt::Key_S), "Save checkpoint"},
                       {QKeySequence(Qt::CTRL | Qt::Key_O), "Load checkpoint"},
                       {QKeySequence(Qt::CTRL | Qt::Key_Q), "Quit"}};
    for (const auto &expected : fileActions) {
        QAction *action = byShortcut(expected.keys);
        QVERIFY2(action, qPrintable(expected.keys.toString()));
        QVERIFY2(plain(action).startsWith(QLatin1String(expected.text)), qPrintable(action->text()));
        QVERIFY2(file->actions().contains(action), expected.text);
        QVERIFY2(action->toolTip().contains(expected.keys.toString(QKeySequence::NativeText)),
                 qPrintable(action->toolTip()));
    }

    // The tooltip follows the action's meaning: Start, then Pause while running.
    QVERIFY(startPause->toolTip().startsWith(QStringLiteral("Start training")));
}

void TestMainWindow::twoRunsTwoRowsTwoColours() {
    trainRuns(m_window, 2);
    if (QTest::currentTestFailed())
        return;
    ui::RunList *runs = m_window->runList();
    QCOMPARE(runs->rowCount(), 2);
    QCOMPARE(runs->ids(), (QVector<int>{1, 2}));
    for (int row = 0; row < 2; ++row) {
        const core::RunRecord *run = runs->recordAt(row);
        QCOMPARE(run->status, core::RunStatus::Done);
        QCOMPARE(run->epoch, 1);
        QCOMPARE(run->batches.size(), kStepsPerEpoch);
        QCOMPARE(runs->data(runs->index(row, ui::RunList::StatusColumn)).toString(), QStringLiteral("done"));
        QCOMPARE(runs->data(runs->index(row, ui::RunList::TrainLossColumn)).toString(),
                 QString::number(run->epochs.last().trainLoss, 'g', 4));
        QVERIFY(run->samplesPerSec > 0);
        QVERIFY(!run->probe.isEmpty());
    }
    QVERIFY(runs->recordAt(0)->name().contains(QStringLiteral("d8")));
    QVERIFY(runs->recordAt(1)->name().contains(QStringLiteral("d16")));
    QCOMPARE(m_window->runsPanel()->table()->model(), runs);

    // Two sets of graphs in the loss plot, each in its run's colour.
    ui::LossView *loss = m_window->lossView();
    QCOMPARE(loss->runIds(), (QVector<int>{1, 2}));
    QVERIFY(ui::runColor(0) != ui::runColor(1));
    for (int id : {1, 2}) {
        const ui::LossView::Graphs g = loss->graphsOf(id);
        QCOMPARE(g.smooth->pen().color(), ui::runColor(id - 1));
        QCOMPARE(g.raw->pen().color().rgb(), ui::runColor(id - 1).rgb());
        QCOMPARE(g.val->scatterStyle().pen().color(), ui::runColor(id - 1));
        QCOMPARE(g.raw->dataCount(), kStepsPerEpoch);
        QCOMPARE(g.train->dataCount(), 1);
    }
    QVERIFY(loss->legendNames().at(0).startsWith(QStringLiteral("run 1 \u00b7 ")));
    QVERIFY(loss->legendNames().at(1).startsWith(QStringLiteral("run 2 \u00b7 ")));
    // Both probes in the extrapolation view, and both runs in "similarity vs offset".
    QCOMPARE(m_window->extrapolationView()->runIds(), (QVector<int>{1, 2}));
    QVERIFY(!m_window->similarityView()->runCurve(1).isEmpty());
    QVERIFY(!m_window->similarityView()->runCurve(2).isEmpty());
    // The hover names both runs.
    const QString hover = loss->hoverText(10);
    QVERIFY2(hover.contains(QStringLiteral("run 1 \u00b7 ")) &&
                 hover.contains(QStringLiteral("run 2 \u00b7 ")),
             qPrintable(hover));
}

void TestMainWindow::deleteAndUndoRestoreTheRun() {
    trainRuns(m_window, 3);
    if (QTest::currentTestFailed())
        return;
    ui::RunList *runs = m_window->runList();
    ui::LossView *loss = m_window->lossView();
    const QVector<double> smooth = loss->smoothedHistory(2);
    ui::RunsPanel *panel = m_window->runsPanel();
    panel->selectRun(2);
    QCOMPARE(panel->currentRunId(), 2);
    panel->deleteAction()->trigger(); // the Delete key and the context menu's entry
    QCOMPARE(runs->ids(), (QVector<int>{1, 3}));
    QCOMPARE(loss->runIds(), (QVector<int>{1, 3}));
    QCOMPARE(m_window->extrapolationView()->runIds(), (QVector<int>{1, 3}));
    QVERIFY(m_window->similarityView()->runCurve(2).isEmpty());
    QVERIFY2(m_window->statusText().contains(QStringLiteral("Deleted run 2")),
             qPrintable(m_window->statusText()));
    auto *undo = m_window->findChild<QPushButton *>(QStringLiteral("undoDelete"));
    QVERIFY(undo && !undo->isHidden());
    QVERIFY(m_window->undoDeleteAction()->isEnabled());
    QCOMPARE(m_window->undoDeleteAction()->shortcut(), QKeySequence(QKeySequence::Undo));

    undo->click();
    QCOMPARE(runs->ids(), (QVector<int>{1, 2, 3})); // back at its row
    QCOMPARE(runs->record(2)->batches.size(), kStepsPerEpoch);
    QCOMPARE(loss->runIds(), (QVector<int>{1, 2, 3}));
    QCOMPARE(loss->batchPointCount(2), kStepsPerEpoch);
    QCOMPARE(loss->epochPointCount(2), 1);
    QCOMPARE(loss->smoothedHistory(2), smooth);
    QCOMPARE(loss->graphsOf(2).smooth->pen().color(), ui::runColor(1));
    QCOMPARE(m_window->extrapolationView()->runIds().size(), 3);
    QVERIFY(!m_window->similarityView()->runCurve(2).isEmpty());
    QVERIFY(undo->isHidden());
    QVERIFY(!m_window->undoDeleteAction()->isEnabled());
    QVERIFY(!m_window->runTracker()->undoDelete()); // one undo per delete

    // Ctrl+Z (the action) undoes too.
    QCOMPARE(m_window->runTracker()->deleteRun(3), QString());
    QCOMPARE(runs->count(), 2);
    m_window->undoDeleteAction()->trigger();
    QCOMPARE(runs->ids(), (QVector<int>{1, 2, 3}));
}

void TestMainWindow::liveRunCannotBeDeleted() {
    m_window->settingsPanel()->setConfig(smallConfig(1000));
    m_window->startPauseAction()->trigger();
    QTRY_VERIFY(m_window->lossView()->batchPointCount() > 0);
    const int live = m_window->runTracker()->liveRunId();
    QCOMPARE(m_window->runList()->record(live)->status, core::RunStatus::Training);
    const QString why = m_window->runTracker()->deleteRun(live);
    QVERIFY2(why.contains(QStringLiteral("training")), qPrintable(why));
    QVERIFY(m_window->statusText().contains(QStringLiteral("stop it before deleting it")));
    QCOMPARE(m_window->runList()->count(), 1);
    m_window->startPauseAction()->trigger();
    QTRY_COMPARE(m_window->runList()->record(live)->status, core::RunStatus::Paused);
    m_window->stopAction()->trigger();
    QTRY_COMPARE(m_window->runList()->record(live)->status, core::RunStatus::Stopped);
    QCOMPARE(m_window->runTracker()->deleteRun(live), QString());
    QCOMPARE(m_window->runList()->count(), 0);
}

void TestMainWindow::uncheckingHidesTheRun() {
    trainRuns(m_window, 2);
    if (QTest::currentTestFailed())
        return;
    ui::RunList *runs = m_window->runList();
    ui::LossView *loss = m_window->lossView();
    ui::ExtrapolationView *extrapolation = m_window->extrapolationView();
    QVERIFY(loss->isRunVisible(1) && extrapolation->isRunVisible(1));
    // The row's checkbox, as a click on it sets it.
    QVERIFY(runs->setData(runs->index(0, ui::RunList::NameColumn), Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(!loss->isRunVisible(1));
    QVERIFY(!loss->graphsOf(1).raw->visible());
    QVERIFY(!extrapolation->isRunVisible(1));
    QVERIFY(loss->isRunVisible(2) && extrapolation->isRunVisible(2));
    QVERIFY(!loss->hoverText(10).contains(QStringLiteral("run 1 \u00b7 ")));
    QVERIFY(loss->hoverText(10).contains(QStringLiteral("run 2 \u00b7 ")));
    QCOMPARE(loss->legendNames().size(), 3); // run 2 and the two marker keys
    runs->setVisible(1, true);
    QVERIFY(loss->isRunVisible(1) && extrapolation->isRunVisible(1));
}

void TestMainWindow::selectingARowShowsItsEncoding() {
    trainRuns(m_window, 2); // d_model 8, then 16
    if (QTest::currentTestFailed())
        return;
    QTRY_COMPARE(m_window->heatmapView()->dimensions(), 16);
    m_window->runsPanel()->selectRun(1);
    QCOMPARE(m_window->heatmapView()->dimensions(), 8);
    QCOMPARE(m_window->lossView()->currentRun(), 1);
    QVERIFY2(m_window->statusText().contains(QStringLiteral("Showing run 1")),
             qPrintable(m_window->statusText()));
    QVERIFY(m_window->statusText().contains(QStringLiteral("probe loss by length 20: ")));
    m_window->runsPanel()->selectRun(2);
    QCOMPARE(m_window->heatmapView()->dimensions(), 16);
    // A click on a row does the same (the press moves the current row before it selects it).
    QTableView *table = m_window->runsPanel()->table();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    table->clearSelection();
    const QRect row1 = table->visualRect(m_window->runList()->index(0, ui::RunList::StatusColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, row1.center());
    QCOMPARE(m_window->runsPanel()->currentRunId(), 1);
    QCOMPARE(m_window->heatmapView()->dimensions(), 8);
    QVERIFY2(m_window->statusText().contains(QStringLiteral("Showing run 1")),
             qPrintable(m_window->statusText()));
}

void TestMainWindow::runsDockInViewMenuAndPersists() {
    QDockWidget *dock = m_window->runsDock();
    QCOMPARE(dock->windowTitle(), QStringLiteral("Runs"));
    QCOMPARE(dock->objectName(), QStringLiteral("runsDock"));
    QCOMPARE(m_window->dockWidgetArea(dock), Qt::BottomDockWidgetArea);
    QAction *toggle = dock->toggleViewAction();
    bool inViewMenu = false;
    for (QAction *menu : m_window->menuBar()->actions())
        if (plain(menu) == QStringLiteral("View"))
            inViewMenu = menu->menu()->actions().contains(toggle);
    QVERIFY(inViewMenu);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    QVERIFY(dock->isVisible());
    toggle->trigger();
    QVERIFY(!dock->isVisible());
    QVERIFY(m_window->close()); // closeEvent saves the dock state
    delete m_window;
    m_window = new MainWindow;
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    QVERIFY(!m_window->runsDock()->isVisible());
    m_window->runsDock()->toggleViewAction()->trigger();
    QVERIFY(m_window->runsDock()->isVisible());
}

void TestMainWindow::deleteKeyInTheRunsPanel() {
    trainRuns(m_window, 2);
    if (QTest::currentTestFailed())
        return;
    m_window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_window));
    QTableView *table = m_window->runsPanel()->table();
    m_window->runsPanel()->selectRun(1);
    table->setFocus();
    QTRY_VERIFY(table->hasFocus());
    QTest::keyClick(table, Qt::Key_Delete);
    QCOMPARE(m_window->runList()->ids(), QVector<int>{2});
    QTest::keyClick(table, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(m_window->runList()->ids(), (QVector<int>{1, 2}));
    QCOMPARE(m_window->lossView()->runIds(), (QVector<int>{1, 2}));
}

// The window, with its Settings and Runs docks, fits in 95% of a 1280x720 screen (the size it opens
// at there), so the status bar and the runs stay on screen.
void TestMainWindow::fitsA1280x720Screen() {
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    const QSize least = m_window->minimumSizeHint();
    QVERIFY2(least.height() <= 684, qPrintable(QStringLiteral("needs %1 px of height").arg(least.height())));
    QVERIFY2(least.width() <= 1216, qPrintable(QStringLiteral("needs %1 px of width").arg(least.width())));
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
