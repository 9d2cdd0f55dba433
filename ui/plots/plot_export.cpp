#include "plots/plot_export.h"

#include <qcustomplot.h>

#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPdfWriter>
#include <QPushButton>
#include <QSpinBox>
#include <QSvgGenerator>
#include <QTemporaryFile>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace posenc::ui {

QCPTextElement *setUpPlot(QCustomPlot *plot, const QString &title, const QString &xLabel,
                          const QString &yLabel) {
    QFont titleFont = plot->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    titleFont.setBold(true);
    plot->plotLayout()->insertRow(0);
    auto *titleElement = new QCPTextElement(plot, title, titleFont);
    plot->plotLayout()->addElement(0, 0, titleElement);
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setNoAntialiasingOnDrag(true);
    return titleElement;
}

void placeLegendBeside(QCustomPlot *plot) {
    plot->legend->setVisible(true);
    plot->axisRect()->insetLayout()->take(plot->legend);
    auto *side = new QCPLayoutGrid;
    plot->plotLayout()->addElement(1, 1, side);
    side->addElement(0, 0, plot->legend);
    side->addElement(1, 0, new QCPLayoutElement(plot));
    side->setRowStretchFactor(0, 0.001);
    plot->plotLayout()->setColumnStretchFactor(1, 0.001);
}

namespace {

enum class Format { Png, Jpg, Pdf, Svg, Unknown };

Format formatOf(const QString &suffix) {
    if (suffix == QLatin1String("png"))
        return Format::Png;
    if (suffix == QLatin1String("jpg") || suffix == QLatin1String("jpeg"))
        return Format::Jpg;
    if (suffix == QLatin1String("pdf"))
        return Format::Pdf;
    if (suffix == QLatin1String("svg"))
        return Format::Svg;
    return Format::Unknown;
}

// Draws the plot at width x height logical pixels as vector paths onto an open painter, as
// QCustomPlot::savePdf does; colour maps become embedded bitmaps.
void drawVectorized(QCustomPlot *plot, QCPPainter *painter, int width, int height) {
    painter->setMode(QCPPainter::pmVectorized);
    painter->setMode(QCPPainter::pmNoCaching);
    // PDF: write embedded bitmaps (the colour maps) Flate-compressed, never as lossy JPEG.
    painter->setRenderHint(QPainter::LosslessImageRendering);
    painter->setWindow(0, 0, width, height);
    plot->toPainter(painter, width, height);
}

// A PDF page of width x height points holding the plot, fonts sized as on the screen.
bool savePdf(QCustomPlot *plot, const QString &path, int width, int height) {
    QPdfWriter writer(path);
    writer.setCreator(QStringLiteral("PosEnc Studio"));
    writer.setResolution(plot->logicalDpiX());
    writer.setPageLayout(
        QPageLayout(QPageSize(QSizeF(width, height), QPageSize::Point, QString(), QPageSize::ExactMatch),
                    QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
    QCPPainter painter;
    if (!painter.begin(&writer))
        return false;
    drawVectorized(plot, &painter, width, height);
    return painter.end();
}

// An SVG picture of width x height pixels.
bool saveSvg(QCustomPlot *plot, const QString &path, int width, int height) {
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(QSize(width, height));
    generator.setViewBox(QRect(0, 0, width, height));
    generator.setResolution(plot->logicalDpiX());
    generator.setTitle(QStringLiteral("PosEnc Studio plot"));
    QCPPainter painter;
    if (!painter.begin(&generator))
        return false;
    drawVectorized(plot, &painter, width, height);
    return painter.end();
}

QString cannotWrite(const QString &path, const QString &reason) {
    return QStringLiteral("Cannot write %1: %2").arg(path, reason);
}

} // namespace

QString exportPlot(QCustomPlot *plot, const QString &path, int width, int height, double scale) {
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    const Format format = formatOf(suffix);
    if (format == Format::Unknown)
        return QStringLiteral("Cannot export %1: unknown format \"%2\" (use .png, .jpg, .pdf or .svg)")
            .arg(path, suffix);
    if (!plot || width <= 0 || height <= 0 || !(scale > 0))
        return QStringLiteral("Cannot export %1: the size must be positive").arg(path);

    const QFileInfo folder(info.absolutePath());
    if (!folder.isDir())
        return cannotWrite(path, QStringLiteral("the folder %1 does not exist").arg(folder.filePath()));
    if (!folder.isWritable())
        return cannotWrite(path, QStringLiteral("the folder %1 is not writable").arg(folder.filePath()));
    if (info.isDir())
        return cannotWrite(path, QStringLiteral("it is a folder"));

    // Render into a temporary file next to the target and rename it over the target only when
    // the whole file is written, so a failure leaves neither half a file nor a clobbered one.
    QTemporaryFile temp(QDir(folder.filePath())
                            .filePath(QStringLiteral(".%1-XXXXXX.%2").arg(info.completeBaseName(), suffix)));
    if (!temp.open())
        return cannotWrite(path, temp.errorString());
    temp.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                        QFileDevice::ReadOther);
    temp.close();
    const QString tempPath = temp.fileName();

    bool ok = false;
    switch (format) {
    case Format::Png:
        // Qt maps quality 85 to zlib level 1: half the time of the default level 6 for a plot,
        // and a file only a few percent larger (PNG stays lossless).
        ok = plot->savePng(tempPath, width, height, scale, 85);
        break;
    case Format::Jpg:
        ok = plot->saveJpg(tempPath, width, height, scale, 92);
        break;
    case Format::Pdf:
        ok = savePdf(plot, tempPath, width, height);
        break;
    case Format::Svg:
        ok = saveSvg(plot, tempPath, width, height);
        break;
    case Format::Unknown:
        break;
    }
    // Rendering laid the plot out (and a heatmap binned itself) for the export's size: lay it out
    // for the window again.
    plot->replot(QCustomPlot::rpQueuedReplot);
    if (!ok || QFileInfo(tempPath).size() == 0)
        return cannotWrite(path, QStringLiteral("writing the %1 data failed").arg(suffix.toUpper()));
    // POSIX rename replaces an existing file atomically (QFile::rename refuses to).
    if (std::rename(QFile::encodeName(tempPath).constData(), QFile::encodeName(path).constData()) != 0)
        return cannotWrite(path, QString::fromLocal8Bit(std::strerror(errno)));
    temp.setAutoRemove(false);
    return {};
}

ExportDialog::ExportDialog(QCustomPlot *plot, const QString &defaultPath, QWidget *parent)
    : QDialog(parent), m_plot(plot) {
    setWindowTitle(tr("Export plot"));

    m_path = new QLineEdit(defaultPath, this);
    m_path->setObjectName(QStringLiteral("path"));
    m_path->setMinimumWidth(m_path->fontMetrics().horizontalAdvance(QLatin1Char('x')) *
                            60); // a whole path shows
    m_path->setToolTip(tr("The file to write; .png, .jpg, .pdf or .svg decides the format"));
    auto *browseButton = new QPushButton(tr("Browse…"), this);
    browseButton->setToolTip(tr("Choose the file with a file dialog"));
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browseButton);

    m_width = new QSpinBox(this);
    m_width->setObjectName(QStringLiteral("width"));
    m_width->setRange(16, 10000);
    m_width->setValue(1200);
    m_width->setSuffix(tr(" px"));
    m_width->setToolTip(tr("Width of the picture in logical pixels (before the scale)"));
    m_height = new QSpinBox(this);
    m_height->setObjectName(QStringLiteral("height"));
    m_height->setRange(16, 10000);
    m_height->setValue(800);
    m_height->setSuffix(tr(" px"));
    m_height->setToolTip(tr("Height of the picture in logical pixels (before the scale)"));
    m_scale = new QDoubleSpinBox(this);
    m_scale->setObjectName(QStringLiteral("scale"));
    m_scale->setRange(0.5, 4.0);
    m_scale->setSingleStep(0.5);
    m_scale->setValue(1.0);
    m_scale->setToolTip(tr("Pixel multiplier for PNG and JPG: 2 gives twice the width and height "
                           "with the same layout (sharper text); ignored for PDF and SVG"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    QPushButton *okButton = buttons->button(QDialogButtonBox::Ok);
    okButton->setToolTip(tr("Export with these settings"));
    okButton->setEnabled(!defaultPath.trimmed().isEmpty());
    connect(m_path, &QLineEdit::textChanged, okButton,
            [okButton](const QString &text) { okButton->setEnabled(!text.trimmed().isEmpty()); });

    auto *form = new QFormLayout(this);
    form->addRow(tr("File:"), pathRow);
    form->addRow(tr("Width:"), m_width);
    form->addRow(tr("Height:"), m_height);
    form->addRow(tr("Scale:"), m_scale);
    form->addRow(buttons);
}

QString ExportDialog::path() const {
    return m_path->text().trimmed();
}

int ExportDialog::exportWidth() const {
    return m_width->value();
}

int ExportDialog::exportHeight() const {
    return m_height->value();
}

double ExportDialog::exportScale() const {
    return m_scale->value();
}

QString ExportDialog::exportNow() const {
    return exportPlot(m_plot, path(), exportWidth(), exportHeight(), exportScale());
}

void ExportDialog::browse() {
    const QString png = tr("PNG image (*.png)");
    const QString jpg = tr("JPEG image (*.jpg *.jpeg)");
    const QString pdf = tr("PDF document (*.pdf)");
    const QString svg = tr("SVG drawing (*.svg)");
    const Format format = formatOf(QFileInfo(path()).suffix().toLower());
    QString selected = format == Format::Pdf   ? pdf
                       : format == Format::Svg ? svg
                       : format == Format::Jpg ? jpg
                                               : png;
    QString chosen =
        QFileDialog::getSaveFileName(this, tr("Export plot"), path(),
                                     QStringList{png, jpg, pdf, svg}.join(QStringLiteral(";;")), &selected);
    if (chosen.isEmpty())
        return;
    if (QFileInfo(chosen).suffix().isEmpty())
        chosen += selected == pdf   ? QStringLiteral(".pdf")
                  : selected == svg ? QStringLiteral(".svg")
                  : selected == jpg ? QStringLiteral(".jpg")
                                    : QStringLiteral(".png");
    m_path->setText(chosen);
}

} // namespace posenc::ui
