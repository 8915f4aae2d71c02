#include "controls/ControlPanel.h"

#include "plot/PlotStyle.h"
#include "controls/ValueSlider.h"

#include "common/Error.h"
#include "data/Generators.h"
#include "nn/WeightStatistics.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QScrollArea>
#include <QSlider>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ss {

namespace {

QLabel* rowLabel(const QString& text, const QString& toolTip)
{
    auto* label = new QLabel(text);
    label->setObjectName(QStringLiteral("rowLabel"));
    label->setFixedWidth(controlLabelWidth(label->font()));
    label->setToolTip(toolTip);
    return label;
}

void addRow(QGridLayout* grid, const QString& text, QWidget* widget, const QString& toolTip)
{
    const int row = grid->rowCount();
    grid->addWidget(rowLabel(text, toolTip), row, 0);
    grid->addWidget(widget, row, 1);
    widget->setToolTip(toolTip);
}

QGroupBox* group(const QString& title)
{
    auto* box = new QGroupBox(title);
    return box;
}

QLabel* infoLabel()
{
    auto* label = new QLabel;
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("color: #5a6070;"));
    return label;
}

struct PaceChoice {
    const char* title;
    double epochsPerSecond;
};
const PaceChoice kPaces[] = {
    {"Slow (2 epochs/s)", 2.0},
    {"Watchable (20 epochs/s)", 20.0},
    {"Brisk (100 epochs/s)", 100.0},
    {"Full speed", 0.0},
};

QString percentText(double fraction)
{
    return QString::number(100.0 * fraction, 'f', 1) + QStringLiteral(" %");
}

} // namespace

ControlPanel::ControlPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    layout->addWidget(buildDatasetGroup());
    layout->addWidget(buildModelGroup());
    layout->addWidget(buildOptimizerGroup());
    layout->addWidget(buildRegularizationGroup());
    layout->addWidget(buildPruningGroup());
    layout->addWidget(buildPrecisionGroup());
    layout->addWidget(buildPaceGroup());
    layout->addStretch(1);
    showState();

    // In a scrolling panel the wheel belongs to the scroll area: a control takes it only
    // once the user has clicked or tabbed into it, so that scrolling past a combo box never
    // switches the dataset. Enter in a typed field commits it and hands the keyboard back
    // to the window, so that Space trains again.
    m_confirmDiscard = [this](const QString& question) {
        return QMessageBox::question(this, QStringLiteral("Discard the trained model?"), question,
                                     QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Discard;
    };
    for (QWidget* child : findChildren<QWidget*>()) {
        if (qobject_cast<QAbstractSpinBox*>(child) || qobject_cast<QComboBox*>(child) || qobject_cast<QAbstractSlider*>(child)) {
            child->setFocusPolicy(Qt::StrongFocus);
            child->installEventFilter(this);
        }
        if (qobject_cast<QLineEdit*>(child))
            child->installEventFilter(this);
    }
}

void ControlPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        for (QLabel* label : findChildren<QLabel*>(QStringLiteral("rowLabel")))
            label->setFixedWidth(controlLabelWidth(font()));
}

bool ControlPanel::eventFilter(QObject* watched, QEvent* event)
{
    auto* widget = qobject_cast<QWidget*>(watched);
    if (!widget)
        return QWidget::eventFilter(watched, event);
    if (event->type() == QEvent::Wheel && !widget->hasFocus()) {
        // Scroll the panel instead (sent on, as Qt does not pass a handled wheel to parents).
        for (QWidget* up = parentWidget(); up; up = up->parentWidget())
            if (auto* area = qobject_cast<QAbstractScrollArea*>(up)) {
                QCoreApplication::sendEvent(area->viewport(), event);
                break;
            }
        return true;
    }
    if (event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        const bool typed = qobject_cast<QLineEdit*>(widget) || qobject_cast<QAbstractSpinBox*>(widget);
        if (typed && (key == Qt::Key_Return || key == Qt::Key_Enter)) {
            // After the field has handled Enter (and emitted editingFinished).
            QPointer<QWidget> guard(widget);
            QMetaObject::invokeMethod(this, [guard] {
                if (guard) {
                    QWidget* focused = guard->focusProxy() ? guard->focusProxy() : guard.data();
                    focused->clearFocus();
                    if (guard->parentWidget())
                        guard->clearFocus();
                }
            }, Qt::QueuedConnection);
        }
    }
    return QWidget::eventFilter(watched, event);
}

QWidget* ControlPanel::buildDatasetGroup()
{
    auto* box = group(QStringLiteral("Dataset"));
    auto* grid = new QGridLayout(box);
    grid->setHorizontalSpacing(6);
    grid->setVerticalSpacing(4);

    m_dataset = new QComboBox;
    for (const auto& choice : datasetChoices())
        m_dataset->addItem(choice.title, choice.key);
    m_dataset->setToolTip(QStringLiteral(
        "<b>The data to learn from.</b> The generators draw 2-D toy sets whose decision boundary "
        "can be drawn; iris, breast cancer and digits are classic small tables bundled with the app; "
        "Fashion-MNIST is 70,000 grey 28\u00d728 clothing images (Debian package dataset-fashion-mnist). "
        "<i>Open CSV\u2026</i> loads your own table (label in the last column)."));
    m_openCsv = new QPushButton(QStringLiteral("Open CSV\u2026"));
    m_openCsv->setToolTip(QStringLiteral("Load a CSV file: one sample per row, numeric features, the class label "
                                         "in the last column (names or integers), an optional header (Ctrl+O)."));
    auto* datasetRow = new QWidget;
    auto* datasetLayout = new QHBoxLayout(datasetRow);
    datasetLayout->setContentsMargins(0, 0, 0, 0);
    datasetLayout->setSpacing(4);
    datasetLayout->addWidget(m_dataset, 1);
    datasetLayout->addWidget(m_openCsv);
    grid->addWidget(datasetRow, 0, 0, 1, 2);

    m_samples = new QSpinBox;
    m_samples->setRange(20, 100000);
    m_samples->setSingleStep(50);
    addRow(grid, QStringLiteral("Samples"), m_samples,
           QStringLiteral("How many points the generator draws in all (train + test)."));
    m_noise = new QDoubleSpinBox;
    m_noise->setRange(0.0, 2.0);
    m_noise->setSingleStep(0.05);
    m_noise->setDecimals(2);
    addRow(grid, QStringLiteral("Noise"), m_noise,
           QStringLiteral("How much random scatter the generator adds to each point (its noise level; "
                          "0 = clean shapes, larger = classes overlap)."));
    m_classes = new QSpinBox;
    m_classes->setObjectName(QStringLiteral("classes"));
    m_classes->setRange(2, 10);
    addRow(grid, QStringLiteral("Classes"), m_classes,
           QStringLiteral("Number of classes (Gaussian blobs and the spiral only)."));
    m_dataSeed = new QSpinBox;
    m_dataSeed->setRange(0, 999999);
    addRow(grid, QStringLiteral("Data seed"), m_dataSeed,
           QStringLiteral("Seed for drawing and splitting the data: the same seed gives the same samples "
                          "and the same train/test split."));
    m_testFraction = new QDoubleSpinBox;
    m_testFraction->setRange(0.05, 0.6);
    m_testFraction->setSingleStep(0.05);
    m_testFraction->setDecimals(2);
    addRow(grid, QStringLiteral("Test share"), m_testFraction,
           QStringLiteral("Share of the samples held out for testing, stratified by class. Every test "
                          "metric (accuracy, F1, confusion matrix) is measured on these samples only."));
    m_positiveClass = new QComboBox;
    m_positiveClass->setObjectName(QStringLiteral("positiveClass"));
    // Its entries quote the rule ("Automatic (malignant: the minority class)"): sized to them,
    // it would widen the whole panel past its scroll area.
    m_positiveClass->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_positiveClass->setMinimumContentsLength(10);
    addRow(grid, QStringLiteral("Positive class"), m_positiveClass,
           QStringLiteral("Two classes only: the class whose precision, recall and F1 the headline and every binary "
                          "figure quote. Automatic: a class named 1, true, yes, positive, \u6b63 or \u9633\u6027, "
                          "else the minority class."));
    m_positiveClassLabel = grid->itemAtPosition(grid->rowCount() - 1, 0)->widget();
    m_positiveClass->setVisible(false);
    m_positiveClassLabel->setVisible(false);
    m_datasetInfo = infoLabel();
    grid->addWidget(m_datasetInfo, grid->rowCount(), 0, 1, 2);

    m_datasetDelay = new QTimer(this);
    m_datasetDelay->setSingleShot(true);
    m_datasetDelay->setInterval(350);
    connect(m_datasetDelay, &QTimer::timeout, this, &ControlPanel::onDatasetOptionsEdited);

    connect(m_dataset, &QComboBox::currentIndexChanged, this, &ControlPanel::onDatasetChoice);
    connect(m_openCsv, &QPushButton::clicked, this, &ControlPanel::openCsvRequested);
    connect(m_positiveClass, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating || m_positiveClass->currentIndex() < 0)
            return;
        m_state.positiveClass = m_positiveClass->currentData().toString().toStdString();
        emit positiveClassChanged(QString::fromStdString(m_state.positiveClass));
    });
    const auto delayed = [this] {
        if (!m_updating)
            m_datasetDelay->start();
    };
    connect(m_samples, &QSpinBox::valueChanged, this, delayed);
    connect(m_noise, &QDoubleSpinBox::valueChanged, this, delayed);
    connect(m_classes, &QSpinBox::valueChanged, this, delayed);
    connect(m_dataSeed, &QSpinBox::valueChanged, this, delayed);
    connect(m_testFraction, &QDoubleSpinBox::valueChanged, this, delayed);
    return box;
}

QWidget* ControlPanel::buildModelGroup()
{
    auto* box = group(QStringLiteral("Model"));
    auto* grid = new QGridLayout(box);
    grid->setHorizontalSpacing(6);
    grid->setVerticalSpacing(4);

    m_hidden = new QComboBox;
    m_hidden->setEditable(true);
    m_hidden->setInsertPolicy(QComboBox::NoInsert);
    // No completion: typing 8 means one layer of 8, not the listed 8,8.
    m_hidden->setCompleter(nullptr);
    m_hidden->addItems({QStringLiteral("logistic"), QStringLiteral("4"), QStringLiteral("8,8"),
                        QStringLiteral("16,16"), QStringLiteral("32,32"), QStringLiteral("64"),
                        QStringLiteral("128,64"), QStringLiteral("256,128")});
    addRow(grid, QStringLiteral("Hidden layers"), m_hidden,
           QStringLiteral("Sizes of the hidden layers, comma separated (16,16 = two layers of 16), or "
                          "<b>logistic</b> for none (logistic regression). Each layer computes "
                          "a = f(W\u00b7x + b); the output is a sigmoid (2 classes) or a softmax."));
    m_activation = new QComboBox;
    m_activation->addItem(QStringLiteral("ReLU"), static_cast<int>(Activation::ReLU));
    m_activation->addItem(QStringLiteral("tanh"), static_cast<int>(Activation::Tanh));
    m_activation->addItem(QStringLiteral("sigmoid"), static_cast<int>(Activation::Sigmoid));
    m_activation->addItem(QStringLiteral("linear"), static_cast<int>(Activation::Linear));
    addRow(grid, QStringLiteral("Activation"), m_activation,
           QStringLiteral("Hidden-layer non-linearity f: ReLU max(0, z); tanh; sigmoid 1/(1+e<sup>\u2212z</sup>); "
                          "linear z (the network is then a linear model)."));
    m_modelSeed = new QSpinBox;
    m_modelSeed->setRange(0, 999999);
    addRow(grid, QStringLiteral("Run seed"), m_modelSeed,
           QStringLiteral("Seed for the initial weights (He for ReLU, Glorot otherwise), the batch order and "
                          "dropout: the same seed replays the same run."));
    m_modelInfo = infoLabel();
    grid->addWidget(m_modelInfo, grid->rowCount(), 0, 1, 2);

    connect(m_hidden->lineEdit(), &QLineEdit::editingFinished, this, &ControlPanel::onModelEdited);
    connect(m_hidden, &QComboBox::activated, this, &ControlPanel::onModelEdited);
    connect(m_activation, &QComboBox::currentIndexChanged, this, &ControlPanel::onModelEdited);
    connect(m_modelSeed, &QSpinBox::editingFinished, this, &ControlPanel::onModelEdited);
    return box;
}

QWidget* ControlPanel::buildOptimizerGroup()
{
    auto* box = group(QStringLiteral("Optimiser"));
    auto* layout = new QVBoxLayout(box);
    layout->setSpacing(4);
    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(6);
    m_optimizer = new QComboBox;
    m_optimizer->addItem(QStringLiteral("SGD"), static_cast<int>(OptimizerKind::Sgd));
    m_optimizer->addItem(QStringLiteral("Momentum"), static_cast<int>(OptimizerKind::Momentum));
    m_optimizer->addItem(QStringLiteral("Nesterov"), static_cast<int>(OptimizerKind::Nesterov));
    m_optimizer->addItem(QStringLiteral("RMSprop"), static_cast<int>(OptimizerKind::RmsProp));
    m_optimizer->addItem(QStringLiteral("Adam"), static_cast<int>(OptimizerKind::Adam));
    addRow(grid, QStringLiteral("Optimiser"), m_optimizer,
           QStringLiteral("<b>SGD</b>: w \u2190 w \u2212 \u03b7g. <b>Momentum</b>: v \u2190 \u03bcv + g, w \u2190 w \u2212 \u03b7v (\u03bc = 0.9). "
                          "<b>Nesterov</b>: momentum with a look-ahead gradient. <b>RMSprop</b>: w \u2190 w \u2212 \u03b7g/\u221a(E[g\u00b2]+\u03b5). "
                          "<b>Adam</b>: w \u2190 w \u2212 \u03b7 m\u0302/(\u221av\u0302+\u03b5), bias-corrected averages of g and g\u00b2 "
                          "(\u03b2\u2081 0.9, \u03b2\u2082 0.999). Changing it keeps the weights."));
    m_batch = new QSpinBox;
    m_batch->setRange(1, 4096);
    addRow(grid, QStringLiteral("Batch size"), m_batch,
           QStringLiteral("Samples per mini-batch: each step follows the gradient averaged over them. "
                          "Small batches are noisy but quick; one epoch = one pass over the training set."));
    layout->addLayout(grid);
    m_learningRate = new ValueSlider(QStringLiteral("Learning rate"));
    m_learningRate->setLogRange(1e-5, 1.0, false);
    m_learningRate->setDescription(QStringLiteral(
        "Step size \u03b7 of the optimiser (log scale). Too large and the loss diverges to NaN; too small and "
        "training crawls. It applies from the next step: dragging continues from the current weights."));
    layout->addWidget(m_learningRate);

    connect(m_optimizer, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating)
            return;
        m_state.optimizer = static_cast<OptimizerKind>(m_optimizer->currentData().toInt());
        emitTraining();
    });
    connect(m_batch, &QSpinBox::valueChanged, this, [this](int value) {
        if (m_updating)
            return;
        m_state.batchSize = value;
        emitTraining();
    });
    connect(m_learningRate, &ValueSlider::valueChanged, this, [this](double value) {
        m_state.learningRate = value;
        emitTraining();
    });
    return box;
}

QWidget* ControlPanel::buildRegularizationGroup()
{
    auto* box = group(QStringLiteral("Regularisation"));
    auto* layout = new QVBoxLayout(box);
    layout->setSpacing(4);
    m_lambda = new ValueSlider(QStringLiteral("Strength \u03bb"));
    m_lambda->setLogRange(1e-6, 1.0, true);
    m_lambda->setDescription(QStringLiteral(
        "Regularisation strength \u03bb (log scale, far left = 0): the loss gets the penalty "
        "\u03bb\u00b7(\u03b1\u2016w\u2016\u2081 + (1\u2212\u03b1)/2\u00b7\u2016w\u2016\u2082\u00b2) on the weights (not the biases). "
        "Dragging continues training from the current weights (warm start)."));
    m_alpha = new ValueSlider(QStringLiteral("L1 share \u03b1"));
    m_alpha->setLinearRange(0.0, 1.0, 100);
    m_alpha->setFormatter([](double v) { return QString::number(v, 'f', 2); });
    m_alpha->setDescription(QStringLiteral(
        "Mix of the penalty (elastic net): \u03b1 = 1 is pure L1 (lasso), which drives weights to exactly 0; "
        "\u03b1 = 0 is pure L2 (ridge, weight decay), which shrinks them without zeroing; in between mixes both."));
    layout->addWidget(m_lambda);
    layout->addWidget(m_alpha);
    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(6);
    m_l1Mode = new QComboBox;
    m_l1Mode->addItem(QStringLiteral("Proximal (exact zeros)"), static_cast<int>(L1Mode::Proximal));
    m_l1Mode->addItem(QStringLiteral("Subgradient (naive)"), static_cast<int>(L1Mode::Subgradient));
    addRow(grid, QStringLiteral("L1 step"), m_l1Mode,
           QStringLiteral("<b>Proximal</b>: after each update w \u2190 sign(w)\u00b7max(|w| \u2212 \u03b7\u1d62\u03bb\u2081, 0) with \u03b7\u1d62 the "
                          "optimiser's effective step, so small weights land on exactly 0. <b>Subgradient</b> adds "
                          "\u03bb\u2081\u00b7sign(w) to the gradient (what the article's Keras code does): weights jitter around 0 "
                          "but almost never reach it, so the sparsity stays near 0 %."));
    layout->addLayout(grid);
    m_dropout = new ValueSlider(QStringLiteral("Dropout p"));
    m_dropout->setLinearRange(0.0, 0.9, 90);
    m_dropout->setFormatter([](double v) { return QString::number(v, 'f', 2); });
    m_dropout->setDescription(QStringLiteral(
        "Each training step drops every hidden unit with probability p and scales the rest by 1/(1\u2212p) "
        "(inverted dropout); nothing is dropped at test time. Regularises, but makes no weight zero."));
    layout->addWidget(m_dropout);
    m_compare = new QComboBox;
    m_compare->addItem(QStringLiteral("nothing"), static_cast<int>(ComparisonKind::None));
    m_compare->addItem(QStringLiteral("the other L1 step"), static_cast<int>(ComparisonKind::OtherL1Step));
    m_compare->addItem(QStringLiteral("pure L2, same \u03bb"), static_cast<int>(ComparisonKind::L2Instead));
    m_compare->addItem(QStringLiteral("no penalty"), static_cast<int>(ComparisonKind::NoPenalty));
    auto* compareGrid = new QGridLayout;
    compareGrid->setHorizontalSpacing(6);
    layout->addLayout(compareGrid);
    addRow(compareGrid, QStringLiteral("Compare with"), m_compare,
           QStringLiteral("Trains a second copy beside this one, in lockstep: same initial weights, batches and "
                          "settings except this one difference. It is drawn dashed in the training and weight views: "
                          "proximal vs naive L1 shows which reaches exact zeros; L1 vs L2 shows zeroing vs shrinking. "
                          "Choosing restarts training."));

    connect(m_lambda, &ValueSlider::valueChanged, this, [this](double value) {
        m_state.lambda = value;
        emitTraining();
    });
    connect(m_alpha, &ValueSlider::valueChanged, this, [this](double value) {
        m_state.alpha = value;
        emitTraining();
    });
    connect(m_dropout, &ValueSlider::valueChanged, this, [this](double value) {
        m_state.dropout = value;
        emitTraining();
    });
    connect(m_l1Mode, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating)
            return;
        m_state.l1Mode = static_cast<L1Mode>(m_l1Mode->currentData().toInt());
        emitTraining();
    });
    connect(m_compare, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating)
            return;
        m_state.compare = static_cast<ComparisonKind>(m_compare->currentData().toInt());
        emit comparisonChanged(m_state.compare);
    });
    return box;
}

QWidget* ControlPanel::buildPruningGroup()
{
    auto* box = group(QStringLiteral("Pruning (no retraining)"));
    auto* layout = new QVBoxLayout(box);
    layout->setSpacing(4);
    auto* modes = new QWidget;
    auto* modesLayout = new QHBoxLayout(modes);
    modesLayout->setContentsMargins(0, 0, 0, 0);
    m_byThreshold = new QRadioButton(QStringLiteral("By threshold"));
    m_bySparsity = new QRadioButton(QStringLiteral("By target sparsity"));
    m_byThreshold->setToolTip(QStringLiteral("Prune every weight with |w| below a threshold t."));
    m_bySparsity->setToolTip(QStringLiteral("Prune the smallest weights until a chosen fraction of them is zero."));
    auto* modeGroup = new QButtonGroup(this);
    modeGroup->addButton(m_byThreshold);
    modeGroup->addButton(m_bySparsity);
    modesLayout->addWidget(m_byThreshold);
    modesLayout->addWidget(m_bySparsity);
    modesLayout->addStretch(1);
    layout->addWidget(modes);

    m_threshold = new ValueSlider(QStringLiteral("Threshold t"));
    m_threshold->setLinearRange(0.0, 1.0, 1000);
    m_threshold->setFormatter([](double v) { return QString::number(v, 'g', 3); });
    m_threshold->setDescription(QStringLiteral(
        "Magnitude pruning: every weight with |w| < t becomes exactly 0, on top of the zeros the model "
        "already has. The range runs to the largest |w|. Nothing is retrained: the metrics, confusion "
        "matrix and plots show at once what the model does without those weights."));
    m_targetSparsity = new ValueSlider(QStringLiteral("Sparsity s"));
    m_targetSparsity->setLinearRange(0.0, 0.999, 999);
    m_targetSparsity->setFormatter(percentText);
    m_targetSparsity->setDescription(QStringLiteral(
        "Target sparsity: the smallest-magnitude weights are pruned until this fraction of all weights is "
        "zero (t = the s-quantile of |w|; ties broken so the count is exact)."));
    layout->addWidget(m_threshold);
    layout->addWidget(m_targetSparsity);

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(6);
    m_pruneScope = new QComboBox;
    m_pruneScope->addItem(QStringLiteral("Global (all layers)"), static_cast<int>(PruningSpec::Scope::Global));
    m_pruneScope->addItem(QStringLiteral("Per layer"), static_cast<int>(PruningSpec::Scope::PerLayer));
    addRow(grid, QStringLiteral("Scope"), m_pruneScope,
           QStringLiteral("<b>Global</b>: one threshold across all layers (large layers lose most). "
                          "<b>Per layer</b>: every layer is pruned to the target sparsity on its own."));
    layout->addLayout(grid);
    m_applyPruning = new QPushButton(QStringLiteral("Keep these zeros for training"));
    m_applyPruning->setToolTip(QStringLiteral(
        "Makes the current pruning permanent (a mask): the pruned weights stay exactly 0 through later "
        "training, so pressing Train fine-tunes the survivors. The slider then returns to 0."));
    layout->addWidget(m_applyPruning);

    connect(m_byThreshold, &QRadioButton::toggled, this, [this](bool on) {
        if (m_updating || !on)
            return;
        m_state.pruneBy = PruningSpec::Criterion::Threshold;
        updatePruneMode();
        emitCompression();
    });
    connect(m_bySparsity, &QRadioButton::toggled, this, [this](bool on) {
        if (m_updating || !on)
            return;
        m_state.pruneBy = PruningSpec::Criterion::TargetSparsity;
        updatePruneMode();
        emitCompression();
    });
    connect(m_threshold, &ValueSlider::valueChanged, this, [this](double value) {
        m_state.threshold = value;
        emitCompression();
    });
    connect(m_targetSparsity, &ValueSlider::valueChanged, this, [this](double value) {
        m_state.targetSparsity = value;
        emitCompression();
    });
    connect(m_pruneScope, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating)
            return;
        m_state.pruneScope = static_cast<PruningSpec::Scope>(m_pruneScope->currentData().toInt());
        emitCompression();
    });
    connect(m_applyPruning, &QPushButton::clicked, this, [this] {
        emit applyPruningRequested(m_state.pruning());
        resetPruning();
    });
    return box;
}

QWidget* ControlPanel::buildPrecisionGroup()
{
    auto* box = group(QStringLiteral("Precision (no retraining)"));
    auto* layout = new QVBoxLayout(box);
    layout->setSpacing(4);
    m_precision = new ChoiceSlider(QStringLiteral("Weights"), precisionLabels());
    m_precision->setDescription(QStringLiteral(
        "Weights rounded to what a number format can hold (simulated; zeros stay zero). "
        "<b>int k</b>: scale = max|w|/(2<sup>k\u22121</sup>\u22121), \u0175 = scale\u00b7clamp(round(w/scale)). "
        "<b>fp16 / bf16</b>: round to nearest even. <b>Ternary</b> (TWN): \u0394 = 0.7\u00b7mean|w|, "
        "\u0175 \u2208 {\u2212a, 0, a}. <b>Binary</b>: \u0175 = sign(w)\u00b7mean|w|."));
    layout->addWidget(m_precision);
    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(6);
    m_granularity = new QComboBox;
    m_granularity->addItem(QStringLiteral("Per tensor"), static_cast<int>(QuantizationSpec::Granularity::PerTensor));
    m_granularity->addItem(QStringLiteral("Per row (neuron)"), static_cast<int>(QuantizationSpec::Granularity::PerRow));
    addRow(grid, QStringLiteral("Scale"), m_granularity,
           QStringLiteral("Integer formats: <b>per tensor</b> uses one scale per weight matrix; <b>per row</b> one "
                          "scale per output neuron, which keeps small rows precise at low bit widths."));
    layout->addLayout(grid);

    connect(m_precision, &ChoiceSlider::indexChanged, this, [this](int index) {
        m_state.precisionIndex = index;
        emitCompression();
    });
    connect(m_granularity, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating)
            return;
        m_state.granularity = static_cast<QuantizationSpec::Granularity>(m_granularity->currentData().toInt());
        emitCompression();
    });
    return box;
}

QWidget* ControlPanel::buildPaceGroup()
{
    auto* box = group(QStringLiteral("Training run"));
    auto* grid = new QGridLayout(box);
    grid->setHorizontalSpacing(6);
    m_pace = new QComboBox;
    for (const auto& pace : kPaces)
        m_pace->addItem(QString::fromLatin1(pace.title), pace.epochsPerSecond);
    addRow(grid, QStringLiteral("Pace"), m_pace,
           QStringLiteral("How fast training runs. A watchable pace lets a class see the curves climb epoch by "
                          "epoch; full speed uses the machine's cores."));
    m_epochLimit = new QSpinBox;
    m_epochLimit->setRange(0, 100000);
    m_epochLimit->setSpecialValueText(QStringLiteral("until paused"));
    m_epochLimit->setSuffix(QStringLiteral(" epochs"));
    addRow(grid, QStringLiteral("Stop after"), m_epochLimit,
           QStringLiteral("Training pauses by itself after this many epochs (0 = runs until you press Pause); "
                          "pressing Train after that trains this many more."));
    connect(m_pace, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating)
            return;
        m_state.pace = m_pace->currentData().toDouble();
        emit paceChanged(m_state.pace);
    });
    connect(m_epochLimit, &QSpinBox::valueChanged, this, [this](int value) {
        if (m_updating)
            return;
        m_state.epochLimit = value;
        emit epochLimitChanged(value);
    });
    return box;
}

void ControlPanel::setState(const ControlState& state)
{
    m_state = state;
    if (!isGenerator(QString::fromStdString(state.dataset.nameOrPath))
        && m_dataset->findData(QString::fromStdString(state.dataset.nameOrPath)) < 0)
        addCsvChoice(QString::fromStdString(state.dataset.nameOrPath));
    showState();
}

void ControlPanel::showState()
{
    m_updating = true;
    const ControlState& s = m_state;
    {
        const QSignalBlocker b1(m_dataset), b2(m_samples), b3(m_noise), b4(m_classes), b5(m_dataSeed),
            b6(m_testFraction), b7(m_hidden), b8(m_activation), b9(m_modelSeed), b10(m_optimizer),
            b11(m_batch), b12(m_l1Mode), b13(m_compare), b14(m_byThreshold), b15(m_bySparsity),
            b16(m_pruneScope), b17(m_granularity), b18(m_pace), b19(m_epochLimit);
        const int datasetIndex = m_dataset->findData(QString::fromStdString(s.dataset.nameOrPath));
        if (datasetIndex >= 0)
            m_dataset->setCurrentIndex(datasetIndex);
        m_samples->setValue(s.dataset.samples > 0 ? s.dataset.samples : 400);
        m_noise->setValue(s.dataset.noise >= 0 ? s.dataset.noise : 0.2);
        m_classes->setValue(std::clamp(s.dataset.classes, 2, 10));
        m_dataSeed->setValue(static_cast<int>(s.dataset.seed));
        m_testFraction->setValue(s.dataset.testFraction);
        m_hidden->setEditText(hiddenToText(s.model.hidden));
        m_activation->setCurrentIndex(m_activation->findData(static_cast<int>(s.model.activation)));
        m_modelSeed->setValue(static_cast<int>(s.model.seed));
        m_optimizer->setCurrentIndex(m_optimizer->findData(static_cast<int>(s.optimizer)));
        m_batch->setValue(s.batchSize);
        m_l1Mode->setCurrentIndex(m_l1Mode->findData(static_cast<int>(s.l1Mode)));
        m_compare->setCurrentIndex(std::max(0, m_compare->findData(static_cast<int>(s.compare))));
        m_byThreshold->setChecked(s.pruneBy == PruningSpec::Criterion::Threshold);
        m_bySparsity->setChecked(s.pruneBy == PruningSpec::Criterion::TargetSparsity);
        m_pruneScope->setCurrentIndex(m_pruneScope->findData(static_cast<int>(s.pruneScope)));
        m_granularity->setCurrentIndex(m_granularity->findData(static_cast<int>(s.granularity)));
        int paceIndex = 0;
        for (int i = 0; i < m_pace->count(); ++i)
            if (std::abs(m_pace->itemData(i).toDouble() - s.pace) < 1e-9)
                paceIndex = i;
        m_pace->setCurrentIndex(paceIndex);
        m_epochLimit->setValue(s.epochLimit);
        const QSignalBlocker b20(m_positiveClass);
        if (m_positiveClass->count() > 0)
            m_positiveClass->setCurrentIndex(std::max(0, m_positiveClass->findData(QString::fromStdString(s.positiveClass))));
    }
    m_learningRate->setValue(s.learningRate);
    m_lambda->setValue(s.lambda);
    m_alpha->setValue(s.alpha);
    m_dropout->setValue(s.dropout);
    if (s.threshold > m_threshold->maximum())
        m_threshold->setLinearRange(0.0, s.threshold * 1.25, 1000);
    m_threshold->setValue(s.threshold);
    m_targetSparsity->setValue(s.targetSparsity);
    m_precision->setIndex(s.precisionIndex);
    updatePruneMode();
    updateDatasetOptions();
    m_updating = false;
}

void ControlPanel::showPositiveClassChoices(const Dataset& test)
{
    // Binary data only: "Automatic (<rule>)", then each class by name. A name the data does
    // not have (a session of other data) reads as automatic.
    const bool binary = test.classNames.size() == 2;
    m_positiveClass->setVisible(binary);
    m_positiveClassLabel->setVisible(binary);
    const QSignalBlocker blocker(m_positiveClass);
    m_positiveClass->clear();
    if (!binary)
        return;
    m_positiveClass->addItem(automaticPositiveClassText(test), QString());
    for (const std::string& name : test.classNames)
        m_positiveClass->addItem(QString::fromStdString(name), QString::fromStdString(name));
    m_positiveClass->setCurrentIndex(std::max(0, m_positiveClass->findData(QString::fromStdString(m_state.positiveClass))));
}

void ControlPanel::updatePruneMode()
{
    const bool byThreshold = m_state.pruneBy == PruningSpec::Criterion::Threshold;
    m_threshold->setVisible(byThreshold);
    m_targetSparsity->setVisible(!byThreshold);
}

void ControlPanel::updateDatasetOptions()
{
    const QString key = m_dataset->currentData().toString();
    bool generator = false;
    bool hasClasses = false;
    for (const auto& choice : datasetChoices())
        if (choice.key == key) {
            generator = choice.generator;
            hasClasses = choice.hasClasses;
        }
    m_samples->setEnabled(generator);
    m_noise->setEnabled(generator);
    // A file or a bundled table has no generator settings: show none rather than the last
    // generator's numbers, greyed.
    {
        const QSignalBlocker b1(m_samples), b2(m_noise);
        const QString none = QStringLiteral("\u2014");
        m_samples->setSpecialValueText(generator ? QString() : none);
        m_noise->setSpecialValueText(generator ? QString() : none);
        if (!generator) {
            m_samples->setValue(m_samples->minimum());
            m_noise->setValue(m_noise->minimum());
        } else if (m_samples->value() == m_samples->minimum() && m_state.dataset.samples > 0) {
            m_samples->setValue(m_state.dataset.samples);
        }
    }
    m_classes->setEnabled(hasClasses);
    if (hasClasses) {
        // Back from showing a loaded dataset's own count: the setting again.
        const QSignalBlocker block(m_classes);
        m_classes->setRange(2, 10);
        if (m_state.dataset.classes > 0)
            m_classes->setValue(std::clamp(m_state.dataset.classes, 2, 10));
    }
    if (generator)
        m_noise->setToolTip(QStringLiteral("Noise: the %1 (0 = clean).")
                                .arg(QString::fromStdString(generatorNoiseMeaning(key.toStdString()))));
}

void ControlPanel::addCsvChoice(const QString& path)
{
    const QSignalBlocker block(m_dataset);
    int index = m_dataset->findData(path);
    if (index < 0) {
        m_dataset->addItem(QStringLiteral("CSV: %1").arg(QFileInfo(path).fileName()), path);
        index = m_dataset->count() - 1;
        m_dataset->setItemData(index, path, Qt::ToolTipRole);
    }
    m_dataset->setCurrentIndex(index);
    updateDatasetOptions();
}

void ControlPanel::onDatasetChoice()
{
    if (m_updating)
        return;
    const QString key = m_dataset->currentData().toString();
    updateDatasetOptions();
    if (key == QStringLiteral("fashion-mnist") && !fashionMnistAvailable()) {
        showDatasetMessage(fashionMnistMissingMessage(), true);
        revertDataset(m_state.dataset);
        return;
    }
    if (m_hasTrainedModel && key != QString::fromStdString(m_state.dataset.nameOrPath)
        && !m_confirmDiscard(QStringLiteral("Switching to %1 starts a new model; the one trained now is discarded "
                                            "(File > Save Session keeps it).").arg(datasetTitle(key)))) {
        revertDataset(m_state.dataset);
        return;
    }
    if (isGenerator(key)) {
        // Each generator has its own sensible size and noise; start from those.
        const QSignalBlocker b1(m_samples), b2(m_noise);
        const std::string name = key.toStdString();
        m_samples->setValue(defaultGeneratorSamples(name));
        m_noise->setValue(defaultGeneratorNoise(name));
    }
    m_datasetDelay->stop();
    onDatasetOptionsEdited();
}

void ControlPanel::onDatasetOptionsEdited()
{
    DatasetRequest request = m_state.dataset;
    const QString key = m_dataset->currentData().toString();
    request.nameOrPath = key.toStdString();
    const bool generator = isGenerator(key);
    request.samples = generator ? m_samples->value() : 0;
    request.noise = generator ? m_noise->value() : -1.0;
    // A greyed Classes field shows the loaded data's count, not a setting.
    request.classes = m_classes->isEnabled() ? m_classes->value() : m_state.dataset.classes;
    request.seed = static_cast<std::uint64_t>(m_dataSeed->value());
    request.testFraction = m_testFraction->value();
    showDatasetMessage(QStringLiteral("Loading %1\u2026").arg(datasetTitle(key)), false);
    m_shownModelGeneration = 0;
    // The panel's state is what it asked for: a later request that carries the whole state
    // (a sweep point, a preset on top of it) must not send the previous dataset again. A
    // refusal puts the active one back (revertDataset).
    m_state.dataset = request;
    emit datasetRequested(request);
}

void ControlPanel::revertDataset(const DatasetRequest& active)
{
    // A CSV file that failed to load leaves the list: it is not a dataset one can choose.
    const QString failed = QString::fromStdString(m_state.dataset.nameOrPath);
    if (failed != QString::fromStdString(active.nameOrPath) && !failed.isEmpty() && !isListedDataset(failed)) {
        const QSignalBlocker block(m_dataset);
        const int index = m_dataset->findData(failed);
        if (index >= 0)
            m_dataset->removeItem(index);
    }
    showDataset(active);
}

void ControlPanel::showDataset(const DatasetRequest& active)
{
    m_state.dataset = active;
    m_updating = true;
    {
        const QSignalBlocker b1(m_dataset), b2(m_samples), b3(m_noise), b4(m_classes), b5(m_dataSeed), b6(m_testFraction);
        const QString key = QString::fromStdString(active.nameOrPath);
        int index = m_dataset->findData(key);
        if (index >= 0)
            m_dataset->setCurrentIndex(index);
        if (active.samples > 0)
            m_samples->setValue(active.samples);
        if (active.noise >= 0)
            m_noise->setValue(active.noise);
        m_classes->setValue(std::clamp(active.classes, 2, 10));
        m_dataSeed->setValue(static_cast<int>(active.seed));
        m_testFraction->setValue(active.testFraction);
    }
    updateDatasetOptions();
    m_updating = false;
}

void ControlPanel::onModelEdited()
{
    if (m_updating)
        return;
    if (m_hasTrainedModel) {
        ModelSpec wanted = m_state.model;
        bool parsed = true;
        try {
            wanted.hidden = hiddenFromText(m_hidden->currentText());
        } catch (const std::exception&) {
            parsed = false; // reported below
        }
        wanted.activation = static_cast<Activation>(m_activation->currentData().toInt());
        wanted.seed = static_cast<std::uint64_t>(m_modelSeed->value());
        if (parsed && !(wanted == m_state.model)
            && !m_confirmDiscard(QStringLiteral("A new model starts from fresh weights; the one trained now is discarded "
                                                "(File > Save Session keeps it)."))) {
            showState();
            return;
        }
    }
    ModelSpec model = m_state.model;
    try {
        model.hidden = hiddenFromText(m_hidden->currentText());
    } catch (const std::exception& error) {
        showModelMessage(QStringLiteral("Hidden layers: %1. Write sizes like 16,16 or 'logistic'.")
                             .arg(QString::fromStdString(error.what())), true);
        return;
    }
    model.activation = static_cast<Activation>(m_activation->currentData().toInt());
    model.seed = static_cast<std::uint64_t>(m_modelSeed->value());
    if (model == m_state.model)
        return;
    m_state.model = model;
    {
        const QSignalBlocker block(m_hidden);
        m_hidden->setEditText(hiddenToText(model.hidden));
    }
    showModelMessage(QString(), false);
    emit modelChanged(model);
    // The run seed also seeds shuffling and dropout.
    emitTraining();
}

void ControlPanel::emitTraining()
{
    if (m_updating)
        return;
    emit trainingChanged(m_state.trainingConfig());
}

void ControlPanel::emitCompression()
{
    if (m_updating)
        return;
    emit compressionChanged(m_state.compression());
}

void ControlPanel::setThresholdFromPlot(double threshold)
{
    threshold = std::max(0.0, threshold);
    if (threshold > m_threshold->maximum())
        m_threshold->setLinearRange(0.0, threshold * 1.25, 1000);
    m_state.pruneBy = PruningSpec::Criterion::Threshold;
    m_state.threshold = threshold;
    {
        const QSignalBlocker b1(m_byThreshold), b2(m_bySparsity);
        m_byThreshold->setChecked(true);
    }
    updatePruneMode();
    m_threshold->setValue(threshold);
    emitCompression();
}

void ControlPanel::setTargetSparsityFromPlot(double sparsity)
{
    sparsity = std::clamp(sparsity, 0.0, 0.999);
    m_state.pruneBy = PruningSpec::Criterion::TargetSparsity;
    m_state.targetSparsity = sparsity;
    {
        const QSignalBlocker b1(m_byThreshold), b2(m_bySparsity);
        m_bySparsity->setChecked(true);
    }
    updatePruneMode();
    m_targetSparsity->setValue(sparsity);
    emitCompression();
}

void ControlPanel::resetPruning()
{
    m_state.threshold = 0.0;
    m_state.targetSparsity = 0.0;
    m_threshold->setValue(0.0);
    m_targetSparsity->setValue(0.0);
    emitCompression();
}

void ControlPanel::showSnapshot(const Snapshot& snapshot)
{
    // The threshold slider spans [0, max|w|]; it follows the weights as they grow, in
    // coarse steps so that the handle does not creep under the user's hand.
    const double maxAbs = snapshot.maxAbsWeight;
    if (maxAbs > 0 && !m_threshold->slider()->isSliderDown()) {
        const double wanted = std::max(maxAbs, m_state.threshold);
        if (m_thresholdRange <= 0 || wanted > m_thresholdRange || wanted < 0.5 * m_thresholdRange) {
            m_thresholdRange = wanted * 1.05;
            m_threshold->setLinearRange(0.0, m_thresholdRange, 1000);
        }
    }
    m_hasTrainedModel = snapshot.steps > 0;
    if (snapshot.modelGeneration == m_shownModelGeneration)
        return;
    m_shownModelGeneration = snapshot.modelGeneration;
    if (snapshot.data) {
        showPositiveClassChoices(snapshot.data->split.test);
        if (!m_classes->isEnabled()) {
            // Data whose class count is not a setting (two moons, a table, a CSV) shows its
            // own count in the greyed field, not the last generator's.
            const QSignalBlocker block(m_classes);
            const int count = snapshot.data->split.test.classCount();
            m_classes->setRange(std::min(2, count), std::max(10, count));
            m_classes->setValue(count);
        }
    }
    if (snapshot.data && !m_datasetError) {
        const Dataset& train = snapshot.data->split.train;
        const Dataset& test = snapshot.data->split.test;
        const QString description = QString::fromStdString(snapshot.data->description);
        showDatasetMessage(description.isEmpty()
                               ? QStringLiteral("%1 features \u00b7 %2 classes \u00b7 %3 train / %4 test")
                                     .arg(train.featureCount()).arg(train.classCount())
                                     .arg(train.sampleCount()).arg(test.sampleCount())
                               : description,
                           false);
    }
    if (snapshot.trained) {
        const Network& network = *snapshot.trained;
        QStringList sizes;
        sizes << QString::number(network.architecture().inputs);
        for (int h : network.architecture().hidden)
            sizes << QString::number(h);
        sizes << QString::number(network.architecture().outputs());
        showModelMessage(QStringLiteral("%1 \u00b7 %2 weights + %3 biases")
                             .arg(sizes.join(QStringLiteral("\u2013")))
                             .arg(network.weightCount()).arg(network.biasCount()),
                         false);
    }
}

void ControlPanel::showDatasetMessage(const QString& text, bool error)
{
    m_datasetError = error;
    m_datasetInfo->setText(text);
    m_datasetInfo->setStyleSheet(error ? QStringLiteral("color: #b3261e; font-weight: 600;")
                                       : QStringLiteral("color: #5a6070;"));
}

void ControlPanel::clearDatasetError()
{
    if (!m_datasetError)
        return;
    m_datasetError = false;
    m_datasetInfo->clear();
    m_shownModelGeneration = 0; // the next snapshot describes the data again
}

void ControlPanel::showModelMessage(const QString& text, bool error)
{
    m_modelInfo->setText(text);
    m_modelInfo->setStyleSheet(error ? QStringLiteral("color: #b3261e; font-weight: 600;")
                                     : QStringLiteral("color: #5a6070;"));
}

} // namespace ss
