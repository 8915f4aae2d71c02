#include "views/TrainingView.h"

#include "plot/PlotStyle.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QFontMetrics>

#include <algorithm>
#include <cmath>

namespace ss {

QString compactCurveName(const QString& name)
{
    // Longest first: "exact optimum (coordinate descent): objective 0.21" -> "exact: objective 0.21".
    static const std::pair<QString, QString> shorter[] = {
        {QStringLiteral("exact optimum (coordinate descent)"), QStringLiteral("exact")},
        {QStringLiteral("train objective (loss + penalty)"), QStringLiteral("objective")},
        {QStringLiteral("sparsity (right axis)"), QStringLiteral("sparsity (right)")},
        {QStringLiteral(", same \u03bb:"), QStringLiteral(":")},
        {QStringLiteral("other L1 step:"), QStringLiteral("other step:")},
        {QStringLiteral("test accuracy"), QStringLiteral("test acc.")},
        {QStringLiteral("train accuracy"), QStringLiteral("train acc.")},
        {QStringLiteral("test macro-F1"), QStringLiteral("macro-F1")},
    };
    QString compact = name;
    for (const auto& [from, to] : shorter)
        compact.replace(from, to);
    return compact;
}

namespace {

QCPGraph* addGraph(QCustomPlot* plot, QCPAxis* x, QCPAxis* y, const QString& name, const QColor& color,
                   double width, Qt::PenStyle style = Qt::SolidLine)
{
    QCPGraph* graph = plot->addGraph(x, y);
    graph->setName(name);
    QPen pen(color, width, style);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    graph->setPen(pen);
    graph->setAdaptiveSampling(true);
    return graph;
}

// A legend entry that can read its curve's name in a shorter form (TrainingView::fitToRects
// switches the whole legend when the full names would take more than three rows); the curve
// keeps its full name for exports and tooltips.
class TrainingLegendItem : public QCPPlottableLegendItem {
public:
    TrainingLegendItem(QCPLegend* legend, QCPAbstractPlottable* plottable, const bool* compact)
        : QCPPlottableLegendItem(legend, plottable)
        , m_compact(compact)
    {
    }

    QString text() const { return *m_compact ? compactCurveName(mPlottable->name()) : mPlottable->name(); }

protected:
    void draw(QCPPainter* painter) override
    {
        painter->setFont(getFont());
        painter->setPen(QPen(getTextColor()));
        const QSize iconSize = mParentLegend->iconSize();
        const QString label = text();
        const QRect textRect = painter->fontMetrics().boundingRect(0, 0, 0, iconSize.height(), Qt::TextDontClip, label);
        const int textHeight = std::max(textRect.height(), iconSize.height());
        painter->drawText(mRect.x() + iconSize.width() + mParentLegend->iconTextPadding(), mRect.y(), textRect.width(),
                          textHeight, Qt::TextDontClip, label);
        // The view's curves are lines without fill or scatter marks: the icon is a stroke of the pen.
        const QRect iconRect(mRect.topLeft(), iconSize);
        painter->save();
        painter->setClipRect(iconRect, Qt::IntersectClip);
        painter->setPen(mPlottable->pen());
        painter->drawLine(QLineF(iconRect.left(), iconRect.center().y() + 0.5, iconRect.right() + 1, iconRect.center().y() + 0.5));
        painter->restore();
    }

    QSize minimumOuterSizeHint() const override
    {
        const QSize iconSize = mParentLegend->iconSize();
        const QRect textRect = QFontMetrics(getFont()).boundingRect(0, 0, 0, iconSize.height(), Qt::TextDontClip, text());
        return {iconSize.width() + mParentLegend->iconTextPadding() + textRect.width() + mMargins.left() + mMargins.right(),
                std::max(textRect.height(), iconSize.height()) + mMargins.top() + mMargins.bottom()};
    }

private:
    const bool* m_compact;
};

void setGraphData(QCPGraph* graph, const std::vector<HistoryPoint>& history, double HistoryPoint::*field,
                  double scale = 1.0)
{
    QVector<double> keys;
    QVector<double> values;
    keys.reserve(static_cast<int>(history.size()));
    values.reserve(static_cast<int>(history.size()));
    for (const auto& point : history) {
        keys.push_back(point.epoch);
        values.push_back(point.*field * scale);
    }
    graph->setData(keys, values, true);
}

QString describeRun(const Snapshot& s)
{
    const auto& r = s.training.regularization;
    const double lambda = r.l1 + r.l2;
    QString penalty;
    if (lambda <= 0)
        penalty = QStringLiteral("no penalty");
    else if (r.l2 <= 0)
        penalty = QStringLiteral("L1 \u03bb %1 (%2)").arg(formatScientific(r.l1),
                                                         r.l1Mode == L1Mode::Proximal ? QStringLiteral("proximal")
                                                                                      : QStringLiteral("subgradient"));
    else if (r.l1 <= 0)
        penalty = QStringLiteral("L2 \u03bb %1").arg(formatScientific(r.l2));
    else
        penalty = QStringLiteral("elastic net \u03bb %1, \u03b1 %2").arg(formatScientific(lambda)).arg(r.l1 / lambda, 0, 'f', 2);
    QString optimizer = QString::fromStdString(toString(s.training.optimizer.kind));
    if (r.dropout > 0)
        penalty += QStringLiteral(" \u00b7 dropout %1").arg(r.dropout, 0, 'f', 2);
    return QStringLiteral("%1 \u00b7 %2 lr %3 \u00b7 batch %4 \u00b7 %5")
        .arg(s.trained ? QString::fromStdString(s.trained->architecture().describe()) : QString(), optimizer,
             formatScientific(s.training.optimizer.learningRate))
        .arg(s.training.batchSize)
        .arg(penalty);
}

// Which model each stretch of the test curves was measured on. The engine records the test
// figures of the model as shown at the time of each point, so a curve trained in fp32 and
// then pruned and rounded has two parts; the last stretch is the current setting.
QString testCurvesNote(const Snapshot& s)
{
    if (!s.history || s.history->empty())
        return {};
    const std::vector<HistoryPoint>& history = *s.history;
    const std::string current = history.back().shownAs;
    std::size_t first = history.size() - 1;
    while (first > 0 && history[first - 1].shownAs == current)
        --first;
    bool earlierCompressed = false;
    for (std::size_t i = 0; i < first; ++i)
        earlierCompressed = earlierCompressed || !history[i].shownAs.empty();
    const QString now = current.empty()
        ? QStringLiteral("the trained model (%1, unpruned)").arg(QString::fromStdString(QuantizationSpec{}.label()))
        : QStringLiteral("the model as shown (pruned %1, %2)")
              .arg(formatPercent(s.evaluation.weights.sparsity), QString::fromStdString(s.compression.precision.label()));
    if (first == 0)
        return current.empty() ? QString() : QStringLiteral("test curves: %1").arg(now);
    const QString before = earlierCompressed ? QStringLiteral("other pruning or precision settings")
                                             : QStringLiteral("the trained %1 model, unpruned").arg(QString::fromStdString(QuantizationSpec{}.label()));
    const double until = history[first - 1].epoch; // the last point of the earlier stretch
    return QStringLiteral("test curves: %1 up to epoch %2, then %3")
        .arg(before, QString::number(until, 'f', until == std::floor(until) ? 0 : 1), now);
}

} // namespace

TrainingView::TrainingView(QWidget* parent)
    : View(parent)
    , m_plot(new QCustomPlot(this))
    , m_logLoss(new QCheckBox(QStringLiteral("Log-scale loss"), this))
{
    m_logLoss->setToolTip(QStringLiteral("Draw the loss on a logarithmic axis: late, small improvements stay visible."));
    layOutPlotWithSwitches(m_plot, {m_logLoss});

    stylePlot(m_plot);
    m_plot->plotLayout()->clear();
    m_title = new WrappingTitle(m_plot, QString(), plotFont(1, true));
    m_title->setTextColor(plotcolors::text());
    m_plot->plotLayout()->addElement(0, 0, m_title);

    m_metricsRect = new QCPAxisRect(m_plot);
    m_lossRect = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(1, 0, m_metricsRect);
    m_plot->plotLayout()->addElement(2, 0, m_lossRect);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.01);
    m_plot->plotLayout()->setRowStretchFactor(1, 1.6);
    m_plot->plotLayout()->setRowStretchFactor(2, 1.0);
    m_metricsRect->axis(QCPAxis::atRight)->setVisible(true);
    for (QCPAxisRect* rect : {m_metricsRect, m_lossRect}) {
        styleAxisRect(rect);
        rect->setupFullAxesBox(false);
        for (QCPAxis* axis : rect->axes())
            styleAxis(axis);
        rect->axis(QCPAxis::atTop)->setTickLabels(false);
        rect->axis(QCPAxis::atTop)->setTicks(false);
    }
    m_metricsRect->axis(QCPAxis::atRight)->setTickLabels(true);
    m_lossRect->axis(QCPAxis::atRight)->setTickLabels(false);
    m_lossRect->axis(QCPAxis::atRight)->setTicks(false);
    auto* margins = new QCPMarginGroup(m_plot);
    m_metricsRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_lossRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);

    QCPAxis* x1 = m_metricsRect->axis(QCPAxis::atBottom);
    QCPAxis* y1 = m_metricsRect->axis(QCPAxis::atLeft);
    QCPAxis* y2 = m_metricsRect->axis(QCPAxis::atRight);
    QCPAxis* x2 = m_lossRect->axis(QCPAxis::atBottom);
    QCPAxis* yl = m_lossRect->axis(QCPAxis::atLeft);
    x1->setTickLabels(false);
    y1->setLabel(QStringLiteral("accuracy, macro-F1"));
    y1->setRange(0.0, 1.02);
    y2->setLabel(QStringLiteral("sparsity (%)"));
    y2->setLabelColor(plotcolors::sparsity());
    y2->setTickLabelColor(plotcolors::sparsity());
    y2->setRange(0.0, 102.0);
    x2->setLabel(QStringLiteral("epoch"));
    yl->setLabel(QStringLiteral("log loss"));
    connect(x1, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), x2, qOverload<const QCPRange&>(&QCPAxis::setRange));

    // The legend goes in a row of its own under the title, so it never hides a curve.
    QCPLegend* legend = recreateLegend(m_plot);
    auto* legendRow = new QCPLayoutGrid;
    m_plot->plotLayout()->insertRow(1);
    m_plot->plotLayout()->addElement(1, 0, legendRow);
    legendRow->addElement(0, 0, legend);
    legend->setLayer(QStringLiteral("legend"));
    legendRow->setMargins(QMargins(0, 0, 0, 0));
    legend->setVisible(true);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(3);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setRowSpacing(4);
    legend->setColumnSpacing(18);

    m_trainAccuracy = addGraph(m_plot, x1, y1, QStringLiteral("train accuracy"), plotcolors::accuracy().lighter(150), 1.5);
    m_testAccuracy = addGraph(m_plot, x1, y1, QStringLiteral("test accuracy"), plotcolors::accuracy(), 2.2);
    m_f1 = addGraph(m_plot, x1, y1, QStringLiteral("test macro-F1"), plotcolors::f1(), 2.0);
    m_sparsity = addGraph(m_plot, x1, y2, QStringLiteral("sparsity (right axis)"), plotcolors::sparsity(), 2.2);
    m_otherAccuracy = addGraph(m_plot, x1, y1, QStringLiteral("other L1 step: test accuracy"), plotcolors::accuracy(), 1.6, Qt::DashLine);
    m_otherSparsity = addGraph(m_plot, x1, y2, QStringLiteral("other L1 step: sparsity"), plotcolors::sparsity(), 1.6, Qt::DashLine);
    m_trainLoss = addGraph(m_plot, x2, yl, QStringLiteral("train loss"), plotcolors::trainLoss(), 2.0);
    m_testLoss = addGraph(m_plot, x2, yl, QStringLiteral("test loss"), plotcolors::testLoss(), 2.0);
    m_otherTestLoss = addGraph(m_plot, x2, yl, QStringLiteral("other L1 step: test loss"), plotcolors::testLoss(), 1.4, Qt::DashLine);
    m_trainObjective = addGraph(m_plot, x2, yl, QStringLiteral("train objective (loss + penalty)"), plotcolors::trainLoss().darker(150), 2.0);
    m_exactObjective = addGraph(m_plot, x2, yl, QStringLiteral("exact optimum (coordinate descent): objective"),
                                plotcolors::trainLoss().darker(150), 1.6, Qt::DashLine);
    m_exactSparsity = addGraph(m_plot, x1, y2, QStringLiteral("exact optimum (coordinate descent): sparsity"),
                               plotcolors::sparsity(), 1.6, Qt::DashDotLine);

    m_plot->plotLayout()->setRowStretchFactor(1, 0.01);
    for (int i = 0; i < m_plot->graphCount(); ++i)
        m_plot->graph(i)->removeFromLegend();
    for (QCPGraph* graph : {m_testAccuracy, m_f1, m_trainAccuracy, m_sparsity, m_trainLoss, m_testLoss})
        showInLegend(graph, true);
    m_plot->plotLayout()->setRowSpacing(2);

    connect(m_logLoss, &QCheckBox::toggled, this, [this](bool on) {
        QCPAxis* y = m_lossRect->axis(QCPAxis::atLeft);
        if (on) {
            y->setScaleType(QCPAxis::stLogarithmic);
            y->setTicker(QSharedPointer<LogAxisTicker>(new LogAxisTicker));
        } else {
            y->setScaleType(QCPAxis::stLinear);
            y->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        }
        if (snapshot())
            renderNow();
    });
    // The first epochs' loss dwarfs the rest on a linear axis.
    m_logLoss->setChecked(true);
    // Where the rects' sizes are known, before anything is drawn.
    connect(m_plot, &QCustomPlot::afterLayout, this, &TrainingView::fitToRects);
}

void TrainingView::showInLegend(QCPGraph* graph, bool shown)
{
    QCPLegend* legend = m_plot->legend;
    if (!shown)
        graph->removeFromLegend();
    else if (!legend->hasItemWithPlottable(graph))
        legend->addItem(new TrainingLegendItem(legend, graph, &m_compactLegend));
}

void TrainingView::fitToRects()
{
    // As many loss labels as the short loss rect holds without their text touching.
    const int lineHeight = QFontMetrics(m_lossRect->axis(QCPAxis::atLeft)->tickLabelFont()).height();
    // Likewise the metrics axes in a short rect (1280x720 in Presentation mode).
    for (QCPAxisRect* rect : {m_lossRect, m_metricsRect}) {
        const int labels = std::clamp(rect->height() / (2 * lineHeight), 2, rect == m_lossRect ? 6 : 5);
        for (QCPAxis* axis : {rect->axis(QCPAxis::atLeft), rect->axis(QCPAxis::atRight)}) {
            if (!axis->tickLabels() || axis->ticker()->tickCount() == labels)
                continue;
            // The ticks of this pass are placed already: the next pass places the new count.
            axis->ticker()->setTickCount(labels);
            m_plot->replot(QCustomPlot::rpQueuedReplot);
        }
    }
    // As many legend columns as the plot's width holds (four at most), with the curves' full
    // names while they fit in three rows, else the short ones: a 10-curve legend in one column
    // of full names took the curves' room in a tile and in Presentation mode at 1280x720.
    QCPLegend* legend = m_plot->legend;
    const int itemCount = legend->itemCount();
    const auto layoutFor = [&](bool compact) {
        const QFontMetrics legendMetrics(legend->font());
        int widest = 1;
        for (int i = 0; i < itemCount; ++i)
            if (auto* item = dynamic_cast<TrainingLegendItem*>(legend->item(i))) {
                const QString name = compact ? compactCurveName(item->plottable()->name()) : item->plottable()->name();
                widest = std::max(widest, legendMetrics.horizontalAdvance(name) + legend->iconSize().width()
                                              + legend->iconTextPadding() + legend->columnSpacing() + 8);
            }
        const int columns = std::clamp(m_plot->viewport().width() / widest, 1, 4);
        return std::pair{columns, (itemCount + columns - 1) / columns};
    };
    const auto full = layoutFor(false);
    const auto shortened = layoutFor(true);
    const bool compact = full.second > 3 && shortened.second < full.second;
    const int columns = compact ? shortened.first : full.first;
    if (legend->wrap() != columns || m_compactLegend != compact) {
        m_compactLegend = compact;
        legend->setWrap(columns);
        legend->setFillOrder(legend->fillOrder(), true); // re-places the items in the new columns
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
    // An axis label longer than its rect is tall runs into the legend and the other rect:
    // a shorter one then, or none (the legend names the curves).
    const auto fitLabel = [](QCPAxis* axis, const QStringList& choices) {
        const QFontMetrics metrics(axis->labelFont());
        QString fitting;
        for (const QString& choice : choices)
            if (metrics.horizontalAdvance(choice) <= axis->axisRect()->height()) {
                fitting = choice;
                break;
            }
        if (axis->label() != fitting) {
            axis->setLabel(fitting);
            axis->parentPlot()->replot(QCustomPlot::rpQueuedReplot);
        }
    };
    fitLabel(m_metricsRect->axis(QCPAxis::atLeft), {QStringLiteral("accuracy, macro-F1"), QStringLiteral("accuracy, F1")});
    fitLabel(m_metricsRect->axis(QCPAxis::atRight), {QStringLiteral("sparsity (%)"), QStringLiteral("sparsity")});
    fitLabel(m_lossRect->axis(QCPAxis::atLeft), {QStringLiteral("log loss"), QStringLiteral("loss")});
    // A marker's label reads to the right of its line, or to the left where it would run
    // past the rect's right edge (a change at the last epoch): "lr 0.001" never cut to "lr 0.00".
    const QRect rect = m_metricsRect->rect();
    for (QCPItemText* text : m_markerTexts) {
        const QMargins padding = text->padding();
        const int width = QFontMetrics(text->font()).horizontalAdvance(text->text()) + padding.left() + padding.right() + 2;
        const double x = m_metricsRect->axis(QCPAxis::atBottom)->coordToPixel(text->position->key());
        const Qt::Alignment side = x + width > rect.right() ? Qt::AlignRight : Qt::AlignLeft;
        text->setPositionAlignment(side | Qt::AlignTop);
    }
}

QCPAxis* TrainingView::lossAxis() const
{
    return m_lossRect->axis(QCPAxis::atLeft);
}

int TrainingView::pointCount() const
{
    return m_testAccuracy->dataCount();
}

void TrainingView::render(const Snapshot& s)
{
    const auto& history = s.history ? *s.history : std::vector<HistoryPoint>{};
    // Snapshots of a slider drag share the history: the curves stay as they are.
    if (s.history != m_historyShown || !s.history) {
        m_historyShown = s.history;
        setGraphData(m_trainAccuracy, history, &HistoryPoint::trainAccuracy);
        setGraphData(m_testAccuracy, history, &HistoryPoint::testAccuracy);
        setGraphData(m_f1, history, &HistoryPoint::testMacroF1);
        setGraphData(m_sparsity, history, &HistoryPoint::sparsity, 100.0);
        setGraphData(m_trainLoss, history, &HistoryPoint::trainLoss);
        setGraphData(m_testLoss, history, &HistoryPoint::testLoss);
        setGraphData(m_trainObjective, history, &HistoryPoint::trainObjective);
    }
    // The objective differs from the loss only with a penalty: otherwise one curve would hide the other.
    const auto& regularization = s.training.regularization;
    const bool penalised = regularization.l1 > 0 || regularization.l2 > 0;
    m_trainObjective->setVisible(penalised);
    showInLegend(m_trainObjective, penalised);

    const bool comparing = s.comparison && s.comparison->history;
    for (QCPGraph* graph : {m_otherAccuracy, m_otherSparsity, m_otherTestLoss}) {
        graph->setVisible(comparing);
        showInLegend(graph, comparing);
    }
    if (comparing) {
        const QString other = QString::fromStdString(s.comparison->label);
        m_otherAccuracy->setName(other + QStringLiteral(": test accuracy"));
        m_otherSparsity->setName(other + QStringLiteral(": sparsity"));
        m_otherTestLoss->setName(other + QStringLiteral(": test loss"));
        setGraphData(m_otherAccuracy, *s.comparison->history, &HistoryPoint::testAccuracy);
        setGraphData(m_otherSparsity, *s.comparison->history, &HistoryPoint::sparsity, 100.0);
        setGraphData(m_otherTestLoss, *s.comparison->history, &HistoryPoint::testLoss);
    }

    double lastEpoch = history.empty() ? 0.0 : history.back().epoch;
    const double span = std::max(1.0, lastEpoch * 1.03);
    m_metricsRect->axis(QCPAxis::atBottom)->setRange(0.0, span);

    // The exact optimum: flat lines across the whole span, named with their values.
    const ExactReference* exact = s.exactReference.get();
    const bool exactReady = exact && exact->status == ExactReference::Status::Ready;
    m_exactNote.clear();
    if (exact && exact->status == ExactReference::Status::Computing)
        m_exactNote = QStringLiteral("exact optimum (coordinate descent): computing\u2026");
    else if (exact && !exactReady && (penalised || !s.model.hidden.empty()) && !exact->note.empty())
        m_exactNote = QStringLiteral("No exact-optimum line: %1").arg(QString::fromStdString(exact->note));
    for (QCPGraph* graph : {m_exactObjective, m_exactSparsity}) {
        graph->setVisible(exactReady);
        showInLegend(graph, exactReady);
    }
    if (exactReady) {
        m_exactObjective->setName(QStringLiteral("exact optimum (coordinate descent): objective %1").arg(exact->objective, 0, 'g', 4));
        m_exactSparsity->setName(QStringLiteral("exact optimum (coordinate descent): sparsity %1").arg(formatPercent(exact->sparsity)));
        m_exactObjective->setData({0.0, span}, {exact->objective, exact->objective}, true);
        m_exactSparsity->setData({0.0, span}, {100.0 * exact->sparsity, 100.0 * exact->sparsity}, true);
    }

    double lossMax = 0.0;
    double lossMin = 1e300;
    for (const auto& p : history)
        for (double v : {p.trainLoss, p.testLoss, penalised ? p.trainObjective : p.trainLoss})
            if (std::isfinite(v)) {
                lossMax = std::max(lossMax, v);
                lossMin = std::min(lossMin, v);
            }
    if (comparing)
        for (const auto& p : *s.comparison->history)
            if (std::isfinite(p.testLoss)) {
                lossMax = std::max(lossMax, p.testLoss);
                lossMin = std::min(lossMin, p.testLoss);
            }
    if (exactReady && std::isfinite(exact->objective)) {
        lossMax = std::max(lossMax, exact->objective);
        lossMin = std::min(lossMin, exact->objective);
    }
    QCPAxis* lossAxis = m_lossRect->axis(QCPAxis::atLeft);
    if (lossAxis->scaleType() == QCPAxis::stLogarithmic)
        lossAxis->setRange(std::max(1e-4, lossMin * 0.8), std::max(lossMax * 1.25, 1e-3));
    else
        lossAxis->setRange(0.0, lossMax > 0 ? lossMax * 1.08 : 1.0);

    QString subtitle = describeRun(s);
    const QString curves = testCurvesNote(s);
    if (!curves.isEmpty())
        subtitle += QLatin1Char('\n') + curves;
    // A network with hidden layers never has the line: its reason goes in the plot's tooltip,
    // so that the title keeps its one line (in Presentation mode a second one left the curves
    // no room). For logistic regression, where a student may look for the line, it is shown.
    const bool noteInTitle = !m_exactNote.isEmpty() && s.model.hidden.empty();
    if (noteInTitle)
        subtitle += QLatin1Char('\n') + m_exactNote;
    m_plot->setToolTip(noteInTitle ? QString() : m_exactNote);
    m_title->setText(QStringLiteral("%1 \u2014 %2").arg(QString::fromStdString(s.datasetRequest.nameOrPath), subtitle));

    rebuildMarkers(s);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingView::rebuildMarkers(const Snapshot& s)
{
    if (s.markers.get() == m_markersShown && s.modelGeneration == m_modelGeneration)
        return;
    m_markersShown = s.markers.get();
    m_modelGeneration = s.modelGeneration;
    for (auto* line : m_markerLines)
        m_plot->removeItem(line);
    for (auto* text : m_markerTexts)
        m_plot->removeItem(text);
    m_markerLines.clear();
    m_markerTexts.clear();
    if (!s.markers)
        return;
    // Many markers would bury the curves: show the most recent ones.
    const std::size_t first = s.markers->size() > 12 ? s.markers->size() - 12 : 0;
    const QPen pen(plotcolors::marker(), 1, Qt::DashLine);
    for (std::size_t i = first; i < s.markers->size(); ++i) {
        const ParameterMarker& marker = (*s.markers)[i];
        for (QCPAxisRect* rect : {m_metricsRect, m_lossRect}) {
            auto* line = new QCPItemStraightLine(m_plot);
            line->setClipAxisRect(rect);
            line->point1->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            line->point2->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            line->point1->setCoords(marker.epoch, 0.0);
            line->point2->setCoords(marker.epoch, 1.0);
            line->setPen(pen);
            m_markerLines.push_back(line);
        }
        auto* text = new QCPItemText(m_plot);
        text->setClipAxisRect(m_metricsRect);
        text->position->setAxes(m_metricsRect->axis(QCPAxis::atBottom), m_metricsRect->axis(QCPAxis::atLeft));
        text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        text->position->setAxisRect(m_metricsRect);
        text->position->setCoords(marker.epoch, 0.03 + 0.06 * static_cast<double>((i - first) % 3));
        text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        text->setText(QString::fromStdString(marker.text));
        text->setFont(plotFont(-2));
        text->setColor(plotcolors::mutedText());
        text->setPadding(QMargins(3, 1, 3, 1));
        text->setBrush(QBrush(QColor(255, 255, 255, 200)));
        m_markerTexts.push_back(text);
    }
}

} // namespace ss
