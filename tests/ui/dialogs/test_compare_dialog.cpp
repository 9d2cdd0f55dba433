// Training ▸ Compare…: the boxes start at the current kind and backbone, the live line counts the runs
// and names each skipped combination with its reason, OK queues exactly the valid configs (same seed,
// the right kinds) and is disabled when none is valid, and the choice persists.

#include "dialogs/compare_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

using namespace posenc;
using posenc::ui::CompareDialog;

namespace {
core::TrainConfig current(core::PeKind kind, core::Backbone backbone) {
    core::TrainConfig c;
    c.encoding.kind = kind;
    c.backbone = backbone;
    c.seed = 1234;
    c.epochs = 3;
    return c;
}

QCheckBox *box(const CompareDialog &dialog, const QString &name) {
    return dialog.findChild<QCheckBox *>(name);
}

QPushButton *okButton(const CompareDialog &dialog) {
    return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

// Leaves exactly the named boxes checked.
void checkOnly(const CompareDialog &dialog, const QStringList &names) {
    for (QCheckBox *b : dialog.findChildren<QCheckBox *>())
        b->setChecked(names.contains(b->objectName()));
}
} // namespace

class TestCompareDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("PosEnc Studio Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_compare_dialog"));
    }
    void init() { QSettings().clear(); }
    void cleanupTestCase() { QSettings().clear(); }

    void presetToCurrentWithTooltips() {
        const CompareDialog dialog(current(core::PeKind::Alibi, core::Backbone::CausalTransformer));
        QCOMPARE(dialog.findChildren<QCheckBox *>().size(), 9);
        for (QCheckBox *b : dialog.findChildren<QCheckBox *>()) {
            QVERIFY2(!b->toolTip().isEmpty(), qPrintable(b->objectName()));
            const bool expected = b->objectName() == QLatin1String("pe-alibi") ||
                                  b->objectName() == QLatin1String("backbone-causal-transformer");
            QCOMPARE(b->isChecked(), expected);
        }
        QCOMPARE(dialog.configs().size(), 1);
        QCOMPARE(dialog.configs()[0], current(core::PeKind::Alibi, core::Backbone::CausalTransformer));
        QCOMPARE(okButton(dialog)->text(), QStringLiteral("Queue 1 run"));
    }

    void queuesValidCombinations_data() {
        QTest::addColumn<QStringList>("checked");
        QTest::addColumn<QStringList>("runs");    // backbone · kind of each config, in order
        QTest::addColumn<QStringList>("skipped"); // the summary lines of the skipped combinations
        QTest::newRow("three encodings, transformer")
            << QStringList{"pe-none", "pe-sinusoidal", "pe-rope", "backbone-transformer"}
            << QStringList{"transformer · none", "transformer · sinusoidal", "transformer · rope"}
            << QStringList{};
        QTest::newRow("lstm and transformer with rope")
            << QStringList{"pe-learned", "pe-rope", "backbone-lstm", "backbone-transformer"}
            << QStringList{"lstm · learned", "transformer · learned", "transformer · rope"}
            << QStringList{"lstm · rope: --pe rope needs an attention backbone (--backbone transformer or "
                           "causal-transformer)"};
        QTest::newRow("all nine boxes")
            << QStringList{"pe-none",
                           "pe-sinusoidal",
                           "pe-sinusoidal-concat",
                           "pe-learned",
                           "pe-rope",
                           "pe-alibi",
                           "backbone-lstm",
                           "backbone-transformer",
                           "backbone-causal-transformer"}
            << QStringList{"lstm · none",
                           "lstm · sinusoidal",
                           "lstm · sinusoidal-concat",
                           "lstm · learned",
                           "transformer · none",
                           "transformer · sinusoidal",
                           "transformer · sinusoidal-concat",
                           "transformer · learned",
                           "transformer · rope",
                           "transformer · alibi",
                           "causal-transformer · none",
                           "causal-transformer · sinusoidal",
                           "causal-transformer · sinusoidal-concat",
                           "causal-transformer · learned",
                           "causal-transformer · rope",
                           "causal-transformer · alibi"}
            << QStringList{"lstm · rope: --pe rope needs an attention backbone (--backbone transformer or "
                           "causal-transformer)",
                           "lstm · alibi: --pe alibi needs an attention backbone (--backbone transformer or "
                           "causal-transformer)"};
    }

    void queuesValidCombinations() {
        QFETCH(QStringList, checked);
        QFETCH(QStringList, runs);
        QFETCH(QStringList, skipped);
        const core::TrainConfig base = current(core::PeKind::Sinusoidal, core::Backbone::Lstm);
        const CompareDialog dialog(base);
        checkOnly(dialog, checked);
        QStringList names;
        for (const core::TrainConfig &c : dialog.configs()) {
            names << core::combinationName(c);
            core::TrainConfig same = base; // only the kind and the backbone differ
            same.encoding.kind = c.encoding.kind;
            same.backbone = c.backbone;
            QCOMPARE(c, same);
            QCOMPARE(c.seed, quint64(1234));
        }
        QCOMPARE(names, runs);
        const QStringList lines = dialog.summary().split(QLatin1Char('\n'));
        QCOMPARE(lines.first(),
                 QStringLiteral("%1 runs will be queued, each with seed 1234.").arg(runs.size()));
        QCOMPARE(lines.mid(skipped.isEmpty() ? 1 : 2), skipped);
        QVERIFY(okButton(dialog)->isEnabled());
        QCOMPARE(okButton(dialog)->text(), QStringLiteral("Queue %1 runs").arg(runs.size()));
    }

    void nothingValidDisablesOk_data() {
        QTest::addColumn<QStringList>("checked");
        QTest::addColumn<QString>("firstLine");
        QTest::newRow("lstm with rope and alibi")
            << QStringList{"pe-rope", "pe-alibi", "backbone-lstm"}
            << QStringLiteral("No valid combination: nothing to queue.");
        QTest::newRow("no backbone") << QStringList{"pe-sinusoidal"}
                                     << QStringLiteral("Check at least one encoding and one backbone.");
        QTest::newRow("nothing") << QStringList{}
                                 << QStringLiteral("Check at least one encoding and one backbone.");
    }

    void nothingValidDisablesOk() {
        QFETCH(QStringList, checked);
        QFETCH(QString, firstLine);
        const CompareDialog dialog(current(core::PeKind::Sinusoidal, core::Backbone::Lstm));
        checkOnly(dialog, checked);
        QVERIFY(dialog.configs().isEmpty());
        QVERIFY(!okButton(dialog)->isEnabled());
        QCOMPARE(dialog.summary().split(QLatin1Char('\n')).first(), firstLine);
        // Checking one valid box brings OK back at once.
        box(dialog, QStringLiteral("backbone-transformer"))->setChecked(true);
        box(dialog, QStringLiteral("pe-none"))->setChecked(true);
        QVERIFY(okButton(dialog)->isEnabled());
    }

    void choicePersistsAndAddsCurrent() {
        {
            CompareDialog dialog(current(core::PeKind::Sinusoidal, core::Backbone::Lstm));
            checkOnly(dialog, {"pe-none", "pe-learned", "backbone-transformer"});
            dialog.accept();
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        {
            // Cancel keeps the saved choice.
            CompareDialog dialog(current(core::PeKind::Sinusoidal, core::Backbone::Lstm));
            checkOnly(dialog, {"pe-alibi", "backbone-lstm"});
            dialog.reject();
        }
        const CompareDialog dialog(current(core::PeKind::Rope, core::Backbone::Transformer));
        QCOMPARE(dialog.checkedKinds(),
                 (QVector<core::PeKind>{core::PeKind::None, core::PeKind::Learned, core::PeKind::Rope}));
        QCOMPARE(dialog.checkedBackbones(), QVector<core::Backbone>{core::Backbone::Transformer});
        QCOMPARE(dialog.configs().size(), 3);
    }
};

QTEST_MAIN(TestCompareDialog)
#include "test_compare_dialog.moc"
