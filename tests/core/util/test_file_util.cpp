// Saving on a full disk: writeFileAtomically never reports a file as written that is not, names
// the OS's reason, and leaves an existing good file as it was. The disk is a tiny tmpfs.

#include "test_support.h"
#include "tiny_tmpfs.h"
#include "util/file_util.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace posenc::core;

using posenc::testing::readBytes;

class TestFileUtil : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writesTheBytes() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.csv"));
        QCOMPARE(writeFileAtomically(path, "x,y\n1,2\n"), QString());
        QCOMPARE(readBytes(path), QByteArray("x,y\n1,2\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("a.csv")});
    }

    void fullDiskIsAnError_data() {
        QTest::addColumn<int>("bytes");
        QTest::addColumn<bool>("fillFirst");
        QTest::addColumn<bool>("replacing");
        // Under 16 KiB the bytes sit in Qt's buffer until commit(), whose failed flush Qt 6.4 ignores.
        QTest::newRow("100 bytes, disk full") << 100 << true << false;
        QTest::newRow("10 KiB, disk full") << 10240 << true << false;
        QTest::newRow("200 KiB, larger than the disk") << 204800 << false << false;
        QTest::newRow("100 bytes over a good file, disk full") << 100 << true << true;
    }
    void fullDiskIsAnError() {
        QFETCH(int, bytes);
        QFETCH(bool, fillFirst);
        QFETCH(bool, replacing);
        const posenc::testing::TinyTmpfs disk;
        if (!disk.skipReason().isEmpty())
            QSKIP(qPrintable(disk.skipReason()));
        const QString path = disk.filePath(QStringLiteral("loss.csv"));
        if (replacing)
            QCOMPARE(writeFileAtomically(path, "good\n"), QString());
        if (fillFirst)
            QVERIFY(disk.fill() > 0);
        const QString error = writeFileAtomically(path, QByteArray(bytes, 'z'));
        QVERIFY2(error.startsWith(QStringLiteral("Cannot write %1: ").arg(path)), qPrintable(error));
        QVERIFY2(error.endsWith(QStringLiteral("No space left on device")), qPrintable(error));
        // Never an empty or partial file: the old file as it was, or none.
        if (replacing)
            QCOMPARE(readBytes(path), QByteArray("good\n"));
        else
            QVERIFY(!QFile::exists(path));
        QStringList expected;
        if (fillFirst)
            expected << QStringLiteral("filler");
        if (replacing)
            expected << QStringLiteral("loss.csv");
        expected.sort();
        QCOMPARE(QDir(disk.path()).entryList(QDir::Files | QDir::Hidden, QDir::Name), expected);
    }
};

QTEST_GUILESS_MAIN(TestFileUtil)
#include "test_file_util.moc"
