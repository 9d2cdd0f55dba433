#include "window/action_util.h"

#include <QAction>
#include <QMenu>
#include <QMessageBox>

namespace posenc::ui {

void setTip(QAction *action, const QString &tip) {
    const QString keys = action->shortcut().toString(QKeySequence::NativeText);
    action->setToolTip(keys.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, keys));
    action->setStatusTip(tip);
}

QAction *addMenuAction(QMenu *menu, const QString &text, const QKeySequence &keys, const QString &tip,
                       QObject *context, const std::function<void()> &slot) {
    QAction *action = menu->addAction(text);
    action->setShortcut(keys);
    setTip(action, tip);
    QObject::connect(action, &QAction::triggered, context, slot);
    return action;
}

void showError(QWidget *parent, const QString &title, const QString &text) {
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorBox"));
    box->open();
}

} // namespace posenc::ui
