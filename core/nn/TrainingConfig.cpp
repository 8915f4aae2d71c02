#include "nn/TrainingConfig.h"

#include "common/Error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

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

std::string toString(OptimizerKind kind)
{
    switch (kind) {
    case OptimizerKind::Sgd: return "sgd";
    case OptimizerKind::Momentum: return "momentum";
    case OptimizerKind::Nesterov: return "nesterov";
    case OptimizerKind::RmsProp: return "rmsprop";
    case OptimizerKind::Adam: return "adam";
    }
    throw ConfigError("toString(OptimizerKind): invalid value " + std::to_string(static_cast<int>(kind)));
}

OptimizerKind optimizerFromString(const std::string& name)
{
    const std::string key = lowered(name);
    if (key == "sgd")
        return OptimizerKind::Sgd;
    if (key == "momentum")
        return OptimizerKind::Momentum;
    if (key == "nesterov")
        return OptimizerKind::Nesterov;
    if (key == "rmsprop")
        return OptimizerKind::RmsProp;
    if (key == "adam")
        return OptimizerKind::Adam;
    throw ConfigError("unknown optimizer '" + name + "' (expected sgd, momentum, nesterov, rmsprop or adam)");
}

std::string toString(L1Mode mode)
{
    switch (mode) {
    case L1Mode::Proximal: return "proximal";
    case L1Mode::Subgradient: return "subgradient";
    }
    throw ConfigError("toString(L1Mode): invalid value " + std::to_string(static_cast<int>(mode)));
}

L1Mode l1ModeFromString(const std::string& name)
{
    const std::string key = lowered(name);
    if (key == "proximal")
        return L1Mode::Proximal;
    if (key == "subgradient")
        return L1Mode::Subgradient;
    throw ConfigError("unknown L1 mode '" + name + "' (expected proximal or subgradient)");
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

} // namespace ss
