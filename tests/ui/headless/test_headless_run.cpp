// The command line, run as a user runs it (the real posenc-studio binary through QProcess):
// the seed's "Epoch N, Loss: ..." lines, the files of --out, bad input (exit code 2, one line
// on stderr naming the option, nothing written), --resume, --help and --version.

#include "encoding/pe_table.h"
#include "lab/session.h"
#include "plots/palette.h"
#include "test_support.h"
#include "tiny_tmpfs.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

#include <csignal>

using posenc::testing::entries;
using posenc::testing::readLines;

namespace {

const QString kApp = QStringLiteral(POSENC_APP);

struct Run {
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QString out;
    QString err;
};

Run runApp(const QStringList &args, int timeoutMs = 120000) {
    QProcess process;
    process.start(kApp, args);
    Run run;
    if (!process.waitForStarted(10000))
        return run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitCode();
    run.exitStatus = process.exitStatus();
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QStringList lines(const QString &text) {
    return text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// The (epoch, loss) pairs of the "Epoch N, Loss: x" lines, in order.
QVector<QPair<int, double>> epochLosses(const QString &out) {
    static const QRegularExpression re(QStringLiteral("^Epoch (\\d+), Loss: ([0-9.e-]+)"));
    QVector<QPair<int, double>> result;
    for (const QString &line : lines(out)) {
        const QRegularExpressionMatch m = re.match(line);
        if (m.hasMatch())
            result.append({m.captured(1).toInt(), m.captured(2).toDouble()});
    }
    return result;
}

double relativeDifference(double a, double b) {
    return std::abs(a - b) / std::max(std::abs(b), 1e-300);
}

// Significant digits of a decimal number as written ("0.123456789" has 9, "-1.5e-05" has 2).
int significantDigits(QString text) {
    text = text.section(QLatin1Char('e'), 0, 0).remove(QLatin1Char('-')).remove(QLatin1Char('.'));
    while (text.startsWith(QLatin1Char('0')))
        text.remove(0, 1);
    return text.size();
}

} // namespace

class TestHeadlessRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void defaultRunPrintsSeedLines_data();
    void defaultRunPrintsSeedLines();
    void outWritesEveryFile();
    void badInput_data();
    void badInput();
    void resumeContinues();
    void probeAfterTraining();
    void compareWritesTableCsvAndFolders();
    void compareWritesSessionAndPlot();
    void resumeGarbage();
    void ctrlCStopsAndStillWrites();
    void fullDiskSaysWhatWasWritten();
    void fullDiskFailsTheEarlyProbe();
    void help();
    void version();

private:
    // The default run (the seed's 10 epochs) for a seed, with --out into a folder of its own;
    // run once per seed and kept, since the outputs and --resume tests read the same run.
    struct DefaultRun {
        Run run;
        std::unique_ptr<QTemporaryDir> dir;
    };
    const DefaultRun &defaultRun(int seed);
    QHash<int, std::shared_ptr<DefaultRun>> m_defaultRuns;
};

void TestHeadlessRun::initTestCase() {
    QVERIFY2(QFileInfo(kApp).isExecutable(), qPrintable(kApp));
}

const TestHeadlessRun::DefaultRun &TestHeadlessRun::defaultRun(int seed) {
    auto &slot = m_defaultRuns[seed];
    if (!slot) {
        slot = std::make_shared<DefaultRun>();
        slot->dir = std::make_unique<QTemporaryDir>();
        slot->run = runApp({QStringLiteral("--headless"), QStringLiteral("--seed"), QString::number(seed),
                            QStringLiteral("--out"), slot->dir->path()});
    }
    return *slot;
}

void TestHeadlessRun::defaultRunPrintsSeedLines_data() {
    QTest::addColumn<int>("seed");
    QTest::newRow("seed 0") << 0;
    QTest::newRow("seed 3") << 3;
}

void TestHeadlessRun::defaultRunPrintsSeedLines() {
    QFETCH(int, seed);
    const Run &run = defaultRun(seed).run;
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(run.err, QString());

    const auto losses = epochLosses(run.out);
    QCOMPARE(losses.size(), 10);
    for (int i = 0; i < losses.size(); ++i)
        QCOMPARE(losses[i].first, i + 1);
    // The seed's model learns the task: the last epoch's loss is small, far below the first's.
    QVERIFY2(losses.last().second < 0.05, qPrintable(run.out));
    QVERIFY2(losses.last().second < losses.first().second / 10, qPrintable(run.out));
}

void TestHeadlessRun::outWritesEveryFile() {
    const DefaultRun &run = defaultRun(0);
    QCOMPARE(run.run.exitCode, 0);
    const QDir dir(run.dir->path());
    QVERIFY2(run.run.out.contains(QStringLiteral(
                 "Wrote loss.csv, pe.csv, extrapolation.csv, heatmap.png, checkpoint.pt and state_dict.pt")),
             qPrintable(run.run.out));

    // loss.csv: one row per epoch, the same train losses the run printed.
    const QStringList loss = readLines(dir.filePath(QStringLiteral("loss.csv")));
    QCOMPARE(loss.size(), 11);
    QVERIFY2(loss.first().startsWith(QStringLiteral("epoch,train_loss,val_loss")), qPrintable(loss.first()));
    const auto printed = epochLosses(run.run.out);
    QCOMPARE(printed.size(), 10);
    for (int i = 0; i < 10; ++i) {
        const QStringList cells = loss[i + 1].split(QLatin1Char(','));
        QVERIFY(cells.size() >= 3);
        QCOMPARE(cells[0].toInt(), i + 1);
        bool ok = false;
        const double train = cells[1].toDouble(&ok);
        QVERIFY(ok);
        QVERIFY2(relativeDifference(train, printed[i].second) < 1e-6,
                 qPrintable(QStringLiteral("epoch %1: csv %2, printed %3")
                                .arg(i + 1)
                                .arg(cells[1])
                                .arg(printed[i].second)));
        QVERIFY(cells[2].toDouble(&ok) > 0 && ok);
    }

    // pe.csv: the seed's table, 5000 positions x 32 dimensions, to at least 7 significant digits.
    const QStringList pe = readLines(dir.filePath(QStringLiteral("pe.csv")));
    QCOMPARE(pe.size(), 5001);
    QStringList header{QStringLiteral("position")};
    for (int d = 0; d < 32; ++d)
        header << QStringLiteral("dim_%1").arg(d);
    QCOMPARE(pe.first(), header.join(QLatin1Char(',')));
    const QVector<QPair<int, int>> cells{{0, 0},     {0, 1},    {1, 0},    {7, 13},   {100, 2},
                                         {1234, 30}, {4999, 0}, {4999, 1}, {4999, 31}};
    for (const auto &[position, dim] : cells) {
        const QStringList row = pe[position + 1].split(QLatin1Char(','));
        QCOMPARE(row.size(), 33);
        QCOMPARE(row[0].toInt(), position);
        const QString text = row[dim + 1];
        const double expected = posenc::core::peValue(
            posenc::testing::makeEncoding(posenc::core::PeKind::Sinusoidal, 32, 5000), position, dim);
        QVERIFY2(std::abs(text.toDouble() - expected) < 1e-6,
                 qPrintable(QStringLiteral("pe[%1][%2] = %3, expected %4")
                                .arg(position)
                                .arg(dim)
                                .arg(text)
                                .arg(expected, 0, 'g', 10)));
        if (position > 0) // position 0 holds the exact 0 and 1
            QVERIFY2(significantDigits(text) >= 7, qPrintable(text));
    }

    // heatmap.png at the documented size; the checkpoint and the state_dict are written.
    const QImage heatmap(dir.filePath(QStringLiteral("heatmap.png")));
    QVERIFY(!heatmap.isNull());
    QCOMPARE(heatmap.size(), QSize(1200, 700));
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("checkpoint.pt"))).size() > 0);
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("state_dict.pt"))).size() > 0);
    // Nothing else: no leftover probe or temporary files.
    QStringList written = entries(dir.path());
    written.sort();
    QCOMPARE(written, (QStringList{QStringLiteral("checkpoint.pt"), QStringLiteral("extrapolation.csv"),
                                   QStringLiteral("heatmap.png"), QStringLiteral("loss.csv"),
                                   QStringLiteral("pe.csv"), QStringLiteral("state_dict.pt")}));
    // extrapolation.csv: the default probe, seq_len x 1, 2, 4, 8, with the losses the run printed.
    const QStringList probe = readLines(dir.filePath(QStringLiteral("extrapolation.csv")));
    QCOMPARE(probe.size(), 5);
    QCOMPARE(probe[0], QStringLiteral("length,loss"));
    QVERIFY(probe[4].startsWith(QStringLiteral("160,")));
    const double printed160 = run.run.out.section(QStringLiteral("Probe length 160, Loss: "), 1)
                                  .section(QLatin1Char('\n'), 0, 0)
                                  .toDouble();
    QVERIFY(relativeDifference(probe[4].section(QLatin1Char(','), 1).toDouble(), printed160) < 1e-8);
}

void TestHeadlessRun::badInput_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("option");
    QTest::newRow("--d-model 0") << QStringList{QStringLiteral("--d-model"), QStringLiteral("0")}
                                 << QStringLiteral("--d-model");
    QTest::newRow("--seq-len 30 --max-len 20")
        << QStringList{QStringLiteral("--seq-len"), QStringLiteral("30"), QStringLiteral("--max-len"),
                       QStringLiteral("20")}
        << QStringLiteral("--seq-len");
    QTest::newRow("--lr -1") << QStringList{QStringLiteral("--lr"), QStringLiteral("-1")}
                             << QStringLiteral("--lr");
    QTest::newRow("--out /proc/forbidden")
        << QStringList{QStringLiteral("--out"), QStringLiteral("/proc/forbidden")} << QStringLiteral("--out");
    QTest::newRow("--pe rotary") << QStringList{QStringLiteral("--pe"), QStringLiteral("rotary")}
                                 << QStringLiteral("--pe");
    QTest::newRow("--epochs ten") << QStringList{QStringLiteral("--epochs"), QStringLiteral("ten")}
                                  << QStringLiteral("--epochs");
    QTest::newRow("--batch-size 0") << QStringList{QStringLiteral("--batch-size"), QStringLiteral("0")}
                                    << QStringLiteral("--batch-size");
    const auto row = [](const char *name, const QStringList &args, const char *option) {
        QTest::newRow(name) << args << QString::fromLatin1(option);
    };
    const QString ct = QStringLiteral("causal-transformer");
    row("--heads 3 (d_model 32)",
        {QStringLiteral("--backbone"), ct, QStringLiteral("--heads"), QStringLiteral("3")}, "--heads");
    row("--pe rope with lstm", {QStringLiteral("--pe"), QStringLiteral("rope")},
        "--pe rope needs an attention backbone");
    row("--pe alibi with lstm", {QStringLiteral("--pe"), QStringLiteral("alibi")}, "--pe alibi");
    row("--probe 0", {QStringLiteral("--probe"), QStringLiteral("20,0")}, "--probe");
    row("--probe -5", {QStringLiteral("--probe=-5")}, "--probe");
    row("--probe abc", {QStringLiteral("--probe"), QStringLiteral("abc")}, "--probe");
    row("--task fifo", {QStringLiteral("--task"), QStringLiteral("fifo")}, "--task");
    row("--backbone gru", {QStringLiteral("--backbone"), QStringLiteral("gru")}, "--backbone");
    row("--compare rotary", {QStringLiteral("--compare"), QStringLiteral("sinusoidal,rotary")}, "--compare");
    row("--backbones gru", {QStringLiteral("--backbones"), QStringLiteral("lstm,gru")}, "--backbones");
    row("--compare, lstm only rope", {QStringLiteral("--compare"), QStringLiteral("rope,alibi")},
        "--compare");
    row("--session with --headless", {QStringLiteral("--session"), QStringLiteral("cmp")}, "--session cmp");
}

void TestHeadlessRun::badInput() {
    QFETCH(QStringList, args);
    QFETCH(QString, option);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString out = dir.filePath(QStringLiteral("out"));
    // Small, in case a bad value were taken and a run started.
    QStringList full{QStringLiteral("--headless"), QStringLiteral("--samples"), QStringLiteral("128")};
    if (!args.contains(QStringLiteral("--epochs")))
        full << QStringLiteral("--epochs") << QStringLiteral("2");
    full += args;
    if (!args.contains(QStringLiteral("--out")))
        full << QStringLiteral("--out") << out;
    const Run run = runApp(full);
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    QCOMPARE(run.exitCode, 2);
    const QStringList errLines = lines(run.err);
    QVERIFY2(errLines.size() == 1, qPrintable(run.err));
    QVERIFY2(errLines.first().contains(option), qPrintable(run.err));
    QVERIFY2(epochLosses(run.out).isEmpty(), qPrintable(run.out));
    QVERIFY(!QFileInfo::exists(out));
    QVERIFY(entries(dir.path()).isEmpty());
    QVERIFY(!QFileInfo::exists(QStringLiteral("/proc/forbidden")));
}

void TestHeadlessRun::probeAfterTraining() {
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out"));
    // max_len 50: the sinusoidal table ends before length 80, which is skipped with a note.
    const Run run = runApp({QStringLiteral("--headless"), QStringLiteral("--samples"), QStringLiteral("128"),
                            QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--max-len"),
                            QStringLiteral("50"), QStringLiteral("--probe"), QStringLiteral("20,40,80"),
                            QStringLiteral("--out"), out});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(QStringLiteral("Probe length 40, Loss: ")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("length 80 skipped: beyond max_len 50")), qPrintable(run.out));
    const QStringList csv = readLines(QDir(out).filePath(QStringLiteral("extrapolation.csv")));
    QCOMPARE(csv.size(), 3);
    QCOMPARE(csv[0], QStringLiteral("length,loss"));
    QVERIFY(csv[1].startsWith(QStringLiteral("20,")));
    QVERIFY(csv[2].startsWith(QStringLiteral("40,")));
    QVERIFY(std::isfinite(csv[2].section(QLatin1Char(','), 1).toDouble()));
}

void TestHeadlessRun::compareWritesTableCsvAndFolders() {
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("cmp"));
    const Run run = runApp({QStringLiteral("--headless"), QStringLiteral("--samples"), QStringLiteral("128"),
                            QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--compare"),
                            QStringLiteral("none,rope"), QStringLiteral("--backbones"),
                            QStringLiteral("lstm,causal-transformer"), QStringLiteral("--out"), out});
    QCOMPARE(run.exitCode, 0);
    // lstm x rope is listed as skipped, with the reason; the other three train.
    const QStringList csv = readLines(QDir(out).filePath(QStringLiteral("compare.csv")));
    QCOMPARE(csv.size(), 5);
    QCOMPARE(csv[0], QStringLiteral("backbone,pe,task,status,train_loss,val_loss,probe_20,probe_40,probe_80,"
                                    "probe_160,seconds,note"));
    QVERIFY2(csv[1].startsWith(QStringLiteral("lstm,none,seed,completed,")), qPrintable(csv[1]));
    QVERIFY2(csv[2].startsWith(QStringLiteral("lstm,rope,seed,skipped,")), qPrintable(csv[2]));
    QVERIFY2(csv[2].contains(QStringLiteral("needs an attention backbone")), qPrintable(csv[2]));
    QVERIFY2(csv[4].startsWith(QStringLiteral("causal-transformer,rope,seed,completed,")),
             qPrintable(csv[4]));
    QVERIFY(run.out.contains(QStringLiteral("[4/4] training causal-transformer · rope · seed · d32")));
    for (const QString &folder : {QStringLiteral("lstm-none"), QStringLiteral("causal-transformer-none"),
                                  QStringLiteral("causal-transformer-rope")}) {
        QCOMPARE(readLines(QDir(out).filePath(folder + QStringLiteral("/loss.csv"))).size(), 3);
        QCOMPARE(readLines(QDir(out).filePath(folder + QStringLiteral("/extrapolation.csv"))).size(), 5);
    }
    QVERIFY(!QFileInfo::exists(QDir(out).filePath(QStringLiteral("lstm-rope"))));
}

// The comparison is also a session: session.json reads back as one run per encoding with its
// history, the probe losses compare.csv shows and its checkpoint; extrapolation.png draws them.
void TestHeadlessRun::compareWritesSessionAndPlot() {
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("cmp"));
    const Run run = runApp({QStringLiteral("--headless"), QStringLiteral("--samples"), QStringLiteral("64"),
                            QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--compare"),
                            QStringLiteral("sinusoidal,learned,none"), QStringLiteral("--out"), out});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVector<posenc::core::RunRecord> runs;
    QCOMPARE(posenc::core::loadSession(out, &runs), QString());
    QCOMPARE(runs.size(), 3);
    const QStringList csv = readLines(QDir(out).filePath(QStringLiteral("compare.csv")));
    QCOMPARE(csv.size(), 4);
    const QStringList kinds = {QStringLiteral("sinusoidal"), QStringLiteral("learned"),
                               QStringLiteral("none")};
    const QVector<int> lengths = {20, 40, 80, 160};
    for (int i = 0; i < 3; ++i) {
        const posenc::core::RunRecord &r = runs[i];
        QCOMPARE(r.id, i + 1);
        QCOMPARE(posenc::core::peKindName(r.config.encoding.kind), kinds[i]);
        QCOMPARE(r.status, posenc::core::RunStatus::Done);
        QCOMPARE(r.epochs.size(), 2);
        QCOMPARE(r.batches.size(), 4); // 64 samples in batches of 32, two epochs
        QCOMPARE(r.batches.last().step, qint64(4));
        QCOMPARE(r.checkpoint, QDir(out).absoluteFilePath(QStringLiteral("run-%1.pt").arg(i + 1)));
        const QStringList cells = csv[i + 1].split(QLatin1Char(','));
        QCOMPARE(r.probe.points.size(), lengths.size());
        for (int j = 0; j < lengths.size(); ++j) {
            QCOMPARE(r.probe.points[j].length, lengths[j]);
            QCOMPARE(QString::number(r.probe.points[j].loss, 'g', 9), cells[6 + j]);
        }
    }
    QCOMPARE(runs[1].table.rows, 5000); // the learned run's trained table, from its checkpoint
    QCOMPARE(runs[1].table.cols, 32);
    const QImage plot(QDir(out).filePath(QStringLiteral("extrapolation.png")));
    QCOMPARE(plot.size(), QSize(1200, 700));
    // compare_loss.png: every run's losses in its own colour.
    const QImage loss(QDir(out).filePath(QStringLiteral("compare_loss.png")));
    QCOMPARE(loss.size(), QSize(1200, 700));
    for (int i = 0; i < runs.size(); ++i) {
        const QColor colour = posenc::ui::runColor(runs[i].id - 1);
        int pixels = 0;
        for (int y = 0; y < loss.height(); ++y)
            for (int x = 0; x < loss.width(); ++x) {
                const QColor c = loss.pixelColor(x, y);
                pixels += qAbs(c.red() - colour.red()) + qAbs(c.green() - colour.green()) +
                                      qAbs(c.blue() - colour.blue()) <=
                                  12
                              ? 1
                              : 0;
            }
        QVERIFY2(pixels > 100,
                 qPrintable(QStringLiteral("run %1 has %2 pixels of its colour").arg(i).arg(pixels)));
    }
}

void TestHeadlessRun::resumeContinues() {
    const DefaultRun &first = defaultRun(0);
    QCOMPARE(first.run.exitCode, 0);
    const QString checkpoint = QDir(first.dir->path()).filePath(QStringLiteral("checkpoint.pt"));
    const Run run = runApp({QStringLiteral("--headless"), QStringLiteral("--resume"), checkpoint,
                            QStringLiteral("--epochs"), QStringLiteral("12")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const auto losses = epochLosses(run.out);
    QCOMPARE(losses.size(), 2);
    QCOMPARE(losses[0].first, 11);
    QCOMPARE(losses[1].first, 12);
    QVERIFY2(lines(run.out).first().startsWith(QStringLiteral("Epoch 11,")), qPrintable(run.out));
    // It goes on from the trained model, not from scratch: the loss stays near the 10th epoch's.
    const double tenth = epochLosses(first.run.out).last().second;
    QVERIFY2(losses[0].second < 0.05 && losses[0].second < 3 * tenth, qPrintable(run.out));
}

void TestHeadlessRun::resumeGarbage() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString garbage = dir.filePath(QStringLiteral("garbage.pt"));
    QVERIFY(posenc::testing::writeBytes(garbage, "not a checkpoint at all\n"));
    const QString out = dir.filePath(QStringLiteral("out"));

    const Run run = runApp(
        {QStringLiteral("--headless"), QStringLiteral("--resume"), garbage, QStringLiteral("--out"), out});
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    QCOMPARE(run.exitCode, 2);
    const QStringList errLines = lines(run.err);
    QVERIFY2(errLines.size() == 1, qPrintable(run.err));
    QVERIFY2(errLines.first().contains(garbage), qPrintable(run.err));
    QVERIFY(epochLosses(run.out).isEmpty());
    QVERIFY2(!QFileInfo::exists(out), "nothing is written, not even the --out folder");
    QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("garbage.pt")});
}

void TestHeadlessRun::help() {
    const Run run = runApp({QStringLiteral("--help")});
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    QCOMPARE(run.exitCode, 0);
    for (const char *option : {"--headless", "--out <dir>", "--continue, --resume <file>", "--d-model <n>",
                               "--pe <kind>", "--max-len <n>", "--lr <x>", "--epochs <n>", "--seed <n>"})
        QVERIFY2(run.out.contains(QLatin1String(option)), option);
    QVERIFY(run.out.contains(QStringLiteral("Default: 32."))); // d_model's seed default
}

void TestHeadlessRun::version() {
    const Run run = runApp({QStringLiteral("--version")});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(lines(run.out).size(), 1);
    QVERIFY2(lines(run.out).first().endsWith(QStringLiteral(" " POSENC_VERSION)), qPrintable(run.out));
}

void TestHeadlessRun::ctrlCStopsAndStillWrites() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess process;
    process.start(kApp, {QStringLiteral("--headless"), QStringLiteral("--samples"), QStringLiteral("128"),
                         QStringLiteral("--epochs"), QStringLiteral("100000"), QStringLiteral("--out"),
                         dir.path()});
    QVERIFY(process.waitForStarted(10000));
    QString out;
    while (!out.contains(QStringLiteral("Epoch 2,")) && process.waitForReadyRead(60000))
        out += QString::fromUtf8(process.readAllStandardOutput());
    QVERIFY2(out.contains(QStringLiteral("Epoch 2,")), qPrintable(out));
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(30000));
    out += QString::fromUtf8(process.readAllStandardOutput());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    const int epochs = epochLosses(out).size();
    QVERIFY(epochs >= 2 && epochs < 100000);
    // Every completed epoch is in loss.csv, and the checkpoint can continue the run.
    QCOMPARE(readLines(dir.filePath(QStringLiteral("loss.csv"))).size(), epochs + 1);
    const Run resumed = runApp({QStringLiteral("--headless"), QStringLiteral("--resume"),
                                dir.filePath(QStringLiteral("checkpoint.pt")), QStringLiteral("--epochs"),
                                QString::number(epochs + 1)});
    QCOMPARE(resumed.exitCode, 0);
    QCOMPARE(epochLosses(resumed.out).size(), 1);
    QCOMPARE(epochLosses(resumed.out).first().first, epochs + 1);
}

// A disk that fills during the run: loss.csv (written as each epoch ends) survives, the files
// that do not fit are named and absent, and no empty file is reported as written.
void TestHeadlessRun::fullDiskSaysWhatWasWritten() {
    const posenc::testing::TinyTmpfs disk;
    if (!disk.skipReason().isEmpty())
        QSKIP(qPrintable(disk.skipReason()));
    const Run run =
        runApp({QStringLiteral("--headless"), QStringLiteral("--samples"), QStringLiteral("128"),
                QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--out"), disk.path()});
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(epochLosses(run.out).size(), 2);
    static const QRegularExpression summary(
        QStringLiteral("^posenc-studio: wrote (.+) to (.+); not written: (.+)$"));
    QRegularExpressionMatch match;
    for (const QString &line : lines(run.err))
        if (summary.match(line).hasMatch())
            match = summary.match(line);
    QVERIFY2(match.hasMatch(), qPrintable(run.err));
    const QRegularExpression separator(QStringLiteral(", | and "));
    const QStringList written = match.captured(1).split(separator);
    const QStringList missing = match.captured(3).split(separator);
    QCOMPARE(written.size() + missing.size(), 6); // the six files of a run folder
    QVERIFY2(written.contains(QStringLiteral("loss.csv")), qPrintable(run.err));
    QCOMPARE(readLines(QDir(disk.path()).filePath(QStringLiteral("loss.csv"))).size(), 3); // header, 2 epochs
    for (const QString &name : written)
        QVERIFY2(QFileInfo(QDir(disk.path()).filePath(name)).size() > 0, qPrintable(name));
    for (const QString &name : missing) {
        QVERIFY2(!QFileInfo::exists(QDir(disk.path()).filePath(name)), qPrintable(name));
        QVERIFY2(run.err.contains(QStringLiteral("Cannot write ")), qPrintable(run.err));
    }
    QVERIFY2(run.err.contains(QStringLiteral("No space left on device")), qPrintable(run.err));
    QStringList onDisk = entries(disk.path());
    onDisk.sort();
    QStringList expected = written;
    expected.sort();
    QCOMPARE(onDisk, expected); // no probe or temporary files left behind
}

// An empty file needs no space, so only a real write proves a full disk is full, before training.
void TestHeadlessRun::fullDiskFailsTheEarlyProbe() {
    const posenc::testing::TinyTmpfs disk;
    if (!disk.skipReason().isEmpty())
        QSKIP(qPrintable(disk.skipReason()));
    QVERIFY(disk.fill() > 0);
    const Run run = runApp({QStringLiteral("--headless"), QStringLiteral("--out"), disk.path()});
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.err.trimmed(),
             QStringLiteral("posenc-studio: --out %1: cannot write there (No space left on device)")
                 .arg(disk.path()));
    QVERIFY(epochLosses(run.out).isEmpty());
    QCOMPARE(entries(disk.path()), QStringList{QStringLiteral("filler")});
}

QTEST_GUILESS_MAIN(TestHeadlessRun)
#include "test_headless_run.moc"
