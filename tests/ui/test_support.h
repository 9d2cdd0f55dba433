#pragma once
// Small helpers shared by the UI tests.

#include "config.h"

#include <QFile>
#include <QString>

namespace posenc::testing {

// An encoding with the given kind and size.
inline core::EncodingConfig makeEncoding(core::PeKind kind, int dModel, int maxLen, double base = 10000.0) {
    core::EncodingConfig encoding;
    encoding.kind = kind;
    encoding.dModel = dModel;
    encoding.maxLen = maxLen;
    encoding.base = base;
    return encoding;
}

// Writes `bytes` to `path` (e.g. a garbage "checkpoint"); false when the file cannot be written.
inline bool writeBytes(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace posenc::testing
