#pragma once
// A sweep: many trainings over lambda, target sparsity and precision as a scatter with its
// Pareto front; click a point to load that configuration. Run in the background from the
// "Sweep…" dialog.

#include "views/tradeoff/TradeoffPanel.h"

#include "async/BackgroundJob.h"
#include "eval/Sweep.h"

#include <memory>

class QCPGraph;
class QComboBox;
class QMouseEvent;
class QPushButton;

namespace ss {

class SweepPanel : public TradeoffPanel {
    Q_OBJECT
public:
    explicit SweepPanel(QWidget* parent = nullptr);

    QList<QWidget*> barWidgets() const override;
    bool hasContent() const override { return m_sweep && !m_sweep->rows.empty(); }
    QString runningJob() const override;
    int jobProgress() const override { return m_job.progress(); }
    void cancelJob() override { m_job.cancel(); }

    // Starts a sweep over the dataset and model of `on` (the dialog calls this).
    void start(const SnapshotPtr& on, const SweepGrid& grid, const SweepOptions& options);
    // The plot's second objective (the x axis and the Pareto front's): sparsity or
    // estimated energy.
    enum class Axis { Sparsity, Energy };
    Axis axis() const;
    void setAxis(Axis axis);
    const SweepResult* result() const { return m_sweep.get(); }
    // The grid and options of the shown sweep (sessions keep them with it).
    const SweepGrid& grid() const { return m_grid; }
    const SweepOptions& options() const { return m_options; }
    // Shows a sweep saved in a session, as belonging to the model of `modelGeneration`
    // (a later change of data or model drops it, as for a sweep run here).
    void setSweep(const SweepResult& result, const SweepGrid& grid, const SweepOptions& options,
                  std::uint64_t modelGeneration);

signals:
    // A click on a sweep point: load this configuration.
    void rowChosen(const ss::SweepRow& row, const ss::SweepOptions& options);

protected:
    void render(const Snapshot& snapshot) override;

private:
    void showSweep();
    void showNotice(const QString& text);
    void openDialog();
    void onPress(QMouseEvent* event);

    QComboBox* m_axis;
    QPushButton* m_button;
    QCPTextElement* m_title = nullptr;
    QCPItemText* m_notice = nullptr;
    QCPGraph* m_paretoLine = nullptr;
    QList<QCPGraph*> m_graphs;
    QList<QList<int>> m_rowsByGraph;
    BackgroundJob<SweepResult> m_job;
    std::unique_ptr<SweepResult> m_sweep;
    SweepOptions m_options;
    SweepGrid m_grid;
    std::uint64_t m_modelGeneration = ~std::uint64_t{0};
};

} // namespace ss
