#pragma once
// The settings dock: model (backbone, heads, layers), encoding (kind, d_model, max_len, base), data
// (task, seq_len, features, samples, validation samples, probe lengths, seed) and training (batch
// size, learning rate, epochs). The fields come from one table whose rows name core::configFields()
// options, so values, ranges and messages are core's. Problems are listed under the fields and the
// fields they name are marked; "Notebook defaults" restores the seed notebook's values.

#include "settings/config.h"

#include <QHash>
#include <QWidget>

class QGroupBox;
class QLabel;
class QPushButton;

namespace posenc::ui {

class SettingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit SettingsPanel(QWidget *parent = nullptr);

    // The settings as they stand (the learning rate as typed: NaN when it is not a number).
    core::TrainConfig config() const;
    // Fills every field (emits the change signals once).
    void setConfig(const core::TrainConfig &config);
    // Every problem with the current settings; empty when Start may run them.
    QStringList problems() const;
    bool isValid() const { return problems().isEmpty(); }

    // Locks the fields that shape the model while a run is live.
    void setRunLive(bool live);

    // Each field is named after its command-line option ("d-model", "lr", ...), the sliders
    // "d-model-slider" and "max-len-slider", the inline message "settingsMessage": find them with
    // findChild.

Q_SIGNALS:
    // Any of kind, d_model, max_len, base, backbone, heads changed (while typing, dragging or clicking
    // arrows); `config` is every setting as it stands (the table's seed, the shape the views mark).
    void encodingChanged(const posenc::core::TrainConfig &config);
    // Any setting changed; `problems` is empty when the settings are valid.
    void configChanged(const posenc::core::TrainConfig &config, const QStringList &problems);
    // Return was pressed in a field: the window starts a valid run.
    void returnPressed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Row;
    void addRow(const Row &row);
    QWidget *makeField(const Row &row);
    QString fieldText(const QString &option) const;
    void setFieldText(const QString &option, const QString &text);
    // The problems of text that is not a value at all (e.g. lr "abc"), by option.
    QVector<core::ConfigIssue> parseProblems() const;
    // Every problem, in order: text that is no value, then core's rules for the other options.
    QVector<core::ConfigIssue> issues(const core::TrainConfig &config) const;
    void onChanged(bool encodingTouched);
    void markInvalid(const QStringList &options);
    void updateAttentionFields(const core::TrainConfig &config);

    core::TrainConfig m_base; // the settings no field shows (e.g. --lstm) come from here
    QHash<QString, QWidget *> m_fields;
    QHash<QString, QGroupBox *> m_groups;
    QLabel *m_layersLabel = nullptr;
    QPushButton *m_defaults = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_liveNote = nullptr;
    bool m_updating = false; // true while setConfig fills the fields
};

// Reads a decimal number typed in `locale` or with '.': "0,001" is 0.001 where ',' is the decimal
// separator; text that could mean two numbers (a ',' where it is not the decimal separator, "1.000"
// where '.' groups thousands) is refused. False and the reason in `why` when refused.
bool parseDecimal(const QString &text, const QLocale &locale, double *value, QString *why);

} // namespace posenc::ui
