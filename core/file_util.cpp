#include "file_util.h"

#include <QSaveFile>

#include <cstring>

namespace posenc::core {

QString writeFileAtomically(const QString &path, const QByteArray &bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
    if (file.write(bytes) != bytes.size() || !file.commit())
        return QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}

QString osErrorText(int error) {
    return QString::fromLocal8Bit(std::strerror(error));
}

QString firstLine(const char *what) {
    return QString::fromUtf8(what).section(QLatin1Char('\n'), 0, 0).trimmed();
}

} // namespace posenc::core
