#include "dialogs/about_dialog.h"

#include "util/build_info.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QSvgRenderer>
#include <QTextDocument>
#include <QVBoxLayout>

// The resources of a static library are registered explicitly (outside any namespace).
static void initResources() {
    Q_INIT_RESOURCE(resources);
}

namespace posenc::ui {

namespace {
const QString kIconPath = QStringLiteral(":/icons/posenc-studio.svg");
constexpr int kAboutIconSize = 96;

QPixmap renderIcon(QSvgRenderer &renderer, int size) {
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    renderer.render(&painter, QRectF(0, 0, size, size));
    return pixmap;
}
} // namespace

QIcon appIcon() {
    initResources();
    QSvgRenderer renderer(kIconPath);
    QIcon icon;
    if (!renderer.isValid())
        return icon; // a build without the resource: Qt's default icon stays
    for (int size : {16, 22, 24, 32, 48, 64, kAboutIconSize, 128, 256})
        icon.addPixmap(renderIcon(renderer, size));
    return icon;
}

AboutDialog::AboutDialog(int threads, QWidget *parent) : QDialog(parent) {
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About PosEnc Studio"));
    auto *icon = new QLabel;
    icon->setObjectName(QStringLiteral("aboutIcon"));
    icon->setPixmap(appIcon().pixmap(kAboutIconSize, kAboutIconSize));
    icon->setAlignment(Qt::AlignTop);

    m_html = tr("<h2>PosEnc Studio %1</h2>"
                "<p>See positional encodings and train the seed notebook's model with them.</p>"
                "<table cellspacing='0' cellpadding='2'>"
                "<tr><td>LibTorch</td><td>%2 (CPU)</td></tr>"
                "<tr><td>Qt</td><td>%3</td></tr>"
                "<tr><td>Training threads</td><td>%4</td></tr>"
                "<tr><td>Plots</td><td>QCustomPlot</td></tr>"
                "</table>")
                 .arg(core::appVersion().toHtmlEscaped(), core::libTorchVersion().toHtmlEscaped(),
                      QString::fromLatin1(qVersion()))
                 .arg(threads);
    auto *text = new QLabel(m_html);
    text->setObjectName(QStringLiteral("aboutText"));
    text->setTextFormat(Qt::RichText);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *row = new QHBoxLayout;
    row->setSpacing(18);
    row->addWidget(icon);
    row->addWidget(text, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
}

QString AboutDialog::plainText() const {
    QTextDocument document;
    document.setHtml(m_html);
    return document.toPlainText();
}

} // namespace posenc::ui
