#include "lab/compare_plan.h"

namespace posenc::core {

QVector<TrainConfig> comparisonCombinations(const TrainConfig &base, const QVector<PeKind> &kinds,
                                            const QVector<Backbone> &backbones) {
    QVector<TrainConfig> out;
    out.reserve(kinds.size() * backbones.size());
    for (Backbone backbone : backbones) {
        for (PeKind kind : kinds) {
            TrainConfig c = base;
            c.backbone = backbone;
            c.encoding.kind = kind;
            out << c;
        }
    }
    return out;
}

ComparePlan planComparison(const TrainConfig &base, const QVector<PeKind> &kinds,
                           const QVector<Backbone> &backbones) {
    ComparePlan plan;
    for (const TrainConfig &c : comparisonCombinations(base, kinds, backbones)) {
        const QStringList problems = validate(c);
        if (problems.isEmpty())
            plan.configs << c;
        else
            plan.skipped << SkippedCombination{c, problems.join(QStringLiteral("; "))};
    }
    return plan;
}

QString combinationName(const TrainConfig &config) {
    return backboneName(config.backbone) + QStringLiteral(" · ") + peKindName(config.encoding.kind);
}

} // namespace posenc::core
