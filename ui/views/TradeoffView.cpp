#include "views/TradeoffView.h"

#include "engine/Engine.h"
#include "plot/PlotStyle.h"

#include "common/Error.h"
#include "eval/Pareto.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <map>

namespace ss {

namespace {

constexpr int kScanLevels = 100;
// Models with at most this many weights are scanned at every sparsity they can reach
// (k of n weights zero): their steps are coarser than the 100 levels, and a curve between
// sampled levels would pass beside the "model as shown" marker.
constexpr long kExactScanMaxWeights = 600;
constexpr int kPathLambdas = 40;
constexpr int kAutoPathMaxSamples = 5000;

QCPTextElement* addTitle(QCustomPlot* plot, const QString& text)
{
    plot->plotLayout()->insertRow(0);
    auto* title = new WrappingTitle(plot, text, plotFont(0, true));
    title->setTextColor(plotcolors::text());
    plot->plotLayout()->addElement(0, 0, title);
    return title;
}

QCPItemText* addNotice(QCustomPlot* plot)
{
    auto* notice = new QCPItemText(plot);
    notice->setClipToAxisRect(false);
    notice->position->setType(QCPItemPosition::ptAxisRectRatio);
    notice->position->setCoords(0.5, 0.5);
    notice->setFont(plotFont(0));
    notice->setColor(plotcolors::mutedText());
    notice->setTextAlignment(Qt::AlignCenter);
    notice->setBrush(QBrush(QColor(255, 255, 255, 220)));
    notice->setPadding(QMargins(8, 6, 8, 6));
    return notice;
}

// An empty field is no lambdas; otherwise the sweep command's list (eval/Sweep.h).
std::vector<double> lambdasFrom(const QLineEdit* field)
{
    const std::string text = field->text().trimmed().toStdString();
    return text.empty() ? std::vector<double>{} : parseLambdaList(text);
}

QColor precisionColor(const QuantizationSpec& spec)
{
    switch (spec.format) {
    case QuantizationSpec::Format::Float32: return plotcolors::forClass(0);
    case QuantizationSpec::Format::Float16: return plotcolors::forClass(5);
    case QuantizationSpec::Format::BFloat16: return plotcolors::forClass(9);
    case QuantizationSpec::Format::Ternary: return plotcolors::forClass(6);
    case QuantizationSpec::Format::Binary: return plotcolors::forClass(8);
    case QuantizationSpec::Format::Int:
        return spec.bits >= 8 ? plotcolors::forClass(2) : spec.bits >= 5 ? plotcolors::forClass(4)
             : spec.bits >= 3 ? plotcolors::forClass(1) : plotcolors::forClass(3);
    }
    return plotcolors::forClass(0);
}

} // namespace

TradeoffView::TradeoffView(QWidget* parent)
    : View(parent)
    , m_status(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_perLayer(new QCheckBox(QStringLiteral("Per-layer sensitivity"), this))
    , m_sweepButton(new QPushButton(QStringLiteral("Sweep\u2026"), this))
    , m_pathButton(new QPushButton(QStringLiteral("\u03bb path"), this))
    , m_cancelButton(new QPushButton(QStringLiteral("Cancel"), this))
    , m_sweepAxis(new QComboBox(this))
    , m_scanPlot(new QCustomPlot(this))
    , m_sweepPlot(new QCustomPlot(this))
    , m_pathPlot(new QCustomPlot(this))
{
    // Exported files are named after the plots: tradeoff-scan.png, tradeoff-sweep.png, tradeoff-path.png.
    m_scanPlot->setObjectName(QStringLiteral("scan"));
    m_sweepPlot->setObjectName(QStringLiteral("sweep"));
    m_pathPlot->setObjectName(QStringLiteral("path"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(8, 4, 8, 4);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(120);
    m_progress->setMaximumHeight(16);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_cancelButton->hide();
    m_sweepAxis->addItem(QStringLiteral("sparsity"));
    m_sweepAxis->addItem(QStringLiteral("energy"));
    m_sweepAxis->setToolTip(QStringLiteral("Second objective of the sweep plot and its Pareto front: sparsity (higher is "
                                           "better) or estimated energy per inference (lower is better)."));
    m_perLayer->setToolTip(QStringLiteral("Per-layer sensitivity: also prune each layer alone at the same levels (thin lines): which layer "
                                          "tolerates pruning, as Intel Distiller's sensitivity analysis shows."));
    m_sweepButton->setToolTip(QStringLiteral("Train the current model over a grid of \u03bb, target sparsity and precision, "
                                             "and plot every configuration with the Pareto front."));
    m_pathButton->setToolTip(QStringLiteral("Regularisation path, for logistic regression: the exact L1 / elastic-net solution at 40 decreasing \u03bb "
                                            "(coordinate descent, as glmnet) with every weight drawn against \u03bb."));
    bar->addWidget(m_status, 1);
    bar->addWidget(m_progress);
    bar->addWidget(m_cancelButton);
    bar->addSpacing(12);
    bar->addWidget(m_perLayer);
    bar->addWidget(m_sweepAxis);
    bar->addWidget(m_sweepButton);
    bar->addWidget(m_pathButton);
    layout->addLayout(bar);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_scanPlot);
    auto* right = new QSplitter(Qt::Vertical);
    m_sweepAndPath = right;
    right->setChildrenCollapsible(false);
    right->addWidget(m_sweepPlot);
    right->addWidget(m_pathPlot);
    splitter->addWidget(right);
    splitter->setSizes({1100, 900});
    layout->addWidget(splitter, 1);

    // Prune scan
    stylePlot(m_scanPlot);
    m_scanTitle = addTitle(m_scanPlot, QStringLiteral("Prune scan"));
    m_scanPlot->xAxis->setLabel(QStringLiteral("sparsity (% of weights exactly zero)"));
    m_scanPlot->yAxis->setLabel(QStringLiteral("test accuracy, macro-F1"));
    m_scanPlot->xAxis->setRange(0, 100);
    m_scanPlot->yAxis->setRange(0, 1.02);
    m_scanAccuracy = m_scanPlot->addGraph();
    m_scanAccuracy->setName(QStringLiteral("accuracy"));
    m_scanAccuracy->setPen(QPen(plotcolors::accuracy(), 2.2));
    m_scanF1 = m_scanPlot->addGraph();
    m_scanF1->setName(QStringLiteral("macro-F1"));
    m_scanF1->setPen(QPen(plotcolors::f1(), 2.0));
    m_current = m_scanPlot->addGraph();
    m_current->setName(QStringLiteral("model as shown"));
    m_current->setLineStyle(QCPGraph::lsNone);
    m_current->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(plotcolors::threshold(), 2), QBrush(Qt::white), 11));
    m_currentLine = new QCPItemStraightLine(m_scanPlot);
    m_currentLine->setPen(QPen(plotcolors::threshold(), 1.5, Qt::DashLine));
    m_currentLine->point1->setCoords(0, 0);
    m_currentLine->point2->setCoords(0, 1);
    m_scanPlot->legend->setVisible(true);
    m_scanPlot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    m_scanPlot->setToolTip(QStringLiteral("The trained model pruned by magnitude to each sparsity, without retraining. "
                                          "Drag along the plot to prune the shown model to that sparsity."));
    connect(m_scanPlot, &QCustomPlot::mousePress, this, &TradeoffView::onScanPress);
    connect(m_scanPlot, &QCustomPlot::mouseMove, this, &TradeoffView::onScanMove);
    connect(m_scanPlot, &QCustomPlot::mouseRelease, this, [this] {
        m_scanPressed = false;
        m_dragging = false;
    });

    // Sweep
    stylePlot(m_sweepPlot);
    m_sweepTitle = addTitle(m_sweepPlot, QStringLiteral("Sweep and Pareto front"));
    m_sweepPlot->yAxis->setLabel(QStringLiteral("test accuracy"));
    m_sweepPlot->xAxis->setLabel(QStringLiteral("sparsity (%)"));
    m_paretoLine = m_sweepPlot->addGraph();
    m_paretoLine->setName(QStringLiteral("Pareto front"));
    m_paretoLine->setPen(QPen(QColor(40, 40, 40), 1.6, Qt::DashLine));
    m_paretoLine->setLineStyle(QCPGraph::lsStepLeft);
    m_sweepPlot->xAxis->setRange(0, 100);
    m_sweepPlot->yAxis->setRange(0, 1.02);
    m_sweepNotice = addNotice(m_sweepPlot);
    m_sweepNotice->setText(QStringLiteral("No sweep yet. \u201cSweep\u2026\u201d trains the model over a grid of\n"
                                          "\u03bb, target sparsity and precision; click a point to load it."));
    // The legend in a row of its own under the title: inside the rect it hid points.
    QCPLegend* sweepLegend = m_sweepPlot->legend;
    m_sweepPlot->axisRect()->insetLayout()->take(sweepLegend);
    m_sweepPlot->axisRect()->insetLayout()->simplify();
    m_sweepPlot->plotLayout()->insertRow(1);
    m_sweepPlot->plotLayout()->addElement(1, 0, sweepLegend);
    m_sweepPlot->plotLayout()->setRowStretchFactor(1, 0.001);
    sweepLegend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    sweepLegend->setWrap(6);
    sweepLegend->setBorderPen(Qt::NoPen);
    sweepLegend->setBrush(Qt::NoBrush);
    sweepLegend->setColumnSpacing(14);
    sweepLegend->setVisible(true);
    m_sweepPlot->setToolTip(QStringLiteral("Every configuration of the sweep; the dashed line is the Pareto front (no other "
                                           "configuration is better on both axes). Click a point to load its settings."));
    connect(m_sweepPlot, &QCustomPlot::mousePress, this, &TradeoffView::onSweepPress);

    // Regularisation path
    stylePlot(m_pathPlot);
    m_pathTitle = addTitle(m_pathPlot, QStringLiteral("Regularisation path"));
    m_pathPlot->xAxis->setLabel(QStringLiteral("\u03bb (log scale)"));
    m_pathPlot->yAxis->setLabel(QStringLiteral("weight"));
    m_pathPlot->xAxis->setScaleType(QCPAxis::stLogarithmic);
    m_pathPlot->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_pathPlot->xAxis2->setVisible(true);
    m_pathPlot->xAxis2->setScaleType(QCPAxis::stLogarithmic);
    m_pathPlot->xAxis2->setLabel(QStringLiteral("non-zero weights"));
    m_pathPlot->yAxis2->setVisible(true);
    m_pathPlot->yAxis2->setRange(0, 1.02);
    m_pathPlot->yAxis2->setLabel(QStringLiteral("test accuracy (dotted)"));
    styleAxis(m_pathPlot->xAxis2);
    styleAxis(m_pathPlot->yAxis2);
    connect(m_pathPlot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), m_pathPlot->xAxis2,
            qOverload<const QCPRange&>(&QCPAxis::setRange));
    m_pathNotice = addNotice(m_pathPlot);

    connect(&m_scanWatcher, &QFutureWatcherBase::finished, this, [this] {
        if (m_scanWatcher.future().resultCount() == 0)
            return;
        JobOutcome<PruneScanResult> outcome = m_scanWatcher.result();
        if (!outcome.error.isEmpty()) {
            m_status->setText(QStringLiteral("Prune scan failed: %1").arg(outcome.error));
        } else if (!outcome.result.cancelled) {
            m_scan = std::make_unique<PruneScanResult>(std::move(outcome.result));
            m_scanModelGeneration = m_scanRunningModelGeneration;
            showScan();
        }
        updateStatus();
    });
    connect(&m_sweepWatcher, &QFutureWatcherBase::finished, this, [this] {
        if (m_sweepWatcher.future().resultCount() == 0)
            return;
        JobOutcome<SweepResult> outcome = m_sweepWatcher.result();
        if (!outcome.error.isEmpty()) {
            m_sweepNotice->setText(QStringLiteral("The sweep failed:\n%1").arg(outcome.error));
            m_sweepNotice->setVisible(true);
            m_sweepPlot->replot(QCustomPlot::rpQueuedReplot);
        } else {
            m_sweep = std::make_unique<SweepResult>(std::move(outcome.result));
            showSweep();
        }
        updateStatus();
    });
    connect(&m_pathWatcher, &QFutureWatcherBase::finished, this, [this] {
        if (m_pathWatcher.future().resultCount() == 0)
            return;
        JobOutcome<RegularizationPath> outcome = m_pathWatcher.result();
        if (!outcome.error.isEmpty()) {
            m_pathShown.clear();
            m_pathNotice->setText(QStringLiteral("The path failed:\n%1").arg(outcome.error));
            m_pathNotice->setVisible(true);
            m_pathPlot->replot(QCustomPlot::rpQueuedReplot);
        } else if (!outcome.result.points.empty()) {
            m_path = std::make_unique<RegularizationPath>(std::move(outcome.result));
            showPath();
        }
        updateStatus();
    });
    for (auto* watcher : std::initializer_list<QFutureWatcherBase*>{&m_scanWatcher, &m_sweepWatcher, &m_pathWatcher})
        connect(watcher, &QFutureWatcherBase::progressValueChanged, this, [this] { updateStatus(); });

    connect(m_perLayer, &QCheckBox::toggled, this, [this] {
        m_scanKey.clear();
        if (snapshot())
            renderNow();
    });
    connect(m_sweepAxis, &QComboBox::currentIndexChanged, this, [this] { showSweep(); });
    connect(m_sweepButton, &QPushButton::clicked, this, &TradeoffView::openSweepDialog);
    connect(m_pathButton, &QPushButton::clicked, this, [this] {
        m_pathKey.clear();
        startPath();
    });
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        for (const auto& flag : {m_scanCancel, m_sweepCancel, m_pathCancel})
            if (flag)
                flag->store(true);
    });
    showPath();
}

void TradeoffView::fitPanelsToWidth()
{
    // Three plots in a narrow tile are three unreadable ones: the scan alone then.
    const bool shown = !inTile() || width() >= 40 * fontMetrics().height();
    if (m_sweepAndPath->isVisibleTo(this) == shown)
        return;
    m_sweepAndPath->setVisible(shown);
    // The scan takes the whole width then, and gives it back after.
    auto* splitter = static_cast<QSplitter*>(m_sweepAndPath->parentWidget());
    splitter->setSizes(shown ? QList<int>{1100, 900} : QList<int>{1, 0});
}

TradeoffView::~TradeoffView()
{
    // Tell the jobs to stop and let them finish: they hold snapshots, not this view.
    for (const auto& flag : {m_scanCancel, m_sweepCancel, m_pathCancel})
        if (flag)
            flag->store(true);
    m_scanWatcher.waitForFinished();
    m_sweepWatcher.waitForFinished();
    m_pathWatcher.waitForFinished();
}

bool TradeoffView::plotHasContent(const QCustomPlot* plot) const
{
    if (plot == m_scanPlot)
        return m_scan && !m_scan->points.empty();
    if (plot == m_sweepPlot)
        return m_sweep && !m_sweep->rows.empty();
    if (plot == m_pathPlot)
        return m_path && !m_pathNotice->visible();
    return false;
}

TradeoffView::SweepAxis TradeoffView::sweepAxis() const
{
    return m_sweepAxis->currentIndex() == 1 ? SweepAxis::Energy : SweepAxis::Sparsity;
}

void TradeoffView::setSweepAxis(SweepAxis axis)
{
    m_sweepAxis->setCurrentIndex(axis == SweepAxis::Energy ? 1 : 0); // redraws through currentIndexChanged
}

bool TradeoffView::perLayerSensitivity() const
{
    return m_perLayer->isChecked();
}

void TradeoffView::setPerLayerSensitivity(bool on)
{
    // No scan now: the snapshot shown may be older than the state being restored. The next
    // render scans afresh.
    const QSignalBlocker quiet(m_perLayer);
    m_perLayer->setChecked(on);
    m_scanKey.clear();
}

bool TradeoffView::isBusy() const
{
    return m_scanWatcher.isRunning() || m_sweepWatcher.isRunning() || m_pathWatcher.isRunning();
}

void TradeoffView::updateStatus()
{
    QStringList jobs;
    int progress = 1000;
    if (m_scanWatcher.isRunning()) {
        jobs << QStringLiteral("scanning %1 sparsity levels").arg(kScanLevels);
        progress = std::min(progress, m_scanWatcher.progressValue());
    }
    if (m_sweepWatcher.isRunning()) {
        jobs << QStringLiteral("sweep");
        progress = std::min(progress, m_sweepWatcher.progressValue());
    }
    if (m_pathWatcher.isRunning()) {
        jobs << QStringLiteral("regularisation path");
        progress = std::min(progress, m_pathWatcher.progressValue());
    }
    m_progress->setVisible(!jobs.isEmpty());
    m_cancelButton->setVisible(!jobs.isEmpty());
    m_progress->setValue(progress);
    if (!jobs.isEmpty()) {
        m_status->setText(QStringLiteral("Working: %1\u2026").arg(jobs.join(QStringLiteral(", "))));
        return;
    }
    const SnapshotPtr& s = snapshot();
    if (s && s->running)
        m_status->setText(QStringLiteral("Training: the scan is redone when training pauses."));
    else if (m_scan)
        m_status->setText(QStringLiteral("Drag along the scan to prune the shown model; the red circle is where it is now."));
    else
        m_status->setText(QString());
}

void TradeoffView::render(const Snapshot& s)
{
    const QString key = QStringLiteral("%1/%2/%3/%4/%5")
                            .arg(s.modelGeneration)
                            .arg(s.weightsVersion)
                            .arg(QString::fromStdString(s.compression.precision.label()))
                            .arg(static_cast<int>(s.compression.pruning.scope))
                            .arg(m_perLayer->isChecked());
    if (!s.running && key != m_scanKey) {
        m_scanKey = key;
        startScan(s);
    } else if (s.running && m_scanWatcher.isRunning() && m_scanCancel) {
        // Training moved on: that scan would be stale before it ends. Redo it when paused.
        m_scanCancel->store(true);
        m_scanKey.clear();
    }
    if (m_scan && m_scanModelGeneration != s.modelGeneration)
        clearScan(); // another model's: never under this model's marker
    if (s.running && m_scan)
        greyScan(QStringLiteral("Prune scan of the weights before training went on (grey): redone when it pauses"));
    if (s.modelGeneration != m_sweepModelGeneration && !m_sweepWatcher.isRunning()) {
        // A sweep belongs to the data and model it ran on.
        if (m_sweep && m_sweepModelGeneration != ~std::uint64_t{0} && s.reason == Snapshot::Reason::Data) {
            m_sweep.reset();
            showSweep();
        }
        m_sweepModelGeneration = s.modelGeneration;
    }
    const bool linear = s.trained && s.trained->architecture().hidden.empty();
    const QString pathKey = QStringLiteral("%1/%2/%3").arg(s.modelGeneration).arg(s.datasetRequest.nameOrPath.c_str())
                                .arg(s.training.regularization.l1 + s.training.regularization.l2 > 0
                                         ? s.training.regularization.l1 / (s.training.regularization.l1 + s.training.regularization.l2)
                                         : 1.0);
    m_pathButton->setEnabled(linear);
    if (linear && !s.running && pathKey != m_pathKey && s.data->split.train.sampleCount() <= kAutoPathMaxSamples)
        startPath();
    if (!linear && m_path) {
        m_path.reset();
        m_pathKey.clear();
    }
    if (!m_path || !linear)
        showPath();
    updateMarker(s);
    updateStatus();
}

void TradeoffView::clearScan()
{
    m_scan.reset();
    m_scanModelGeneration = ~std::uint64_t{0};
    m_scanAccuracy->data()->clear();
    m_scanF1->data()->clear();
    for (QCPGraph* graph : m_layerGraphs)
        m_scanPlot->removeGraph(graph);
    m_layerGraphs.clear();
}

void TradeoffView::greyScan(const QString& title)
{
    const QColor stale(170, 174, 182);
    m_scanAccuracy->setPen(QPen(stale, 1.6));
    m_scanF1->setPen(QPen(stale, 1.6, Qt::DashLine));
    m_scanTitle->setText(title);
}

void TradeoffView::startScan(const Snapshot& s)
{
    if (m_scanCancel)
        m_scanCancel->store(true);
    // The scan on screen is of other weights now. Another model's scan goes at once (its
    // curve under this model's marker would mislead); the same model's earlier scan stays,
    // greyed, until the new one is ready.
    if (m_scan && m_scanModelGeneration != s.modelGeneration) {
        clearScan();
        m_scanTitle->setText(QStringLiteral("Prune scan: computing for this model\u2026"));
    } else if (m_scan) {
        greyScan(QStringLiteral("Prune scan of the weights before (grey): recomputing\u2026"));
    }
    m_scanRunningModelGeneration = s.modelGeneration;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_scanCancel = cancel;
    PruneScanOptions options;
    options.levels = kScanLevels;
    options.maxSparsity = 0.999;
    options.scope = s.compression.pruning.scope;
    options.precision = s.compression.precision;
    options.perLayerSensitivity = m_perLayer->isChecked();
    const SnapshotPtr keep = snapshot();
    m_scanWatcher.setFuture(QtConcurrent::run([keep, options, cancel](QPromise<JobOutcome<PruneScanResult>>& promise) {
        lowerThisThreadsPriority();
        promise.setProgressRange(0, 1000);
        JobOutcome<PruneScanResult> outcome;
        try {
            InstantEvaluator evaluator(*keep->trained, keep->data->split.test);
            const long weights = keep->trained->weightCount();
            const bool exact = weights > 0 && weights <= kExactScanMaxWeights;
            const auto progress = [&](double fraction) {
                promise.setProgressValue(static_cast<int>(fraction * (exact ? 500 : 1000)));
                if (promise.isCanceled())
                    cancel->store(true);
            };
            outcome.result = runPruneScan(evaluator, options, cancel.get(), progress);
            if (exact && !outcome.result.cancelled) {
                // Every level k/n once: a two-level scan from 0 to k/n, keeping its top point.
                std::vector<ScanPoint> points{outcome.result.points.front()};
                PruneScanOptions single = options;
                single.levels = 2;
                single.perLayerSensitivity = false;
                for (long k = 1; k <= weights && !cancel->load(); ++k) {
                    single.maxSparsity = static_cast<double>(k) / static_cast<double>(weights);
                    const PruneScanResult level = runPruneScan(evaluator, single, cancel.get());
                    if (level.points.size() == 2)
                        points.push_back(level.points.back());
                    promise.setProgressValue(500 + static_cast<int>(500 * k / weights));
                }
                outcome.result.cancelled = cancel->load();
                outcome.result.points = std::move(points);
            }
        } catch (const std::exception& error) {
            outcome.error = QString::fromStdString(error.what());
        }
        promise.addResult(std::move(outcome));
    }));
    updateStatus();
}

void TradeoffView::showScan()
{
    if (!m_scan)
        return;
    QVector<double> x, accuracy, f1;
    for (const ScanPoint& p : m_scan->points) {
        x << 100.0 * p.achievedSparsity;
        accuracy << p.accuracy;
        f1 << p.macroF1;
    }
    m_scanAccuracy->setData(x, accuracy);
    m_scanF1->setData(x, f1);
    m_scanAccuracy->setPen(QPen(plotcolors::accuracy(), 2.2));
    m_scanF1->setPen(QPen(plotcolors::f1(), 2.0));
    for (QCPGraph* graph : m_layerGraphs)
        m_scanPlot->removeGraph(graph);
    m_layerGraphs.clear();
    for (const LayerSensitivity& layer : m_scan->layers) {
        QCPGraph* graph = m_scanPlot->addGraph();
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
    m_scanTitle->setText(QStringLiteral("Prune scan: %1 magnitude pruning at %2, no retraining")
                             .arg(QString::fromStdString(nameOf(m_scan->scope)),
                                  QString::fromStdString(m_scan->precision.label())));
    if (snapshot())
        updateMarker(*snapshot());
    m_scanPlot->replot(QCustomPlot::rpQueuedReplot);
}

void TradeoffView::updateMarker(const Snapshot& s)
{
    const double sparsity = 100.0 * s.evaluation.weights.sparsity;
    m_current->setData(QVector<double>{sparsity}, QVector<double>{s.evaluation.report.accuracy});
    m_currentLine->point1->setCoords(sparsity, 0);
    m_currentLine->point2->setCoords(sparsity, 1);
    if (!m_scan && !m_scanWatcher.isRunning())
        m_scanTitle->setText(QStringLiteral("Prune scan (computed when training pauses)"));
    m_scanPlot->replot(QCustomPlot::rpQueuedReplot);
}

void TradeoffView::onScanPress(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    // Only a drag prunes: a click leaves the model as it is.
    m_scanPressed = true;
    m_dragging = false;
    m_pressAt = event->position();
}

void TradeoffView::onScanMove(QMouseEvent* event)
{
    if (!m_scanPressed || !(event->buttons() & Qt::LeftButton))
        return;
    if (!m_dragging) {
        if ((event->position() - m_pressAt).manhattanLength() < QApplication::startDragDistance())
            return;
        m_dragging = true;
    }
    const double x = m_scanPlot->xAxis->pixelToCoord(event->position().x());
    emit targetSparsityPicked(std::clamp(x / 100.0, 0.0, 0.999));
}

void TradeoffView::openSweepDialog()
{
    const SnapshotPtr& s = snapshot();
    if (!s)
        return;
    QDialog dialog(this);
    dialog.setWindowTitle(QStringLiteral("Sweep"));
    auto* form = new QFormLayout(&dialog);
    auto* intro = new QLabel(QStringLiteral(
        "Trains <b>%1</b> on <b>%2</b> once per \u03bb (same seed, optimiser and batch size as now), then prunes each "
        "to every target sparsity and rounds to every precision. Lists are separated by commas or spaces.")
                                 .arg(QString::fromStdString(s->trained->architecture().describe()),
                                      QString::fromStdString(s->datasetRequest.nameOrPath)));
    intro->setWordWrap(true);
    form->addRow(intro);
    auto* l1 = new QLineEdit(QStringLiteral("0, 1e-4, 1e-3, 3e-3"));
    auto* l2 = new QLineEdit;
    auto* sparsities = new QLineEdit(QStringLiteral("0, 50%, 80%, 90%, 95%"));
    auto* precisions = new QLineEdit(QStringLiteral("fp32, int8, int4, int2"));
    // Wide enough for a list longer than the default one, typed without scrolling.
    const int listWidth = l1->fontMetrics().horizontalAdvance(QStringLiteral("0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2")) + 24;
    for (QLineEdit* field : {l1, l2, sparsities, precisions})
        field->setMinimumWidth(listWidth);
    auto* perRow = new QCheckBox(QStringLiteral("integer formats per row"));
    auto* epochs = new QSpinBox;
    epochs->setRange(1, 1000);
    const int trainSamples = s->data->split.train.sampleCount();
    epochs->setValue(trainSamples > 20000 ? 3 : trainSamples > 2000 ? 10 : 40);
    auto* fineTune = new QSpinBox;
    fineTune->setRange(0, 100);
    auto* folds = new QSpinBox;
    folds->setRange(0, 10);
    folds->setSpecialValueText(QStringLiteral("no (test set)"));
    l1->setToolTip(QStringLiteral("\u03bb values trained with an L1 penalty (0 = no penalty)."));
    l2->setToolTip(QStringLiteral("\u03bb values trained with an L2 penalty."));
    sparsities->setToolTip(QStringLiteral("Target sparsities for global magnitude pruning after training, as fractions or percentages."));
    precisions->setToolTip(QStringLiteral("fp32, fp16, bf16, int8 \u2026 int2, ternary, binary."));
    fineTune->setToolTip(QStringLiteral("Epochs of training after pruning, with the pruned weights held at zero."));
    folds->setToolTip(QStringLiteral("k-fold cross-validation on the training set (mean and spread), or 0 to measure on the test set."));
    form->addRow(QStringLiteral("L1 \u03bb"), l1);
    form->addRow(QStringLiteral("L2 \u03bb"), l2);
    form->addRow(QStringLiteral("Target sparsity"), sparsities);
    form->addRow(QStringLiteral("Precision"), precisions);
    form->addRow(QString(), perRow);
    form->addRow(QStringLiteral("Epochs"), epochs);
    form->addRow(QStringLiteral("Fine-tune epochs"), fineTune);
    form->addRow(QStringLiteral("Cross-validation folds"), folds);
    auto* error = new QLabel;
    error->setStyleSheet(QStringLiteral("color: #b3261e;"));
    error->setWordWrap(true);
    form->addRow(error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("Run"));
    form->addRow(buttons);
    SweepGrid grid;
    SweepOptions options;
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        try {
            grid = SweepGrid{};
            grid.l1 = lambdasFrom(l1);
            grid.l2 = lambdasFrom(l2);
            grid.sparsities = parseSparsityList(sparsities->text().toStdString());
            grid.precisions = parsePrecisionList(precisions->text().toStdString(),
                                                 perRow->isChecked() ? QuantizationSpec::Granularity::PerRow
                                                                     : QuantizationSpec::Granularity::PerTensor);
            grid.validate();
            options = SweepOptions{};
            options.architecture = s->trained->architecture();
            options.training = s->training;
            options.epochs = epochs->value();
            options.fineTuneEpochs = fineTune->value();
            options.folds = folds->value() >= 2 ? folds->value() : 0;
            options.validate();
            dialog.accept();
        } catch (const std::exception& e) {
            error->setText(QString::fromStdString(e.what()));
        }
    });
    if (dialog.exec() == QDialog::Accepted)
        startSweep(grid, options);
}

void TradeoffView::startSweep(const SweepGrid& grid, const SweepOptions& options)
{
    const SnapshotPtr keep = snapshot();
    if (!keep)
        return;
    if (m_sweepCancel)
        m_sweepCancel->store(true);
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_sweepCancel = cancel;
    m_sweepOptions = options;
    m_sweepGrid = grid;
    m_sweepModelGeneration = keep->modelGeneration;
    m_sweepWatcher.setFuture(QtConcurrent::run([keep, grid, options, cancel](QPromise<JobOutcome<SweepResult>>& promise) {
        lowerThisThreadsPriority();
        promise.setProgressRange(0, 1000);
        JobOutcome<SweepResult> outcome;
        try {
            const Dataset* test = options.folds >= 2 ? nullptr : &keep->data->split.test;
            outcome.result = runSweep(keep->data->split.train, test, options, grid, cancel.get(), [&](double fraction) {
                promise.setProgressValue(static_cast<int>(fraction * 1000));
                if (promise.isCanceled())
                    cancel->store(true);
            });
        } catch (const std::exception& error) {
            outcome.error = QString::fromStdString(error.what());
        }
        promise.addResult(std::move(outcome));
    }));
    m_sweepNotice->setText(QStringLiteral("Sweeping %1 configurations\u2026").arg(grid.configurations()));
    m_sweepNotice->setVisible(true);
    m_sweepPlot->replot(QCustomPlot::rpQueuedReplot);
    updateStatus();
}

void TradeoffView::setSweep(const SweepResult& result, const SweepGrid& grid, const SweepOptions& options,
                            std::uint64_t modelGeneration)
{
    // A sweep still running belongs to the state being replaced: stop it and stop listening
    // to it (its result must not overwrite this one).
    if (m_sweepCancel)
        m_sweepCancel->store(true);
    if (m_sweepWatcher.isRunning())
        m_sweepWatcher.setFuture(QFuture<JobOutcome<SweepResult>>());
    m_sweep = std::make_unique<SweepResult>(result);
    m_sweepGrid = grid;
    m_sweepOptions = options;
    m_sweepModelGeneration = modelGeneration;
    showSweep();
    updateStatus();
}

void TradeoffView::showSweep()
{
    for (QCPGraph* graph : m_sweepGraphs)
        m_sweepPlot->removeGraph(graph);
    m_sweepGraphs.clear();
    m_sweepRowsByGraph.clear();
    const bool byEnergy = sweepAxis() == SweepAxis::Energy;
    QCPAxis* x = m_sweepPlot->xAxis;
    if (byEnergy) {
        x->setScaleType(QCPAxis::stLogarithmic);
        x->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        x->setLabel(QStringLiteral("estimated energy per inference (pJ, log scale)"));
    } else {
        x->setScaleType(QCPAxis::stLinear);
        x->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        x->setLabel(QStringLiteral("sparsity (%)"));
    }
    if (!m_sweep || m_sweep->rows.empty()) {
        m_paretoLine->data()->clear();
        if (byEnergy)
            x->setRange(1, 1e6);
        else
            x->setRange(0, 100);
        m_sweepPlot->yAxis->setRange(0, 1.02);
        m_sweepNotice->setVisible(true);
        // The title of a sweep no longer shown must not stay over the notice.
        m_sweepTitle->setText(QStringLiteral("Sweep and Pareto front"));
        if (!m_sweepWatcher.isRunning())
            m_sweepNotice->setText(m_sweep ? QStringLiteral("The sweep was cancelled before any configuration finished.")
                                           : QStringLiteral("No sweep yet. \u201cSweep\u2026\u201d trains the model over a grid of\n"
                                                            "\u03bb, target sparsity and precision; click a point to load it."));
        m_sweepPlot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_sweepNotice->setVisible(false);
    const auto& rows = m_sweep->rows;
    auto xOf = [&](const SweepRow& row) { return byEnergy ? row.energyPj : 100.0 * row.sparsity; };
    // One graph per precision, points sorted by x (graphs keep their data sorted).
    std::map<std::string, std::vector<int>> byPrecision;
    for (int i = 0; i < static_cast<int>(rows.size()); ++i)
        byPrecision[rows[static_cast<std::size_t>(i)].precision.label()].push_back(i);
    double lo = 1e300, hi = -1e300, yLo = 1.0;
    for (auto& [label, indices] : byPrecision) {
        std::sort(indices.begin(), indices.end(), [&](int a, int b) { return xOf(rows[a]) < xOf(rows[b]); });
        QVector<double> xs, ys;
        for (int i : indices) {
            xs << xOf(rows[static_cast<std::size_t>(i)]);
            ys << rows[static_cast<std::size_t>(i)].accuracy;
            lo = std::min(lo, xs.back());
            hi = std::max(hi, xs.back());
            yLo = std::min(yLo, ys.back());
        }
        QCPGraph* graph = m_sweepPlot->addGraph();
        graph->setLineStyle(QCPGraph::lsNone);
        const QColor color = precisionColor(rows[static_cast<std::size_t>(indices.front())].precision);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(color.darker(130), 1), QBrush(color), 8));
        graph->setName(QString::fromStdString(label));
        graph->setData(xs, ys, true);
        m_sweepGraphs << graph;
        m_sweepRowsByGraph << QList<int>(indices.begin(), indices.end());
    }
    std::vector<double> accuracy, second;
    for (const SweepRow& row : rows) {
        accuracy.push_back(row.accuracy);
        second.push_back(byEnergy ? row.energyPj : row.sparsity);
    }
    const std::vector<int> front = paretoIndices(accuracy, second, !byEnergy);
    QVector<double> fx, fy;
    for (int i : front) {
        fx << xOf(rows[static_cast<std::size_t>(i)]);
        fy << rows[static_cast<std::size_t>(i)].accuracy;
    }
    m_paretoLine->setLineStyle(byEnergy ? QCPGraph::lsStepRight : QCPGraph::lsStepLeft);
    m_paretoLine->setData(fx, fy, true);
    if (byEnergy)
        x->setRange(lo / 1.5, hi * 1.5);
    else
        x->setRange(std::max(-2.0, lo - 3), std::min(102.0, hi + 3));
    m_sweepPlot->yAxis->setRange(std::max(0.0, yLo - 0.05), 1.01);
    m_sweepTitle->setText(QStringLiteral("Sweep: %1 configurations, %2 on the front%3")
                              .arg(rows.size()).arg(front.size())
                              .arg(m_sweep->cancelled ? QStringLiteral(" (cancelled: partial)") : QString()));
    m_sweepPlot->replot(QCustomPlot::rpQueuedReplot);
}

void TradeoffView::onSweepPress(QMouseEvent* event)
{
    if (!m_sweep)
        return;
    const QPointF at = event->position();
    double best = 9.0 * 9.0;
    int bestRow = -1;
    for (int g = 0; g < m_sweepGraphs.size(); ++g) {
        const auto data = m_sweepGraphs[g]->data();
        for (int i = 0; i < data->size(); ++i) {
            const auto point = data->at(i);
            const double dx = m_sweepPlot->xAxis->coordToPixel(point->key) - at.x();
            const double dy = m_sweepPlot->yAxis->coordToPixel(point->value) - at.y();
            if (dx * dx + dy * dy < best) {
                best = dx * dx + dy * dy;
                bestRow = m_sweepRowsByGraph[g][i];
            }
        }
    }
    if (bestRow >= 0)
        emit sweepRowChosen(m_sweep->rows[static_cast<std::size_t>(bestRow)], m_sweepOptions);
}

void TradeoffView::startPath()
{
    const SnapshotPtr keep = snapshot();
    if (!keep || !keep->trained || !keep->trained->architecture().hidden.empty())
        return;
    const auto& r = keep->training.regularization;
    const double lambda = r.l1 + r.l2;
    RegularizationPathOptions options;
    options.lambdas = kPathLambdas;
    options.alpha = lambda > 0 ? r.l1 / lambda : 1.0;
    m_pathKey = QStringLiteral("%1/%2/%3").arg(keep->modelGeneration).arg(keep->datasetRequest.nameOrPath.c_str()).arg(options.alpha);
    if (m_pathCancel)
        m_pathCancel->store(true);
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_pathCancel = cancel;
    m_pathWatcher.setFuture(QtConcurrent::run([keep, options, cancel](QPromise<JobOutcome<RegularizationPath>>& promise) {
        lowerThisThreadsPriority();
        promise.setProgressRange(0, 1000);
        JobOutcome<RegularizationPath> outcome;
        try {
            outcome.result = computeRegularizationPath(keep->data->split.train, keep->data->split.test, options, cancel.get(),
                                                       [&](double fraction) {
                                                           promise.setProgressValue(static_cast<int>(fraction * 1000));
                                                           if (promise.isCanceled())
                                                               cancel->store(true);
                                                       });
        } catch (const std::exception& error) {
            outcome.error = QString::fromStdString(error.what());
        }
        promise.addResult(std::move(outcome));
    }));
    m_pathShown.clear();
    m_pathNotice->setText(QStringLiteral("Computing the path at %1 values of \u03bb\u2026").arg(kPathLambdas));
    m_pathNotice->setVisible(true);
    m_pathPlot->replot(QCustomPlot::rpQueuedReplot);
    updateStatus();
}

void TradeoffView::showPath()
{
    const SnapshotPtr& current = snapshot();
    const bool isLinear = current && current->trained && current->trained->architecture().hidden.empty();
    const QString shownKey = QStringLiteral("%1/%2").arg(reinterpret_cast<quintptr>(m_path.get())).arg(isLinear);
    if (shownKey == m_pathShown)
        return; // nothing new to draw
    m_pathShown = shownKey;
    m_pathPlot->clearGraphs();
    m_pathPlot->clearItems();
    m_pathNotice = addNotice(m_pathPlot);
    const SnapshotPtr& s = snapshot();
    const bool linear = s && s->trained && s->trained->architecture().hidden.empty();
    if (!m_path || !linear) {
        m_pathNotice->setText(linear ? QStringLiteral("Press \u201cRegularisation path\u201d to fit the model at %1 values of \u03bb.").arg(kPathLambdas)
                                     : QStringLiteral("The regularisation path is drawn for linear models:\n"
                                                      "set Hidden layers to \u2018logistic\u2019 to see every weight against \u03bb."));
        m_pathNotice->setVisible(true);
        m_pathPlot->xAxis->setRange(1e-4, 1);
        m_pathPlot->yAxis->setRange(-1, 1);
        m_pathPlot->xAxis2->setTicker(QSharedPointer<QCPAxisTickerText>::create()); // no counts without a path
        m_pathTitle->setText(QStringLiteral("Regularisation path"));
        m_pathPlot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_pathNotice->setVisible(false);
    const auto& points = m_path->points;
    const Matrix& first = points.front().weights;
    const int outputs = static_cast<int>(first.rows());
    const int features = static_cast<int>(first.cols());
    const Dataset& train = s->data->split.train;
    double yMax = 1e-6;
    double yMin = -1e-6;
    struct Labelled {
        double magnitude;
        int output;
        int feature;
    };
    std::vector<Labelled> ends;
    for (int o = 0; o < outputs; ++o)
        for (int f = 0; f < features; ++f) {
            QVector<double> xs, ys;
            for (auto it = points.rbegin(); it != points.rend(); ++it) {
                xs << it->lambda;
                ys << it->weights(o, f);
                yMax = std::max(yMax, ys.back());
                yMin = std::min(yMin, ys.back());
            }
            QCPGraph* graph = m_pathPlot->addGraph();
            graph->setData(xs, ys, true);
            const QColor color = outputs > 1 ? plotcolors::forClass(o) : plotcolors::forClass(f);
            graph->setPen(QPen(color, outputs * features > 60 ? 0.8 : 1.4));
            graph->removeFromLegend();
            ends.push_back({std::abs(points.back().weights(o, f)), o, f});
        }
    QVector<double> ax, ay;
    for (auto it = points.rbegin(); it != points.rend(); ++it) {
        ax << it->lambda;
        ay << it->testAccuracy;
    }
    QCPGraph* accuracy = m_pathPlot->addGraph(m_pathPlot->xAxis, m_pathPlot->yAxis2);
    accuracy->setData(ax, ay, true);
    accuracy->setPen(QPen(QColor(40, 40, 40), 1.6, Qt::DotLine));
    const double lo = points.back().lambda;
    const double hi = points.front().lambda;
    m_pathPlot->xAxis->setRange(lo / 1.3, hi * 1.3);
    const double margin = 0.08 * (yMax - yMin);
    m_pathPlot->yAxis->setRange(yMin - margin, yMax + margin);
    // glmnet's top axis: the number of non-zero weights at a few lambdas.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const int every = std::max(1, static_cast<int>(points.size()) / 7);
    for (std::size_t i = 0; i < points.size(); i += static_cast<std::size_t>(every))
        ticker->addTick(points[i].lambda, QString::number(points[i].nonZeroWeights));
    m_pathPlot->xAxis2->setTicker(ticker);
    // Name the weights that end largest.
    std::sort(ends.begin(), ends.end(), [](const Labelled& a, const Labelled& b) { return a.magnitude > b.magnitude; });
    for (std::size_t i = 0; i < ends.size() && i < 5; ++i) {
        const Labelled& e = ends[i];
        auto* text = new QCPItemText(m_pathPlot);
        text->position->setCoords(lo, points.back().weights(e.output, e.feature));
        text->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        QString name = e.feature < static_cast<int>(train.featureNames.size()) && !train.featureNames[static_cast<std::size_t>(e.feature)].empty()
            ? QString::fromStdString(train.featureNames[static_cast<std::size_t>(e.feature)])
            : QStringLiteral("x%1").arg(e.feature);
        if (outputs > 1 && e.output < train.classCount())
            name = QString::fromStdString(train.classNames[static_cast<std::size_t>(e.output)]) + QStringLiteral(": ") + name;
        text->setText(name);
        text->setFont(plotFont(-2));
        text->setColor(plotcolors::text());
        text->setClipToAxisRect(true);
    }
    const auto best = std::max_element(points.begin(), points.end(),
                                       [](const PathPoint& a, const PathPoint& b) { return a.testAccuracy < b.testAccuracy; });
    m_pathTitle->setText(QStringLiteral("Regularisation path (%1): best test accuracy %2 with %3 non-zero weights")
                             .arg(s->training.regularization.l2 > 0 && s->training.regularization.l1 <= 0 ? QStringLiteral("L2")
                                  : s->training.regularization.l2 > 0 ? QStringLiteral("elastic net") : QStringLiteral("L1"))
                             .arg(best->testAccuracy, 0, 'f', 3)
                             .arg(best->nonZeroWeights));
    m_pathPlot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ss
