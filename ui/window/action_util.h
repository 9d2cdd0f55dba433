#pragma once
// Small helpers the window and its action handlers share: a menu entry whose tooltip names its
// shortcut, and a warning box that does not block the event loop.

#include <QKeySequence>
#include <QString>

#include <functional>

class QAction;
class QMenu;
class QObject;
class QWidget;

namespace posenc::ui {

// Sets the tooltip (with the shortcut, e.g. "Stop training (Esc)") and the status tip.
void setTip(QAction *action, const QString &tip);
// Adds a menu entry with a shortcut and a tip; `slot` runs in `context` when it is triggered.
QAction *addMenuAction(QMenu *menu, const QString &text, const QKeySequence &keys, const QString &tip,
                       QObject *context, const std::function<void()> &slot);
// A warning box over `parent` (objectName "errorBox"), window-modal but not blocking: training
// signals keep flowing while it is open.
void showError(QWidget *parent, const QString &title, const QString &text);

} // namespace posenc::ui
