#pragma once
// One complete headless experiment: load data, build the model, train, evaluate. Shared by
// `train` and `demo` so both print the same JSON.

#include "data/DatasetCatalog.h"
#include "nn/Network.h"
#include "nn/Trainer.h"

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
};

TrainingRun runTraining(const DatasetRequest& request, const std::function<Architecture(int inputs, int classes)>& architecture,
                        const TrainingConfig& config);

// History, final test metrics (accuracy, per-class and macro scores, confusion matrix, log
// loss), weight statistics, parameter counts and training time.
nlohmann::json toJson(const TrainingRun& run);

// Saves the trained model with its scaler and class names (atomic write).
void saveTrainedModel(const std::string& path, const TrainingRun& run);

} // namespace ss::cli
