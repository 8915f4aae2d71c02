#pragma once
// Everything the control panel lets the user set, in one value type: what presets
// write, what the settings file keeps, and what the engine is told.

#include "compress/PrecisionLadder.h"
#include "engine/Snapshot.h"

#include "compress/Pruning.h"
#include "compress/Quantization.h"
#include "nn/TrainingConfig.h"

#include <QString>
#include <QStringList>

namespace ss {

struct ControlState {
    DatasetRequest dataset;        // name or CSV path, generator options, split seed
    ModelSpec model;

    // The training defaults are the core's (nn/TrainingConfig.h), which the command line reads too.
    OptimizerKind optimizer = TrainingConfig{}.optimizer.kind;
    double learningRate = TrainingConfig{}.optimizer.learningRate;
    int batchSize = TrainingConfig{}.batchSize;

    // Elastic net as glmnet writes it: penalty = lambda * (alpha * ||w||_1 + (1 - alpha)/2 * ||w||_2^2).
    double lambda = 0.001;
    double alpha = 1.0;            // 1 = pure L1 (lasso), 0 = pure L2 (ridge)
    L1Mode l1Mode = TrainingConfig{}.regularization.l1Mode;
    double dropout = TrainingConfig{}.regularization.dropout;
    ComparisonKind compare = ComparisonKind::None; // a second run trained beside the first

    PruningSpec::Criterion pruneBy = PruningSpec::Criterion::Threshold;
    double threshold = 0.0;        // |w| < threshold is pruned
    double targetSparsity = 0.0;   // fraction in [0, 0.999]
    PruningSpec::Scope pruneScope = PruningSpec::Scope::Global;

    int precisionIndex = 0;        // into precisionLabels()
    QuantizationSpec::Granularity granularity = QuantizationSpec::Granularity::PerTensor;

    // Binary datasets: the name of the class the headline and every binary figure call
    // positive; empty = automatic (metrics/Metrics.h defaultPositiveClass, the core's rule).
    std::string positiveClass;

    double pace = 20.0;            // epochs per second; 0 = as fast as possible
    int epochLimit = 0;            // 0 = until paused

    ControlState();

    TrainingConfig trainingConfig() const;
    CompressionSetting compression() const;
    QuantizationSpec precision() const;
    PruningSpec pruning() const;
};

// The snapshot with the binary reports' positive class set to the class named `positiveClass`
// (the core chose by its default rule already: an empty or unknown name leaves it so). The
// copy shares everything but the reports.
SnapshotPtr withPositiveClass(const SnapshotPtr& snapshot, const std::string& positiveClass);
// The automatic choice's entry for a binary dataset, e.g. "Automatic (malignant: the minority class)".
QString automaticPositiveClassText(const Dataset& test);

// The precision slider's stops, from 32-bit float down to binary.
// The precision control's labels: compress/PrecisionLadder.h (precisionAt, precisionIndexOf).
QStringList precisionLabels();

// Display names of the datasets offered, with the request key behind each.
struct DatasetChoice {
    QString key;          // what DatasetRequest::nameOrPath takes
    QString title;        // what the user reads
    bool generator = false;
    bool hasClasses = false; // blobs and spiral take a class count
};
QList<DatasetChoice> datasetChoices();
QString datasetTitle(const QString& key);
bool isGenerator(const QString& key);
// One of datasetChoices() (not a file of the user's).
bool isListedDataset(const QString& key);

// "8,8" <-> {8, 8}; "logistic" or "" <-> {}. Throws ConfigError for bad text.
std::vector<int> hiddenFromText(const QString& text);
QString hiddenToText(const std::vector<int>& hidden);

// Where Fashion-MNIST is looked for, and whether it is there.
QString fashionMnistDirectory();
bool fashionMnistAvailable();
QString fashionMnistMissingMessage();
// The request as the engine should get it (Fashion-MNIST's folder filled in).
DatasetRequest resolvedRequest(DatasetRequest request);

} // namespace ss
