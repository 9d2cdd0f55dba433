#include "window/encoding_display.h"

#include "encoding/compute_table.h"
#include "plots/curves_view.h"
#include "plots/heatmap_view.h"
#include "plots/similarity_view.h"
#include "train/training_controller.h"

#include <QAbstractSpinBox>
#include <QApplication>

namespace posenc::ui {

namespace {
// Typing a number waits this long for the next keystroke, so 5, 51, 512 computes 512 only.
constexpr int kTypingPauseMs = 300;
} // namespace

EncodingDisplay::EncodingDisplay(const core::TrainingController *controller, HeatmapView *heatmap,
                                 CurvesView *curves, SimilarityView *similarity, QObject *parent)
    : QObject(parent), m_controller(controller), m_heatmap(heatmap), m_curves(curves),
      m_similarity(similarity), m_tables(new core::PeTableComputer(this)) {
    // The computer coalesces bursts (a slider drag, d_model and max_len set together) itself.
    connect(m_tables, &core::PeTableComputer::ready, this, &EncodingDisplay::showTable);
}

void EncodingDisplay::setSettings(const core::TrainConfig &config) {
    m_settings = config;
    m_similarity->setRunShape(config.heads, config.seqLen);
}

void EncodingDisplay::showSettings(const core::TrainConfig &config) {
    m_settings = config;
    if (!core::validate(config.encoding).isEmpty()) {
        m_tables->cancel();
        return; // the settings panel shows why; the views keep the last valid table
    }
    if (showsRunTable(config)) {
        m_tables->cancel();
        show(tableFor(config), config); // the held run's table, already computed
        return;
    }
    // Off the GUI thread; a typed number waits for the typing to pause, a slider shows at once.
    const bool typing = qobject_cast<QAbstractSpinBox *>(QApplication::focusWidget()) != nullptr;
    m_tables->request(config.encoding, config.seed, typing ? kTypingPauseMs : 0);
}

void EncodingDisplay::showRun(const core::RunRecord &run) {
    m_tables->cancel();
    show(tableOf(run), run.config);
}

void EncodingDisplay::showLiveTable(const core::PeTable &table, const core::EncodingConfig &encoding) {
    m_tables->cancel();
    showTable(table, encoding);
}

void EncodingDisplay::showTable(const core::PeTable &table, const core::EncodingConfig &encoding) {
    core::TrainConfig config = m_settings;
    config.encoding = encoding;
    show(table, config);
}

core::PeTable EncodingDisplay::tableFor(const core::TrainConfig &config) const {
    if (showsRunTable(config))
        return m_controller->currentPeTable();
    return core::computePeTable(config.encoding, config.seed);
}

core::PeTable EncodingDisplay::tableOf(const core::RunRecord &run) {
    return run.table.isEmpty() ? core::computePeTable(run.config.encoding, run.config.seed) : run.table;
}

void EncodingDisplay::show(const core::PeTable &table, const core::TrainConfig &config) {
    const core::EncodingConfig &encoding = config.encoding;
    m_heatmap->setTable(table, encoding);
    m_heatmap->setTrainedLength(config.seqLen);
    m_curves->setTable(table, encoding);
    m_similarity->setTable(table, encoding, config.heads, config.seqLen);
}

bool EncodingDisplay::showsRunTable(const core::TrainConfig &config) const {
    core::TrainConfig run;
    return config.encoding.kind == core::PeKind::Learned && m_controller->runConfig(&run) &&
           run.encoding == config.encoding && run.seed == config.seed;
}

} // namespace posenc::ui
