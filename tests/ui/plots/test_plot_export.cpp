// exportPlot and ExportDialog: pictures of the requested pixel size in the requested format,
// readable messages for bad paths and formats, and no half-written or clobbered files.

#include "encoding/compute_table.h"
#include "plots/heatmap_view.h"
#include "plots/plot_export.h"
#include "test_support.h"

#include <qcustomplot.h>

#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace posenc;
using posenc::testing::entries;
using posenc::ui::exportPlot;

namespace {

// A share of strongly red or strongly blue pixels: the diverging colour map was drawn.
double saturatedShare(const QImage &image) {
    qint64 saturated = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - c.blue()) > 100)
                ++saturated;
        }
    return double(saturated) / (double(image.width()) * image.height());
}

bool canCreateFileIn(const QString &dir) {
    QFile probe(QDir(dir).filePath(QStringLiteral("probe")));
    if (!probe.open(QIODevice::WriteOnly))
        return false;
    probe.close();
    probe.remove();
    return true;
}

} // namespace

class TestPlotExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void rasterSize_data();
    void rasterSize();
    void pdfIsPdf();
    void pdfHeatmapImageIsLossless();
    void svgIsSvg_data();
    void svgIsSvg();
    void unwritablePath_data();
    void unwritablePath();
    void unknownFormat_data();
    void unknownFormat();
    void failedExportLeavesExistingFile_data();
    void failedExportLeavesExistingFile();
    void successfulExportReplacesExistingFile();
    void dialogDefaults();
    void dialogExportsWithItsValues();

private:
    ui::HeatmapView *m_view = nullptr; // never shown: exports must still draw
    QTemporaryDir *m_dir = nullptr;
};

void TestPlotExport::init() {
    m_view = new ui::HeatmapView;
    core::EncodingConfig encoding;
    encoding.dModel = 32;
    encoding.maxLen = 100;
    m_view->setTable(core::computePeTable(encoding), encoding);
    m_dir = new QTemporaryDir;
    QVERIFY(m_dir->isValid());
}

void TestPlotExport::cleanup() {
    QFile::setPermissions(m_dir->path(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    delete m_dir;
    delete m_view;
    m_dir = nullptr;
    m_view = nullptr;
}

void TestPlotExport::rasterSize_data() {
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<double>("scale");
    QTest::addColumn<QByteArray>("format");
    QTest::newRow("png 640x480") << "png" << 640 << 480 << 1.0 << QByteArray("png");
    QTest::newRow("png 640x480 at 2x") << "png" << 640 << 480 << 2.0 << QByteArray("png");
    QTest::newRow("png 300x200 at 1.5x") << "png" << 300 << 200 << 1.5 << QByteArray("png");
    QTest::newRow("png 1200x800 at 0.5x") << "png" << 1200 << 800 << 0.5 << QByteArray("png");
    QTest::newRow("jpg 640x480") << "jpg" << 640 << 480 << 1.0 << QByteArray("jpeg");
    QTest::newRow("jpeg 800x600 at 2x") << "jpeg" << 800 << 600 << 2.0 << QByteArray("jpeg");
    QTest::newRow("upper-case PNG") << "PNG" << 320 << 240 << 1.0 << QByteArray("png");
}

void TestPlotExport::rasterSize() {
    QFETCH(QString, suffix);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(double, scale);
    QFETCH(QByteArray, format);
    const QString path = m_dir->filePath(QStringLiteral("heatmap.") + suffix);
    QCOMPARE(exportPlot(m_view->plot(), path, width, height, scale), QString());
    QImageReader reader(path);
    QCOMPARE(reader.format(), format);
    const QImage image = reader.read();
    QCOMPARE(image.size(), QSize(qRound(width * scale), qRound(height * scale)));
    // The never-shown plot was laid out and drawn: a good part of the picture (less on small
    // pictures, where the margins take more room) is the red/blue map.
    QVERIFY2(saturatedShare(image) > 0.1, qPrintable(QString::number(saturatedShare(image))));
    // Only the picture is left in the folder (no temporary file).
    QCOMPARE(entries(m_dir->path()), QStringList{QStringLiteral("heatmap.") + suffix});
}

void TestPlotExport::pdfIsPdf() {
    const QString path = m_dir->filePath(QStringLiteral("heatmap.pdf"));
    QCOMPARE(exportPlot(m_view->plot(), path, 800, 600), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.startsWith("%PDF"));
    QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    QVERIFY(bytes.size() > 2000);
    QCOMPARE(entries(m_dir->path()), QStringList{QStringLiteral("heatmap.pdf")});
}

void TestPlotExport::pdfHeatmapImageIsLossless() {
    const QString path = m_dir->filePath(QStringLiteral("heatmap.pdf"));
    QCOMPARE(exportPlot(m_view->plot(), path, 800, 600), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    // Every image XObject's dictionary names its stream filter: Flate (lossless), never DCT (JPEG).
    int images = 0;
    for (qsizetype at = bytes.indexOf("/Subtype /Image"); at >= 0;
         at = bytes.indexOf("/Subtype /Image", at + 1)) {
        const qsizetype start = bytes.lastIndexOf("obj", at);
        const qsizetype end = bytes.indexOf("stream", at);
        QVERIFY(start >= 0 && end > at);
        const QByteArray dictionary = bytes.mid(start, end - start);
        QVERIFY2(!dictionary.contains("/DCTDecode"), dictionary.constData());
        ++images;
    }
    QVERIFY2(images >= 1, "the colour map is not an image in the PDF");
    QVERIFY(!bytes.contains("/DCTDecode"));
    // The page is the requested size in points.
    const QRegularExpressionMatch box =
        QRegularExpression(QStringLiteral("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]"))
            .match(QString::fromLatin1(bytes));
    QVERIFY(box.hasMatch());
    QVERIFY2(std::abs(box.captured(1).toDouble() - 800) < 0.5 &&
                 std::abs(box.captured(2).toDouble() - 600) < 0.5,
             qPrintable(box.captured(0)));
}

void TestPlotExport::svgIsSvg_data() {
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::newRow("800x600") << 800 << 600;
    QTest::newRow("300x900") << 300 << 900;
}

void TestPlotExport::svgIsSvg() {
    QFETCH(int, width);
    QFETCH(int, height);
    const QString path = m_dir->filePath(QStringLiteral("heatmap.svg"));
    QCOMPARE(exportPlot(m_view->plot(), path, width, height), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.startsWith("<?xml"));
    QVERIFY(bytes.contains("<svg"));
    QVERIFY2(bytes.contains(QStringLiteral("viewBox=\"0 0 %1 %2\"").arg(width).arg(height).toLatin1()),
             bytes.left(600).constData());
    // Text stays text (the title and axis labels), the colour map is an embedded image.
    QVERIFY(bytes.contains(">position<"));
    QVERIFY(bytes.contains("<image"));
    QCOMPARE(entries(m_dir->path()), QStringList{QStringLiteral("heatmap.svg")});
}

void TestPlotExport::unwritablePath_data() {
    QTest::addColumn<QString>("folder"); // empty: the test's read-only temporary folder
    QTest::newRow("missing folder") << "/nonexistent-dir";
    QTest::newRow("read-only folder") << QString();
    QTest::newRow("folder that holds no files") << "/proc";
}

void TestPlotExport::unwritablePath() {
    QFETCH(QString, folder);
    if (folder.isEmpty()) {
        folder = m_dir->path();
        QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        if (canCreateFileIn(folder))
            QSKIP("running with permissions that ignore a read-only folder (root)");
    }
    const QString path = folder + QStringLiteral("/x.png");
    const QString message = exportPlot(m_view->plot(), path, 640, 480);
    QVERIFY2(message.startsWith(QStringLiteral("Cannot write %1: ").arg(path)), qPrintable(message));
    QVERIFY(message.size() > QStringLiteral("Cannot write %1: ").arg(path).size());
    QVERIFY(!QFile::exists(path));
    if (folder == m_dir->path())
        QCOMPARE(entries(folder), QStringList());
}

void TestPlotExport::unknownFormat_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("shownSuffix");
    QTest::newRow("bmp") << "plot.bmp"
                         << "bmp";
    QTest::newRow("tiff") << "plot.tiff"
                          << "tiff";
    QTest::newRow("no suffix") << "plot"
                               << "";
}

void TestPlotExport::unknownFormat() {
    QFETCH(QString, name);
    QFETCH(QString, shownSuffix);
    const QString path = m_dir->filePath(name);
    QCOMPARE(exportPlot(m_view->plot(), path, 640, 480),
             QStringLiteral("Cannot export %1: unknown format \"%2\" (use .png, .jpg, .pdf or .svg)")
                 .arg(path, shownSuffix));
    QCOMPARE(entries(m_dir->path()), QStringList());
}

void TestPlotExport::failedExportLeavesExistingFile_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("readOnlyFolder");
    QTest::newRow("unknown format") << "keep.bmp" << 640 << false;
    QTest::newRow("zero width") << "keep.png" << 0 << false;
    QTest::newRow("read-only folder") << "keep.png" << 640 << true;
}

void TestPlotExport::failedExportLeavesExistingFile() {
    QFETCH(QString, name);
    QFETCH(int, width);
    QFETCH(bool, readOnlyFolder);
    const QString path = m_dir->filePath(name);
    const QByteArray good = "a good file the user wants to keep";
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(good);
    }
    if (readOnlyFolder) {
        QVERIFY(QFile::setPermissions(m_dir->path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        if (canCreateFileIn(m_dir->path()))
            QSKIP("running with permissions that ignore a read-only folder (root)");
    }
    const QString message = exportPlot(m_view->plot(), path, width, 480);
    QVERIFY2(message.contains(path), qPrintable(message));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), good);
    QCOMPARE(entries(m_dir->path()), QStringList{name});
}

void TestPlotExport::successfulExportReplacesExistingFile() {
    const QString path = m_dir->filePath(QStringLiteral("plot.png"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("old contents");
    }
    QCOMPARE(exportPlot(m_view->plot(), path, 400, 300), QString());
    QCOMPARE(QImage(path).size(), QSize(400, 300));
    QVERIFY(QFileInfo(path).permissions().testFlag(QFileDevice::ReadOther));
    QCOMPARE(entries(m_dir->path()), QStringList{QStringLiteral("plot.png")});
}

void TestPlotExport::dialogDefaults() {
    ui::ExportDialog dialog(m_view->plot(), QStringLiteral("/tmp/heatmap.png"));
    QCOMPARE(dialog.path(), QStringLiteral("/tmp/heatmap.png"));
    QCOMPARE(dialog.exportWidth(), 1200);
    QCOMPARE(dialog.exportHeight(), 800);
    QCOMPARE(dialog.exportScale(), 1.0);
    for (const char *name : {"width", "height"}) {
        auto *box = dialog.findChild<QSpinBox *>(QLatin1String(name));
        QVERIFY(box);
        QCOMPARE(box->minimum(), 16);
        QCOMPARE(box->maximum(), 10000);
        QVERIFY(!box->toolTip().isEmpty());
    }
    auto *scale = dialog.findChild<QDoubleSpinBox *>(QStringLiteral("scale"));
    QCOMPARE(scale->minimum(), 0.5);
    QCOMPARE(scale->maximum(), 4.0);
    QVERIFY(!scale->toolTip().isEmpty());
    QVERIFY(!dialog.findChild<QLineEdit *>(QStringLiteral("path"))->toolTip().isEmpty());
}

void TestPlotExport::dialogExportsWithItsValues() {
    const QString path = m_dir->filePath(QStringLiteral("dialog.png"));
    ui::ExportDialog dialog(m_view->plot(), QString());
    dialog.findChild<QLineEdit *>(QStringLiteral("path"))->setText(path);
    dialog.findChild<QSpinBox *>(QStringLiteral("width"))->setValue(500);
    dialog.findChild<QSpinBox *>(QStringLiteral("height"))->setValue(250);
    dialog.findChild<QDoubleSpinBox *>(QStringLiteral("scale"))->setValue(2.0);
    QCOMPARE(dialog.exportNow(), QString());
    QCOMPARE(QImage(path).size(), QSize(1000, 500));

    dialog.findChild<QLineEdit *>(QStringLiteral("path"))->setText(QStringLiteral("/nonexistent-dir/d.png"));
    QVERIFY(dialog.exportNow().startsWith(QStringLiteral("Cannot write /nonexistent-dir/d.png: ")));
}

QTEST_MAIN(TestPlotExport)
#include "test_plot_export.moc"
