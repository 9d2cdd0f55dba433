#pragma once
// What the window's test files share: settings kept out of the user's, a small run's size, the
// plain text of an action, answering a modal box, and training a few runs through the window.

#include "test_support.h"
#include "window/main_window.h"
#include "window/settings_panel.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCoreApplication>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

namespace posenc::testing {

// A run of smallConfig(): 256 samples in batches of 8, 32 steps an epoch.
constexpr int kStepsPerEpoch = 256 / 8;
// How long a wait for training progress may take before it counts as a hang: generous, so that the
// waits hold in sanitizer builds (several times slower); QTRY_* returns as soon as it holds.
constexpr int kRunWaitMs = 60000;

// QSettings go to a test folder, never the user's settings: `dir`, this run's own temporary folder,
// since ~/.qttest is shared with any other window test running at the same time (another build, a
// sanitizer run), whose clear() made settingsPersist fail now and then. `app` names the test.
inline void isolateSettings(const QTemporaryDir &dir, const QString &app) {
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("PosEnc Studio Tests"));
    QCoreApplication::setApplicationName(app);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
}

// The action's text without its mnemonic ampersand.
inline QString plain(const QAction *action) {
    return action->text().remove(QLatin1Char('&'));
}

// Answers the next modal message box (e.g. the quit confirmation) by clicking the button `text`,
// and records the box's question in `question`. Looks for it at every event-loop turn, 200 at most.
inline void answerNextBox(const QString &text, QString *question, int attempts = 200) {
    QTimer::singleShot(0, [=] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box) {
            if (attempts > 0)
                answerNextBox(text, question, attempts - 1);
            return;
        }
        *question = box->text();
        for (QAbstractButton *button : box->buttons())
            if (button->text() == text)
                return button->click();
        box->reject();
    });
}

// Trains `count` one-epoch runs in `window`, one after another, d_model 8, 16, ... (callers check
// QTest::currentTestFailed() after it).
inline void trainRuns(ui::MainWindow *window, int count) {
    QSignalSpy finished(window->controller(), &core::TrainingController::finished);
    for (int i = 0; i < count; ++i) {
        core::TrainConfig c = smallConfig(1);
        c.encoding.dModel = 8 << i;
        window->settingsPanel()->setConfig(c);
        window->startPauseAction()->trigger();
        QVERIFY(finished.wait(60000));
    }
    QCOMPARE(finished.count(), count);
}

} // namespace posenc::testing
