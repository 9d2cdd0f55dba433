#pragma once
// The settings dock: encoding (kind, d_model, max_len, base), data (seq_len, features, samples,
// validation samples, seed) and training (layers, batch size, learning rate, epochs), each with
// the range validate() allows and a tooltip, an inline list of problems, and "Restore seed defaults".

#include "config.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;

namespace posenc::ui {

class SettingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit SettingsPanel(QWidget *parent = nullptr);

    // The settings as they stand (the learning rate as typed, even when invalid).
    core::TrainConfig config() const;
    // Fills every field (emits the change signals once).
    void setConfig(const core::TrainConfig &config);
    // Every problem with the current settings; empty when Start may run them.
    QStringList problems() const;
    bool isValid() const { return problems().isEmpty(); }

    // Locks the fields that shape the model while a run is live.
    void setRunLive(bool live);

    // The fields, for tests and for focus.
    QSpinBox *dModelBox() const { return m_dModel; }
    QSpinBox *maxLenBox() const { return m_maxLen; }
    QSlider *dModelSlider() const { return m_dModelSlider; }
    QSpinBox *seqLenBox() const { return m_seqLen; }
    QLineEdit *lrEdit() const { return m_lr; }
    QComboBox *kindBox() const { return m_kind; }
    QDoubleSpinBox *baseBox() const { return m_base; }
    QSpinBox *epochsBox() const { return m_epochs; }
    QSpinBox *samplesBox() const { return m_samples; }
    QSpinBox *seedBox() const { return m_seed; }
    // The inline message under the fields ("" when every setting is valid).
    QString messageText() const;

Q_SIGNALS:
    // Any of kind, d_model, max_len, base changed (while typing, dragging or clicking arrows).
    void encodingChanged(const posenc::core::EncodingConfig &encoding);
    // Any setting changed; `problems` is empty when the settings are valid.
    void configChanged(const posenc::core::TrainConfig &config, const QStringList &problems);

private:
    void onChanged(bool encodingTouched);
    QSpinBox *addSpin(QGroupBox *group, const QString &label, int min, int max, const QString &tip);

    QComboBox *m_kind = nullptr;
    QSpinBox *m_dModel = nullptr;
    QSlider *m_dModelSlider = nullptr;
    QSpinBox *m_maxLen = nullptr;
    QSlider *m_maxLenSlider = nullptr;
    QDoubleSpinBox *m_base = nullptr;
    QSpinBox *m_seqLen = nullptr;
    QSpinBox *m_features = nullptr;
    QSpinBox *m_samples = nullptr;
    QSpinBox *m_valSamples = nullptr;
    QSpinBox *m_seed = nullptr;
    QSpinBox *m_layers = nullptr;
    QSpinBox *m_batch = nullptr;
    QLineEdit *m_lr = nullptr;
    QSpinBox *m_epochs = nullptr;
    QGroupBox *m_encodingGroup = nullptr;
    QGroupBox *m_dataGroup = nullptr;
    QGroupBox *m_trainingGroup = nullptr;
    QPushButton *m_defaults = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_liveNote = nullptr;
    bool m_updating = false; // true while setConfig fills the fields
};

} // namespace posenc::ui
