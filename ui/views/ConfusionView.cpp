#include "views/ConfusionView.h"

#include "async/Throttle.h"

#include "plot/ImageTiles.h"
#include "plot/PlotStyle.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ss {

namespace {

constexpr int kMaxListedSamples = 240;

QString className(const Dataset& data, int k)
{
    if (k >= 0 && k < data.classCount() && !data.classNames[static_cast<std::size_t>(k)].empty())
        return QString::fromStdString(data.classNames[static_cast<std::size_t>(k)]);
    return QString::number(k);
}

QString score(double value)
{
    return QString::number(value, 'f', 3);
}

} // namespace

ConfusionView::ConfusionView(QWidget* parent)
    : View(parent)
    , m_normalization(new QComboBox(this))
    , m_summary(new QLabel(this))
    , m_plot(new QCustomPlot(this))
    , m_table(new QTableWidget(this))
    , m_samplesTitle(new QLabel(this))
    , m_samples(new QListWidget(this))
{
    m_normalization->addItem(QStringLiteral("Counts"), static_cast<int>(Normalization::None));
    m_normalization->addItem(QStringLiteral("By true class"), static_cast<int>(Normalization::ByTrueClass));
    m_normalization->addItem(QStringLiteral("By predicted class"), static_cast<int>(Normalization::ByPredictedClass));
    m_normalization->setToolTip(QStringLiteral(
        "What the colours and percentages are relative to. <b>Counts</b>: share of all test samples. "
        "<b>By true class</b>: each row sums to 100 %, the diagonal is each class's recall TP/(TP+FN). "
        "<b>By predicted class</b>: each column sums to 100 %, the diagonal is each class's precision TP/(TP+FP)."));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_summary->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(8, 4, 8, 4);
    bar->addWidget(new QLabel(QStringLiteral("Normalise:")));
    bar->addWidget(m_normalization);
    bar->addSpacing(16);
    bar->addWidget(m_summary, 1);
    layout->addLayout(bar);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_plot);
    auto* side = new QWidget;
    m_side = side;
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(4, 0, 8, 8);
    auto* tableTitle = new QLabel(QStringLiteral("<b>Per class (test set)</b>"));
    tableTitle->setToolTip(QStringLiteral(
        "One-vs-rest for each class: precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2PR/(P+R), support = "
        "how many test samples have that true class. Macro = plain mean over classes; weighted = mean weighted "
        "by support; micro = from pooled counts (equals accuracy for single-label data). 0/0 counts as 0."));
    sideLayout->addWidget(tableTitle);
    sideLayout->addWidget(m_table, 3);
    sideLayout->addWidget(m_samplesTitle);
    sideLayout->addWidget(m_samples, 2);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    m_table->setColumnCount(6);
    m_table->setHorizontalHeaderLabels({QStringLiteral("class"), QStringLiteral("precision"), QStringLiteral("recall"),
                                        QStringLiteral("F1"), QStringLiteral("support"), QStringLiteral("predicted")});
    m_table->verticalHeader()->setVisible(false);
    // Fixed column widths: ResizeToContents would measure every cell at every live update.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    const int numberWidth = m_table->fontMetrics().horizontalAdvance(QStringLiteral("predicted")) + 16;
    for (int c = 1; c < 6; ++c)
        m_table->setColumnWidth(c, numberWidth);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setDefaultSectionSize(22);

    m_samplesTitle->setText(QStringLiteral("<b>Samples</b>: click a cell of the matrix to list them."));
    m_samplesTitle->setWordWrap(true);
    m_samples->setUniformItemSizes(true);

    stylePlot(m_plot);
    const ColorPlotLayout frame = makeColorPlotLayout(m_plot, QStringLiteral("Confusion matrix (test set)"));
    m_title = frame.title;
    m_scale = frame.scale;
    QCPAxisRect* rect = frame.rect;
    rect->axis(QCPAxis::atLeft)->setLabel(QStringLiteral("true class"));
    rect->axis(QCPAxis::atBottom)->setLabel(QStringLiteral("predicted class"));
    rect->axis(QCPAxis::atLeft)->setRangeReversed(true);  // row 0 at the top, as the matrix is written
    for (QCPAxis* axis : {rect->axis(QCPAxis::atLeft), rect->axis(QCPAxis::atBottom)}) {
        axis->grid()->setVisible(false);
        axis->setTickLengthOut(0);
        axis->setSubTicks(false);
    }
    m_map = new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    m_map->setInterpolate(false);
    m_map->setGradient(sequentialGradient());
    m_map->setColorScale(m_scale);
    m_scale->setGradient(sequentialGradient());

    m_selection = new QCPItemRect(m_plot);
    m_selection->setClipAxisRect(rect);
    m_selection->topLeft->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    m_selection->bottomRight->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    m_selection->setPen(QPen(plotcolors::threshold(), 2.5));
    m_selection->setBrush(Qt::NoBrush);
    m_selection->setVisible(false);

    // Refilling thumbnails at every live update is wasted work: at most a few times a second.
    m_listThrottle = new Throttle(400, Throttle::WhenDue::RunAtOnce, [this] { listSamples(); }, this);
    connect(m_plot, &QCustomPlot::mousePress, this, &ConfusionView::onPlotClicked);
    connect(m_normalization, &QComboBox::currentIndexChanged, this, [this] {
        if (snapshot())
            renderNow();
    });
    m_plot->setToolTip(QStringLiteral("Rows: the true class; columns: the class the model predicted. The diagonal is "
                                      "correct. Click a cell to list its test samples."));
}

void ConfusionView::fitPanelsToWidth()
{
    // Beside a table of six columns the matrix would be a sliver: the table shows only when
    // the matrix keeps room for about 20 lines of text across.
    int tableWidth = m_table->fontMetrics().horizontalAdvance(QStringLiteral("weighted avg")) + 16;
    for (int c = 1; c < m_table->columnCount(); ++c)
        tableWidth += m_table->columnWidth(c);
    m_side->setVisible(!inTile() || width() >= tableWidth + 20 * m_table->fontMetrics().height());
}

void ConfusionView::setNormalization(Normalization normalization)
{
    m_normalization->setCurrentIndex(m_normalization->findData(static_cast<int>(normalization)));
}

QString ConfusionView::cellText(int truth, int predicted) const
{
    const int k = m_shown.classCount();
    const int index = truth * k + predicted;
    if (truth < 0 || predicted < 0 || truth >= k || predicted >= k || index >= m_cellTexts.size())
        return {};
    return m_cellTexts[index]->text();
}

void ConfusionView::rebuildCells(int classes)
{
    for (auto* text : m_cellTexts)
        m_plot->removeItem(text);
    m_cellTexts.clear();
    QCPAxisRect* rect = m_map->keyAxis()->axisRect();
    for (int t = 0; t < classes; ++t)
        for (int p = 0; p < classes; ++p) {
            auto* text = new QCPItemText(m_plot);
            text->setClipAxisRect(rect);
            text->position->setAxes(m_map->keyAxis(), m_map->valueAxis());
            text->position->setCoords(p, t);
            text->setPositionAlignment(Qt::AlignCenter);
            text->setTextAlignment(Qt::AlignCenter);
            text->setSelectable(false);
            m_cellTexts.push_back(text);
        }
}

void ConfusionView::render(const Snapshot& s)
{
    const ClassificationReport& report = s.evaluation.report;
    const ConfusionMatrix& confusion = report.confusion;
    const int k = confusion.classCount();
    const Dataset& test = s.data->split.test;
    const auto normalization = static_cast<Normalization>(m_normalization->currentData().toInt());

    if (m_shown.classCount() != k || m_cellTexts.size() != k * k)
        rebuildCells(k);
    if (m_selectionModel != s.modelGeneration) {
        m_selectionModel = s.modelGeneration;
        m_selectedTruth = m_selectedPredicted = -1;
    }
    m_shown = confusion;

    m_map->data()->setSize(k, k);
    m_map->data()->setRange(QCPRange(0, k - 1), QCPRange(0, k - 1));
    const double total = std::max<long>(1, confusion.total());
    double maxValue = 0;
    for (int t = 0; t < k; ++t)
        for (int p = 0; p < k; ++p) {
            const long count = confusion.count(t, p);
            double denominator = total;
            if (normalization == Normalization::ByTrueClass)
                denominator = static_cast<double>(confusion.rowSum(t));
            else if (normalization == Normalization::ByPredictedClass)
                denominator = static_cast<double>(confusion.columnSum(p));
            const double fraction = denominator > 0 ? count / denominator : 0.0;
            const double value = normalization == Normalization::None ? static_cast<double>(count) : fraction;
            maxValue = std::max(maxValue, value);
            m_map->data()->setCell(p, t, value);
            QCPItemText* text = m_cellTexts[t * k + p];
            text->setText(QStringLiteral("%1\n%2").arg(count).arg(formatPercent(fraction, fraction >= 0.1 || fraction == 0 ? 0 : 1)));
            text->setVisible(k <= 15);
        }
    // Cell text as large as the cells allow (two lines per cell), so that ten classes stay
    // readable from the back of a room; never below 11 px.
    const QCPAxisRect* cellRect = m_map->keyAxis()->axisRect();
    const double cellPixels = std::min(cellRect->width(), cellRect->height()) / static_cast<double>(std::max(1, k));
    QFont cellFont = plotFont(0);
    cellFont.setPixelSize(std::clamp(static_cast<int>(cellPixels * 0.3), 11, 20));
    for (QCPItemText* text : m_cellTexts)
        if (text->font() != cellFont)
            text->setFont(cellFont);
    const double top = normalization == Normalization::None ? std::max(1.0, maxValue) : 1.0;
    m_map->setDataRange(QCPRange(0, top));
    for (int t = 0; t < k; ++t)
        for (int p = 0; p < k; ++p) {
            const double value = m_map->data()->cell(p, t);
            m_cellTexts[t * k + p]->setColor(value > 0.55 * top ? Qt::white : plotcolors::text());
        }
    m_scale->axis()->setLabel(normalization == Normalization::None ? QStringLiteral("test samples")
                                                                   : normalization == Normalization::ByTrueClass
                                                                         ? QStringLiteral("share of the true class")
                                                                         : QStringLiteral("share of the predicted class"));

    QVector<double> ticks;
    QVector<QString> labels;
    for (int c = 0; c < k; ++c) {
        ticks << c;
        labels << className(test, c);
    }
    for (QCPAxis* axis : {m_map->keyAxis(), m_map->valueAxis()}) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        ticker->setTicks(ticks, labels);
        axis->setTicker(ticker);
        axis->setRange(-0.5, k - 0.5);
    }
    int longest = 0;
    for (const QString& label : labels)
        longest = std::max(longest, static_cast<int>(label.size()));
    m_map->keyAxis()->setTickLabelRotation(longest > 6 && k > 3 ? -35 : 0);

    if (m_selectedTruth >= 0 && m_selectedTruth < k && m_selectedPredicted < k) {
        m_selection->topLeft->setCoords(m_selectedPredicted - 0.5, m_selectedTruth - 0.5);
        m_selection->bottomRight->setCoords(m_selectedPredicted + 0.5, m_selectedTruth + 0.5);
        m_selection->setVisible(true);
    } else {
        m_selection->setVisible(false);
    }

    QString title = QStringLiteral("Confusion matrix \u2014 %1 test samples").arg(confusion.total());
    if (s.compression.pruning.threshold > 0 || s.compression.pruning.targetSparsity > 0
        || !s.compression.precision.isIdentity())
        title += QStringLiteral("\nmodel as shown: %1 of weights zero, %2")
                     .arg(formatPercent(s.evaluation.weights.sparsity), QString::fromStdString(s.compression.precision.label()));
    m_title->setText(title);
    QString summary = QStringLiteral("accuracy <b>%1</b> \u00b7 macro-F1 <b>%2</b> \u00b7 weighted-F1 %3")
                          .arg(score(report.accuracy), score(report.macro.f1), score(report.weighted.f1));
    if (report.binary)
        summary += QStringLiteral(" \u00b7 positive class '%1': P %2, R %3, F1 %4")
                       .arg(className(test, report.positiveClass), score(report.positive.precision), score(report.positive.recall),
                            score(report.positive.f1));
    m_summary->setText(summary);
    fillTable(s);
    // A summary one line shorter for a moment ("never predicted" comes and goes early in a
    // run) would resize the matrix under it: a relayout and a full replot on the GUI thread.
    // At one width its height only grows.
    if (m_summary->width() != m_summaryWidth) {
        m_summaryWidth = m_summary->width();
        m_summary->setMinimumHeight(0);
    }
    m_summary->setMinimumHeight(std::max(m_summary->minimumHeight(), m_summary->heightForWidth(m_summary->width())));
    fillSamples();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ConfusionView::fillTable(const Snapshot& s)
{
    const ClassificationReport& report = s.evaluation.report;
    const Dataset& test = s.data->split.test;
    const int k = static_cast<int>(report.perClass.size());
    if (m_table->rowCount() != k + 3) {
        m_table->clearContents();
        m_table->setRowCount(k + 3);
    }
    QStringList noPredictions;
    const Qt::Alignment left = Qt::AlignLeft | Qt::AlignVCenter;
    for (int c = 0; c < k; ++c) {
        const ClassScores& scores = report.perClass[static_cast<std::size_t>(c)];
        setTableText(m_table, c, 0, className(test, c), left)->setForeground(plotcolors::forClass(c).darker(115));
        const QString flag = scores.noPredictions
            ? QStringLiteral("The model never predicted this class: precision is 0/0, counted as 0.")
            : QString();
        setTableText(m_table, c, 1, scores.noPredictions ? QStringLiteral("0 (0/0)") : score(scores.precision),
                     Qt::AlignRight | Qt::AlignVCenter, flag);
        setTableText(m_table, c, 2, scores.noSupport ? QStringLiteral("0 (0/0)") : score(scores.recall),
                     Qt::AlignRight | Qt::AlignVCenter,
                     scores.noSupport ? QStringLiteral("No test sample has this class: recall is 0/0, counted as 0.") : QString());
        setTableText(m_table, c, 3, score(scores.f1));
        setTableText(m_table, c, 4, QString::number(scores.support));
        setTableText(m_table, c, 5, QString::number(scores.predicted));
        if (scores.noPredictions)
            noPredictions << className(test, c);
    }
    const struct {
        const char* name;
        const AveragedScores* scores;
        const char* tip;
    } averages[] = {
        {"macro avg", &report.macro, "Plain mean over the classes: every class counts the same."},
        {"weighted avg", &report.weighted, "Mean weighted by support: large classes count more."},
        {"micro avg", &report.micro, "From pooled counts over all classes; equals accuracy for single-label data."},
    };
    for (int i = 0; i < 3; ++i) {
        const int row = k + i;
        QTableWidgetItem* name = setTableText(m_table, row, 0, QString::fromLatin1(averages[i].name), left,
                                              QString::fromLatin1(averages[i].tip));
        if (!name->font().italic()) {
            QFont font = name->font();
            font.setItalic(true);
            name->setFont(font);
        }
        setTableText(m_table, row, 1, score(averages[i].scores->precision));
        setTableText(m_table, row, 2, score(averages[i].scores->recall));
        setTableText(m_table, row, 3, score(averages[i].scores->f1));
        setTableText(m_table, row, 4, QString::number(report.confusion.total()));
        setTableText(m_table, row, 5, QString());
    }
    if (!noPredictions.isEmpty())
        m_summary->setText(m_summary->text() + QStringLiteral(" \u00b7 <span style='color:#b3261e'>never predicted: %1 (precision 0/0 = 0)</span>")
                                                   .arg(noPredictions.join(QStringLiteral(", "))));
}

void ConfusionView::selectCell(int truth, int predicted)
{
    m_selectedTruth = truth;
    m_selectedPredicted = predicted;
    if (snapshot())
        renderNow();
}

void ConfusionView::onPlotClicked(QMouseEvent* event)
{
    if (!snapshot() || m_shown.classCount() == 0)
        return;
    const double x = m_map->keyAxis()->pixelToCoord(event->position().x());
    const double y = m_map->valueAxis()->pixelToCoord(event->position().y());
    const int predicted = static_cast<int>(std::lround(x));
    const int truth = static_cast<int>(std::lround(y));
    const int k = m_shown.classCount();
    if (predicted < 0 || truth < 0 || predicted >= k || truth >= k)
        return;
    selectCell(truth, predicted);
}

void ConfusionView::fillSamples()
{
    // A new selection is listed at once; the same one again at most a few times a second.
    if (m_selectedTruth != m_listedTruth || m_selectedPredicted != m_listedPredicted)
        m_listThrottle->runNow();
    else
        m_listThrottle->request();
}

void ConfusionView::listSamples()
{
    m_listedTruth = m_selectedTruth;
    m_listedPredicted = m_selectedPredicted;
    m_samples->clear();
    const SnapshotPtr& s = snapshot();
    if (!s || m_selectedTruth < 0) {
        m_samplesTitle->setText(QStringLiteral("<b>Samples</b>: click a cell of the matrix to list them."));
        return;
    }
    const Dataset& test = s->data->split.test;
    const Labels& predicted = s->evaluation.predictions;
    std::vector<int> indices;
    for (int i = 0; i < test.sampleCount() && i < static_cast<int>(predicted.size()); ++i)
        if (test.labels[static_cast<std::size_t>(i)] == m_selectedTruth && predicted[static_cast<std::size_t>(i)] == m_selectedPredicted)
            indices.push_back(i);
    const bool images = test.imageShape.has_value() && test.imageShape->pixelCount() == test.featureCount();
    m_samplesTitle->setText(QStringLiteral("<b>%1 sample%2</b> with true class <b>%3</b>, predicted <b>%4</b>%5")
                                .arg(indices.size())
                                .arg(indices.size() == 1 ? QString() : QStringLiteral("s"))
                                .arg(className(test, m_selectedTruth), className(test, m_selectedPredicted))
                                .arg(indices.size() > kMaxListedSamples ? QStringLiteral(" (first %1 shown)").arg(kMaxListedSamples) : QString()));
    m_samples->setViewMode(images ? QListView::IconMode : QListView::ListMode);
    m_samples->setIconSize(images ? QSize(56, 56) : QSize());
    m_samples->setResizeMode(QListView::Adjust);
    m_samples->setSpacing(images ? 4 : 0);
    const int shown = std::min<int>(static_cast<int>(indices.size()), kMaxListedSamples);
    for (int j = 0; j < shown; ++j) {
        const int i = indices[static_cast<std::size_t>(j)];
        auto* item = new QListWidgetItem;
        if (images) {
            const QImage image = sampleImage(*s->data, test, i);
            item->setIcon(QIcon(QPixmap::fromImage(image.scaled(56, 56, Qt::KeepAspectRatio, Qt::FastTransformation))));
            item->setText(QStringLiteral("#%1").arg(i));
            item->setToolTip(QStringLiteral("test sample %1").arg(i));
        } else {
            QStringList values;
            const int features = std::min(test.featureCount(), 6);
            for (int f = 0; f < features; ++f) {
                const QString name = f < static_cast<int>(test.featureNames.size()) && !test.featureNames[static_cast<std::size_t>(f)].empty()
                    ? QString::fromStdString(test.featureNames[static_cast<std::size_t>(f)])
                    : QStringLiteral("x%1").arg(f);
                float v = test.features(f, i);
                const FeatureScaler& scaler = s->data->scaler;
                if (scaler.kind() != FeatureScaler::Kind::None && scaler.factor().size() > f && scaler.factor()(f) != 0)
                    v = v / scaler.factor()(f) + scaler.offset()(f);
                values << QStringLiteral("%1 = %2").arg(name).arg(static_cast<double>(v), 0, 'g', 4);
            }
            if (test.featureCount() > features)
                values << QStringLiteral("\u2026");
            item->setText(QStringLiteral("#%1: %2").arg(i).arg(values.join(QStringLiteral(", "))));
        }
        m_samples->addItem(item);
    }
}

} // namespace ss
