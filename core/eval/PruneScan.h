#pragma once
// Prune scan: the trained model's test metrics at about 100 sparsity levels (global or per
// layer magnitude pruning, at a chosen precision), and per-layer sensitivity (each layer
// pruned alone at the same levels, as Intel Distiller's sensitivity analysis does).
// Runs on the InstantEvaluator, so a scan costs about as much as a slow slider drag.

#include "eval/InstantEvaluator.h"

#include <atomic>
#include <functional>
#include <vector>

namespace ss {

// At most this many levels: ten times the default, a curve finer than a plot can show. A
// scan's time grows with levels x (1 + layers) evaluations when per-layer sensitivity is on,
// each about a slow slider drag; 1000 levels of the Fashion-MNIST MLP take a few seconds.
inline constexpr int kMaxScanLevels = 1000;

struct PruneScanOptions {
    int levels = 100;                 // sparsity levels including 0, at most kMaxScanLevels
    double maxSparsity = 0.999;
    PruningSpec::Scope scope = PruningSpec::Scope::Global;
    QuantizationSpec precision;       // applied after pruning at every level
    bool perLayerSensitivity = false; // also scan each layer pruned alone
    EnergyTable energy;               // for the convenience runPruneScan (an evaluator has its own)

    // Throws ConfigError: levels outside [2, kMaxScanLevels], maxSparsity outside (0, 1].
    void validate() const;
};

struct ScanPoint {
    double targetSparsity = 0;
    double achievedSparsity = 0;      // over all weight matrices
    double layerSparsity = 0;         // sensitivity points: of the pruned layer
    double threshold = 0;             // |w| below it was pruned (the pruned layer's, for sensitivity)
    double accuracy = 0;
    double macroF1 = 0;
    double weightedF1 = 0;
    double logLoss = 0;
    long nonZeroWeights = 0;
    long bytes = 0;                   // smallest storage at the scan's precision
    double energyPj = 0;
};

struct LayerSensitivity {
    int layer = 0;                    // 0-based
    long weights = 0;
    std::vector<ScanPoint> points;
};

struct PruneScanResult {
    std::vector<ScanPoint> points;             // the model pruned as a whole
    std::vector<LayerSensitivity> layers;      // when perLayerSensitivity
    QuantizationSpec precision;
    PruningSpec::Scope scope = PruningSpec::Scope::Global;
    bool cancelled = false;                    // the points so far are kept
};

// Sparsity levels from 0 to maxSparsity, crowded near the top where accuracy changes
// fastest: half of them evenly spaced on [0, 0.9), the other half evenly spaced in
// log(density) from 0.9 to maxSparsity (density 0.1 down to 1 - maxSparsity; maxSparsity = 1
// is approached as density 1e-4 with the last level exactly 1). maxSparsity <= 0.9 (or fewer
// than 4 levels): evenly spaced. Throws ConfigError as PruneScanOptions::validate does.
std::vector<double> scanSparsityLevels(int count, double maxSparsity);

using ProgressCallback = std::function<void(double fraction)>;  // 0..1

// Evaluates the levels in increasing order (a slow drag for the evaluator), polling
// `cancel` before each point; `onProgress` after each point.
PruneScanResult runPruneScan(InstantEvaluator& evaluator, const PruneScanOptions& options,
                             const std::atomic<bool>* cancel = nullptr, const ProgressCallback& onProgress = {});

// Convenience: builds an evaluator for the model and test set.
PruneScanResult runPruneScan(const Network& trained, const Dataset& test, const PruneScanOptions& options,
                             const std::atomic<bool>* cancel = nullptr, const ProgressCallback& onProgress = {});

} // namespace ss
