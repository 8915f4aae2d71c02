#pragma once
// One complete headless experiment: load data, build the model, train, evaluate. Shared by
// `train` and `demo` so both print the same JSON.

#include "data/DatasetCatalog.h"
#include "nn/ModelFile.h"
#include "nn/Network.h"
#include "nn/Trainer.h"
#include "solve/ElasticNetLogistic.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace ss::cli {

struct TrainingRun {
    PreparedData data;
    Network network;
    TrainingConfig config;
    std::vector<TrainingReport> history;   // one entry per epoch
    TrainingResult result;
    double trainSeconds = 0;
    // Set when the exact solver fitted the model (train --solver exact): what it solved and
    // how well (objective, KKT residual), and the standardisation applied.
    nlohmann::json exactFit;
};

// Logistic regression with the L1 / elastic-net penalty of `config` (l1 sum|w| + l2/2 sum w^2
// on the scaled features, the objective the optimisers minimise), fitted exactly by the
// coordinate-descent solver. Throws UsageError when l1 is 0 or the config has dropout.
TrainingRun runExactTraining(const DatasetRequest& request, const std::string& testDatasetPath,
                             const TrainingConfig& config, double kktTolerance, int threads);

// The request's train/test split; with testDatasetPath, every row of the request's data
// trains and the rows of that CSV file (same label column, scaled by the training scaler,
// classes matched by name) are the test part. Throws UsageError for a class the training
// data lack, and for the core's refusals of the request (an unknown name, no test samples).
PreparedData prepareData(const DatasetRequest& request, const std::string& testDatasetPath);

// The preprocessing and the solver's standardisation, for the JSON of exact fits.
nlohmann::json standardizationJson(const PreparedData& data, const ElasticNetStandardization& solver);

TrainingRun runTraining(const DatasetRequest& request, const std::function<Architecture(int inputs, int classes)>& architecture,
                        const TrainingConfig& config, const std::string& testDatasetPath = {});

// History, final test metrics (accuracy, per-class and macro scores, confusion matrix, log
// loss), weight statistics, parameter counts and training time.
nlohmann::json toJson(const TrainingRun& run);

// The trained network with what reading data for it needs: scaler, class and feature names,
// image shape, dataset name.
TrainedModel trainedModelOf(const TrainingRun& run);
// Saves the trained model with its scaler and class names (atomic write).
void saveTrainedModel(const std::string& path, const TrainingRun& run);

} // namespace ss::cli
