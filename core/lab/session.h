#pragma once
// A session: every run of a comparison in one folder. session.json holds each run's settings, status,
// loss history and probe; beside it lies a copy of each run's checkpoint, run-<id>.pt. Qt Core only
// in this header (no LibTorch).

#include "lab/run_record.h"

#include <QString>
#include <QVector>

namespace posenc::core {

// The "format" tag and the version this build writes and reads.
inline constexpr const char *kSessionFormat = "posenc-studio-session";
inline constexpr int kSessionVersion = 1;
// The session file inside a session folder.
inline constexpr const char *kSessionFileName = "session.json";

// The name a run's checkpoint gets in a session folder: "run-<id>.pt".
QString sessionCheckpointName(int id);

// Writes `runs` to <folder>/session.json (atomically; the folder is created when missing) after
// copying each run's existing checkpoint into the folder as run-<id>.pt. Empty string on success,
// else "Cannot write <path>: <reason>" (or "Cannot copy checkpoint <path>: <reason>").
QString saveSession(const QString &folder, const QVector<RunRecord> &runs);

// Reads <folder>/session.json: each run's checkpoint becomes an absolute path in the folder, and a
// learned run's trained table is read from its checkpoint. Empty string on success, else one line
// naming the file and what is wrong; `runs` is only written on success.
QString loadSession(const QString &folder, QVector<RunRecord> *runs);

} // namespace posenc::core
