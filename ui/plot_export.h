#pragma once
// Saving a plot as PNG, JPG or PDF at a chosen size, and the dialog that asks for the size.

#include <QDialog>
#include <QString>

class QCustomPlot;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace posenc::ui {

// Writes `plot` to `path` (format from the suffix: .png, .jpg/.jpeg or .pdf) at width x height
// logical pixels times `scale`. Returns an empty string on success, else a message naming the
// file and the reason (unknown format, unwritable folder, ...). Nothing is left half-written.
QString exportPlot(QCustomPlot *plot, const QString &path, int width, int height, double scale = 1.0);

// Asks for a file name, width, height and scale, then exports.
class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(QCustomPlot *plot, const QString &defaultPath, QWidget *parent = nullptr);

    QString path() const;
    int exportWidth() const;
    int exportHeight() const;
    double exportScale() const;

    // Exports with the dialog's values; empty on success, else the message (shown by the caller).
    QString exportNow() const;

private:
    QCustomPlot *m_plot;
    QLineEdit *m_path = nullptr;
    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
    QDoubleSpinBox *m_scale = nullptr;
};

} // namespace posenc::ui
