#include "window/settings_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>

namespace posenc::ui {

namespace {
enum class Widget { Choice, Spin, SpinSlider, Real, Text };

const core::ConfigField *coreField(const QString &option) {
    for (const core::ConfigField &f : core::configFields())
        if (option == QLatin1String(f.option))
            return &f;
    return nullptr;
}

QStringList choicesOf(const QString &option) {
    if (option == QLatin1String("backbone"))
        return core::backboneNames();
    if (option == QLatin1String("task"))
        return core::taskNames();
    return core::peKindNames();
}

// Rounds a dragged max_len to a round number: 601 -> 600, 4085 -> 4100; small values stay exact.
int roundLength(int v) {
    const int step = v < 100 ? 1 : int(std::pow(10.0, std::floor(std::log10(double(v))) - 1));
    return std::max(1, int(std::lround(double(v) / step)) * step);
}

// A spin box and a slider that move together; the slider snaps through `snap` and may have a
// smaller range.
QWidget *withSlider(QSpinBox *spin, QSlider *slider, int lo, int hi, std::function<int(int)> snap) {
    slider->setOrientation(Qt::Horizontal);
    slider->setRange(lo, hi);
    slider->setToolTip(spin->toolTip());
    QObject::connect(slider, &QSlider::valueChanged, spin, [spin, slider, snap](int v) {
        const int snapped = std::clamp(snap(v), slider->minimum(), slider->maximum());
        spin->setValue(snapped);
    });
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

// One field of the panel: the core option it shows, its label, group, widget and ranges.
struct SettingsPanel::Row {
    const char *option;
    const char *label;
    const char *group;
    Widget widget;
    int max;       // the largest value validate() allows (spin boxes accept 10x, to show the message)
    int sliderMax; // SpinSlider only
    const char *tip;
};

namespace {
const char *const kModel = "Model", *const kEncoding = "Encoding", *const kData = "Data",
                  *const kTraining = "Training";
} // namespace

bool parseDecimal(const QString &text, const QLocale &locale, double *value, QString *why) {
    static const QRegularExpression shape(QStringLiteral("^[+-]?(\\d*)([.,](\\d*))?([eE][+-]?\\d+)?$"));
    const QString t = text.trimmed();
    const QRegularExpressionMatch m = shape.match(t);
    if (t.isEmpty() || !m.hasMatch() || (m.captured(1).isEmpty() && m.captured(3).isEmpty())) {
        *why = QStringLiteral("\"%1\" is not a number").arg(t);
        return false;
    }
    const QString separator = m.captured(2).left(1);
    const QString decimal = locale.decimalPoint(), group = locale.groupSeparator();
    const bool thousands = m.captured(1).size() <= 3 && m.captured(1).toInt() > 0 &&
                           m.captured(3).size() == 3 && m.captured(4).isEmpty();
    if (separator == QLatin1String(",") && decimal != QLatin1String(",")) {
        *why = QStringLiteral("\"%1\" is ambiguous: use . as the decimal separator").arg(t);
        return false;
    }
    if (separator == QLatin1String(".") && group == QLatin1String(".") && thousands) {
        *why = QStringLiteral("\"%1\" is ambiguous: . also groups thousands here; write %2")
                   .arg(t, QString(t).replace(QLatin1Char('.'), decimal));
        return false;
    }
    bool ok = false;
    *value = QString(t).replace(QLatin1Char(','), QLatin1Char('.')).toDouble(&ok);
    if (!ok)
        *why = QStringLiteral("\"%1\" is not a number").arg(t);
    return ok;
}

SettingsPanel::SettingsPanel(QWidget *parent) : QWidget(parent) {
    using namespace core::limits;
    static const Row rows[] = {
        {"backbone", "backbone", kModel, Widget::Choice, 0, 0,
         "lstm: the seed's LSTM, which reads order by itself.\n"
         "transformer: bidirectional attention blocks, mean over steps: blind to order without an encoding.\n"
         "causal-transformer: attention over earlier steps only, read at the last step."},
        {"heads", "heads", kModel, Widget::Spin, kMaxHeads, 0,
         "Attention heads of the transformer backbones; d_model must divide by them (default 4)."},
        {"layers", "LSTM layers", kModel, Widget::Spin, kMaxLayers, 0,
         "Stacked LSTM layers, or attention blocks for the transformers (seed: 1)."},
        {"pe", "kind", kEncoding, Widget::Choice, 0, 0,
         "sinusoidal: the seed's interleaved sin/cos of pos / base^(2i/d_model).\n"
         "sinusoidal-concat: all sines first, then all cosines.\n"
         "learned: a trainable table, shown as it trains.\n"
         "none: no positional information (zeros).\n"
         "rope: rotates each head's queries and keys by pos * base^(-2i/head_dim) (attention only).\n"
         "alibi: adds -slope_h * |i - j| to the attention scores (attention only)."},
        {"d-model", "d_model", kEncoding, Widget::SpinSlider, kMaxDModel, 1024,
         "d_model: width of the embedding, the backbone and the PE table (2..4096)."},
        {"max-len", "max_len", kEncoding, Widget::SpinSlider, kMaxMaxLen, 10000,
         "max_len: positions in the PE table (1..100000); sequences may not be longer."},
        {"base", "base", kEncoding, Widget::Real, 0, 0,
         "base of the frequencies: column pair i has wavelength 2*pi*base^(2i/d_model) positions. "
         "The seed uses 10000; rope uses the same base."},
        {"task", "task", kData, Widget::Choice, 0, 0,
         "seed: label = sum of x weighted by linspace(0.1, 0.5, L) (the notebook's).\n"
         "recency: weights 0.5 * 0.8^(L-1-t): the last steps count most, at any length.\n"
         "sum: equal weights, a control in which order carries no information."},
        {"seq-len", "seq_len", kData, Widget::Spin, kMaxMaxLen, 0,
         "Steps per sequence; at most max_len. The seed uses 20."},
        {"features", "features", kData, Widget::Spin, kMaxFeatures, 0, "Input features per step (seed: 10)."},
        {"samples", "samples", kData, Widget::Spin, kMaxSamples, 0, "Training sequences (seed: 1000)."},
        {"val-samples", "validation samples", kData, Widget::Spin, kMaxSamples, 0,
         "Held-out sequences of the same distribution, for the validation loss and each probe length."},
        {"probe", "probe lengths", kData, Widget::Text, 0, 0,
         "Lengths of the extrapolation probe after training, e.g. 20,40,80,160 (up to 4096). "
         "Empty: seq_len x 1, 2, 4, 8."},
        {"seed", "seed", kData, Widget::Spin, int(kMaxSeed), 0,
         "Random seed of the data, the initial weights and the shuffling: the same seed gives the same "
         "losses."},
        {"batch-size", "batch size", kTraining, Widget::Spin, kMaxSamples, 0,
         "Sequences per Adam step (seed: 32)."},
        {"lr", "learning rate", kTraining, Widget::Text, 0, 0,
         "Adam learning rate, e.g. 0.001 or 1e-3 (seed: 0.001); your locale's decimal separator works too. "
         "Too high a rate diverges."},
        {"epochs", "epochs", kTraining, Widget::Spin, kMaxEpochs, 0,
         "Passes over the training set (seed: 10)."},
    };
    auto *layout = new QVBoxLayout(this);
    for (const char *title : {kModel, kEncoding, kData, kTraining}) {
        auto *group = new QGroupBox(tr(title));
        group->setLayout(new QFormLayout);
        layout->addWidget(group);
        m_groups.insert(QLatin1String(title), group);
    }
    for (const Row &row : rows)
        addRow(row);
    m_defaults = new QPushButton(tr("Notebook defaults"));
    m_defaults->setToolTip(
        tr("Set every field back to the seed notebook's values (LSTM, sinusoidal, seed task)."));
    layout->addWidget(m_defaults);
    m_liveNote = new QLabel(tr("A run is live: settings are locked until it stops."));
    m_liveNote->setWordWrap(true);
    m_liveNote->setVisible(false);
    layout->addWidget(m_liveNote);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("settingsMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    layout->addStretch(1);
    connect(m_defaults, &QPushButton::clicked, this, [this] { setConfig(core::TrainConfig{}); });
    setConfig(core::TrainConfig{});
}

void SettingsPanel::addRow(const Row &row) {
    const QString option = QString::fromLatin1(row.option);
    QWidget *field = makeField(row);
    field->setObjectName(option);
    field->setToolTip(tr(row.tip));
    field->installEventFilter(this);
    m_fields.insert(option, field);
    QWidget *shown = field;
    if (row.widget == Widget::SpinSlider) {
        auto *spin = static_cast<QSpinBox *>(field);
        auto *slider = new QSlider;
        const bool dModel = option == QLatin1String("d-model");
        slider->setObjectName(option + QStringLiteral("-slider"));
        const auto snap = dModel ? std::function<int(int)>([this](int v) {
            const core::TrainConfig c = config();
            const int step = core::isAttention(c.backbone) && c.heads > 0 ? std::lcm(2, c.heads) : 2;
            return std::max(step, int(std::lround(double(v) / step)) * step);
        })
                                 : std::function<int(int)>(roundLength);
        shown = withSlider(spin, slider, dModel ? core::limits::kMinDModel : 1, row.sliderMax, snap);
    }
    auto *form = static_cast<QFormLayout *>(m_groups.value(QLatin1String(row.group))->layout());
    auto *label = new QLabel(tr(row.label));
    label->setBuddy(field);
    if (option == QLatin1String("layers"))
        m_layersLabel = label;
    form->addRow(label, shown);
}

QWidget *SettingsPanel::makeField(const Row &row) {
    const bool encoding = qstrcmp(row.group, kEncoding) == 0 || qstrcmp(row.option, "backbone") == 0 ||
                          qstrcmp(row.option, "heads") == 0;
    const auto changed = [this, encoding] { onChanged(encoding); };
    switch (row.widget) {
    case Widget::Choice: {
        auto *box = new QComboBox;
        box->addItems(choicesOf(QString::fromLatin1(row.option)));
        connect(box, &QComboBox::currentIndexChanged, this, changed);
        return box;
    }
    case Widget::Spin:
    case Widget::SpinSlider: {
        auto *box = new QSpinBox;
        // Out-of-range values can be typed, so they get validate()'s message instead of a silent revert.
        box->setRange(0, int(std::min<qint64>(qint64(row.max) * 10, INT_MAX)));
        box->setAccelerated(true);
        connect(box, &QSpinBox::valueChanged, this, changed);
        return box;
    }
    case Widget::Real: {
        auto *box = new QDoubleSpinBox;
        box->setDecimals(2);
        box->setRange(1.01, core::limits::kMaxBase);
        box->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
        connect(box, &QDoubleSpinBox::valueChanged, this, changed);
        return box;
    }
    case Widget::Text:
        break;
    }
    auto *edit = new QLineEdit;
    connect(edit, &QLineEdit::textChanged, this, changed);
    return edit;
}

QString SettingsPanel::fieldText(const QString &option) const {
    QWidget *w = m_fields.value(option);
    if (auto *box = qobject_cast<QComboBox *>(w))
        return box->currentText();
    if (auto *box = qobject_cast<QSpinBox *>(w))
        return QString::number(box->value());
    if (auto *box = qobject_cast<QDoubleSpinBox *>(w))
        return QString::number(box->value(), 'g', 17);
    if (auto *edit = qobject_cast<QLineEdit *>(w))
        return edit->text();
    return {};
}

void SettingsPanel::setFieldText(const QString &option, const QString &text) {
    QWidget *w = m_fields.value(option);
    if (auto *box = qobject_cast<QComboBox *>(w))
        box->setCurrentText(text);
    else if (auto *box = qobject_cast<QSpinBox *>(w))
        box->setValue(text.toInt());
    else if (auto *box = qobject_cast<QDoubleSpinBox *>(w))
        box->setValue(text.toDouble());
    else if (auto *edit = qobject_cast<QLineEdit *>(w))
        edit->setText(text);
}

QVector<core::ConfigIssue> SettingsPanel::parseProblems() const {
    QVector<core::ConfigIssue> out;
    double lr = 0;
    QString why;
    const QString lrText = fieldText(QStringLiteral("lr"));
    if (!parseDecimal(lrText, QLocale(), &lr, &why))
        out.push_back(
            {QStringLiteral("lr"),
             why.endsWith(QLatin1String("not a number"))
                 ? QStringLiteral("learning rate must be a finite number above 0 (got \"%1\")").arg(lrText)
                 : QStringLiteral("learning rate %1").arg(why)});
    QVector<int> lengths;
    const QString probe = fieldText(QStringLiteral("probe"));
    if (!probe.trimmed().isEmpty() && !core::parseLengths(probe, &lengths, &why))
        out.push_back({QStringLiteral("probe"), why});
    return out;
}

QVector<core::ConfigIssue> SettingsPanel::issues(const core::TrainConfig &config) const {
    QVector<core::ConfigIssue> out = parseProblems();
    const auto named = [&out](const QString &option) {
        return std::any_of(out.cbegin(), out.cend(),
                           [&](const core::ConfigIssue &i) { return i.option == option; });
    };
    for (const core::ConfigIssue &issue : core::check(config))
        if (!named(issue.option))
            out.push_back(issue);
    return out;
}

core::TrainConfig SettingsPanel::config() const {
    core::TrainConfig c = m_base;
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        QString text = fieldText(it.key()), rule;
        if (it.key() == QLatin1String("lr")) {
            double lr = 0;
            c.lr = parseDecimal(text, QLocale(), &lr, &rule) ? lr : std::nan("");
            continue;
        }
        if (const core::ConfigField *f = coreField(it.key()))
            f->set(c, text, &rule); // a refused text (probe "abc") keeps the value; problems() names it
    }
    return c;
}

void SettingsPanel::setConfig(const core::TrainConfig &c) {
    m_updating = true;
    m_base = c;
    QLocale locale;
    locale.setNumberOptions(QLocale::OmitGroupSeparator);
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        if (it.key() == QLatin1String("lr"))
            setFieldText(it.key(), locale.toString(c.lr, 'g', 6));
        else if (const core::ConfigField *f = coreField(it.key()))
            setFieldText(it.key(), f->get(c));
    }
    m_updating = false;
    onChanged(true);
}

QStringList SettingsPanel::problems() const {
    QStringList out;
    for (const core::ConfigIssue &issue : issues(config()))
        out << issue.message;
    return out;
}

void SettingsPanel::setRunLive(bool live) {
    for (QGroupBox *group : m_groups)
        group->setEnabled(!live);
    m_defaults->setEnabled(!live);
    m_liveNote->setVisible(live);
}

bool SettingsPanel::eventFilter(QObject *watched, QEvent *event) {
    if (event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if ((key == Qt::Key_Return || key == Qt::Key_Enter) && !qobject_cast<QComboBox *>(watched))
            Q_EMIT returnPressed();
    }
    return QWidget::eventFilter(watched, event);
}

void SettingsPanel::markInvalid(const QStringList &options) {
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        const bool bad = options.contains(it.key());
        if (it.value()->property("invalid").toBool() == bad)
            continue;
        // A palette change keeps the native frame and the spin box arrows (a style sheet would not).
        QPalette palette;
        if (bad) {
            palette = it.value()->palette();
            palette.setColor(QPalette::Base, QColor(0xfd, 0xe7, 0xea));
            palette.setColor(QPalette::Text, QColor(0xb0, 0x00, 0x20));
        }
        it.value()->setPalette(palette);
        it.value()->setProperty("invalid", bad);
    }
}

void SettingsPanel::updateAttentionFields(const core::TrainConfig &c) {
    const bool attention = core::isAttention(c.backbone);
    m_fields.value(QStringLiteral("heads"))->setEnabled(attention);
    m_layersLabel->setText(attention ? tr("attention blocks") : tr("LSTM layers"));
    auto *kinds = qobject_cast<QStandardItemModel *>(
        qobject_cast<QComboBox *>(m_fields.value(QStringLiteral("pe")))->model());
    for (core::PeKind kind : {core::PeKind::Rope, core::PeKind::Alibi}) {
        QStandardItem *item = kinds->item(core::peKindNames().indexOf(core::peKindName(kind)));
        item->setEnabled(attention);
        item->setToolTip(attention
                             ? QString()
                             : tr("%1 acts inside attention: choose the transformer or causal-transformer "
                                  "backbone first")
                                   .arg(core::peKindName(kind)));
    }
}

void SettingsPanel::onChanged(bool encodingTouched) {
    if (m_updating)
        return;
    const core::TrainConfig c = config();
    QStringList messages, badOptions;
    for (const core::ConfigIssue &issue : issues(c)) {
        messages << issue.message;
        badOptions << issue.option;
    }
    m_message->setText(messages.join(QLatin1Char('\n')));
    markInvalid(badOptions);
    updateAttentionFields(c);
    if (encodingTouched)
        Q_EMIT encodingChanged(c);
    Q_EMIT configChanged(c, messages);
}

} // namespace posenc::ui