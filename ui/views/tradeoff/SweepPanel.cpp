#include "views/tradeoff/SweepPanel.h"

#include "plot/PlotStyle.h"

#include "common/Error.h"
#include "eval/Pareto.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>

#include <algorithm>
#include <cmath>
#include <map>

namespace ss {

namespace {

const QString kNoSweepYet = QStringLiteral("No sweep yet. \u201cSweep\u2026\u201d trains the model over a grid of\n"
                                           "\u03bb, target sparsity and precision; click a point to load it.");

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

SweepPanel::SweepPanel(QWidget* parent)
    : TradeoffPanel(QStringLiteral("sweep"), parent)
    , m_axis(new QComboBox(this))
    , m_button(new QPushButton(QStringLiteral("Sweep\u2026"), this))
    , m_job([this](SweepResult result) {
                m_sweep = std::make_unique<SweepResult>(std::move(result));
                showSweep();
                emit jobChanged();
            },
            [this](const QString& error) {
                showNotice(QStringLiteral("The sweep failed:\n%1").arg(error));
                emit jobChanged();
            },
            [this] { emit jobChanged(); })
{
    m_axis->addItem(QStringLiteral("sparsity"));
    m_axis->addItem(QStringLiteral("energy"));
    m_axis->setToolTip(QStringLiteral("Second objective of the sweep plot and its Pareto front: sparsity (higher is "
                                      "better) or estimated energy per inference (lower is better)."));
    m_button->setToolTip(QStringLiteral("Train the current model over a grid of \u03bb, target sparsity and precision, "
                                        "and plot every configuration with the Pareto front."));
    QCustomPlot* p = plot();
    m_title = addTitle(QStringLiteral("Sweep and Pareto front"));
    p->yAxis->setLabel(QStringLiteral("test accuracy"));
    p->xAxis->setLabel(QStringLiteral("sparsity (%)"));
    m_paretoLine = p->addGraph();
    m_paretoLine->setName(QStringLiteral("Pareto front"));
    m_paretoLine->setPen(QPen(QColor(40, 40, 40), 1.6, Qt::DashLine));
    m_paretoLine->setLineStyle(QCPGraph::lsStepLeft);
    p->xAxis->setRange(0, 100);
    p->yAxis->setRange(0, 1.02);
    m_notice = addNotice();
    m_notice->setText(kNoSweepYet);
    // The legend in a row of its own under the title: inside the rect it hid points.
    QCPLegend* legend = p->legend;
    p->axisRect()->insetLayout()->take(legend);
    p->axisRect()->insetLayout()->simplify();
    p->plotLayout()->insertRow(1);
    p->plotLayout()->addElement(1, 0, legend);
    p->plotLayout()->setRowStretchFactor(1, 0.001);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(6);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setColumnSpacing(14);
    legend->setVisible(true);
    p->setToolTip(QStringLiteral("Every configuration of the sweep; the dashed line is the Pareto front (no other "
                                 "configuration is better on both axes). Click a point to load its settings."));
    connect(p, &QCustomPlot::mousePress, this, &SweepPanel::onPress);
    connect(m_axis, &QComboBox::currentIndexChanged, this, [this] { showSweep(); });
    connect(m_button, &QPushButton::clicked, this, &SweepPanel::openDialog);
}

QList<QWidget*> SweepPanel::barWidgets() const
{
    return {m_axis, m_button};
}

QString SweepPanel::runningJob() const
{
    return m_job.isRunning() ? QStringLiteral("sweep") : QString();
}

SweepPanel::Axis SweepPanel::axis() const
{
    return m_axis->currentIndex() == 1 ? Axis::Energy : Axis::Sparsity;
}

void SweepPanel::setAxis(Axis axis)
{
    m_axis->setCurrentIndex(axis == Axis::Energy ? 1 : 0); // redraws through currentIndexChanged
}

void SweepPanel::showNotice(const QString& text)
{
    m_notice->setText(text);
    m_notice->setVisible(true);
    plot()->replot(QCustomPlot::rpQueuedReplot);
}

void SweepPanel::render(const Snapshot& s)
{
    if (s.modelGeneration != m_modelGeneration && !m_job.isRunning()) {
        // A sweep belongs to the data and model it ran on.
        if (m_sweep && m_modelGeneration != ~std::uint64_t{0} && s.reason == Snapshot::Reason::Data) {
            m_sweep.reset();
            showSweep();
        }
        m_modelGeneration = s.modelGeneration;
    }
}

void SweepPanel::openDialog()
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
        start(snapshot(), grid, options);
}

void SweepPanel::start(const SnapshotPtr& keep, const SweepGrid& grid, const SweepOptions& options)
{
    if (!keep)
        return;
    m_options = options;
    m_grid = grid;
    m_modelGeneration = keep->modelGeneration;
    m_job.start([keep, grid, options](std::atomic<bool>& cancel, const auto& progress) {
        const Dataset* test = options.folds >= 2 ? nullptr : &keep->data->split.test;
        return runSweep(keep->data->split.train, test, options, grid, &cancel, progress);
    });
    showNotice(QStringLiteral("Sweeping %1 configurations\u2026").arg(grid.configurations()));
    emit jobChanged();
}

void SweepPanel::setSweep(const SweepResult& result, const SweepGrid& grid, const SweepOptions& options,
                          std::uint64_t modelGeneration)
{
    // A sweep still running belongs to the state being replaced: stop it and stop listening
    // to it (its result must not overwrite this one).
    m_job.drop();
    m_sweep = std::make_unique<SweepResult>(result);
    m_grid = grid;
    m_options = options;
    m_modelGeneration = modelGeneration;
    showSweep();
    emit jobChanged();
}

void SweepPanel::showSweep()
{
    for (QCPGraph* graph : m_graphs)
        plot()->removeGraph(graph);
    m_graphs.clear();
    m_rowsByGraph.clear();
    const bool byEnergy = axis() == Axis::Energy;
    QCPAxis* x = plot()->xAxis;
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
        plot()->yAxis->setRange(0, 1.02);
        m_notice->setVisible(true);
        // The title of a sweep no longer shown must not stay over the notice.
        m_title->setText(QStringLiteral("Sweep and Pareto front"));
        if (!m_job.isRunning())
            m_notice->setText(m_sweep ? QStringLiteral("The sweep was cancelled before any configuration finished.")
                                           : kNoSweepYet);
        plot()->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_notice->setVisible(false);
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
        QCPGraph* graph = plot()->addGraph();
        graph->setLineStyle(QCPGraph::lsNone);
        const QColor color = precisionColor(rows[static_cast<std::size_t>(indices.front())].precision);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(color.darker(130), 1), QBrush(color), 8));
        graph->setName(QString::fromStdString(label));
        graph->setData(xs, ys, true);
        m_graphs << graph;
        m_rowsByGraph << QList<int>(indices.begin(), indices.end());
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
    plot()->yAxis->setRange(std::max(0.0, yLo - 0.05), 1.01);
    m_title->setText(QStringLiteral("Sweep: %1 configurations, %2 on the front%3")
                              .arg(rows.size()).arg(front.size())
                              .arg(m_sweep->cancelled ? QStringLiteral(" (cancelled: partial)") : QString()));
    plot()->replot(QCustomPlot::rpQueuedReplot);
}

void SweepPanel::onPress(QMouseEvent* event)
{
    if (!m_sweep)
        return;
    const QPointF at = event->position();
    double best = 9.0 * 9.0;
    int bestRow = -1;
    for (int g = 0; g < m_graphs.size(); ++g) {
        const auto data = m_graphs[g]->data();
        for (int i = 0; i < data->size(); ++i) {
            const auto point = data->at(i);
            const double dx = plot()->xAxis->coordToPixel(point->key) - at.x();
            const double dy = plot()->yAxis->coordToPixel(point->value) - at.y();
            if (dx * dx + dy * dy < best) {
                best = dx * dx + dy * dy;
                bestRow = m_rowsByGraph[g][i];
            }
        }
    }
    if (bestRow >= 0)
        emit rowChosen(m_sweep->rows[static_cast<std::size_t>(bestRow)], m_options);
}

} // namespace ss
