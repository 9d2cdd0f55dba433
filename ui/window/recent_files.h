#pragma once
// File > Open Recent: the checkpoints saved or loaded last, most recent first, at most eight,
// kept in QSettings. A file that has gone is dropped from the list when the user picks it.

#include <QObject>
#include <QStringList>

class QMenu;

namespace posenc::ui {

class RecentFiles : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxEntries = 8;

    // Reads the list from QSettings under `key`; the menu is `parent`'s submenu `title`.
    RecentFiles(const QString &key, QMenu *parent, const QString &title = tr("Open &Recent"));

    // The submenu (objectName "recentMenu"), one action per file and "Clear list".
    QMenu *menu() const { return m_menu; }
    // The remembered files, absolute paths, most recent first.
    QStringList paths() const { return m_paths; }
    // Puts `path` first (moving it if listed, dropping the oldest beyond kMaxEntries) and saves.
    void add(const QString &path);
    // Drops `path` from the list and saves.
    void remove(const QString &path);

Q_SIGNALS:
    // The user picked a file that exists.
    void chosen(const QString &path);
    // The user picked a file that no longer exists; it has been dropped from the list.
    void missing(const QString &path);

private:
    void save() const;
    void rebuildMenu();
    void pick(const QString &path);

    QString m_key;
    QMenu *m_menu = nullptr;
    QStringList m_paths;
};

} // namespace posenc::ui
