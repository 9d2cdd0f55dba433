#pragma once
// Which PE table the encoding views (heatmap, curves, similarity) show, and with which shape: the
// settings' table (computed off the GUI thread, a typed number waiting for the typing to pause), the
// held learned run's table as it trains, or a selected run's. It is told the settings through the
// panel's signals and keeps the last ones; it never reads a widget.

#include "encoding/pe_table.h"
#include "encoding/pe_table_computer.h"
#include "lab/run_record.h"
#include "settings/config.h"

#include <QObject>

namespace posenc::core {
class TrainingController;
}

namespace posenc::ui {

class CurvesView;
class HeatmapView;
class SimilarityView;

class EncodingDisplay : public QObject {
    Q_OBJECT
public:
    // Shows in the three views; `controller` (read only) holds the run whose learned table may be
    // the one shown.
    EncodingDisplay(const core::TrainingController *controller, HeatmapView *heatmap, CurvesView *curves,
                    SimilarityView *similarity, QObject *parent = nullptr);

    // The settings changed (any field): kept, and their heads and seq_len reach the similarity view.
    void setSettings(const core::TrainConfig &config);
    // The settings' encoding changed: keeps `config` and shows its table.
    void showSettings(const core::TrainConfig &config);
    // Shows the last settings' table again (after a reset, or when no run is selected).
    void showSettings() { showSettings(m_settings); }
    // Shows a run's table (as trained, or the one its settings start from) with its shape.
    void showRun(const core::RunRecord &run);
    // Shows the live run's learned table of `encoding` as it trains (newer than any table asked for
    // before), in the settings' shape.
    void showLiveTable(const core::PeTable &table, const core::EncodingConfig &encoding);
    // The table shown for `config` (and written by the PE CSV export): the held run's as trained
    // when `config` is its learned encoding, else the one a new run starts from.
    core::PeTable tableFor(const core::TrainConfig &config) const;
    // The last settings told.
    const core::TrainConfig &settings() const { return m_settings; }
    // A run's table: as trained, or the one its settings start from.
    static core::PeTable tableOf(const core::RunRecord &run);

private:
    // Shows `table` of `encoding` in the settings' shape.
    void showTable(const core::PeTable &table, const core::EncodingConfig &encoding);
    // Shows `table` in `config`'s encoding and shape.
    void show(const core::PeTable &table, const core::TrainConfig &config);
    // True when a learned encoding is shown as the held run's table (trained, or loaded from a
    // checkpoint) rather than as the table a new run starts from.
    bool showsRunTable(const core::TrainConfig &config) const;

    const core::TrainingController *m_controller;
    HeatmapView *m_heatmap;
    CurvesView *m_curves;
    SimilarityView *m_similarity;
    core::PeTableComputer *m_tables; // computes the settings' table off the GUI thread
    core::TrainConfig m_settings;    // the settings as last told
};

} // namespace posenc::ui
