#include "views/tradeoff/ScanPanel.h"

#include "plot/PlotDrag.h"
#include "plot/PlotStyle.h"

#include "eval/InstantEvaluator.h"

#include <qcustomplot.h>

#include <QCheckBox>

#include <algorithm>

namespace ss {

namespace {

constexpr int kScanLevels = 100;
// Models with at most this many weights are scanned at every sparsity they can reach
// (k of n weights zero): their steps are coarser than the 100 levels, and a curve between
// sampled levels would pass beside the "model as shown" marker.
constexpr long kExactScanMaxWeights = 600;

} // namespace

ScanPanel::ScanPanel(QWidget* parent)
    : TradeoffPanel(QStringLiteral("scan"), parent)
    , m_perLayer(new QCheckBox(QStringLiteral("Per-layer sensitivity"), this))
    , m_job([this](PruneScanResult result) {
                if (!result.cancelled) {
                    m_scan = std::make_unique<PruneScanResult>(std::move(result));
                    m_modelGeneration = m_runningModelGeneration;
                    showScan();
                }
                emit jobChanged();
            },
            [this](const QString& error) {
                m_problem = QStringLiteral("Prune scan failed: %1").arg(error);
                emit jobChanged();
            },
            [this] { emit jobChanged(); })
{
    m_perLayer->setToolTip(QStringLiteral("Per-layer sensitivity: also prune each layer alone at the same levels (thin lines): which layer "
                                          "tolerates pruning, as Intel Distiller's sensitivity analysis shows."));
    QCustomPlot* p = plot();
    m_title = addTitle(QStringLiteral("Prune scan"));
    p->xAxis->setLabel(QStringLiteral("sparsity (% of weights exactly zero)"));
    p->yAxis->setLabel(QStringLiteral("test accuracy, macro-F1"));
    p->xAxis->setRange(0, 100);
    p->yAxis->setRange(0, 1.02);
    m_accuracy = p->addGraph();
    m_accuracy->setName(QStringLiteral("accuracy"));
    m_accuracy->setPen(QPen(plotcolors::accuracy(), 2.2));
    m_f1 = p->addGraph();
    m_f1->setName(QStringLiteral("macro-F1"));
    m_f1->setPen(QPen(plotcolors::f1(), 2.0));
    m_current = p->addGraph();
    m_current->setName(QStringLiteral("model as shown"));
    m_current->setLineStyle(QCPGraph::lsNone);
    m_current->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(plotcolors::threshold(), 2), QBrush(Qt::white), 11));
    m_currentLine = new QCPItemStraightLine(p);
    m_currentLine->setPen(QPen(plotcolors::threshold(), 1.5, Qt::DashLine));
    m_currentLine->point1->setCoords(0, 0);
    m_currentLine->point2->setCoords(0, 1);
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    p->setToolTip(QStringLiteral("The trained model pruned by magnitude to each sparsity, without retraining. "
                                 "Drag along the plot to prune the shown model to that sparsity."));
    new PlotDrag(p, [] { return true; },
                 [this](double x) { emit targetSparsityPicked(std::clamp(x / 100.0, 0.0, 0.999)); });
    connect(m_perLayer, &QCheckBox::toggled, this, [this] {
        m_key.clear();
        emit redrawWanted();
    });
}

QList<QWidget*> ScanPanel::barWidgets() const
{
    return {m_perLayer};
}

QString ScanPanel::runningJob() const
{
    return m_job.isRunning() ? QStringLiteral("scanning %1 sparsity levels").arg(kScanLevels) : QString();
}

bool ScanPanel::perLayerSensitivity() const
{
    return m_perLayer->isChecked();
}

void ScanPanel::setPerLayerSensitivity(bool on)
{
    // No scan now: the snapshot shown may be older than the state being restored. The next
    // render scans afresh.
    const QSignalBlocker quiet(m_perLayer);
    m_perLayer->setChecked(on);
    m_key.clear();
}

void ScanPanel::render(const Snapshot& s)
{
    const QString key = QStringLiteral("%1/%2/%3/%4/%5")
                            .arg(s.modelGeneration)
                            .arg(s.weightsVersion)
                            .arg(QString::fromStdString(s.compression.precision.label()))
                            .arg(static_cast<int>(s.compression.pruning.scope))
                            .arg(m_perLayer->isChecked());
    if (!s.running && key != m_key) {
        m_key = key;
        start(s);
    } else if (s.running && m_job.isRunning()) {
        // Training moved on: that scan would be stale before it ends. Redo it when paused.
        m_job.cancel();
        m_key.clear();
    }
    if (m_scan && m_modelGeneration != s.modelGeneration)
        clearScan(); // another model's: never under this model's marker
    if (s.running && m_scan)
        greyScan(QStringLiteral("Prune scan of the weights before training went on (grey): redone when it pauses"));
    updateMarker(s);
}

void ScanPanel::clearScan()
{
    m_scan.reset();
    m_modelGeneration = ~std::uint64_t{0};
    m_accuracy->data()->clear();
    m_f1->data()->clear();
    for (QCPGraph* graph : m_layerGraphs)
        plot()->removeGraph(graph);
    m_layerGraphs.clear();
}

void ScanPanel::greyScan(const QString& title)
{
    const QColor stale(170, 174, 182);
    m_accuracy->setPen(QPen(stale, 1.6));
    m_f1->setPen(QPen(stale, 1.6, Qt::DashLine));
    m_title->setText(title);
}

void ScanPanel::start(const Snapshot& s)
{
    // The scan on screen is of other weights now. Another model's scan goes at once (its
    // curve under this model's marker would mislead); the same model's earlier scan stays,
    // greyed, until the new one is ready.
    if (m_scan && m_modelGeneration != s.modelGeneration) {
        clearScan();
        m_title->setText(QStringLiteral("Prune scan: computing for this model\u2026"));
    } else if (m_scan) {
        greyScan(QStringLiteral("Prune scan of the weights before (grey): recomputing\u2026"));
    }
    m_runningModelGeneration = s.modelGeneration;
    m_problem.clear();
    PruneScanOptions options;
    options.levels = kScanLevels;
    options.maxSparsity = 0.999;
    options.scope = s.compression.pruning.scope;
    options.precision = s.compression.precision;
    options.perLayerSensitivity = m_perLayer->isChecked();
    const SnapshotPtr keep = snapshot();
    m_job.start([keep, options](std::atomic<bool>& cancel, const auto& progress) {
        InstantEvaluator evaluator(*keep->trained, keep->data->split.test);
        const long weights = keep->trained->weightCount();
        const bool exact = weights > 0 && weights <= kExactScanMaxWeights;
        PruneScanResult result = runPruneScan(evaluator, options, &cancel,
                                              [&](double fraction) { progress(exact ? fraction / 2 : fraction); });
        if (exact && !result.cancelled) {
            // Every level k/n once: a two-level scan from 0 to k/n, keeping its top point.
            std::vector<ScanPoint> points{result.points.front()};
            PruneScanOptions single = options;
            single.levels = 2;
            single.perLayerSensitivity = false;
            for (long k = 1; k <= weights && !cancel.load(); ++k) {
                single.maxSparsity = static_cast<double>(k) / static_cast<double>(weights);
                const PruneScanResult level = runPruneScan(evaluator, single, &cancel);
                if (level.points.size() == 2)
                    points.push_back(level.points.back());
                progress(0.5 + 0.5 * static_cast<double>(k) / static_cast<double>(weights));
            }
            result.cancelled = cancel.load();
            result.points = std::move(points);
        }
        return result;
    });
    emit jobChanged();
}

void ScanPanel::showScan()
{
    if (!m_scan)
        return;
    QVector<double> x, accuracy, f1;
    for (const ScanPoint& p : m_scan->points) {
        x << 100.0 * p.achievedSparsity;
        accuracy << p.accuracy;
        f1 << p.macroF1;
    }
    m_accuracy->setData(x, accuracy);
    m_f1->setData(x, f1);
    m_accuracy->setPen(QPen(plotcolors::accuracy(), 2.2));
    m_f1->setPen(QPen(plotcolors::f1(), 2.0));
    for (QCPGraph* graph : m_layerGraphs)
        plot()->removeGraph(graph);
    m_layerGraphs.clear();
    for (const LayerSensitivity& layer : m_scan->layers) {
        QCPGraph* graph = plot()->addGraph();
        QVector<double> lx, ly;
        for (const ScanPoint& p : layer.points) {
            lx << 100.0 * p.layerSparsity;
            ly << p.accuracy;
        }
        graph->setData(lx, ly);
        QColor color = plotcolors::forClass(layer.layer + 2);
        graph->setPen(QPen(color, 1.2, Qt::DotLine));
        graph->setName(QStringLiteral("layer %1 alone (%2 w.)").arg(layer.layer + 1).arg(formatCount(static_cast<double>(layer.weights))));
        m_layerGraphs << graph;
    }
    m_title->setText(QStringLiteral("Prune scan: %1 magnitude pruning at %2, no retraining")
                         .arg(QString::fromStdString(nameOf(m_scan->scope)),
                              QString::fromStdString(m_scan->precision.label())));
    if (snapshot())
        updateMarker(*snapshot());
    plot()->replot(QCustomPlot::rpQueuedReplot);
}

void ScanPanel::updateMarker(const Snapshot& s)
{
    const double sparsity = 100.0 * s.evaluation.weights.sparsity;
    m_current->setData(QVector<double>{sparsity}, QVector<double>{s.evaluation.report.accuracy});
    m_currentLine->point1->setCoords(sparsity, 0);
    m_currentLine->point2->setCoords(sparsity, 1);
    if (!m_scan && !m_job.isRunning())
        m_title->setText(QStringLiteral("Prune scan (computed when training pauses)"));
    plot()->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ss
