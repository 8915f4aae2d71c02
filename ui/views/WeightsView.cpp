#include "views/WeightsView.h"

#include "plot/ImageTiles.h"
#include "plot/PlotDrag.h"
#include "plot/PlotStyle.h"

#include "nn/WeightStatistics.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QSignalBlocker>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ss {

namespace {

constexpr int kBins = 81;            // odd: one bin is centred on 0
constexpr int kMaxImages = 48;
// QCPBars draw from the base value to base + value: on the log axis the base must sit far
// below the visible range (which starts at 0.5) and add nothing visible to a count.
constexpr double kLogBase = 1e-3;

// `top` drawn over `below`, as one opaque colour.
QColor opaqueOver(const QColor& top, const QColor& below)
{
    const double a = top.alphaF();
    return QColor::fromRgbF(static_cast<float>(top.redF() * a + below.redF() * (1 - a)),
                            static_cast<float>(top.greenF() * a + below.greenF() * (1 - a)),
                            static_cast<float>(top.blueF() * a + below.blueF() * (1 - a)));
}

} // namespace

WeightImagesWidget::WeightImagesWidget(QWidget* parent)
    : QWidget(parent)
{
    setMinimumSize(160, 120);
}

void WeightImagesWidget::setImages(QList<QImage> images, const QStringList& captions)
{
    m_images = std::move(images);
    m_captions = captions;
    update();
}

void WeightImagesWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    const int n = static_cast<int>(m_images.size());
    if (n == 0)
        return;
    // The largest square tiles that fit all images.
    const int gap = 4;
    const int captionHeight = fontMetrics().height();
    int bestSide = 8;
    int bestColumns = 1;
    for (int columns = 1; columns <= n; ++columns) {
        const int rows = (n + columns - 1) / columns;
        const int side = std::min((width() - gap * (columns + 1)) / columns,
                                  (height() - gap * (rows + 1)) / rows - captionHeight);
        if (side > bestSide) {
            bestSide = side;
            bestColumns = columns;
        }
    }
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    QFont font = painter.font();
    font.setPointSizeF(std::max(6.0, font.pointSizeF() - 2));
    painter.setFont(font);
    painter.setPen(plotcolors::mutedText());
    for (int i = 0; i < n; ++i) {
        const int column = i % bestColumns;
        const int row = i / bestColumns;
        const QRect target(gap + column * (bestSide + gap), gap + row * (bestSide + gap + captionHeight), bestSide, bestSide);
        painter.drawImage(target, m_images[i]);
        painter.drawRect(target.adjusted(0, 0, -1, -1));
        if (i < m_captions.size())
            painter.drawText(QRect(target.left(), target.bottom(), target.width(), captionHeight),
                             Qt::AlignHCenter | Qt::AlignTop, m_captions[i]);
    }
}

WeightsView::WeightsView(QWidget* parent)
    : View(parent)
    , m_histogram(new QCustomPlot(this))
    , m_heatmap(new QCustomPlot(this))
    , m_stats(new QLabel(this))
    , m_logCounts(new QCheckBox(QStringLiteral("Log counts"), this))
    , m_layer(new QComboBox(this))
    , m_images(new WeightImagesWidget(this))
    , m_imagesPanel(new QWidget(this))
    , m_imagesTitle(new QLabel(this))
{
    // Exported files are named after the plots: weights-histogram.png, weights-heatmap.png.
    m_histogram->setObjectName(QStringLiteral("histogram"));
    m_heatmap->setObjectName(QStringLiteral("heatmap"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(8, 4, 8, 4);
    m_stats->setWordWrap(true);
    m_stats->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stats->setToolTip(QStringLiteral(
        "Over all weight matrices of the model as shown (biases apart). Sparsity = exact zeros / weights. "
        "Hoyer = (\u221an \u2212 \u2016w\u2016\u2081/\u2016w\u2016\u2082)/(\u221an \u2212 1): 0 when all |w| are equal, 1 when one weight "
        "is non-zero. Mean |w| is what the source article calls its \u2018sparsity ratio\u2019 \u2014 it measures size, not sparsity."));
    bar->addWidget(m_stats, 1);
    bar->addWidget(m_logCounts);
    m_logCounts->setChecked(true);
    m_logCounts->setToolTip(QStringLiteral("Count axis on a log scale, so that small bins stay visible next to the peak."));
    layout->addLayout(bar);

    auto* vertical = new QSplitter(Qt::Vertical, this);
    vertical->setChildrenCollapsible(false);
    vertical->addWidget(m_histogram);
    auto* horizontal = new QSplitter(Qt::Horizontal);
    m_layerPanels = horizontal;
    horizontal->setChildrenCollapsible(false);
    auto* heatPanel = new QWidget;
    auto* heatLayout = new QVBoxLayout(heatPanel);
    heatLayout->setContentsMargins(0, 0, 0, 0);
    heatLayout->setSpacing(2);
    auto* layerBar = new QHBoxLayout;
    layerBar->setContentsMargins(8, 2, 8, 0);
    layerBar->addWidget(new QLabel(QStringLiteral("Layer:")));
    layerBar->addWidget(m_layer);
    layerBar->addStretch(1);
    m_layer->setToolTip(QStringLiteral("Which weight matrix to draw: rows are the layer's output neurons, columns its inputs."));
    heatLayout->addLayout(layerBar);
    heatLayout->addWidget(m_heatmap, 1);
    horizontal->addWidget(heatPanel);
    auto* imagesLayout = new QVBoxLayout(m_imagesPanel);
    imagesLayout->setContentsMargins(4, 4, 4, 4);
    m_imagesTitle->setWordWrap(true);
    imagesLayout->addWidget(m_imagesTitle);
    imagesLayout->addWidget(m_images, 1);
    horizontal->addWidget(m_imagesPanel);
    horizontal->setStretchFactor(0, 3);
    horizontal->setStretchFactor(1, 2);
    vertical->addWidget(horizontal);
    vertical->setStretchFactor(0, 1);
    vertical->setStretchFactor(1, 1);
    vertical->setSizes({1000, 900});
    horizontal->setSizes({1200, 800});
    layout->addWidget(vertical, 1);

    // Histogram
    stylePlot(m_histogram);
    m_histogram->plotLayout()->insertRow(0);
    m_histogramTitle = new WrappingTitle(m_histogram, QStringLiteral("Weight histogram"), plotFont(1, true));
    m_histogramTitle->setTextColor(plotcolors::text());
    m_histogram->plotLayout()->addElement(0, 0, m_histogramTitle);
    m_histogram->xAxis->setLabel(QStringLiteral("weight value w (trained, before the sliders)"));
    m_histogram->yAxis->setLabel(QStringLiteral("weights"));
    m_bars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    m_bars->setName(QStringLiteral("non-zero weights"));
    m_bars->setPen(QPen(plotcolors::accuracy().darker(115), 0.6));
    // Opaque: Qt's raster engine hands every fill of a tall translucent bar to its thread
    // pool and waits, which made this histogram the slowest replot of a training window
    // (9-12 ms, 2 ms opaque; bench_gui_stall --drag). The colour is the translucent blue
    // this used to be, as it looked over the panel.
    QColor translucentAccuracy = plotcolors::accuracy();
    translucentAccuracy.setAlpha(150);
    m_bars->setBrush(opaqueOver(translucentAccuracy, plotcolors::panel()));
    m_zeros = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    m_zeros->setName(QStringLiteral("exactly zero"));
    m_zeros->setPen(QPen(plotcolors::sparsity().darker(130), 0.8));
    m_zeros->setBrush(plotcolors::sparsity());
    m_otherZeros = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    m_otherZeros->setPen(QPen(QColor(60, 60, 60), 1.4, Qt::DashLine));
    m_otherZeros->setBrush(Qt::NoBrush);
    m_otherZeros->setVisible(false);
    m_otherZeros->removeFromLegend();
    m_otherRun = m_histogram->addGraph();
    m_otherRun->setLineStyle(QCPGraph::lsStepCenter);
    m_otherRun->setPen(QPen(QColor(60, 60, 60), 1.4, Qt::DashLine));
    m_otherRun->setVisible(false);
    m_prunedBand = new QCPItemRect(m_histogram);
    m_prunedBand->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_prunedBand->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_prunedBand->setPen(Qt::NoPen);
    m_prunedBand->setBrush(QColor(204, 51, 17, 38));
    // Over the bars (it is translucent, they are not): the bars it covers are the pruned ones.
    m_lineLeft = new QCPItemStraightLine(m_histogram);
    m_lineRight = new QCPItemStraightLine(m_histogram);
    for (auto* line : {m_lineLeft, m_lineRight})
        line->setPen(QPen(plotcolors::threshold(), 2.0));
    m_lineLabel = new QCPItemText(m_histogram);
    m_lineLabel->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_lineLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_lineLabel->setColor(plotcolors::threshold());
    m_lineLabel->setFont(plotFont(-1, true));
    m_lineLabel->setPadding(QMargins(4, 2, 4, 2));
    m_lineLabel->setBrush(QBrush(QColor(255, 255, 255, 210)));
    m_histogram->legend->setVisible(true);
    m_histogram->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    m_histogram->setToolTip(QStringLiteral("Drag a red line to set the pruning threshold: weights inside the shaded band "
                                           "(|w| < t) are set to zero."));
    new PlotDrag(m_histogram, [this] { return snapshot() != nullptr; },
                 [this](double x) { emit thresholdDragged(std::abs(x)); });

    // Heatmap
    stylePlot(m_heatmap);
    const ColorPlotLayout frame = makeColorPlotLayout(m_heatmap, QString());
    m_heatmapTitle = frame.title;
    m_heatmapTitle->setFont(plotFont(0, true));
    m_scale = frame.scale;
    QCPAxisRect* rect = frame.rect;
    rect->setBackground(QBrush(plotcolors::pruned()));
    rect->axis(QCPAxis::atLeft)->setRangeReversed(true);
    rect->axis(QCPAxis::atLeft)->setLabel(QStringLiteral("output neuron"));
    rect->axis(QCPAxis::atBottom)->setLabel(QStringLiteral("input"));
    for (QCPAxis* axis : {rect->axis(QCPAxis::atLeft), rect->axis(QCPAxis::atBottom)})
        axis->grid()->setVisible(false);
    m_map = new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    m_map->setInterpolate(false);
    m_map->setGradient(divergingGradient());
    m_scale->setBarWidth(10);
    m_scale->axis()->setLabel(QStringLiteral("w (grey = exactly 0)"));
    m_map->setColorScale(m_scale);
    m_scale->setGradient(divergingGradient());

    connect(m_logCounts, &QCheckBox::toggled, this, [this] { if (snapshot()) renderNow(); });
    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] { if (snapshot()) renderNow(); });
}

void WeightsView::fitPanelsToWidth()
{
    // Two plots stacked in a short tile leave each too little height to read (36 lines give
    // the heatmap the 180 px tests/ui/tst_readability asks of a tiled plot).
    const bool shown = !inTile() || height() >= 36 * fontMetrics().height();
    if (m_layerPanels->isVisibleTo(this) == shown)
        return;
    m_layerPanels->setVisible(shown);
    static_cast<QSplitter*>(m_layerPanels->parentWidget())->setSizes(shown ? QList<int>{1000, 900} : QList<int>{1, 0});
    if (shown && snapshot()) {
        renderHeatmap(*snapshot());
        renderImages(*snapshot());
    }
}

void WeightsView::render(const Snapshot& s)
{
    m_largeModel = s.trained && s.trained->weightCount() > 50000;
    renderHistogram(s);
    // The heatmap and the images wait while a short tile hides them (fitPanelsToWidth
    // draws them when they show).
    if (m_layerPanels->isVisibleTo(this)) {
        renderHeatmap(s);
        renderImages(s);
    }
}

WeightsView::WeightCounts WeightsView::countWeights(const std::shared_ptr<const Network>& trained,
                                                   const std::shared_ptr<const Network>& other)
{
    WeightCounts counted;
    counted.trained = trained;
    counted.otherTrained = other;
    float maxAbs = 0;
    for (const auto& layer : trained->layers()) {
        if (layer.weights.size() == 0)
            continue;
        maxAbs = std::max(maxAbs, layer.weights.cwiseAbs().maxCoeff());
        counted.zeros += static_cast<long>((layer.weights.array() == 0.0f).count());
        counted.total += static_cast<long>(layer.weights.size());
    }
    counted.range = maxAbs > 0 ? maxAbs * 1.05 : 1.0;
    const double width = 2.0 * counted.range / kBins;
    const auto histogram = [&](const Network& network) {
        QVector<double> counts(kBins, 0.0);
        for (const auto& layer : network.layers())
            for (Eigen::Index i = 0; i < layer.weights.size(); ++i) {
                const float w = layer.weights.data()[i];
                if (w == 0.0f)
                    continue;
                const int bin = std::clamp(static_cast<int>(std::floor((w + counted.range) / width)), 0, kBins - 1);
                counts[bin] += 1.0;
            }
        return counts;
    };
    counted.counts = histogram(*trained);
    if (other) {
        counted.otherCounts = histogram(*other);
        for (const auto& layer : other->layers())
            counted.otherZeros += static_cast<long>((layer.weights.array() == 0.0f).count());
    }
    return counted;
}

void WeightsView::renderHistogram(const Snapshot& s)
{
    // Counting 200k weights per snapshot is wasted while only the sliders move: the counts
    // follow the trained weights alone.
    const std::shared_ptr<const Network> otherTrained = s.comparison ? s.comparison->trained : nullptr;
    if (s.trained != m_counted.trained || otherTrained != m_counted.otherTrained)
        m_counted = countWeights(s.trained, otherTrained);
    const WeightCounts& counted = m_counted;
    const long zeros = counted.zeros;
    const long total = counted.total;
    const double range = counted.range;
    const double width = 2.0 * range / kBins;
    QVector<double> keys(kBins);
    for (int b = 0; b < kBins; ++b)
        keys[b] = -range + (b + 0.5) * width;
    const QVector<double>& counts = counted.counts;
    m_bars->setWidth(width);
    m_bars->setData(keys, counts, true);
    m_zeros->setWidth(width * 0.6);
    m_zeros->setData(QVector<double>{0.0}, QVector<double>{static_cast<double>(zeros)}, true);
    double top = static_cast<double>(zeros);
    for (double c : counts)
        top = std::max(top, c);

    const bool comparing = s.comparison && s.comparison->trained;
    const bool logScale = m_logCounts->isChecked() && top >= 20;
    m_otherRun->setVisible(comparing);
    m_otherZeros->setVisible(comparing);
    if (comparing) {
        QVector<double> other = counted.otherCounts;
        const long otherZeros = counted.otherZeros;
        for (double& c : other)
            c = std::max(c, logScale ? 0.5 : 0.0);
        m_otherRun->setData(keys, other, true);
        const QString label = QString::fromStdString(s.comparison->label);
        m_otherRun->setName(label + QStringLiteral(": non-zero"));
        m_otherRun->addToLegend();
        // Its exact zeros get a bar of their own beside the main run's: that they are
        // missing is the point of comparing proximal with naive L1.
        m_otherZeros->setWidth(width * 0.6);
        m_otherZeros->setData(QVector<double>{width * 0.6}, QVector<double>{static_cast<double>(otherZeros)}, true);
        m_otherZeros->setName(label + QStringLiteral(": exactly zero (%1)").arg(otherZeros));
        m_otherZeros->addToLegend();
        for (double c : other)
            top = std::max(top, c);
        top = std::max(top, static_cast<double>(otherZeros));
    } else {
        m_otherRun->removeFromLegend();
        m_otherZeros->removeFromLegend();
    }
    m_zeros->setName(QStringLiteral("exactly zero (%1)").arg(zeros));

    QCPAxis* y = m_histogram->yAxis;
    m_otherZeros->setBaseValue(logScale ? kLogBase : 0.0);
    if (logScale) {
        y->setScaleType(QCPAxis::stLogarithmic);
        if (!y->ticker().dynamicCast<QCPAxisTickerLog>())
            y->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        m_bars->setBaseValue(kLogBase);
        m_zeros->setBaseValue(kLogBase);
        y->setRange(0.5, std::max(2.0, top * 2.0));
    } else {
        y->setScaleType(QCPAxis::stLinear);
        if (!y->ticker().dynamicCast<QCPAxisTickerFixed>()) {
            // Counts are whole numbers: ticks on integers (or multiples of them).
            auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
            ticker->setTickStep(1.0);
            ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
            y->setTicker(ticker);
        }
        m_bars->setBaseValue(0);
        m_zeros->setBaseValue(0);
        y->setRange(0, std::max(top + 0.5, top * 1.1));
    }
    m_histogram->xAxis->setRange(-range, range);

    // The threshold in use: the slider's, or the quantile a target sparsity implies.
    double threshold = 0;
    if (s.compression.pruning.criterion == PruningSpec::Criterion::Threshold)
        threshold = s.compression.pruning.threshold;
    else if (s.compression.pruning.targetSparsity > 0)
        threshold = s.evaluation.thresholdUsed;
    m_shownThreshold = threshold;
    const bool perLayer = s.compression.pruning.criterion == PruningSpec::Criterion::TargetSparsity
        && s.compression.pruning.scope == PruningSpec::Scope::PerLayer;
    const bool show = threshold > 0 && !perLayer;
    m_prunedBand->setVisible(show);
    m_lineLeft->setVisible(true);
    m_lineRight->setVisible(true);
    m_lineLabel->setVisible(true);
    const double t = show ? threshold : 0.0;
    m_prunedBand->topLeft->setCoords(-t, 0.0);
    m_prunedBand->bottomRight->setCoords(t, 1.0);
    m_lineLeft->point1->setCoords(-t, 1.0);
    m_lineLeft->point2->setCoords(-t, 2.0);
    m_lineRight->point1->setCoords(t, 1.0);
    m_lineRight->point2->setCoords(t, 2.0);
    m_lineLabel->position->setCoords(t, 0.02);
    m_lineLabel->setText(perLayer ? QStringLiteral("per-layer thresholds")
                                  : t > 0 ? QStringLiteral("t = %1").arg(formatScientific(t))
                                          : QStringLiteral("t = 0: drag to prune"));

    const WeightStatistics& shown = s.evaluation.weights;
    m_histogramTitle->setText(QStringLiteral("Weights of the trained model: %1 of %2 exactly zero (%3)")
                                  .arg(zeros).arg(total).arg(formatPercent(total > 0 ? static_cast<double>(zeros) / total : 0.0)));
    QString stats = QStringLiteral("<b>As shown</b> (after pruning and %1): sparsity <b>%2</b> (%3 of %4 weights zero) \u00b7 "
                                   "\u2016w\u2016\u2081 %5 \u00b7 \u2016w\u2016\u2082 %6 \u00b7 Hoyer %7 \u00b7 mean |w| %8")
                        .arg(QString::fromStdString(s.compression.precision.label()), formatPercent(shown.sparsity))
                        .arg(shown.zeroWeights).arg(shown.weights)
                        .arg(shown.l1Norm, 0, 'g', 4).arg(shown.l2Norm, 0, 'g', 4).arg(shown.hoyer, 0, 'f', 3)
                        .arg(shown.meanAbsWeight, 0, 'g', 3);
    if (comparing)
        stats += QStringLiteral("<br><span style='color:#444'>Comparison run, %1: sparsity <b>%2</b>, test accuracy %3</span>")
                     .arg(QString::fromStdString(s.comparison->label), formatPercent(s.comparison->weights.sparsity))
                     .arg(s.comparison->report.accuracy, 0, 'f', 3);
    m_stats->setText(stats);
    m_histogram->replot(QCustomPlot::rpQueuedReplot);
}

void WeightsView::renderHeatmap(const Snapshot& s)
{
    const Network& network = *s.compressed;
    const int layers = static_cast<int>(network.layers().size());
    // Rebuilt whenever the shapes change, not only their number: a new model with as many
    // layers has other sizes.
    QString shapes;
    for (const auto& layer : network.layers())
        shapes += QStringLiteral("%1x%2;").arg(layer.inputs()).arg(layer.outputs());
    if (shapes != m_layerShapes) {
        const QSignalBlocker block(m_layer);
        m_layer->clear();
        for (int l = 0; l < layers; ++l) {
            const auto& layer = network.layers()[static_cast<std::size_t>(l)];
            m_layer->addItem(QStringLiteral("%1: %2 \u2192 %3%4").arg(l + 1).arg(layer.inputs()).arg(layer.outputs())
                                 .arg(l + 1 == layers ? QStringLiteral(" (output)") : QString()),
                             l);
        }
        m_layerShapes = shapes;
        m_layer->setCurrentIndex(0);
    }
    const int l = std::clamp(m_layer->currentIndex(), 0, std::max(0, layers - 1));
    if (layers == 0)
        return;
    // The same weights drawn again would cost a 200k-cell rebuild and a replot for nothing
    // (a snapshot that only moved a figure of the evaluation).
    if (s.compressed == m_heatmapOf && l == m_heatmapLayer && s.data == m_heatmapData)
        return;
    m_heatmapOf = s.compressed;
    m_heatmapLayer = l;
    m_heatmapData = s.data;
    const DenseLayer& layer = network.layers()[static_cast<std::size_t>(l)];
    const int rows = layer.outputs();
    const int cols = layer.inputs();
    QCPColorMapData* cells = m_map->data();
    cells->setSize(cols, rows);
    // Cell centres at 0..n-1; a single cell spans its whole range, so centre it on 0.
    cells->setRange(cols > 1 ? QCPRange(0, cols - 1) : QCPRange(-0.5, 0.5),
                    rows > 1 ? QCPRange(0, rows - 1) : QCPRange(-0.5, 0.5));
    float maxAbs = 0;
    long zeros = 0;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const float w = layer.weights(r, c);
            if (w == 0.0f) {
                ++zeros;
                cells->setCell(c, r, std::numeric_limits<double>::quiet_NaN());
            } else {
                cells->setCell(c, r, w);
                maxAbs = std::max(maxAbs, std::abs(w));
            }
        }
    const double range = maxAbs > 0 ? maxAbs : 1.0;
    m_map->setDataRange(QCPRange(-range, range));
    QCPAxis* x = m_map->keyAxis();
    QCPAxis* y = m_map->valueAxis();
    x->setRange(-0.5, cols - 0.5);
    y->setRange(-0.5, rows - 0.5);
    // Small first layers get their inputs' names (which features survive pruning shows);
    // otherwise whole-number ticks.
    const Dataset& train = s.data->split.train;
    if (l == 0 && cols <= 40 && static_cast<int>(train.featureNames.size()) == cols) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int c = 0; c < cols; ++c)
            ticker->addTick(c, QString::fromStdString(train.featureNames[static_cast<std::size_t>(c)]));
        x->setTicker(ticker);
        x->setTickLabelRotation(cols > 6 ? -60 : 0);
        x->setLabel(QString());
    } else {
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        x->setTicker(ticker);
        x->setTickLabelRotation(0);
        x->setLabel(QStringLiteral("input"));
    }
    if (!y->ticker().dynamicCast<QCPAxisTickerFixed>()) {
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        y->setTicker(ticker);
    }
    m_heatmapTitle->setText(QStringLiteral("Layer %1 as shown: %2 \u00d7 %3, %4 of %5 zero (%6)")
                                .arg(l + 1).arg(rows).arg(cols).arg(zeros).arg(static_cast<long>(rows) * cols)
                                .arg(formatPercent(rows * cols > 0 ? static_cast<double>(zeros) / (static_cast<double>(rows) * cols) : 0.0)));
    m_heatmap->replot(QCustomPlot::rpQueuedReplot);
}

void WeightsView::renderImages(const Snapshot& s)
{
    const Dataset& train = s.data->split.train;
    const Network& network = *s.compressed;
    const bool images = train.imageShape && train.imageShape->pixelCount() == train.featureCount() && !network.layers().empty();
    m_imagesPanel->setVisible(images);
    if (!images || (s.compressed == m_imagesOf && s.data == m_imagesData))
        return;
    m_imagesOf = s.compressed;
    m_imagesData = s.data;
    const DenseLayer& first = network.layers().front();
    const int count = std::min(first.outputs(), kMaxImages);
    float range = 0;
    for (int r = 0; r < count; ++r)
        range = std::max(range, first.weights.row(r).cwiseAbs().maxCoeff());
    QList<QImage> tiles;
    QStringList captions;
    const bool logistic = network.layers().size() == 1;
    for (int r = 0; r < count; ++r) {
        tiles << weightImage(first.weights, r, *train.imageShape, range * 0.7f);
        if (logistic && r < train.classCount() && network.classCount() > 2)
            captions << QString::fromStdString(train.classNames[static_cast<std::size_t>(r)]);
        else
            captions << QStringLiteral("#%1").arg(r + 1);
    }
    m_images->setImages(tiles, captions);
    m_imagesTitle->setText(QStringLiteral("<b>First-layer weights as images</b> (%1 of %2 neurons; red +, blue \u2212, grey = pruned)")
                               .arg(count).arg(first.outputs()));
}

} // namespace ss
