#pragma once
// The prune scan: accuracy and macro-F1 of the trained model pruned to ~100 sparsity levels
// (no retraining), with the model as shown marked; drag along it to prune. Rescanned in the
// background whenever training pauses on other weights.

#include "views/tradeoff/TradeoffPanel.h"

#include "async/BackgroundJob.h"
#include "eval/PruneScan.h"

#include <memory>

class QCPGraph;
class QCPItemStraightLine;
class QCheckBox;

namespace ss {

class ScanPanel : public TradeoffPanel {
    Q_OBJECT
public:
    explicit ScanPanel(QWidget* parent = nullptr);

    QList<QWidget*> barWidgets() const override;
    bool hasContent() const override { return m_scan && !m_scan->points.empty(); }
    QString runningJob() const override;
    int jobProgress() const override { return m_job.progress(); }
    void cancelJob() override { m_job.cancel(); }

    const PruneScanResult* result() const { return m_scan.get(); }
    // The model (generation) the shown scan belongs to.
    std::uint64_t modelGeneration() const { return m_modelGeneration; }
    // The "Per-layer sensitivity" toggle; the next render rescans.
    bool perLayerSensitivity() const;
    void setPerLayerSensitivity(bool on);

signals:
    // Dragging along the scan: prune to this sparsity.
    void targetSparsityPicked(double sparsity);

protected:
    void render(const Snapshot& snapshot) override;

private:
    void start(const Snapshot& snapshot);
    void showScan();
    void greyScan(const QString& title);
    void clearScan();
    void updateMarker(const Snapshot& snapshot);

    QCheckBox* m_perLayer;
    QCPTextElement* m_title = nullptr;
    QCPGraph* m_accuracy = nullptr;
    QCPGraph* m_f1 = nullptr;
    QCPGraph* m_current = nullptr;
    QCPItemStraightLine* m_currentLine = nullptr;
    QList<QCPGraph*> m_layerGraphs;
    BackgroundJob<PruneScanResult> m_job;
    std::unique_ptr<PruneScanResult> m_scan;
    QString m_key;                                              // what the shown (or running) scan was made from
    std::uint64_t m_modelGeneration = ~std::uint64_t{0};        // the model the shown scan is of
    std::uint64_t m_runningModelGeneration = ~std::uint64_t{0}; // and the one being scanned
};

} // namespace ss
