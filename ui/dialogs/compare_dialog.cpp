#include "dialogs/compare_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace posenc::ui {

namespace {
const QString kKindsKey = QStringLiteral("compare/kinds");
const QString kBackbonesKey = QStringLiteral("compare/backbones");

// The encodings in the order the issue lists them: the control first, then the tables, then attention.
const QVector<core::PeKind> kKindOrder = {
    core::PeKind::None,    core::PeKind::Sinusoidal, core::PeKind::SinusoidalConcat,
    core::PeKind::Learned, core::PeKind::Rope,       core::PeKind::Alibi};
const QVector<core::Backbone> kBackboneOrder = {core::Backbone::Lstm, core::Backbone::Transformer,
                                                core::Backbone::CausalTransformer};

QString kindTip(core::PeKind kind) {
    switch (kind) {
    case core::PeKind::None:
        return QObject::tr("No positional encoding: the control. Attention then sees an unordered set.");
    case core::PeKind::Sinusoidal:
        return QObject::tr(
            "The seed's fixed table: sin on even columns, cos on odd ones, added to the input.");
    case core::PeKind::SinusoidalConcat:
        return QObject::tr(
            "The same frequencies with all sines first and all cosines after, added to the input.");
    case core::PeKind::Learned:
        return QObject::tr(
            "A trained [max_len, d_model] table added to the input; untrained beyond seq_len.");
    case core::PeKind::Rope:
        return QObject::tr("Rotates each head's queries and keys by position (needs an attention backbone).");
    case core::PeKind::Alibi:
        return QObject::tr(
            "A per-head distance penalty on the attention scores (needs an attention backbone).");
    }
    return {};
}

QString backboneTip(core::Backbone backbone) {
    switch (backbone) {
    case core::Backbone::Lstm:
        return QObject::tr(
            "The seed's LSTM: it reads in order, so it knows position even without an encoding.");
    case core::Backbone::Transformer:
        return QObject::tr(
            "Bidirectional attention blocks: without an encoding they cannot tell positions apart.");
    case core::Backbone::CausalTransformer:
        return QObject::tr(
            "Attention blocks with a causal mask: each position sees only itself and the past.");
    }
    return {};
}

// "1 run", "3 runs".
QString runCount(int n) {
    return n == 1 ? QObject::tr("1 run") : QObject::tr("%1 runs").arg(n);
}

// The names saved under `key`, or none when the key was never written.
QStringList savedNames(const QString &key) {
    return QSettings().value(key).toStringList();
}
} // namespace

CompareDialog::CompareDialog(const core::TrainConfig &current, QWidget *parent)
    : QDialog(parent), m_current(current) {
    setWindowTitle(tr("Compare encodings"));
    auto *intro = new QLabel(tr("One run per checked encoding and backbone, each with the current settings: "
                                "seed %1, the same data, %2 epochs. They train one after another.")
                                 .arg(current.seed)
                                 .arg(current.epochs));
    intro->setWordWrap(true);
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("compareSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &CompareDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &CompareDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(makeKindBoxes());
    layout->addWidget(makeBackboneBoxes());
    layout->addWidget(m_summary);
    layout->addWidget(buttons);
    presetBoxes();
    updatePlan();
}

QWidget *CompareDialog::makeKindBoxes() {
    auto *group = new QGroupBox(tr("Encodings"));
    auto *column = new QVBoxLayout(group);
    for (core::PeKind kind : kKindOrder) {
        auto *box = new QCheckBox(core::peKindName(kind));
        box->setObjectName(QStringLiteral("pe-") + core::peKindName(kind));
        box->setToolTip(kindTip(kind));
        connect(box, &QCheckBox::toggled, this, &CompareDialog::updatePlan);
        column->addWidget(box);
        m_kinds << qMakePair(kind, box);
    }
    return group;
}

QWidget *CompareDialog::makeBackboneBoxes() {
    auto *group = new QGroupBox(tr("Backbones"));
    auto *column = new QVBoxLayout(group);
    for (core::Backbone backbone : kBackboneOrder) {
        auto *box = new QCheckBox(core::backboneName(backbone));
        box->setObjectName(QStringLiteral("backbone-") + core::backboneName(backbone));
        box->setToolTip(backboneTip(backbone));
        connect(box, &QCheckBox::toggled, this, &CompareDialog::updatePlan);
        column->addWidget(box);
        m_backbones << qMakePair(backbone, box);
    }
    return group;
}

void CompareDialog::presetBoxes() {
    const QStringList kinds = savedNames(kKindsKey);
    const QStringList backbones = savedNames(kBackbonesKey);
    for (const auto &[kind, box] : m_kinds) {
        const QSignalBlocker block(box);
        box->setChecked(kind == m_current.encoding.kind || kinds.contains(core::peKindName(kind)));
    }
    for (const auto &[backbone, box] : m_backbones) {
        const QSignalBlocker block(box);
        box->setChecked(backbone == m_current.backbone || backbones.contains(core::backboneName(backbone)));
    }
}

QVector<core::PeKind> CompareDialog::checkedKinds() const {
    QVector<core::PeKind> out;
    for (const auto &[kind, box] : m_kinds)
        if (box->isChecked())
            out << kind;
    return out;
}

QVector<core::Backbone> CompareDialog::checkedBackbones() const {
    QVector<core::Backbone> out;
    for (const auto &[backbone, box] : m_backbones)
        if (box->isChecked())
            out << backbone;
    return out;
}

QString CompareDialog::summary() const {
    return m_summary->text();
}

void CompareDialog::updatePlan() {
    m_plan = core::planComparison(m_current, checkedKinds(), checkedBackbones());
    const int n = m_plan.configs.size();
    QStringList lines;
    if (checkedKinds().isEmpty() || checkedBackbones().isEmpty())
        lines << tr("Check at least one encoding and one backbone.");
    else if (n == 0)
        lines << tr("No valid combination: nothing to queue.");
    else
        lines << tr("%1 will be queued, each with seed %2.").arg(runCount(n)).arg(m_current.seed);
    if (!m_plan.skipped.isEmpty())
        lines << tr("Skipped:");
    for (const core::SkippedCombination &s : m_plan.skipped)
        lines << QStringLiteral("%1: %2").arg(core::combinationName(s.config), s.reason);
    m_summary->setText(lines.join(QLatin1Char('\n')));
    m_ok->setEnabled(n > 0);
    m_ok->setText(n > 0 ? tr("Queue %1").arg(runCount(n)) : tr("Queue runs"));
    m_ok->setToolTip(
        n > 0 ? tr("Train the %1 one after another; Stop asks whether to drop the rest.").arg(runCount(n))
              : tr("Check an encoding and a backbone that go together."));
}

void CompareDialog::accept() {
    QStringList kinds, backbones;
    for (core::PeKind kind : checkedKinds())
        kinds << core::peKindName(kind);
    for (core::Backbone backbone : checkedBackbones())
        backbones << core::backboneName(backbone);
    QSettings settings;
    settings.setValue(kKindsKey, kinds);
    settings.setValue(kBackbonesKey, backbones);
    QDialog::accept();
}

} // namespace posenc::ui
