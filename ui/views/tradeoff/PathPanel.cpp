#include "views/tradeoff/PathPanel.h"

#include "plot/PlotStyle.h"

#include <qcustomplot.h>

#include <QPushButton>

#include <algorithm>
#include <cmath>

namespace ss {

namespace {

constexpr int kPathLambdas = 40;
constexpr int kAutoPathMaxSamples = 5000;

bool isLinear(const Snapshot& s)
{
    return s.trained && s.trained->architecture().hidden.empty();
}

// The L1 share of the penalty the path is fitted with (pure L1 without a penalty).
double pathAlpha(const Snapshot& s)
{
    const auto& r = s.training.regularization;
    const double lambda = r.l1 + r.l2;
    return lambda > 0 ? r.l1 / lambda : 1.0;
}

// What a path is made from: a new key, a new path.
QString pathKey(const Snapshot& s)
{
    return QStringLiteral("%1/%2/%3").arg(s.modelGeneration).arg(s.datasetRequest.nameOrPath.c_str()).arg(pathAlpha(s));
}

} // namespace

PathPanel::PathPanel(QWidget* parent)
    : TradeoffPanel(QStringLiteral("path"), parent)
    , m_button(new QPushButton(QStringLiteral("\u03bb path"), this))
    , m_job([this](RegularizationPath result) {
                if (!result.points.empty()) {
                    m_path = std::make_unique<RegularizationPath>(std::move(result));
                    showPath();
                }
                emit jobChanged();
            },
            [this](const QString& error) {
                m_shown.clear();
                m_notice->setText(QStringLiteral("The path failed:\n%1").arg(error));
                m_notice->setVisible(true);
                plot()->replot(QCustomPlot::rpQueuedReplot);
                emit jobChanged();
            },
            [this] { emit jobChanged(); })
{
    m_button->setToolTip(QStringLiteral("Regularisation path, for logistic regression: the exact L1 / elastic-net solution at 40 decreasing \u03bb "
                                        "(coordinate descent, as glmnet) with every weight drawn against \u03bb."));
    QCustomPlot* p = plot();
    m_title = addTitle(QStringLiteral("Regularisation path"));
    p->xAxis->setLabel(QStringLiteral("\u03bb (log scale)"));
    p->yAxis->setLabel(QStringLiteral("weight"));
    p->xAxis->setScaleType(QCPAxis::stLogarithmic);
    p->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    p->xAxis2->setVisible(true);
    p->xAxis2->setScaleType(QCPAxis::stLogarithmic);
    p->xAxis2->setLabel(QStringLiteral("non-zero weights"));
    p->yAxis2->setVisible(true);
    p->yAxis2->setRange(0, 1.02);
    p->yAxis2->setLabel(QStringLiteral("test accuracy (dotted)"));
    styleAxis(p->xAxis2);
    styleAxis(p->yAxis2);
    connect(p->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), p->xAxis2,
            qOverload<const QCPRange&>(&QCPAxis::setRange));
    m_notice = addNotice();
    connect(m_button, &QPushButton::clicked, this, [this] {
        m_key.clear();
        start(snapshot());
    });
    showPath();
}

QList<QWidget*> PathPanel::barWidgets() const
{
    return {m_button};
}

bool PathPanel::hasContent() const
{
    return m_path && !m_notice->visible();
}

QString PathPanel::runningJob() const
{
    return m_job.isRunning() ? QStringLiteral("regularisation path") : QString();
}

void PathPanel::render(const Snapshot& s)
{
    const bool linear = isLinear(s);
    m_button->setEnabled(linear);
    if (linear && !s.running && pathKey(s) != m_key && s.data->split.train.sampleCount() <= kAutoPathMaxSamples)
        start(snapshot());
    if (!linear && m_path) {
        m_path.reset();
        m_key.clear();
    }
    if (!m_path || !linear)
        showPath();
}

void PathPanel::start(const SnapshotPtr& keep)
{
    if (!keep || !isLinear(*keep))
        return;
    RegularizationPathOptions options;
    options.lambdas = kPathLambdas;
    options.alpha = pathAlpha(*keep);
    m_key = pathKey(*keep);
    m_problem.clear();
    m_job.start([keep, options](std::atomic<bool>& cancel, const auto& progress) {
        return computeRegularizationPath(keep->data->split.train, keep->data->split.test, options, &cancel, progress);
    });
    m_shown.clear();
    m_notice->setText(QStringLiteral("Computing the path at %1 values of \u03bb\u2026").arg(kPathLambdas));
    m_notice->setVisible(true);
    plot()->replot(QCustomPlot::rpQueuedReplot);
    emit jobChanged();
}

void PathPanel::showPath()
{
    const SnapshotPtr& s = snapshot();
    const bool linear = s && isLinear(*s);
    const QString shownKey = QStringLiteral("%1/%2").arg(reinterpret_cast<quintptr>(m_path.get())).arg(linear);
    if (shownKey == m_shown)
        return; // nothing new to draw
    m_shown = shownKey;
    plot()->clearGraphs();
    plot()->clearItems();
    m_notice = addNotice();
    if (!m_path || !linear) {
        m_notice->setText(linear ? QStringLiteral("Press \u201cRegularisation path\u201d to fit the model at %1 values of \u03bb.").arg(kPathLambdas)
                                 : QStringLiteral("The regularisation path is drawn for linear models:\n"
                                                  "set Hidden layers to \u2018logistic\u2019 to see every weight against \u03bb."));
        m_notice->setVisible(true);
        plot()->xAxis->setRange(1e-4, 1);
        plot()->yAxis->setRange(-1, 1);
        plot()->xAxis2->setTicker(QSharedPointer<QCPAxisTickerText>::create()); // no counts without a path
        m_title->setText(QStringLiteral("Regularisation path"));
        plot()->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_notice->setVisible(false);
    const auto& points = m_path->points;
    const Matrix& first = points.front().weights;
    const int outputs = static_cast<int>(first.rows());
    const int features = static_cast<int>(first.cols());
    const Dataset& train = s->data->split.train;
    // A binomial model's one row of weights raises the log-odds of the second class, whichever
    // class the headline calls positive: the sign means nothing unless the axis says so.
    if (outputs == 1 && train.classCount() == 2)
        plot()->yAxis->setLabel(QStringLiteral("weight (+ favours \u2018%1\u2019, \u2212 \u2018%2\u2019)")
                                    .arg(QString::fromStdString(train.classNames[1]), QString::fromStdString(train.classNames[0])));
    else
        plot()->yAxis->setLabel(QStringLiteral("weight (each class's own)"));
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
            QCPGraph* graph = plot()->addGraph();
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
    QCPGraph* accuracy = plot()->addGraph(plot()->xAxis, plot()->yAxis2);
    accuracy->setData(ax, ay, true);
    accuracy->setPen(QPen(QColor(40, 40, 40), 1.6, Qt::DotLine));
    const double lo = points.back().lambda;
    const double hi = points.front().lambda;
    plot()->xAxis->setRange(lo / 1.3, hi * 1.3);
    const double margin = 0.08 * (yMax - yMin);
    plot()->yAxis->setRange(yMin - margin, yMax + margin);
    // glmnet's top axis: the number of non-zero weights at a few lambdas.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const int every = std::max(1, static_cast<int>(points.size()) / 7);
    for (std::size_t i = 0; i < points.size(); i += static_cast<std::size_t>(every))
        ticker->addTick(points[i].lambda, QString::number(points[i].nonZeroWeights));
    plot()->xAxis2->setTicker(ticker);
    // Name the weights that end largest.
    std::sort(ends.begin(), ends.end(), [](const Labelled& a, const Labelled& b) { return a.magnitude > b.magnitude; });
    for (std::size_t i = 0; i < ends.size() && i < 5; ++i) {
        const Labelled& e = ends[i];
        auto* text = new QCPItemText(plot());
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
    m_title->setText(QStringLiteral("Regularisation path (%1): best test accuracy %2 with %3 non-zero weights")
                             .arg(s->training.regularization.l2 > 0 && s->training.regularization.l1 <= 0 ? QStringLiteral("L2")
                                  : s->training.regularization.l2 > 0 ? QStringLiteral("elastic net") : QStringLiteral("L1"))
                             .arg(best->testAccuracy, 0, 'f', 3)
                             .arg(best->nonZeroWeights));
    plot()->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ss
