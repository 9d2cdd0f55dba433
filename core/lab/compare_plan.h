#pragma once
// The combinations of a comparison (the headless --compare and the window's Compare… dialog): one run
// per backbone x encoding, each with the base settings (same seed, data and probe lengths), split into
// the valid ones and the skipped ones with the reason core::check gives. LibTorch-free.

#include "settings/config.h"

namespace posenc::core {

// A combination that cannot train, with why (core::check's messages, joined by "; ").
struct SkippedCombination {
    TrainConfig config;
    QString reason;
};

// What a comparison will train (in order) and what it leaves out.
struct ComparePlan {
    QVector<TrainConfig> configs;
    QVector<SkippedCombination> skipped;
};

// Every combination, backbones outer and encodings inner, each a copy of `base` with that backbone
// and kind; valid or not.
QVector<TrainConfig> comparisonCombinations(const TrainConfig &base, const QVector<PeKind> &kinds,
                                            const QVector<Backbone> &backbones);
// The same combinations split into the valid configs and the skipped ones with their reason.
ComparePlan planComparison(const TrainConfig &base, const QVector<PeKind> &kinds,
                           const QVector<Backbone> &backbones);
// "lstm · rope", the short label of a combination in lists of skipped runs.
QString combinationName(const TrainConfig &config);

} // namespace posenc::core
