#pragma once
// Training ▸ Compare…: checkboxes for the encodings and backbones to compare with the current
// settings (same seed, data and probe lengths), a live line that says how many runs will be queued
// and which combinations are skipped and why, and an OK button "Queue N runs". The checked boxes
// persist in QSettings (compare/kinds, compare/backbones).

#include "lab/compare_plan.h"
#include "settings/config.h"

#include <QDialog>
#include <QPair>
#include <QVector>

class QCheckBox;
class QLabel;
class QPushButton;

namespace posenc::ui {

class CompareDialog : public QDialog {
    Q_OBJECT
public:
    // Boxes preset to the last comparison's choice plus `current`'s kind and backbone.
    explicit CompareDialog(const core::TrainConfig &current, QWidget *parent = nullptr);

    // The valid runs of the checked combinations, backbones outer, encodings inner.
    QVector<core::TrainConfig> configs() const { return m_plan.configs; }
    // The checked combinations split into valid runs and skipped ones with their reason.
    const core::ComparePlan &plan() const { return m_plan; }
    // The checked kinds and backbones, in menu order.
    QVector<core::PeKind> checkedKinds() const;
    QVector<core::Backbone> checkedBackbones() const;
    // The live line under the boxes (e.g. for a test or the status bar).
    QString summary() const;
    // Saves the checked boxes, then closes with Accepted.
    void accept() override;

private:
    QWidget *makeKindBoxes();
    QWidget *makeBackboneBoxes();
    void presetBoxes();
    void updatePlan();

    core::TrainConfig m_current;
    core::ComparePlan m_plan;
    QVector<QPair<core::PeKind, QCheckBox *>> m_kinds;
    QVector<QPair<core::Backbone, QCheckBox *>> m_backbones;
    QLabel *m_summary = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace posenc::ui
