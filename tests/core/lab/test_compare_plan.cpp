// The combinations of a comparison: backbones outer, encodings inner, each a copy of the base
// settings; invalid ones are skipped with core::check's reason, in the same order.

#include "lab/compare_plan.h"

#include <QTest>

using namespace posenc::core;

Q_DECLARE_METATYPE(QVector<PeKind>)
Q_DECLARE_METATYPE(QVector<Backbone>)

class TestComparePlan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void orderAndSettingsAreKept() {
        TrainConfig base;
        base.seed = 42;
        base.seqLen = 7;
        base.numSamples = 123;
        base.task = Task::Recency;
        const QVector<TrainConfig> all = comparisonCombinations(
            base, {PeKind::None, PeKind::Alibi}, {Backbone::Lstm, Backbone::CausalTransformer});
        QCOMPARE(all.size(), 4);
        const QVector<QString> names = {QStringLiteral("lstm · none"), QStringLiteral("lstm · alibi"),
                                        QStringLiteral("causal-transformer · none"),
                                        QStringLiteral("causal-transformer · alibi")};
        for (int i = 0; i < all.size(); ++i) {
            QCOMPARE(combinationName(all[i]), names[i]);
            TrainConfig expected = base; // only backbone and kind differ from the base
            expected.backbone = all[i].backbone;
            expected.encoding.kind = all[i].encoding.kind;
            QCOMPARE(all[i], expected);
        }
    }

    void split_data() {
        QTest::addColumn<QVector<PeKind>>("kinds");
        QTest::addColumn<QVector<Backbone>>("backbones");
        QTest::addColumn<int>("heads");
        QTest::addColumn<QStringList>("valid");
        QTest::addColumn<QStringList>("skipped");
        QTest::addColumn<QString>("reasonPart");
        const QVector<PeKind> all = {PeKind::None,    PeKind::Sinusoidal, PeKind::SinusoidalConcat,
                                     PeKind::Learned, PeKind::Rope,       PeKind::Alibi};
        QTest::newRow("lstm: rope and alibi skipped")
            << all << QVector<Backbone>{Backbone::Lstm} << 4
            << QStringList{"lstm · none", "lstm · sinusoidal", "lstm · sinusoidal-concat", "lstm · learned"}
            << QStringList{"lstm · rope", "lstm · alibi"} << QStringLiteral("needs an attention backbone");
        QTest::newRow("transformer: all six") << all << QVector<Backbone>{Backbone::Transformer} << 4
                                              << QStringList{"transformer · none",
                                                             "transformer · sinusoidal",
                                                             "transformer · sinusoidal-concat",
                                                             "transformer · learned",
                                                             "transformer · rope",
                                                             "transformer · alibi"}
                                              << QStringList{} << QString();
        // d_model 32 / 16 heads = 2 per head: fine; 32 / 32 = 1: rope cannot rotate pairs.
        QTest::newRow("rope with odd head size")
            << QVector<PeKind>{PeKind::Rope, PeKind::Alibi}
            << QVector<Backbone>{Backbone::Lstm, Backbone::Transformer} << 32
            << QStringList{"transformer · alibi"}
            << QStringList{"lstm · rope", "lstm · alibi", "transformer · rope"}
            << QStringLiteral("rope rotates pairs");
        QTest::newRow("nothing chosen") << QVector<PeKind>{} << QVector<Backbone>{Backbone::Lstm} << 4
                                        << QStringList{} << QStringList{} << QString();
    }

    void split() {
        QFETCH(QVector<PeKind>, kinds);
        QFETCH(QVector<Backbone>, backbones);
        QFETCH(int, heads);
        QFETCH(QStringList, valid);
        QFETCH(QStringList, skipped);
        QFETCH(QString, reasonPart);
        TrainConfig base;
        base.heads = heads;
        base.seed = 7;
        const ComparePlan plan = planComparison(base, kinds, backbones);
        QStringList validNames, skippedNames;
        for (const TrainConfig &c : plan.configs) {
            validNames << combinationName(c);
            QCOMPARE(c.seed, quint64(7));
            QVERIFY(validate(c).isEmpty());
        }
        for (const SkippedCombination &s : plan.skipped) {
            skippedNames << combinationName(s.config);
            QCOMPARE(s.reason, validate(s.config).join(QStringLiteral("; ")));
        }
        QCOMPARE(validNames, valid);
        QCOMPARE(skippedNames, skipped);
        if (!plan.skipped.isEmpty())
            QVERIFY2(plan.skipped.last().reason.contains(reasonPart), qPrintable(plan.skipped.last().reason));
    }

    void invalidBaseSkipsEverythingWithItsReason() {
        TrainConfig base;
        base.seqLen = 0;
        const ComparePlan plan =
            planComparison(base, {PeKind::Sinusoidal, PeKind::Learned}, {Backbone::Transformer});
        QCOMPARE(plan.configs.size(), 0);
        QCOMPARE(plan.skipped.size(), 2);
        QVERIFY(plan.skipped[0].reason.contains(QStringLiteral("sequence length must be at least 1")));
    }
};

QTEST_GUILESS_MAIN(TestComparePlan)
#include "test_compare_plan.moc"
