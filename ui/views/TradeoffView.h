#pragma once
// The tradeoff between accuracy and sparsity, three ways, each a panel of its own
// (views/tradeoff/): the prune scan, a sweep with its Pareto front, and for linear models the
// regularisation path. All three compute in the background (async/BackgroundJob.h),
// cancellable from the bar above them, which shows what runs and how far it is.

#include "views/View.h"

#include "views/tradeoff/PathPanel.h"
#include "views/tradeoff/ScanPanel.h"
#include "views/tradeoff/SweepPanel.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace ss {

class TradeoffView : public View {
    Q_OBJECT
public:
    explicit TradeoffView(QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("tradeoff"); }
    QString title() const override { return QStringLiteral("Tradeoff"); }
    QList<QCustomPlot*> plots() const override { return {m_scan->plot(), m_sweep->plot(), m_path->plot()}; }
    bool plotHasContent(const QCustomPlot* plot) const override;
    // The prune scan, the sweep and the per-layer switch.
    void saveSessionState(Session& session, const Snapshot& shown) const override;
    void restoreSessionState(const Session& session) override;
    void restoreSessionResults(const Session& session, std::uint64_t modelGeneration) override;

    // Starts a sweep over the current dataset and model (the dialog calls this).
    void startSweep(const SweepGrid& grid, const SweepOptions& options) { m_sweep->start(snapshot(), grid, options); }
    void startPath() { m_path->start(snapshot()); }
    using SweepAxis = SweepPanel::Axis;
    SweepAxis sweepAxis() const { return m_sweep->axis(); }
    void setSweepAxis(SweepAxis axis) { m_sweep->setAxis(axis); }
    // The "Per-layer sensitivity" toggle (saved with sessions); the next render rescans.
    bool perLayerSensitivity() const { return m_scan->perLayerSensitivity(); }
    void setPerLayerSensitivity(bool on) { m_scan->setPerLayerSensitivity(on); }
    // For tests and screenshots: whether background work is running, and its results.
    bool isBusy() const;
    const PruneScanResult* scanResult() const { return m_scan->result(); }
    // The model (generation) the shown scan belongs to.
    std::uint64_t scanModelGeneration() const { return m_scan->modelGeneration(); }
    const SweepResult* sweepResult() const { return m_sweep->result(); }
    const RegularizationPath* pathResult() const { return m_path->result(); }
    // The grid and options of the shown sweep (sessions keep them with it).
    const SweepGrid& sweepGrid() const { return m_sweep->grid(); }
    const SweepOptions& sweepOptions() const { return m_sweep->options(); }
    // Shows a sweep saved in a session (SweepPanel::setSweep).
    void setSweep(const SweepResult& result, const SweepGrid& grid, const SweepOptions& options,
                  std::uint64_t modelGeneration)
    {
        m_sweep->setSweep(result, grid, options, modelGeneration);
    }

signals:
    // Dragging along the scan: prune to this sparsity.
    void targetSparsityPicked(double sparsity);
    // A click on a sweep point: load this configuration.
    void sweepRowChosen(const ss::SweepRow& row, const ss::SweepOptions& options);

protected:
    void render(const Snapshot& snapshot) override;
    // A narrow tile: the prune scan alone, the sweep and path hidden.
    void fitPanelsToWidth() override;

private:
    QList<TradeoffPanel*> panels() const { return {m_scan, m_sweep, m_path}; }
    void updateStatus();

    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_cancelButton;
    ScanPanel* m_scan;
    SweepPanel* m_sweep;
    PathPanel* m_path;
    QWidget* m_sweepAndPath = nullptr; // the column of the sweep and path panels
};

} // namespace ss
