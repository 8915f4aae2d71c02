#pragma once
// The left-hand panel: dataset, model, optimiser, regularisation, pruning, precision and
// pace. It holds no engine state of its own: it reports what the user changed through
// signals, and shows what the engine confirms (active dataset, weight range) via
// showSnapshot / revertDataset.

#include "controls/ControlState.h"
#include "engine/Snapshot.h"

#include <QWidget>

#include <functional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTimer;

namespace ss {

class ChoiceSlider;
class ValueSlider;

class ControlPanel : public QWidget {
    Q_OBJECT
public:
    explicit ControlPanel(QWidget* parent = nullptr);

    ControlState state() const { return m_state; }
    // Shows a complete state (a preset, restored settings) without emitting anything.
    void setState(const ControlState& state);

    // Follows the engine: the threshold range, the dataset and model lines.
    void showSnapshot(const Snapshot& snapshot);
    // After a failed load: the dataset widgets go back to what the engine has active.
    // A CSV file that failed to load is taken off the list.
    void revertDataset(const DatasetRequest& active);
    // Shows a dataset the window loads itself (an opened CSV file) as the panel's own.
    void showDataset(const DatasetRequest& request);
    // Asked before a dataset or model change would discard a trained model; true to go on.
    // Replaceable for tests (the default is a question dialog).
    using ConfirmDiscard = std::function<bool(const QString& question)>;
    void setConfirmDiscard(ConfirmDiscard confirm) { m_confirmDiscard = std::move(confirm); }
    // Adds a CSV file to the dataset list and selects it (without emitting).
    void addCsvChoice(const QString& path);
    void showDatasetMessage(const QString& text, bool error);
    // An old load error gives way to the active dataset's description (training went on).
    void clearDatasetError();
    void showModelMessage(const QString& text, bool error);

    // Direct access for tests and the weights view's draggable threshold lines.
    ValueSlider* thresholdSlider() const { return m_threshold; }
    ValueSlider* sparsitySlider() const { return m_targetSparsity; }
    ValueSlider* lambdaSlider() const { return m_lambda; }
    ValueSlider* learningRateSlider() const { return m_learningRate; }
    ValueSlider* alphaSlider() const { return m_alpha; }
    ChoiceSlider* precisionSlider() const { return m_precision; }
    QComboBox* datasetBox() const { return m_dataset; }
    QComboBox* hiddenLayersBox() const { return m_hidden; }

public slots:
    // From the plots: a dragged threshold line or a picked sparsity on the tradeoff curve.
    void setThresholdFromPlot(double threshold);
    void setTargetSparsityFromPlot(double sparsity);
    void resetPruning();

signals:
    void datasetRequested(const ss::DatasetRequest& request);
    void modelChanged(const ss::ModelSpec& model);
    void trainingChanged(const ss::TrainingConfig& config);
    void compressionChanged(const ss::CompressionSetting& setting);
    void comparisonChanged(ss::ComparisonKind kind);
    void paceChanged(double epochsPerSecond);
    void epochLimitChanged(int epochs);
    void applyPruningRequested(const ss::PruningSpec& spec);
    void openCsvRequested();
    // A class name, or empty for automatic (ControlState::positiveClass).
    void positiveClassChanged(const QString& name);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildDatasetGroup();
    QWidget* buildModelGroup();
    QWidget* buildOptimizerGroup();
    QWidget* buildRegularizationGroup();
    QWidget* buildPruningGroup();
    QWidget* buildPrecisionGroup();
    QWidget* buildPaceGroup();

    void showState();
    void updateDatasetOptions();
    void onDatasetChoice();
    void onDatasetOptionsEdited();
    void onModelEdited();
    void emitTraining();
    void emitCompression();
    void updatePruneMode();
    void showPositiveClassChoices(const Dataset& test);

    ControlState m_state;
    bool m_updating = false;

    QComboBox* m_dataset = nullptr;
    QComboBox* m_positiveClass = nullptr;
    QWidget* m_positiveClassLabel = nullptr;
    QSpinBox* m_samples = nullptr;
    QDoubleSpinBox* m_noise = nullptr;
    QSpinBox* m_classes = nullptr;
    QSpinBox* m_dataSeed = nullptr;
    QDoubleSpinBox* m_testFraction = nullptr;
    QPushButton* m_openCsv = nullptr;
    QLabel* m_datasetInfo = nullptr;
    QTimer* m_datasetDelay = nullptr;

    QComboBox* m_hidden = nullptr;
    QComboBox* m_activation = nullptr;
    QSpinBox* m_modelSeed = nullptr;
    QLabel* m_modelInfo = nullptr;

    QComboBox* m_optimizer = nullptr;
    ValueSlider* m_learningRate = nullptr;
    QSpinBox* m_batch = nullptr;

    ValueSlider* m_lambda = nullptr;
    ValueSlider* m_alpha = nullptr;
    QComboBox* m_l1Mode = nullptr;
    ValueSlider* m_dropout = nullptr;
    QComboBox* m_compare = nullptr;

    QRadioButton* m_byThreshold = nullptr;
    QRadioButton* m_bySparsity = nullptr;
    ValueSlider* m_threshold = nullptr;
    ValueSlider* m_targetSparsity = nullptr;
    QComboBox* m_pruneScope = nullptr;
    QPushButton* m_applyPruning = nullptr;

    ChoiceSlider* m_precision = nullptr;
    QComboBox* m_granularity = nullptr;

    QComboBox* m_pace = nullptr;
    QSpinBox* m_epochLimit = nullptr;

    double m_thresholdRange = 0;
    std::uint64_t m_shownModelGeneration = 0;
    bool m_datasetError = false;
    bool m_hasTrainedModel = false;    // the shown model has taken training steps
    ConfirmDiscard m_confirmDiscard;
};

} // namespace ss
