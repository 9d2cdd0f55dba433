#pragma once
// Saving a plot as PNG, JPG, PDF or SVG at a chosen size, the dialog that asks for the size, and the
// look the three plots share.

#include <QDialog>
#include <QString>

class QCustomPlot;
class QCPTextElement;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace posenc::ui {

// Gives a new plot the shared look: a bold title row above the axis rect, the axis labels and
// wheel zoom / drag pan; returns the title so a view can change its text later.
QCPTextElement *setUpPlot(QCustomPlot *plot, const QString &title, const QString &xLabel,
                          const QString &yLabel);
// Shows the legend in its own column right of the axis rect, at the top, so it never hides a line.
void placeLegendBeside(QCustomPlot *plot);

// Writes `plot` to `path` (format from the suffix: .png, .jpg/.jpeg, .pdf or .svg) at width x height
// logical pixels times `scale` (PDF and SVG are vector pictures of width x height; a colour map in
// them is an embedded lossless bitmap). Returns an empty string on success, else a message naming the
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
    // Asks for the file with a save dialog (PNG, JPG, PDF or SVG) and puts it in the path field.
    void browse();

    QCustomPlot *m_plot;
    QLineEdit *m_path = nullptr;
    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
    QDoubleSpinBox *m_scale = nullptr;
};

} // namespace posenc::ui
