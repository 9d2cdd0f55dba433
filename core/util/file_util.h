#pragma once
// Small file helpers shared by the savers of checkpoints, state_dicts and CSV files.

#include <QByteArray>
#include <QString>

namespace posenc::core {

// Writes `bytes` through a temporary file that replaces `path` only when complete, so a failed
// save never leaves half a file and never clobbers a good one. Empty string or the reason.
QString writeFileAtomically(const QString &path, const QByteArray &bytes);

// The operating system's text for an errno value, e.g. "No space left on device".
QString osErrorText(int error);

// The first line of an exception's text: LibTorch appends a C++ backtrace no user needs.
QString firstLine(const char *what);

} // namespace posenc::core
