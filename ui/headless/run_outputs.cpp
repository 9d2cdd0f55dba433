#include "headless/run_outputs.h"

#include "plots/heatmap_view.h"
#include "plots/plot_export.h"
#include "train/trainer.h"
#include "util/file_util.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QTemporaryFile>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <functional>

namespace posenc::ui {

namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int) {
    g_interrupted = true;
}

QString writeHeatmap(const core::PeTable &table, const core::EncodingConfig &encoding, const QString &path) {
    HeatmapView view;
    view.resize(kHeadlessHeatmapWidth, kHeadlessHeatmapHeight);
    view.setTable(table, encoding);
    return exportPlot(view.plot(), path, kHeadlessHeatmapWidth, kHeadlessHeatmapHeight);
}
} // namespace

QString shortest(double x) {
    return QString::number(x, 'g', QLocale::FloatingPointShortest);
}

InterruptGuard::InterruptGuard() {
    g_interrupted = false;
    m_previous = std::signal(SIGINT, onInterrupt);
}
InterruptGuard::~InterruptGuard() {
    std::signal(SIGINT, m_previous);
}
bool InterruptGuard::interrupted() {
    return g_interrupted.load();
}

QString checkWritableDir(const QString &dir) {
    QFileInfo info(dir);
    if (info.exists() && !info.isDir())
        return QStringLiteral("it is a file, not a folder");
    if (!QDir().mkpath(dir))
        return QStringLiteral("cannot create the folder");
    QTemporaryFile probe(QDir(dir).filePath(QStringLiteral(".posenc-write-test-XXXXXX")));
    if (!probe.open())
        return QStringLiteral("cannot write there (%1)").arg(probe.errorString());
    // A small real write: an empty file needs no space, so creating one passes on a full disk.
    const QByteArray block(4096, '\0');
    errno = 0;
    if (probe.write(block) != block.size() || !probe.flush())
        return QStringLiteral("cannot write there (%1)")
            .arg(errno != 0 ? core::osErrorText(errno) : probe.errorString());
    return {};
}

QStringList outputNames() {
    return {QStringLiteral("loss.csv"),          QStringLiteral("pe.csv"),
            QStringLiteral("extrapolation.csv"), QStringLiteral("heatmap.png"),
            QStringLiteral("checkpoint.pt"),     QStringLiteral("state_dict.pt")};
}

QStringList writeOutputs(const core::Trainer &trainer, const QVector<core::EpochStats> &epochs,
                         const core::ProbeResult &probe, const QString &dir, QStringList *written) {
    const QDir out(dir);
    const core::PeTable table = trainer.peTable();
    const std::function<QString(const QString &)> writers[] = {
        [&](const QString &p) { return core::writeEpochCsv(epochs, p); },
        [&](const QString &p) { return core::writePeCsv(table, p); },
        [&](const QString &p) { return core::writeProbeCsv(probe, p); },
        [&](const QString &p) { return writeHeatmap(table, trainer.config().encoding, p); },
        [&](const QString &p) { return trainer.saveCheckpoint(p); },
        [&](const QString &p) { return trainer.exportStateDict(p); },
    };
    const QStringList names = outputNames();
    QStringList errors;
    for (int i = 0; i < names.size(); ++i) { // each tried even when another failed
        const QString error = writers[i](out.filePath(names[i]));
        if (error.isEmpty())
            *written << names[i];
        else
            errors << error;
    }
    return errors;
}

void printProbe(const core::ProbeResult &probe, QTextStream &out) {
    for (const core::ProbePoint &p : probe.points)
        out << "Probe length " << p.length << ", Loss: " << shortest(p.loss) << Qt::endl;
    for (const QString &note : probe.skipped)
        out << "Probe " << note << Qt::endl;
}

} // namespace posenc::ui
