#pragma once
// A tiny tmpfs (64 KiB) mounted for a full-disk test; only root can mount, so tests skip (with
// the reason) elsewhere. Unmounted when it goes out of scope.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <unistd.h>

namespace posenc::testing {

class TinyTmpfs {
public:
    explicit TinyTmpfs(const QString &size = QStringLiteral("64k")) {
        if (::geteuid() != 0) {
            m_skipReason = QStringLiteral("mounting a tiny tmpfs needs root (uid %1)").arg(::geteuid());
            return;
        }
        if (!m_dir.isValid()) {
            m_skipReason = QStringLiteral("no temporary folder for the mount point");
            return;
        }
        QProcess mount;
        mount.start(QStringLiteral("mount"),
                    {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                     QStringLiteral("size=") + size, QStringLiteral("tmpfs"), m_dir.path()});
        if (!mount.waitForFinished(10000) || mount.exitCode() != 0)
            m_skipReason = QStringLiteral("mount -t tmpfs failed: %1")
                               .arg(QString::fromLocal8Bit(mount.readAllStandardError()).trimmed());
        else
            m_mounted = true;
    }
    ~TinyTmpfs() {
        if (m_mounted)
            QProcess::execute(QStringLiteral("umount"), {m_dir.path()});
    }
    TinyTmpfs(const TinyTmpfs &) = delete;
    TinyTmpfs &operator=(const TinyTmpfs &) = delete;

    // Empty when mounted, else why not.
    const QString &skipReason() const { return m_skipReason; }
    QString path() const { return m_dir.path(); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }

    // Fills the file system to the last byte with `name`; the bytes it took.
    qint64 fill(const QString &name = QStringLiteral("filler")) const {
        QFile f(filePath(name));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
            return 0;
        const char byte = 'f';
        qint64 total = 0;
        while (f.write(&byte, 1) == 1) // byte by byte, unbuffered: up to the last free byte
            ++total;
        return total;
    }

private:
    QTemporaryDir m_dir;
    QString m_skipReason;
    bool m_mounted = false;
};

} // namespace posenc::testing
