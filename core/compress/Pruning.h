#pragma once
// Magnitude pruning. Pruning writes a layer's mask (0 = pruned) and zeroes the weights;
// the Trainer keeps masked weights and their optimiser state at zero afterwards.

#include "nn/Network.h"

#include <vector>

namespace ss {

struct PruningSpec {
    enum class Criterion { Threshold, TargetSparsity };
    enum class Scope { Global, PerLayer };

    Criterion criterion = Criterion::TargetSparsity;
    Scope scope = Scope::Global;
    double threshold = 0.0;       // Threshold: |w| < threshold is pruned
    double targetSparsity = 0.0;  // TargetSparsity: fraction in [0, 1)
    std::vector<double> perLayerTargets; // PerLayer: one target per layer (empty = targetSparsity for each)
};

struct PruningResult {
    double achievedSparsity = 0;         // over all weight matrices
    std::vector<double> layerSparsity;   // one per layer
    double thresholdUsed = 0;            // global threshold (Global scope)
};

// Masks are computed from |w| of the CURRENT weights combined with the existing mask
// (already pruned weights stay pruned). Ties at the threshold are broken by index so the
// achieved sparsity equals the target to within one weight.
PruningResult prune(Network& network, const PruningSpec& spec);

// Structured pruning: removes the `fraction` of hidden neurons (over all hidden layers, or
// per layer) with the smallest L2 norm of incoming weights, with their outgoing column.
struct StructuredPruningResult {
    std::vector<int> neuronsRemoved;  // per hidden layer
    std::vector<int> neuronsKept;
};
StructuredPruningResult pruneNeurons(Network& network, double fraction);

// Zhu & Gupta (2017) gradual pruning schedule:
// s_t = s_f + (s_i - s_f) * (1 - p)^power, p = clip((t - begin) / (end - begin), 0, 1),
// applied every `frequency` steps between begin and end.
struct GradualPruningSchedule {
    double initialSparsity = 0.0;
    double finalSparsity = 0.9;
    long beginStep = 0;
    long endStep = 1000;
    long frequency = 100;
    double power = 3.0;

    double sparsityAt(long step) const;
    bool shouldPruneAt(long step) const;
};

// The threshold on |w| that gives `sparsity` over the given magnitudes (a quantile).
double thresholdForSparsity(std::vector<float> magnitudes, double sparsity);

} // namespace ss
