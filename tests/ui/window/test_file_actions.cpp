// FileActions through the window that owns it: picture exports at the requested size, failed writes
// that offer another folder, the offered file names, the PE matrix CSV as trained, checkpoints saved,
// loaded (with their loss history) and continued, a garbage checkpoint, and Open Recent.

#include "encoding/compute_table.h"
#include "window/file_actions.h"
#include "window_test_support.h"

#include "plots/heatmap_view.h"
#include "plots/loss_view.h"
#include "window/run_list.h"
#include "window/settings_panel.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QMenu>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace posenc;
using namespace posenc::testing;
using posenc::ui::MainWindow;
using View = ui::FileActions::View;

Q_DECLARE_METATYPE(View)

namespace {
// The paths File > Open Recent lists, top to bottom.
QStringList recentPaths(const QMenu *menu) {
    QStringList paths;
    for (const QAction *action : menu->actions())
        if (!action->data().toString().isEmpty())
            paths << action->data().toString();
    return paths;
}
} // namespace

class TestFileActions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void exportWritesRequestedSize_data();
    void exportWritesRequestedSize();
    void exportToUnwritablePath();
    void failedWriteOffersAnotherFolder_data();
    void failedWriteOffersAnotherFolder();
    void defaultExportNames();
    void learnedTableIsShownAndExportedAsTrained();
    void checkpointThroughWindow();
    void loadGarbageCheckpoint();
    void openRecentCheckpoints();
    void loadedCheckpointBringsItsLossHistory();

private:
    MainWindow *m_window = nullptr;
    QTemporaryDir m_settingsDir;
};

void TestFileActions::initTestCase() {
    QVERIFY(m_settingsDir.isValid());
    isolateSettings(m_settingsDir, QStringLiteral("test_file_actions"));
}

void TestFileActions::init() {
    QSettings().clear();
    m_window = new MainWindow;
}

void TestFileActions::cleanup() {
    delete m_window; // joins a live run's worker
    m_window = nullptr;
    QSettings().clear();
}

void TestFileActions::exportWritesRequestedSize_data() {
    QTest::addColumn<View>("view");
    QTest::addColumn<double>("scale");
    QTest::newRow("heatmap x1") << View::Heatmap << 1.0;
    QTest::newRow("heatmap x2") << View::Heatmap << 2.0;
    QTest::newRow("curves x1") << View::Curves << 1.0;
    QTest::newRow("curves x2") << View::Curves << 2.0;
    QTest::newRow("loss x1") << View::Loss << 1.0;
    QTest::newRow("loss x2") << View::Loss << 2.0;
    QTest::newRow("similarity x1") << View::Similarity << 1.0;
    QTest::newRow("extrapolation x2") << View::Extrapolation << 2.0;
}

void TestFileActions::exportWritesRequestedSize() {
    QFETCH(View, view);
    QFETCH(double, scale);
    m_window->settingsPanel()->setConfig(smallConfig(1));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(m_window->fileActions()->defaultExportName(view));
    QCOMPARE(m_window->fileActions()->exportView(view, path, 640, 360, scale), QString());
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(qRound(640 * scale), qRound(360 * scale)));
    QVERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("errorBox")));
    QVERIFY(m_window->statusText().contains(QStringLiteral("Saved %1").arg(path)));
}

void TestFileActions::exportToUnwritablePath() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("no-such-folder/heatmap.png"));
    const QString error = m_window->fileActions()->exportView(View::Heatmap, path, 640, 360, 1.0);
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(path), qPrintable(error));

    auto *box = m_window->findChild<QMessageBox *>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QCOMPARE(box->text(), error);
    QVERIFY(m_window->statusText().contains(error));
    box->close();
    QTRY_VERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("errorBox")));

    QVERIFY(!QFile::exists(path));
    QVERIFY(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
}

void TestFileActions::failedWriteOffersAnotherFolder_data() {
    QTest::addColumn<QString>("action"); // the File menu entry, or "" for exportView
    QTest::addColumn<QString>("fileName");
    QTest::newRow("heatmap picture") << QString() << QStringLiteral("heatmap.png");
    QTest::newRow("checkpoint") << QStringLiteral("Save checkpoint…") << QStringLiteral("checkpoint.pt");
    QTest::newRow("PE matrix CSV") << QStringLiteral("Export PE matrix as CSV…") << QStringLiteral("pe.csv");
}

void TestFileActions::failedWriteOffersAnotherFolder() {
    QFETCH(QString, action);
    QFETCH(QString, fileName);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A path under a regular file cannot be written, not even by root.
    const QString blocker = dir.filePath(QStringLiteral("a-file"));
    QVERIFY(testing::writeBytes(blocker, "x"));
    const QString badPath = blocker + QStringLiteral("/") + fileName;
    const QString other = dir.filePath(QStringLiteral("other"));
    QVERIFY(QDir().mkpath(other));
    QStringList asked; // "file: <start>" or "folder: <start>", in order
    m_window->fileActions()->setPathChooser([&](const QString &, const QString &start, bool folder) {
        asked << (folder ? QStringLiteral("folder: ") : QStringLiteral("file: ")) + start;
        return folder ? other : badPath;
    });

    if (action.contains(QStringLiteral("checkpoint"))) { // a trained run to save
        m_window->settingsPanel()->setConfig(smallConfig(1));
        QSignalSpy finishedSpy(m_window->controller(), &core::TrainingController::finished);
        m_window->startPauseAction()->trigger();
        QVERIFY(finishedSpy.wait(60000));
    }
    if (action.isEmpty()) {
        QVERIFY(!m_window->fileActions()->exportView(View::Heatmap, badPath, 640, 360).isEmpty());
    } else {
        QAction *entry = nullptr;
        for (QAction *a : m_window->findChildren<QAction *>())
            if (plain(a) == action)
                entry = a;
        QVERIFY2(entry, qPrintable(action));
        entry->trigger();
    }

    auto *box = m_window->findChild<QMessageBox *>(QStringLiteral("errorBox"));
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QVERIFY2(box->text().startsWith(QStringLiteral("Cannot write %1: ").arg(badPath)),
             qPrintable(box->text()));
    QVERIFY(!QFile::exists(badPath));
    QAbstractButton *choose = nullptr;
    for (QAbstractButton *b : box->buttons())
        if (b->text() == QStringLiteral("Choose another folder…"))
            choose = b;
    QVERIFY(choose);
    QVERIFY(box->button(QMessageBox::Cancel));
    choose->click();

    const QString written = QDir(other).filePath(fileName);
    QVERIFY2(QFileInfo(written).size() > 0, qPrintable(written));
    QCOMPARE(asked.size(), action.isEmpty() ? 1 : 2);
    QVERIFY(asked.last().startsWith(QStringLiteral("folder: ")));
    QVERIFY2(m_window->statusText().contains(written), qPrintable(m_window->statusText()));
    QTRY_VERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("errorBox")));
    if (action.isEmpty()) {
        QCOMPARE(QImage(written).size(), QSize(640, 360));
    } else if (action.contains(QStringLiteral("checkpoint"))) {
        MainWindow fresh; // the run was held all along: the second folder has all of it
        QCOMPARE(fresh.fileActions()->loadCheckpoint(written), QString());
        QCOMPARE(fresh.settingsPanel()->config(), smallConfig(1));
    } else {
        QFile csv(written);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'),
                 1 + m_window->settingsPanel()->config().encoding.maxLen); // header + rows
    }
}

void TestFileActions::defaultExportNames() {
    core::TrainConfig c;
    c.encoding.dModel = 32;
    c.encoding.maxLen = 100;
    m_window->settingsPanel()->setConfig(c);
    QCOMPARE(m_window->fileActions()->defaultExportName(View::Heatmap),
             QStringLiteral("pe_sinusoidal_d32_L100.png"));
    QCOMPARE(m_window->fileActions()->defaultExportName(View::Curves),
             QStringLiteral("curves_sinusoidal_d32_L100.png"));
    QCOMPARE(m_window->fileActions()->defaultExportName(View::Loss, QStringLiteral("pdf")),
             QStringLiteral("loss_sinusoidal_d32_L100.pdf"));
    child<QSpinBox>(m_window->settingsPanel(), QStringLiteral("d-model"))->setValue(48);
    child<QComboBox>(m_window->settingsPanel(), QStringLiteral("pe"))
        ->setCurrentText(QStringLiteral("learned"));
    QCOMPARE(m_window->fileActions()->defaultExportName(View::Heatmap),
             QStringLiteral("pe_learned_d48_L100.png"));
}

void TestFileActions::learnedTableIsShownAndExportedAsTrained() {
    core::TrainConfig c = smallConfig(2);
    c.encoding.kind = core::PeKind::Learned;
    c.encoding.dModel = 8;
    m_window->settingsPanel()->setConfig(c);
    const core::PeTable initial = core::computePeTable(c.encoding, c.seed);
    QSignalSpy finishedSpy(m_window->controller(), &core::TrainingController::finished);
    m_window->startPauseAction()->trigger();
    QVERIFY(finishedSpy.wait(60000));
    const core::PeTable trained = m_window->controller()->currentPeTable();
    QVERIFY(trained.at(0, 0) != initial.at(0, 0)); // position 0 was trained
    // The run's row keeps its table as trained.
    QCOMPARE(m_window->runList()->recordAt(0)->table.values, trained.values);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // The CSV holds the trained values, also after a checkpoint is loaded into a fresh window.
    const auto csvCell00 = [](const QString &path) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly)
                   ? file.readAll().split('\n').value(1).split(',').value(1).toDouble()
                   : qQNaN();
    };
    QCOMPARE(m_window->fileActions()->exportPeCsv(dir.filePath("pe.csv")), QString());
    QCOMPARE(float(csvCell00(dir.filePath("pe.csv"))), trained.at(0, 0));
    QCOMPARE(m_window->fileActions()->saveCheckpoint(dir.filePath("run.pt")), QString());
    MainWindow fresh;
    QCOMPARE(fresh.fileActions()->loadCheckpoint(dir.filePath("run.pt")), QString());
    QCOMPARE(fresh.fileActions()->exportPeCsv(dir.filePath("loaded.csv")), QString());
    QCOMPARE(float(csvCell00(dir.filePath("loaded.csv"))), trained.at(0, 0));

    // Another seed is another run: the views show the table that run would start from.
    c.seed = 11;
    m_window->settingsPanel()->setConfig(c);
    QCOMPARE(m_window->fileActions()->exportPeCsv(dir.filePath("other.csv")), QString());
    QCOMPARE(float(csvCell00(dir.filePath("other.csv"))), core::computePeTable(c.encoding, 11).at(0, 0));
}

void TestFileActions::checkpointThroughWindow() {
    core::TrainConfig c = smallConfig(2);
    c.encoding.dModel = 16;
    c.seed = 5;
    m_window->settingsPanel()->setConfig(c);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("run.pt"));
    // Nothing trained yet: saving says so.
    QVERIFY(!m_window->fileActions()->saveCheckpoint(path).isEmpty());
    QVERIFY(!QFile::exists(path));

    QSignalSpy finishedSpy(m_window->controller(), &core::TrainingController::finished);
    m_window->startPauseAction()->trigger();
    QVERIFY(finishedSpy.wait(60000));
    QCOMPARE(m_window->fileActions()->saveCheckpoint(path), QString());
    QVERIFY(QFileInfo(path).size() > 0);

    MainWindow fresh;
    QCOMPARE(fresh.settingsPanel()->config(), core::TrainConfig());
    QCOMPARE(fresh.fileActions()->loadCheckpoint(path), QString());
    QCOMPARE(fresh.settingsPanel()->config(), c);
    QVERIFY2(fresh.startPauseAction()->text().contains(QStringLiteral("Continue")),
             qPrintable(fresh.startPauseAction()->text()));
    QTRY_COMPARE(fresh.heatmapView()->dimensions(), 16);
    QVERIFY(fresh.statusText().contains(QStringLiteral("at epoch 2 of 2")));

    // Continue with one more epoch: the run goes on from epoch 2 at step 64.
    child<QSpinBox>(fresh.settingsPanel(), QStringLiteral("epochs"))->setValue(3);
    QVERIFY2(fresh.startPauseAction()->text().contains(QStringLiteral("Continue")),
             "changing only the epochs keeps the loaded run");
    QSignalSpy freshFinished(fresh.controller(), &core::TrainingController::finished);
    QSignalSpy started(fresh.controller(), &core::TrainingController::runStarted);
    fresh.startPauseAction()->trigger();
    QVERIFY(freshFinished.wait(60000));
    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(1).toInt(), 2);
    QCOMPARE(started.at(0).at(2).toLongLong(), qint64(2 * kStepsPerEpoch));
    const auto result = freshFinished.at(0).at(0).value<core::TrainResult>();
    QCOMPARE(result.outcome, core::Outcome::Completed);
    QCOMPARE(result.epochsDone, 3);
    // The checkpoint brought its history: the curve goes on from the saved two epochs with no gap.
    QCOMPARE(fresh.lossView()->epochPointCount(), 3);
    QCOMPARE(fresh.lossView()->batchPointCount(), 3 * kStepsPerEpoch);
    QCOMPARE(fresh.lossView()->batchHistory().first().step, qint64(1));
    QCOMPARE(fresh.lossView()->batchHistory().at(2 * kStepsPerEpoch).step, qint64(2 * kStepsPerEpoch + 1));
    // The loaded checkpoint is a row, and the continued run trains on in it.
    QCOMPARE(fresh.runList()->count(), 1);
    QCOMPARE(fresh.runList()->recordAt(0)->epoch, 3);
    QCOMPARE(fresh.runList()->recordAt(0)->status, core::RunStatus::Done);
    // Its checkpoint is now the continued run's, kept for a session (not the file it was loaded from).
    QVERIFY(fresh.runList()->recordAt(0)->checkpoint != path);
    QVERIFY(QFileInfo(fresh.runList()->recordAt(0)->checkpoint).size() > 0);
    QCOMPARE(fresh.lossView()->currentRun(), fresh.runList()->recordAt(0)->id);
    QCOMPARE(plain(fresh.startPauseAction()), QStringLiteral("Start"));
}

void TestFileActions::loadGarbageCheckpoint() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("garbage.pt"));
    QVERIFY(posenc::testing::writeBytes(path, "this is not a checkpoint\n"));

    core::TrainConfig c = smallConfig(4);
    c.encoding.dModel = 24;
    m_window->settingsPanel()->setConfig(c);
    const QString error = m_window->fileActions()->loadCheckpoint(path);
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(path), qPrintable(error));
    QCOMPARE(m_window->settingsPanel()->config(), c);
    QCOMPARE(plain(m_window->startPauseAction()), QStringLiteral("Start"));

    const QString missing = dir.filePath(QStringLiteral("missing.pt"));
    const QString missingError = m_window->fileActions()->loadCheckpoint(missing);
    QVERIFY2(missingError.contains(missing), qPrintable(missingError));
    QCOMPARE(m_window->settingsPanel()->config(), c);
}

void TestFileActions::openRecentCheckpoints() {
    auto *recent = m_window->findChild<QMenu *>(QStringLiteral("recentMenu"));
    QVERIFY(recent);
    QVERIFY2(!recent->menuAction()->isEnabled(), "an empty list is greyed out");
    m_window->settingsPanel()->setConfig(smallConfig(1));
    QSignalSpy finishedSpy(m_window->controller(), &core::TrainingController::finished);
    m_window->startPauseAction()->trigger();
    QVERIFY(finishedSpy.wait(60000));

    // Nine saves: the last eight are listed, most recent first.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QStringList saved;
    for (int i = 0; i < 9; ++i) {
        saved << dir.filePath(QStringLiteral("c%1.pt").arg(i));
        QCOMPARE(m_window->fileActions()->saveCheckpoint(saved.last()), QString());
    }
    QVERIFY(recent->menuAction()->isEnabled());
    QStringList expected;
    for (int i = 8; i >= 1; --i)
        expected << saved.at(i);
    QCOMPARE(recentPaths(recent), expected);
    QVERIFY2(recent->actions().first()->text().contains(QStringLiteral("c8.pt")),
             qPrintable(recent->actions().first()->text()));

    // A file that has gone is dropped when chosen, with a note in the status bar.
    QVERIFY(QFile::remove(saved.at(5)));
    recent->actions().at(expected.indexOf(saved.at(5)))->trigger();
    expected.removeAll(saved.at(5));
    QCOMPARE(recentPaths(recent), expected);
    QVERIFY2(m_window->statusText().contains(QStringLiteral("no longer exists")),
             qPrintable(m_window->statusText()));

    // Choosing one that exists loads it and moves it to the top.
    recent->actions().at(expected.indexOf(saved.at(2)))->trigger();
    QVERIFY2(m_window->statusText().contains(QStringLiteral("Loaded c2.pt at epoch 1 of 1")),
             qPrintable(m_window->statusText()));
    expected.removeAll(saved.at(2));
    expected.prepend(saved.at(2));
    QCOMPARE(recentPaths(recent), expected);

    // The list outlives the window; Clear list empties it.
    MainWindow again;
    auto *againRecent = again.findChild<QMenu *>(QStringLiteral("recentMenu"));
    QVERIFY(againRecent);
    QCOMPARE(recentPaths(againRecent), expected);
    againRecent->actions().last()->trigger();
    QCOMPARE(recentPaths(againRecent), QStringList());
    QVERIFY(!againRecent->menuAction()->isEnabled());
}

// A checkpoint brings its loss history: the loaded row draws the old curve, and continuing draws on.
void TestFileActions::loadedCheckpointBringsItsLossHistory() {
    trainRuns(m_window, 1);
    if (QTest::currentTestFailed())
        return;
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("checkpoint.pt"));
    QCOMPARE(m_window->fileActions()->saveCheckpoint(path), QString());
    const QVector<core::BatchLoss> before = m_window->runList()->record(1)->batches;

    MainWindow other;
    QCOMPARE(other.fileActions()->loadCheckpoint(path), QString());
    const int id = other.runList()->ids().last();
    QCOMPARE(other.runList()->record(id)->batches.size(), before.size());
    QCOMPARE(other.runList()->record(id)->batches.last().loss, before.last().loss);
    QCOMPARE(other.lossView()->batchPointCount(id), kStepsPerEpoch);
    child<QSpinBox>(other.settingsPanel(), QStringLiteral("epochs"))->setValue(2);
    QSignalSpy finished(other.controller(), &core::TrainingController::finished);
    other.startPauseAction()->trigger();
    QVERIFY(finished.wait(60000));
    const QVector<core::BatchLoss> after = other.runList()->record(id)->batches;
    QCOMPARE(after.size(), 2 * kStepsPerEpoch); // one curve, no gap
    for (int i = 0; i < after.size(); ++i)
        QCOMPARE(after[i].step, qint64(i + 1));
}

QTEST_MAIN(TestFileActions)
#include "test_file_actions.moc"
