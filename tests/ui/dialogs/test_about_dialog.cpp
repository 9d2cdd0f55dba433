// The application icon and the About dialog: the SVG is compiled in, it renders with a heatmap's
// colours, transparent rounded corners and the white wave at 16 px and 256 px, and About states
// the app, LibTorch and Qt versions and the training thread count.

#include "dialogs/about_dialog.h"
#include "train/trainer.h"
#include "window/main_window.h"
#include "window/settings_panel.h"

#include <torch/version.h>

#include <QAction>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

using posenc::ui::AboutDialog;

namespace {
// Share of the image's pixels that pass `test`.
template <typename Test> double share(const QImage &image, Test test) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            count += test(image.pixelColor(x, y)) ? 1 : 0;
    return double(count) / (image.width() * image.height());
}
} // namespace

class TestAboutDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void iconIsCompiledIn();
    void iconReads_data();
    void iconReads();
    void aboutStatesVersions();
    void windowUsesIconAndAbout();
};

void TestAboutDialog::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PosEnc Studio Tests"));
    QCoreApplication::setApplicationName(QStringLiteral("test_about_dialog"));
    QSettings().clear();
}

void TestAboutDialog::iconIsCompiledIn() {
    QVERIFY(!posenc::ui::appIcon().isNull());
    QFile compiled(QStringLiteral(":/icons/posenc-studio.svg"));
    QFile source(QStringLiteral(POSENC_SOURCE_DIR "/resources/posenc-studio.svg"));
    QVERIFY(compiled.open(QIODevice::ReadOnly));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QCOMPARE(compiled.readAll(), source.readAll());
}

void TestAboutDialog::iconReads_data() {
    QTest::addColumn<int>("size");
    QTest::newRow("16 px") << 16;
    QTest::newRow("32 px") << 32;
    QTest::newRow("256 px") << 256;
}

void TestAboutDialog::iconReads() {
    QFETCH(int, size);
    const QImage image =
        posenc::ui::appIcon().pixmap(size, size).toImage().convertToFormat(QImage::Format_ARGB32);
    QCOMPARE(image.size(), QSize(size, size));
    // A rounded tile: transparent corners, opaque middle.
    QCOMPARE(image.pixelColor(0, 0).alpha(), 0);
    QCOMPARE(image.pixelColor(size - 1, size - 1).alpha(), 0);
    QCOMPARE(image.pixelColor(size / 2, size / 4).alpha(), 255);
    // The heatmap's two ends of the map, and the white wave, each cover a visible share (measured at
    // 16 / 32 / 256 px: red 18 / 24 / 32 %, blue 5.5 / 7.1 / 8.7 %, white 7.0 / 9.3 / 14 %).
    const double red =
        share(image, [](const QColor &c) { return c.alpha() > 200 && c.red() > c.blue() + 80; });
    const double blue =
        share(image, [](const QColor &c) { return c.alpha() > 200 && c.blue() > c.red() + 60; });
    const double white = share(image, [](const QColor &c) { return c.alpha() > 200 && c.lightness() > 235; });
    QVERIFY2(red > 0.12, qPrintable(QString::number(red)));
    QVERIFY2(blue > 0.035, qPrintable(QString::number(blue)));
    QVERIFY2(white > 0.045, qPrintable(QString::number(white)));
    if (size == 256) // the corner cell is cut round (Qt 6.4 ignores clipPath, so it is drawn so)
        QCOMPARE(image.pixelColor(20, 20).alpha(), 0);
}

void TestAboutDialog::aboutStatesVersions() {
    AboutDialog about(3);
    const QString text = about.plainText();
    QVERIFY2(text.contains(QStringLiteral("PosEnc Studio " POSENC_VERSION)), qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("LibTorch\\s+" TORCH_VERSION " \\(CPU\\)"))),
             qPrintable(text));
    QVERIFY2(
        text.contains(QRegularExpression(QStringLiteral("Qt\\s+") + QRegularExpression::escape(qVersion()))),
        qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("Training threads\\s+3\\b"))), qPrintable(text));
    const auto *icon = about.findChild<QLabel *>(QStringLiteral("aboutIcon"));
    QVERIFY(icon);
    QCOMPARE(icon->pixmap().size(), QSize(96, 96));
}

void TestAboutDialog::windowUsesIconAndAbout() {
    posenc::ui::MainWindow window;
    QVERIFY(!window.windowIcon().isNull());
    QCOMPARE(window.windowIcon().pixmap(48, 48).toImage(), posenc::ui::appIcon().pixmap(48, 48).toImage());
    QAction *aboutAction = nullptr;
    for (QAction *action : window.findChildren<QAction *>())
        if (action->text().remove(QLatin1Char('&')) == QStringLiteral("About PosEnc Studio"))
            aboutAction = action;
    QVERIFY(aboutAction);
    aboutAction->trigger();
    auto *about = window.findChild<AboutDialog *>(QStringLiteral("aboutDialog"));
    QVERIFY(about);
    QTRY_VERIFY(about->isVisible());
    const int threads = posenc::core::recommendedThreads(window.settingsPanel()->config());
    QVERIFY2(about->plainText().contains(
                 QRegularExpression(QStringLiteral("Training threads\\s+%1\\b").arg(threads))),
             qPrintable(about->plainText()));
    about->close();
}

QTEST_MAIN(TestAboutDialog)
#include "test_about_dialog.moc"
