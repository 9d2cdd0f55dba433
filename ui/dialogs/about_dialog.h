#pragma once
// The application icon (resources/posenc-studio.svg, compiled in through resources.qrc) and the
// About dialog: the icon, the version, the LibTorch and Qt versions and the training thread count.

#include <QDialog>
#include <QIcon>

namespace posenc::ui {

// The app's icon, rendered from the compiled-in SVG at the usual icon sizes (16 to 256 px).
QIcon appIcon();

class AboutDialog : public QDialog {
    Q_OBJECT
public:
    // `threads` is the LibTorch intra-op thread count a run uses (core::recommendedThreads).
    explicit AboutDialog(int threads, QWidget *parent = nullptr);

    // The dialog's text as plain text (no markup), e.g. for a test or the clipboard.
    QString plainText() const;

private:
    QString m_html;
};

} // namespace posenc::ui
