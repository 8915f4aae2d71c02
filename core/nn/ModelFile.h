#pragma once
// A trained model as a JSON file that later commands (and the app) load: format version,
// architecture, the feature scaler fitted on the training data, class and feature names,
// image shape, and every layer's weights, biases and pruning mask. Floats are written in
// their shortest form that reads back to the same bits, so a save/load round trip is exact.

#include "data/Dataset.h"
#include "nn/Network.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ss {

struct TrainedModel {
    Network network;
    FeatureScaler scaler;                   // apply to new data before network.predict
    std::vector<std::string> classNames;    // classCount entries
    std::vector<std::string> featureNames;  // inputs entries, or empty
    std::optional<ImageShape> imageShape;
    std::string datasetName;                // where it was trained (informational)
    nlohmann::json metadata = nlohmann::json::object(); // free-form: training settings, metrics
};

constexpr int kModelFormatVersion = 1;

nlohmann::json modelToJson(const TrainedModel& model);
// fileName is only used in error messages. Throws InputError naming the file and the field
// (e.g. "layers[1].weights[3][7]: expected a finite number") for an unknown version, a wrong
// type, a missing field or shapes that do not fit together.
TrainedModel modelFromJson(const nlohmann::json& json, const std::string& fileName);

// Atomic: written to a temporary file in the same folder, then renamed over path.
// Throws InputError on I/O failure, ConfigError for a model that cannot be saved (non-finite).
void saveModel(const std::string& path, const TrainedModel& model);
// Throws InputError naming the file (and line and column for malformed JSON).
TrainedModel loadModel(const std::string& path);

} // namespace ss
