#include "settings_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace posenc::ui {

namespace {
// Sliders cover the range people explore; the spin boxes beside them go to the full range.
constexpr int kDModelSliderMax = 1024;
constexpr int kMaxLenSliderMax = 10000;

QGroupBox *makeGroup(const QString &title, QVBoxLayout *into) {
    auto *group = new QGroupBox(title);
    group->setLayout(new QFormLayout);
    into->addWidget(group);
    return group;
}

// A spin box and a slider that move together; the slider's range may be smaller.
QWidget *withSlider(QSpinBox *spin, QSlider *slider, int sliderMax) {
    slider->setOrientation(Qt::Horizontal);
    slider->setRange(spin->minimum(), std::min(spin->maximum(), sliderMax));
    slider->setToolTip(spin->toolTip());
    QObject::connect(slider, &QSlider::valueChanged, spin, &QSpinBox::setValue);
    QObject::connect(spin, qOverload<int>(&QSpinBox::valueChanged), slider, [slider](int v) {
        const QSignalBlocker block(slider);
        slider->setValue(v);
    });
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(spin);
    layout->addWidget(slider, 1);
    return row;
}
} // namespace

SettingsPanel::SettingsPanel(QWidget *parent) : QWidget(parent) {
    using namespace core::limits;
    auto *layout = new QVBoxLayout(this);

    m_encodingGroup = makeGroup(tr("Encoding"), layout);
    auto *encForm = static_cast<QFormLayout *>(m_encodingGroup->layout());
    m_kind = new QComboBox;
    m_kind->addItems(core::peKindNames());
    m_kind->setToolTip(tr("sinusoidal: the seed's interleaved sin/cos of pos / base^(2i/d_model).\n"
                          "sinusoidal-concat: all sines first, then all cosines.\n"
                          "learned: a trainable table, shown as it trains.\n"
                          "none: no positional information (zeros)."));
    encForm->addRow(tr("Kind"), m_kind);
    m_dModel = new QSpinBox;
    m_dModel->setRange(kMinDModel, kMaxDModel);
    m_dModel->setToolTip(tr("d_model: width of the embedding, the LSTM and the PE table (%1..%2).")
                             .arg(kMinDModel)
                             .arg(kMaxDModel));
    m_dModelSlider = new QSlider;
    encForm->addRow(tr("d_model"), withSlider(m_dModel, m_dModelSlider, kDModelSliderMax));
    m_maxLen = new QSpinBox;
    m_maxLen->setRange(kMinMaxLen, kMaxMaxLen);
    m_maxLen->setToolTip(tr("max_len: positions in the PE table (%1..%2); sequences may not be longer.")
                             .arg(kMinMaxLen)
                             .arg(kMaxMaxLen));
    m_maxLenSlider = new QSlider;
    encForm->addRow(tr("max_len"), withSlider(m_maxLen, m_maxLenSlider, kMaxLenSliderMax));
    m_base = new QDoubleSpinBox;
    m_base->setDecimals(2);
    m_base->setRange(1.01, kMaxBase);
    m_base->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    m_base->setToolTip(tr("base of the frequencies: column pair i has wavelength 2*pi*base^(2i/d_model) "
                          "positions. The seed uses 10000."));
    encForm->addRow(tr("base"), m_base);

    m_dataGroup = makeGroup(tr("Data"), layout);
    m_seqLen = addSpin(m_dataGroup, tr("seq_len"), 1, kMaxMaxLen,
                       tr("Steps per sequence; at most max_len. The seed uses 20."));
    m_features =
        addSpin(m_dataGroup, tr("features"), 1, kMaxFeatures, tr("Input features per step (seed: 10)."));
    m_samples =
        addSpin(m_dataGroup, tr("samples"), kMinSamples, kMaxSamples, tr("Training sequences (seed: 1000)."));
    m_valSamples = addSpin(m_dataGroup, tr("validation samples"), 1, kMaxSamples,
                           tr("Held-out sequences of the same distribution, for the validation loss."));
    m_seed = addSpin(m_dataGroup, tr("seed"), 0, int(kMaxSeed),
                     tr("Random seed of the data, the initial weights and the shuffling: "
                        "the same seed gives the same losses."));

    m_trainingGroup = makeGroup(tr("Training"), layout);
    m_layers =
        addSpin(m_trainingGroup, tr("LSTM layers"), 1, kMaxLayers, tr("Stacked LSTM layers (seed: 1)."));
    m_batch =
        addSpin(m_trainingGroup, tr("batch size"), 1, kMaxSamples, tr("Sequences per Adam step (seed: 32)."));
    m_lr = new QLineEdit;
    m_lr->setToolTip(tr("Adam learning rate, e.g. 0.001 or 1e-3 (seed: 0.001). Too high a rate diverges."));
    static_cast<QFormLayout *>(m_trainingGroup->layout())->addRow(tr("learning rate"), m_lr);
    m_epochs =
        addSpin(m_trainingGroup, tr("epochs"), 1, kMaxEpochs, tr("Passes over the training set (seed: 10)."));

    m_defaults = new QPushButton(tr("Restore seed defaults"));
    m_defaults->setToolTip(tr("Set every field back to the seed notebook's values."));
    layout->addWidget(m_defaults);
    m_liveNote = new QLabel(tr("A run is live: settings are locked until it stops."));
    m_liveNote->setWordWrap(true);
    m_liveNote->setVisible(false);
    layout->addWidget(m_liveNote);
    m_message = new QLabel;
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    layout->addStretch(1);

    connect(m_defaults, &QPushButton::clicked, this, [this] { setConfig(core::TrainConfig{}); });
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] { onChanged(true); });
    for (QSpinBox *box : {m_dModel, m_maxLen})
        connect(box, &QSpinBox::valueChanged, this, [this] { onChanged(true); });
    connect(m_base, &QDoubleSpinBox::valueChanged, this, [this] { onChanged(true); });
    for (QSpinBox *box : {m_seqLen, m_features, m_samples, m_valSamples, m_seed, m_layers, m_batch, m_epochs})
        connect(box, &QSpinBox::valueChanged, this, [this] { onChanged(false); });
    connect(m_lr, &QLineEdit::textChanged, this, [this] { onChanged(false); });

    setConfig(core::TrainConfig{});
}

QSpinBox *SettingsPanel::addSpin(QGroupBox *group, const QString &label, int min, int max,
                                 const QString &tip) {
    auto *box = new QSpinBox;
    box->setRange(min, max);
    box->setToolTip(tip);
    box->setAccelerated(true);
    static_cast<QFormLayout *>(group->layout())->addRow(label, box);
    return box;
}

core::TrainConfig SettingsPanel::config() const {
    core::TrainConfig c;
    core::parsePeKind(m_kind->currentText(), &c.encoding.kind);
    c.encoding.dModel = m_dModel->value();
    c.encoding.maxLen = m_maxLen->value();
    c.encoding.base = m_base->value();
    c.seqLen = m_seqLen->value();
    c.featureDim = m_features->value();
    c.numSamples = m_samples->value();
    c.valSamples = m_valSamples->value();
    c.seed = quint64(m_seed->value());
    c.layers = m_layers->value();
    c.batchSize = m_batch->value();
    bool ok = false;
    const double lr = QLocale::c().toDouble(m_lr->text().trimmed(), &ok);
    c.lr = ok ? lr : std::nan("");
    c.epochs = m_epochs->value();
    return c;
}

void SettingsPanel::setConfig(const core::TrainConfig &c) {
    m_updating = true;
    m_kind->setCurrentText(core::peKindName(c.encoding.kind));
    m_dModel->setValue(c.encoding.dModel);
    m_maxLen->setValue(c.encoding.maxLen);
    m_base->setValue(c.encoding.base);
    m_seqLen->setValue(c.seqLen);
    m_features->setValue(c.featureDim);
    m_samples->setValue(c.numSamples);
    m_valSamples->setValue(c.valSamples);
    m_seed->setValue(int(std::min<quint64>(c.seed, quint64(core::limits::kMaxSeed))));
    m_layers->setValue(c.layers);
    m_batch->setValue(c.batchSize);
    m_lr->setText(QLocale::c().toString(c.lr, 'g', 6));
    m_epochs->setValue(c.epochs);
    m_updating = false;
    onChanged(true);
}

QStringList SettingsPanel::problems() const {
    QStringList out = core::validate(config());
    if (std::isnan(config().lr))
        out.replaceInStrings(QStringLiteral("(got nan)"), QStringLiteral("(got \"%1\")").arg(m_lr->text()));
    return out;
}

QString SettingsPanel::messageText() const {
    return m_message->text();
}

void SettingsPanel::setRunLive(bool live) {
    for (QGroupBox *group : {m_encodingGroup, m_dataGroup, m_trainingGroup})
        group->setEnabled(!live);
    m_defaults->setEnabled(!live);
    m_liveNote->setVisible(live);
}

void SettingsPanel::onChanged(bool encodingTouched) {
    if (m_updating)
        return;
    const core::TrainConfig c = config();
    const QStringList issues = problems();
    m_message->setText(issues.join(QLatin1Char('\n')));
    m_lr->setStyleSheet(std::isfinite(c.lr) && c.lr > 0 ? QString()
                                                        : QStringLiteral("border: 1px solid #b00020;"));
    m_seqLen->setStyleSheet(c.seqLen > c.encoding.maxLen ? QStringLiteral("border: 1px solid #b00020;")
                                                         : QString());
    if (encodingTouched)
        Q_EMIT encodingChanged(c.encoding);
    Q_EMIT configChanged(c, issues);
}

} // namespace posenc::ui
