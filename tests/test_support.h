#pragma once
// Small helpers shared by the core and the UI tests: small configs, files, readouts and mouse
// events. The sinusoidal formula's oracle is core::peValue (pe_table.h), not a copy here.

#include "settings/config.h"
#include "train/trainer.h"
#include "train/training_types.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QVector>

#ifdef QT_WIDGETS_LIB
#include <QApplication>
#include <QLabel>
#include <QMouseEvent>
#include <QWidget>
#endif

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

// A run small enough for a test: `samples` training and `valSamples` validation samples in
// batches of `batchSize` (0: the default), max_len `maxLen`, the other settings the defaults.
inline core::TrainConfig smallConfig(int epochs, int samples = 256, int valSamples = 64, int batchSize = 8,
                                     int maxLen = 64) {
    core::TrainConfig c;
    c.encoding.maxLen = maxLen;
    c.numSamples = samples;
    c.valSamples = valSamples;
    if (batchSize > 0)
        c.batchSize = batchSize;
    c.epochs = epochs;
    return c;
}

// Trains until done, or until `stopAtStep` steps are done; each epoch's train loss.
inline QVector<double> trainLosses(core::Trainer &t, qint64 stopAtStep = 0) {
    QVector<double> losses;
    core::Trainer::Hooks hooks;
    hooks.onEpoch = [&](const core::EpochStats &s) { losses << s.trainLoss; };
    hooks.shouldStop = [&] { return stopAtStep > 0 && t.steps() >= stopAtStep; };
    t.run(hooks);
    return losses;
}

// The whole file (empty when it cannot be read).
inline QByteArray readBytes(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The file's non-empty lines (none when it cannot be read).
inline QStringList readLines(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// Writes `bytes` to `path` (e.g. a garbage "checkpoint"); false when the file cannot be written.
inline bool writeBytes(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// Everything in a folder, hidden files and subfolders included.
inline QStringList entries(const QString &dir) {
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

// The number that follows `label ` in a readout, e.g. number(text, "wavelength"); NaN if none.
inline double number(const QString &text, const QString &label) {
    const QRegularExpression re(QRegularExpression::escape(label) +
                                QStringLiteral(" (-?[0-9.]+(?:e[-+]?[0-9]+)?)"));
    const QRegularExpressionMatch m = re.match(text);
    return m.hasMatch() ? m.captured(1).toDouble() : qQNaN();
}

#ifdef QT_WIDGETS_LIB
// Sends a left-button mouse event (a move carries `held` buttons, none for a hover) to `widget`.
inline void sendMouse(QWidget *widget, QEvent::Type type, const QPointF &pos,
                      Qt::MouseButtons held = Qt::NoButton) {
    const Qt::MouseButton button = type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton;
    const Qt::MouseButtons buttons = type == QEvent::MouseMove ? held : Qt::MouseButtons(Qt::LeftButton);
    QMouseEvent event(type, pos, widget->mapToGlobal(pos), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(widget, &event);
}

// The child of `parent` named `name`, e.g. a settings field named after its option ("d-model").
template <typename T> T *child(const QObject *parent, const QString &name) {
    T *found = parent->findChild<T *>(name);
    if (!found)
        qWarning("no child named %s", qPrintable(name));
    return found;
}

// The inline message under the settings fields ("" when every setting is valid).
inline QString settingsMessage(const QObject *panel) {
    const QLabel *label = child<QLabel>(panel, QStringLiteral("settingsMessage"));
    return label ? label->text() : QString();
}
#endif

} // namespace posenc::testing
