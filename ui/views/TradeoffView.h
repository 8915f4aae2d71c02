#pragma once
// The tradeoff between accuracy and sparsity, three ways:
//  - the prune scan: accuracy and macro-F1 of the trained model pruned to ~100 sparsity
//    levels (no retraining), with the current position marked; drag along it to prune;
//  - a sweep: many trainings over lambda, target sparsity and precision as a scatter with
//    its Pareto front; click a point to load that configuration;
//  - for linear models, the regularisation path: every weight against lambda, with the
//    number of non-zero weights on the top axis (as glmnet draws it).
// All three are computed in the background (QtConcurrent with QPromise), cancellable.

#include "views/View.h"

#include "eval/PruneScan.h"
#include "eval/RegularizationPath.h"
#include "eval/Sweep.h"

#include <QFutureWatcher>

#include <atomic>
#include <memory>

class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QCheckBox;
class QComboBox;
class QLabel;
class QMouseEvent;
class QProgressBar;
class QPushButton;

namespace ss {

// A background job's answer: its result, or what went wrong.
template <typename T>
struct JobOutcome {
    T result;
    QString error;
};

class TradeoffView : public View {
    Q_OBJECT
public:
    explicit TradeoffView(QWidget* parent = nullptr);
    ~TradeoffView() override;

    QString id() const override { return QStringLiteral("tradeoff"); }
    QString title() const override { return QStringLiteral("Tradeoff"); }
    QList<QCustomPlot*> plots() const override { return {m_scanPlot, m_sweepPlot, m_pathPlot}; }
    bool plotHasContent(const QCustomPlot* plot) const override;

    // Starts a sweep over the current dataset and model (the dialog calls this).
    void startSweep(const SweepGrid& grid, const SweepOptions& options);
    void startPath();
    // The sweep plot's second objective (the x axis and the Pareto front's): sparsity or
    // estimated energy.
    enum class SweepAxis { Sparsity, Energy };
    SweepAxis sweepAxis() const;
    void setSweepAxis(SweepAxis axis);
    // The "Per-layer sensitivity" toggle (saved with sessions); the next render rescans.
    bool perLayerSensitivity() const;
    void setPerLayerSensitivity(bool on);
    // For tests and screenshots: whether background work is running, and its results.
    bool isBusy() const;
    const PruneScanResult* scanResult() const { return m_scan.get(); }
    // The model (generation) the shown scan belongs to.
    std::uint64_t scanModelGeneration() const { return m_scanModelGeneration; }
    const SweepResult* sweepResult() const { return m_sweep.get(); }
    const RegularizationPath* pathResult() const { return m_path.get(); }
    // The grid and options of the shown sweep (sessions keep them with it).
    const SweepGrid& sweepGrid() const { return m_sweepGrid; }
    const SweepOptions& sweepOptions() const { return m_sweepOptions; }
    // Shows a sweep saved in a session, as belonging to the model of `modelGeneration`
    // (a later change of data or model drops it, as for a sweep run here).
    void setSweep(const SweepResult& result, const SweepGrid& grid, const SweepOptions& options,
                  std::uint64_t modelGeneration);

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
    void startScan(const Snapshot& snapshot);
    void showScan();
    void greyScan(const QString& title);
    void clearScan();
    void showSweep();
    void showPath();
    void updateMarker(const Snapshot& snapshot);
    void openSweepDialog();
    void onScanPress(QMouseEvent* event);
    void onScanMove(QMouseEvent* event);
    void onSweepPress(QMouseEvent* event);
    void updateStatus();

    QLabel* m_status;
    QProgressBar* m_progress;
    QCheckBox* m_perLayer;
    QPushButton* m_sweepButton;
    QPushButton* m_pathButton;
    QPushButton* m_cancelButton;
    QComboBox* m_sweepAxis;

    QCustomPlot* m_scanPlot;
    QCustomPlot* m_sweepPlot;
    QCustomPlot* m_pathPlot;
    QWidget* m_sweepAndPath = nullptr; // the column of the sweep and path plots
    QCPTextElement* m_scanTitle = nullptr;
    QCPTextElement* m_sweepTitle = nullptr;
    QCPTextElement* m_pathTitle = nullptr;
    QCPGraph* m_scanAccuracy = nullptr;
    QCPGraph* m_scanF1 = nullptr;
    QCPGraph* m_current = nullptr;
    QCPItemStraightLine* m_currentLine = nullptr;
    QList<QCPGraph*> m_layerGraphs;
    QCPItemText* m_sweepNotice = nullptr;
    QCPItemText* m_pathNotice = nullptr;
    QCPGraph* m_paretoLine = nullptr;
    QList<QCPGraph*> m_sweepGraphs;
    QList<QList<int>> m_sweepRowsByGraph;

    QFutureWatcher<JobOutcome<PruneScanResult>> m_scanWatcher;
    QFutureWatcher<JobOutcome<SweepResult>> m_sweepWatcher;
    QFutureWatcher<JobOutcome<RegularizationPath>> m_pathWatcher;
    std::shared_ptr<std::atomic<bool>> m_scanCancel;
    std::shared_ptr<std::atomic<bool>> m_sweepCancel;
    std::shared_ptr<std::atomic<bool>> m_pathCancel;
    std::unique_ptr<PruneScanResult> m_scan;
    std::unique_ptr<SweepResult> m_sweep;
    std::unique_ptr<RegularizationPath> m_path;
    SweepOptions m_sweepOptions;
    SweepGrid m_sweepGrid;
    QString m_scanKey;          // what the shown (or running) scan was made from
    std::uint64_t m_scanModelGeneration = ~std::uint64_t{0};        // the model the shown scan is of
    std::uint64_t m_scanRunningModelGeneration = ~std::uint64_t{0}; // and the one being scanned
    QString m_pathKey;
    QString m_pathShown;        // what the path plot shows now
    std::uint64_t m_sweepModelGeneration = ~std::uint64_t{0};
    bool m_scanPressed = false;
    bool m_dragging = false;      // moved beyond the drag distance since the press
    QPointF m_pressAt;
};

} // namespace ss
