#include "window/recent_files.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace posenc::ui {

RecentFiles::RecentFiles(const QString &key, QMenu *parent, const QString &title)
    : QObject(parent), m_key(key) {
    m_menu = parent->addMenu(title);
    m_menu->setObjectName(QStringLiteral("recentMenu"));
    m_menu->setToolTipsVisible(true);
    for (const QString &path : QSettings().value(m_key).toStringList())
        if (!path.isEmpty() && !m_paths.contains(path) && m_paths.size() < kMaxEntries)
            m_paths << path;
    rebuildMenu();
}

void RecentFiles::add(const QString &path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_paths.removeAll(absolute);
    m_paths.prepend(absolute);
    while (m_paths.size() > kMaxEntries)
        m_paths.removeLast();
    save();
    rebuildMenu();
}

void RecentFiles::remove(const QString &path) {
    if (m_paths.removeAll(path) == 0)
        return;
    save();
    rebuildMenu();
}

void RecentFiles::save() const {
    QSettings().setValue(m_key, m_paths);
}

void RecentFiles::rebuildMenu() {
    // Called from the menu's own actions, so they are deleted later, not by QMenu::clear().
    for (QAction *action : m_menu->actions()) {
        m_menu->removeAction(action);
        action->deleteLater();
    }
    for (int i = 0; i < m_paths.size(); ++i) {
        const QString &path = m_paths.at(i);
        // "&1 run.pt  (~/runs)": the number is the mnemonic; the folder tells same-named files apart.
        const QString label =
            tr("&%1 %2  (%3)")
                .arg(i + 1)
                .arg(QFileInfo(path).fileName(), QDir::toNativeSeparators(QFileInfo(path).absolutePath()));
        QAction *action = m_menu->addAction(label);
        action->setData(path);
        action->setToolTip(QDir::toNativeSeparators(path));
        action->setStatusTip(tr("Load %1").arg(QDir::toNativeSeparators(path)));
        connect(action, &QAction::triggered, this, [this, path] { pick(path); });
    }
    m_menu->addSeparator();
    QAction *clear = m_menu->addAction(tr("&Clear list"));
    clear->setEnabled(!m_paths.isEmpty());
    connect(clear, &QAction::triggered, this, [this] {
        m_paths.clear();
        save();
        rebuildMenu();
    });
    m_menu->setEnabled(!m_paths.isEmpty());
}

void RecentFiles::pick(const QString &path) {
    if (QFileInfo::exists(path)) {
        Q_EMIT chosen(path);
        return;
    }
    remove(path);
    Q_EMIT missing(path);
}

} // namespace posenc::ui
