#include "views/BoundaryView.h"

#include "plot/PlotStyle.h"

#include <qcustomplot.h>

#include <QCheckBox>

#include <algorithm>
#include <cmath>

namespace ss {

namespace {

QColor tint(const QColor& color, double amount)
{
    // amount 0 = white, 1 = the colour itself
    return QColor(static_cast<int>(255 + (color.red() - 255) * amount),
                  static_cast<int>(255 + (color.green() - 255) * amount),
                  static_cast<int>(255 + (color.blue() - 255) * amount));
}

QCPColorGradient boundaryGradient(int classes)
{
    QCPColorGradient gradient;
    gradient.clearColorStops();
    if (classes <= 2) {
        // p(class 1) from 0 to 1: class 0's colour, white at 0.5 (the boundary), class 1's colour.
        gradient.setColorStopAt(0.0, tint(plotcolors::forClass(0), 0.55));
        gradient.setColorStopAt(0.5, QColor(250, 250, 250));
        gradient.setColorStopAt(1.0, tint(plotcolors::forClass(1), 0.55));
        gradient.setLevelCount(200);
    } else {
        // Value c + confidence: a band per class from pale (unsure) to tinted (sure).
        for (int c = 0; c < classes; ++c) {
            const double lo = static_cast<double>(c) / classes;
            const double hi = (c + 0.999) / classes;
            gradient.setColorStopAt(lo + 1e-6, tint(plotcolors::forClass(c), 0.08));
            gradient.setColorStopAt(hi, tint(plotcolors::forClass(c), 0.6));
        }
        gradient.setLevelCount(std::min(2000, 80 * classes));
    }
    return gradient;
}

double originalValue(const PreparedData& data, int feature, float scaled)
{
    const FeatureScaler& scaler = data.scaler;
    if (scaler.kind() == FeatureScaler::Kind::None || scaler.factor().size() <= feature || scaler.factor()(feature) == 0)
        return scaled;
    return scaled / scaler.factor()(feature) + scaler.offset()(feature);
}

} // namespace

BoundaryView::BoundaryView(QWidget* parent)
    : View(parent)
    , m_plot(new QCustomPlot(this))
    , m_showTrain(new QCheckBox(QStringLiteral("Training points"), this))
    , m_showTest(new QCheckBox(QStringLiteral("Test points"), this))
{
    layOutPlotWithSwitches(m_plot, {m_showTrain, m_showTest});
    m_showTrain->setChecked(true);
    m_showTest->setChecked(true);
    m_showTrain->setToolTip(QStringLiteral("Draw the training samples (filled dots)."));
    m_showTest->setToolTip(QStringLiteral("Draw the test samples (open circles); a cross marks a test sample the model gets wrong."));

    stylePlot(m_plot);
    const ColorPlotLayout frame = makeColorPlotLayout(m_plot, QStringLiteral("Decision boundary"));
    m_title = frame.title;
    m_scale = frame.scale;
    QCPAxisRect* rect = frame.rect;
    m_map = new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    m_map->setInterpolate(true);
    m_map->setColorScale(m_scale);

    QCPLegend* legend = recreateLegend(m_plot);
    rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer(QStringLiteral("legend"));
    legend->setVisible(true);
    // Crosses for misclassified samples sit on a layer above the points.
    m_plot->addLayer(QStringLiteral("markers"), m_plot->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    m_wrong = m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    m_wrong->setLayer(QStringLiteral("markers"));
    m_wrong->setLineStyle(QCPGraph::lsNone);
    m_wrong->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QPen(QColor(20, 20, 20), 1.6), Qt::NoBrush, 11));
    m_wrong->setName(QStringLiteral("misclassified (test)"));
    m_testLegend = m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    m_testLegend->setLineStyle(QCPGraph::lsNone);
    m_testLegend->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(60, 60, 60), 1.6), QBrush(Qt::white), 8));
    m_testLegend->setName(QStringLiteral("test sample (open)"));

    m_notice = new QCPItemText(m_plot);
    m_notice->setClipToAxisRect(false);
    m_notice->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_notice->position->setAxisRect(rect);
    m_notice->position->setCoords(0.5, 0.5);
    m_notice->setFont(plotFont(1));
    m_notice->setColor(plotcolors::mutedText());
    m_notice->setTextAlignment(Qt::AlignCenter);
    m_notice->setVisible(false);

    // Equal axes: a unit of x is as long on screen as a unit of y (circles stay round),
    // whatever the rect's shape; kept after every layout, so resizes keep it too.
    connect(m_plot, &QCustomPlot::afterLayout, this, &BoundaryView::keepEqualScale);

    connect(m_showTrain, &QCheckBox::toggled, this, [this] { m_pointsFor = ~std::uint64_t{0}; if (snapshot()) renderNow(); });
    connect(m_showTest, &QCheckBox::toggled, this, [this] { m_pointsFor = ~std::uint64_t{0}; if (snapshot()) renderNow(); });
}

void BoundaryView::ensureClasses(int classes, const Dataset& data)
{
    while (m_train.size() > classes) {
        m_plot->removeGraph(m_train.takeLast());
        m_plot->removeGraph(m_test.takeLast());
    }
    QCPAxisRect* rect = m_map->keyAxis()->axisRect();
    while (m_train.size() < classes) {
        const int c = static_cast<int>(m_train.size());
        const QColor color = plotcolors::forClass(c);
        QCPGraph* train = m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        train->setLineStyle(QCPGraph::lsNone);
        train->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(color.darker(140), 0.8), QBrush(color), 6.5));
        QCPGraph* test = m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        test->setLineStyle(QCPGraph::lsNone);
        test->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(color.darker(120), 1.8), QBrush(Qt::white), 8));
        test->removeFromLegend();
        m_train.push_back(train);
        m_test.push_back(test);
    }
    for (int c = 0; c < classes; ++c) {
        const QString name = c < data.classCount() && !data.classNames[static_cast<std::size_t>(c)].empty()
            ? QString::fromStdString(data.classNames[static_cast<std::size_t>(c)])
            : QString::number(c);
        m_train[c]->setName(QStringLiteral("class %1").arg(name));
    }
    m_plot->legend->clearItems();
    for (QCPGraph* graph : m_train)
        graph->addToLegend();
    m_testLegend->addToLegend();
    m_wrong->addToLegend();
}

void BoundaryView::fillPoints(const Snapshot& s)
{
    const PreparedData& data = *s.data;
    const Dataset& train = data.split.train;
    const Dataset& test = data.split.test;
    const int classes = train.classCount();
    if (m_pointsFor != s.modelGeneration) {
        m_pointsFor = s.modelGeneration;
        for (int c = 0; c < classes; ++c) {
            QVector<double> xs, ys, tx, ty;
            if (m_showTrain->isChecked())
                for (int i = 0; i < train.sampleCount(); ++i)
                    if (train.labels[static_cast<std::size_t>(i)] == c) {
                        xs << originalValue(data, 0, train.features(0, i));
                        ys << originalValue(data, 1, train.features(1, i));
                    }
            if (m_showTest->isChecked())
                for (int i = 0; i < test.sampleCount(); ++i)
                    if (test.labels[static_cast<std::size_t>(i)] == c) {
                        tx << originalValue(data, 0, test.features(0, i));
                        ty << originalValue(data, 1, test.features(1, i));
                    }
            m_train[c]->setData(xs, ys);
            m_test[c]->setData(tx, ty);
        }
        m_predictionsFor = nullptr;
    }
    QVector<double> wx, wy;
    if (m_showTest->isChecked()) {
        const Labels& predicted = s.evaluation.predictions;
        for (int i = 0; i < test.sampleCount() && i < static_cast<int>(predicted.size()); ++i)
            if (predicted[static_cast<std::size_t>(i)] != test.labels[static_cast<std::size_t>(i)]) {
                wx << originalValue(data, 0, test.features(0, i));
                wy << originalValue(data, 1, test.features(1, i));
            }
    }
    m_wrong->setData(wx, wy);
    m_testLegend->setVisible(false);
}

void BoundaryView::render(const Snapshot& s)
{
    const Dataset& train = s.data->split.train;
    QCPAxisRect* rect = m_map->keyAxis()->axisRect();
    if (!s.boundary || train.featureCount() != 2) {
        m_map->setVisible(false);
        m_scale->setVisible(false);
        m_plot->legend->setVisible(false);
        for (QCPGraph* g : m_train)
            g->setVisible(false);
        for (QCPGraph* g : m_test)
            g->setVisible(false);
        m_wrong->setVisible(false);
        m_notice->setVisible(true);
        m_notice->setText(QStringLiteral("The decision boundary is drawn for 2-D data.\n"
                                         "%1 has %2 features: choose one of the generators\n"
                                         "(the article's example, moons, circles, XOR, spiral, blobs) to see it.")
                              .arg(QString::fromStdString(s.datasetRequest.nameOrPath))
                              .arg(train.featureCount()));
        m_extent = QRectF();
        rect->axis(QCPAxis::atBottom)->setRange(0, 1);
        rect->axis(QCPAxis::atLeft)->setRange(0, 1);
        m_title->setText(QStringLiteral("Decision boundary"));
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_notice->setVisible(false);
    m_map->setVisible(true);
    m_scale->setVisible(true);
    m_plot->legend->setVisible(true);
    const BoundaryGrid& grid = *s.boundary;
    const int classes = std::max(2, grid.classes);
    ensureClasses(train.classCount(), train);
    for (QCPGraph* g : m_train)
        g->setVisible(m_showTrain->isChecked());
    for (QCPGraph* g : m_test)
        g->setVisible(m_showTest->isChecked());
    m_wrong->setVisible(m_showTest->isChecked());

    QCPColorMapData* cells = m_map->data();
    const double dx = (grid.xMax - grid.xMin) / grid.columns;
    const double dy = (grid.yMax - grid.yMin) / grid.rows;
    cells->setSize(grid.columns, grid.rows);
    cells->setRange(QCPRange(grid.xMin + dx / 2, grid.xMax - dx / 2), QCPRange(grid.yMin + dy / 2, grid.yMax - dy / 2));
    if (classes == 2) {
        for (int r = 0; r < grid.rows; ++r)
            for (int c = 0; c < grid.columns; ++c)
                cells->setCell(c, r, grid.probability(1, r, c));
        m_map->setGradient(boundaryGradient(2));
        m_map->setDataRange(QCPRange(0, 1));
        m_scale->axis()->setLabel(QStringLiteral("P(class %1)").arg(
            train.classCount() > 1 && !train.classNames[1].empty() ? QString::fromStdString(train.classNames[1]) : QStringLiteral("1")));
        m_scale->axis()->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    } else {
        for (int r = 0; r < grid.rows; ++r)
            for (int c = 0; c < grid.columns; ++c) {
                int best = 0;
                float bestP = -1;
                for (int k = 0; k < grid.classes; ++k) {
                    const float p = grid.probability(k, r, c);
                    if (p > bestP) {
                        bestP = p;
                        best = k;
                    }
                }
                // Confidence from 1/k (a coin toss) to 1 (certain).
                const double confidence = std::clamp((bestP - 1.0 / grid.classes) / (1.0 - 1.0 / grid.classes), 0.0, 0.998);
                cells->setCell(c, r, best + confidence);
            }
        m_map->setGradient(boundaryGradient(classes));
        m_map->setDataRange(QCPRange(0, classes));
        m_scale->axis()->setLabel(QStringLiteral("predicted class (pale = unsure)"));
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (int k = 0; k < classes; ++k)
            ticker->addTick(k + 0.5, k < train.classCount() ? QString::fromStdString(train.classNames[static_cast<std::size_t>(k)]) : QString::number(k));
        m_scale->axis()->setTicker(ticker);
    }
    m_scale->setGradient(m_map->gradient());

    fillPoints(s);
    m_extent = QRectF(QPointF(grid.xMin, grid.yMin), QPointF(grid.xMax, grid.yMax));
    keepEqualScale();
    const auto featureName = [&](int f) {
        return f < static_cast<int>(train.featureNames.size()) && !train.featureNames[static_cast<std::size_t>(f)].empty()
            ? QString::fromStdString(train.featureNames[static_cast<std::size_t>(f)])
            : QStringLiteral("x%1").arg(f);
    };
    rect->axis(QCPAxis::atBottom)->setLabel(featureName(0));
    rect->axis(QCPAxis::atLeft)->setLabel(featureName(1));
    const ClassificationReport& report = s.evaluation.report;
    m_title->setText(QStringLiteral("Decision boundary \u2014 epoch %1 \u00b7 test accuracy %2 \u00b7 %3 test samples wrong")
                         .arg(s.epoch)
                         .arg(report.accuracy, 0, 'f', 3)
                         .arg(report.confusion.total() - report.confusion.correct()));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void BoundaryView::keepEqualScale()
{
    QCPAxisRect* rect = m_map->keyAxis()->axisRect();
    const QRect pixels = rect->rect();
    if (!m_extent.isValid() || pixels.width() <= 0 || pixels.height() <= 0)
        return;
    // The grid whole, at the scale of its tighter side; the other axis gets room around it.
    const double unitsPerPixel = std::max(m_extent.width() / pixels.width(), m_extent.height() / pixels.height());
    const QPointF centre = m_extent.center();
    const double halfWidth = 0.5 * unitsPerPixel * pixels.width();
    const double halfHeight = 0.5 * unitsPerPixel * pixels.height();
    rect->axis(QCPAxis::atBottom)->setRange(centre.x() - halfWidth, centre.x() + halfWidth);
    rect->axis(QCPAxis::atLeft)->setRange(centre.y() - halfHeight, centre.y() + halfHeight);
}

} // namespace ss
