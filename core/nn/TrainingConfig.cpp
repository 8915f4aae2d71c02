#include "nn/TrainingConfig.h"

#include "common/Error.h"
#include "nn/Network.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace ss {

namespace {

std::string lowered(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string formatValue(double value)
{
    std::ostringstream stream;
    stream.imbue(std::locale::classic());
    stream << value;
    return stream.str();
}

[[noreturn]] void reject(const std::string& parameter, const std::string& requirement, const std::string& value)
{
    throw ConfigError(parameter + " must be " + requirement + ", got " + value);
}

void requirePositive(const char* parameter, double value)
{
    if (!(std::isfinite(value) && value > 0.0))
        reject(parameter, "a finite number > 0", formatValue(value));
}

void requireNonNegative(const char* parameter, double value)
{
    if (!(std::isfinite(value) && value >= 0.0))
        reject(parameter, "a finite number >= 0", formatValue(value));
}

void requireUnitInterval(const char* parameter, double value)
{
    if (!(value >= 0.0 && value < 1.0))
        reject(parameter, "in [0, 1)", formatValue(value));
}

} // namespace

// Names are read in any case: "Adam" on a command line is no typo.
std::string toString(OptimizerKind kind)
{
    return enumToString(kOptimizerNames, kind, "optimizer");
}

OptimizerKind optimizerFromString(const std::string& name)
{
    return enumFromString(kOptimizerNames, lowered(name), "optimizer");
}

std::string toString(L1Mode mode)
{
    return enumToString(kL1ModeNames, mode, "L1 mode");
}

L1Mode l1ModeFromString(const std::string& name)
{
    return enumFromString(kL1ModeNames, lowered(name), "L1 mode");
}

void TrainingConfig::validate() const
{
    requirePositive("learning rate", optimizer.learningRate);
    requireUnitInterval("momentum", optimizer.momentum);
    requireUnitInterval("beta1", optimizer.beta1);
    requireUnitInterval("beta2", optimizer.beta2);
    requirePositive("epsilon", optimizer.epsilon);
    requireNonNegative("l1 (lambda1)", regularization.l1);
    requireNonNegative("l2 (lambda2)", regularization.l2);
    requireUnitInterval("dropout", regularization.dropout);
    if (batchSize < 1 || batchSize > kMaxBatchSize)
        reject("batch size", "an integer in [1, " + std::to_string(kMaxBatchSize) + "]", std::to_string(batchSize));
    if (epochs < 0 || epochs > kMaxEpochs)
        reject("epochs", "an integer in [0, " + std::to_string(kMaxEpochs) + "]", std::to_string(epochs));
    if (reportEverySteps < 0)
        reject("report interval (steps)", "an integer >= 0", std::to_string(reportEverySteps));
}

std::uint64_t estimateTrainingBytes(const Architecture& architecture, long batchSize)
{
    // In doubles: sizes beyond 2^64 bytes must compare as large, not wrap.
    double parameters = 0;
    double units = 0;
    double fanIn = std::max(0, architecture.inputs);
    std::vector<int> widths = architecture.hidden;
    widths.push_back(architecture.outputs());
    for (const int width : widths) {
        parameters += (fanIn + 1) * std::max(0, width);
        units += std::max(0, width);
        fanIn = std::max(0, width);
    }
    // Pre-activations, activations and deltas of one mini-batch, in floats.
    const double activations = 3.0 * 4.0 * units * double(std::max(1L, batchSize));
    const double bytes = parameters * double(kBytesPerParameter) + activations;
    return bytes >= 1.8e19 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(bytes);
}

void checkNetworkSize(const Architecture& architecture, long batchSize)
{
    if (architecture.hidden.size() > static_cast<std::size_t>(kMaxHiddenLayers))
        throw ConfigError("the network has " + std::to_string(architecture.hidden.size()) + " hidden layers, more than the "
                          + std::to_string(kMaxHiddenLayers) + " we train");
    for (const int width : architecture.hidden)
        if (width < 1 || width > kMaxLayerWidth)
            throw ConfigError("a hidden layer of " + std::to_string(width) + " units: layers take 1 to "
                              + std::to_string(kMaxLayerWidth));
    const std::uint64_t bytes = estimateTrainingBytes(architecture, batchSize);
    if (bytes > kMaxTrainingBytes) {
        std::ostringstream text;
        text.precision(3);
        text << "the network " << architecture.inputs << "-";
        for (const int width : architecture.hidden)
            text << width << "-";
        text << architecture.outputs() << " would need about " << double(bytes) / 1e9
             << " GB to train, more than the limit of " << (kMaxTrainingBytes >> 30)
             << " GiB; use fewer or smaller hidden layers";
        throw ConfigError(text.str());
    }
}

} // namespace ss
