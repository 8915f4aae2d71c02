#pragma once
// What an evaluation of a compressed model on its test set reports, for the instant evaluator
// and the reference path alike (eval/InstantEvaluator.h says how they agree exactly).

#include "compress/Efficiency.h"
#include "compress/Pruning.h"
#include "compress/Quantization.h"
#include "metrics/Metrics.h"
#include "nn/WeightStatistics.h"

#include <vector>

namespace ss {

struct CompressionSetting {
    PruningSpec pruning;              // applied on top of the model's own masks
    QuantizationSpec precision;       // applied to the surviving weights after pruning
    bool operator==(const CompressionSetting&) const = default;
};

// Relative margin below which a prediction is recomputed exactly (see above): 2^-15, about
// 35 times the largest float discrepancy measured on the Fashion-MNIST MLP (9e-7).
inline constexpr double kExactMarginTolerance = 1.0 / 32768;

struct Evaluation {
    ClassificationReport report;      // on the test set
    double logLoss = 0;
    WeightStatistics weights;         // of the pruned + quantized weights
    std::vector<WeightStatistics> layers;
    EfficiencyEstimate efficiency;
    EfficiencyEstimate denseFp32;     // the dense fp32 baseline (estimateDenseEfficiency), for ratios
    EfficiencyEstimate trainedFp32;   // the trained model as given (its own zeros counted) at fp32
    Labels predictions;               // per test sample
    double thresholdUsed = 0;
    PruningResult pruning;            // achieved sparsity and thresholds, per layer too
    QuantizationSpec precision;
    int exactlyRecomputed = 0;        // samples whose margin was too small for float logits
};

} // namespace ss
