#pragma once
// Runs tests/core/seed_reference.py with Debian's Python and PyTorch, for the tests that compare
// against the seed notebook's own code. Skips (with the reason) where python3-torch is absent.

#include <QProcess>
#include <QStringList>
#include <QTest>

namespace posenc::testing {

// Empty when /usr/bin/python3 can import torch, else why not.
inline QString pythonTorchMissing() {
    QProcess p;
    p.start(QStringLiteral(POSENC_PYTHON), {QStringLiteral("-c"), QStringLiteral("import torch")});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return QStringLiteral("%1 cannot import torch (apt-get install python3-torch): %2")
            .arg(QStringLiteral(POSENC_PYTHON), QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
    return {};
}

// The numbers seed_reference.py prints, one per line; empty (and `error`) on failure.
inline QVector<double> runSeedReference(const QStringList &args, QString *error) {
    QProcess p;
    p.start(QStringLiteral(POSENC_PYTHON),
            QStringList{QStringLiteral(POSENC_TEST_DIR "/seed_reference.py")} + args);
    QVector<double> out;
    if (!p.waitForFinished(120000) || p.exitCode() != 0) {
        *error = QString::fromLocal8Bit(p.readAllStandardError());
        return out;
    }
    for (const QByteArray &line : p.readAllStandardOutput().split('\n'))
        if (!line.trimmed().isEmpty())
            out << line.toDouble();
    return out;
}

} // namespace posenc::testing

#define POSENC_SKIP_WITHOUT_PYTHON_TORCH()                                                                   \
    do {                                                                                                     \
        const QString why = posenc::testing::pythonTorchMissing();                                           \
        if (!why.isEmpty())                                                                                  \
            QSKIP(qPrintable(why));                                                                          \
    } while (false)
