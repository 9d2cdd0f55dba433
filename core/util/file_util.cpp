#include "util/file_util.h"

#include <QSaveFile>

#include <cerrno>
#include <cstring>

namespace posenc::core {

QString writeFileAtomically(const QString &path, const QByteArray &bytes) {
    QSaveFile file(path);
    // errno right after the failing call: QSaveFile's own text is often "Unknown error".
    const auto fail = [&](int error) {
        const QString why = error != 0 ? osErrorText(error) : file.errorString();
        file.cancelWriting();
        return QStringLiteral("Cannot write %1: %2").arg(path, why);
    };
    errno = 0;
    if (!file.open(QIODevice::WriteOnly))
        return fail(errno);
    // Qt 6.4's commit() returns true when flushing a buffered write under 16 KiB fails (a full
    // disk gave a 0-byte file reported as written), so write, flush and size are checked here.
    errno = 0;
    if (file.write(bytes) != bytes.size())
        return fail(errno);
    errno = 0;
    if (!file.flush())
        return fail(errno);
    errno = 0;
    if (file.size() != bytes.size())
        return fail(errno != 0 ? errno : EIO);
    errno = 0;
    if (!file.commit())
        return QStringLiteral("Cannot write %1: %2")
            .arg(path, errno != 0 ? osErrorText(errno) : file.errorString());
    return {};
}

QString osErrorText(int error) {
    return QString::fromLocal8Bit(std::strerror(error));
}

QString firstLine(const char *what) {
    return QString::fromUtf8(what).section(QLatin1Char('\n'), 0, 0).trimmed();
}

} // namespace posenc::core
