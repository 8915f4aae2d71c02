#pragma once
// The records the live experiment (session/LiveSnapshot.h) and session files
// (session/Session.h) share: the model the user asked for, a point of the training curves
// and a marker on them. Declared once here so that both speak of the same types.

#include "nn/Network.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ss {

// The model the user asked for; inputs and classes come from the dataset.
struct ModelSpec {
    std::vector<int> hidden{8, 8};   // empty = logistic regression
    Activation activation = Activation::ReLU;
    std::uint64_t seed = 42;         // weight initialisation
    bool operator==(const ModelSpec&) const = default;
};

// One point of the training curves. Train figures are of the trained weights on a fixed
// slice of the training set (what the optimiser minimises); test figures are of the model
// as shown, after the pruning and precision sliders (what the headline numbers show).
struct HistoryPoint {
    double epoch = 0;          // fractional: samples seen / training-set size
    double trainLoss = 0;
    // trainLoss + the penalty (nn/Regularizer.h): what the optimiser minimises. NaN where
    // unknown (points of sessions saved before it was recorded).
    double trainObjective = std::numeric_limits<double>::quiet_NaN();
    double trainAccuracy = 0;
    double testLoss = 0;
    double testAccuracy = 0;
    double testMacroF1 = 0;
    double sparsity = 0;
    // The pruning and precision the test figures were measured at ("" = the trained model
    // itself): a curve can span several settings, and the training view says which is which.
    std::string shownAs;
};

// Where the user changed something that bends the curves (lambda, learning rate, ...).
struct ParameterMarker {
    double epoch = 0;
    std::string text;          // e.g. "lambda 0.01 -> 0.1"
    bool operator==(const ParameterMarker&) const = default;
};

} // namespace ss
