#pragma once
// Re-evaluates a trained model on its test set for a new pruning threshold / target
// sparsity and weight precision without retraining: what makes slider drags live.
// Results equal a full evaluation of the pruned+quantized model exactly (same predictions).

#include "compress/Efficiency.h"
#include "compress/Pruning.h"
#include "compress/Quantization.h"
#include "data/Dataset.h"
#include "eval/Metrics.h"
#include "eval/WeightStatistics.h"
#include "nn/Network.h"

#include <memory>

namespace ss {

struct CompressionSetting {
    PruningSpec pruning;              // applied on top of the model's own masks
    QuantizationSpec precision;       // applied to the surviving weights after pruning
    bool operator==(const CompressionSetting&) const = default;
};

struct Evaluation {
    ClassificationReport report;      // on the test set
    double logLoss = 0;
    WeightStatistics weights;         // of the pruned + quantized weights
    std::vector<WeightStatistics> layers;
    EfficiencyEstimate efficiency;
    EfficiencyEstimate denseFp32;     // the unpruned float32 model, for comparison
    Labels predictions;               // per test sample
    double thresholdUsed = 0;
};

class InstantEvaluator {
public:
    // Copies the model; the dataset must outlive the evaluator.
    InstantEvaluator(const Network& trained, const Dataset& test, const EnergyTable& energy = {});
    ~InstantEvaluator();

    Evaluation evaluate(const CompressionSetting& setting);
    // The pruned + quantized network for a setting (what evaluate() measured).
    Network compressedNetwork(const CompressionSetting& setting) const;

private:
    struct Cache;
    std::unique_ptr<Cache> m_cache;
};

// Reference path: compress a copy of the network and evaluate it from scratch.
Evaluation evaluateFully(const Network& trained, const Dataset& test, const CompressionSetting& setting,
                         const EnergyTable& energy = {});

} // namespace ss
