#include "eval/PruneScan.h"

#include "common/Error.h"

#include <cmath>

namespace ss {

namespace {

ScanPoint pointFrom(const Evaluation& e, double target)
{
    ScanPoint p;
    p.targetSparsity = target;
    p.achievedSparsity = e.pruning.achievedSparsity;
    p.threshold = e.thresholdUsed;
    p.accuracy = e.report.accuracy;
    p.macroF1 = e.report.macro.f1;
    p.weightedF1 = e.report.weighted.f1;
    p.logLoss = e.logLoss;
    p.nonZeroWeights = e.efficiency.nonZeroWeights;
    p.bytes = e.efficiency.bytesSmallest;
    p.energyPj = e.efficiency.energyTotalPj;
    return p;
}

// One check for the options and for scanSparsityLevels, which callers may use alone.
void checkScanLevels(int levels, double maxSparsity)
{
    if (levels < 2 || levels > kMaxScanLevels)
        throw ConfigError("prune scan: the number of levels must be from 2 to " + std::to_string(kMaxScanLevels)
                          + ", got " + std::to_string(levels));
    if (!(maxSparsity > 0.0 && maxSparsity <= 1.0))
        throw ConfigError("prune scan: maximum sparsity must be in (0, 1], got " + std::to_string(maxSparsity));
}

} // namespace

void PruneScanOptions::validate() const
{
    checkScanLevels(levels, maxSparsity);
}

std::vector<double> scanSparsityLevels(int count, double maxSparsity)
{
    checkScanLevels(count, maxSparsity);
    std::vector<double> levels;
    levels.reserve(static_cast<std::size_t>(count));
    constexpr double knee = 0.9;
    if (maxSparsity <= knee || count < 4) {
        for (int i = 0; i < count; ++i)
            levels.push_back(maxSparsity * i / (count - 1));
        return levels;
    }
    // Half the points evenly on [0, 0.9), half evenly in log(density) from 0.9 to the top.
    const int linear = count / 2;
    const int logarithmic = count - linear;
    for (int i = 0; i < linear; ++i)
        levels.push_back(knee * i / linear);
    const double lowestDensity = std::max(1.0 - maxSparsity, 1e-4);
    for (int i = 0; i < logarithmic; ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(logarithmic - 1);
        levels.push_back(1.0 - (1.0 - knee) * std::pow(lowestDensity / (1.0 - knee), t));
    }
    levels.back() = maxSparsity;
    return levels;
}

PruneScanResult runPruneScan(InstantEvaluator& evaluator, const PruneScanOptions& options,
                             const std::atomic<bool>* cancel, const ProgressCallback& onProgress)
{
    options.validate();
    const std::vector<double> levels = scanSparsityLevels(options.levels, options.maxSparsity);
    const int layerCount = static_cast<int>(evaluator.trainedNetwork().layers().size());
    const long total = static_cast<long>(levels.size()) * (1 + (options.perLayerSensitivity ? layerCount : 0));
    long done = 0;
    PruneScanResult result;
    result.precision = options.precision;
    result.scope = options.scope;
    const auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
    const auto progressed = [&] {
        ++done;
        if (onProgress)
            onProgress(static_cast<double>(done) / static_cast<double>(total));
    };

    for (double level : levels) {
        if (cancelled()) {
            result.cancelled = true;
            return result;
        }
        CompressionSetting setting;
        setting.pruning = PruningSpec::sparsity(level, options.scope);
        setting.precision = options.precision;
        result.points.push_back(pointFrom(evaluator.evaluate(setting), level));
        progressed();
    }
    if (!options.perLayerSensitivity)
        return result;
    for (int l = 0; l < layerCount; ++l) {
        LayerSensitivity sensitivity;
        sensitivity.layer = l;
        sensitivity.weights = evaluator.trainedNetwork().layers()[static_cast<std::size_t>(l)].weights.size();
        result.layers.push_back(sensitivity);
        for (double level : levels) {
            if (cancelled()) {
                result.cancelled = true;
                return result;
            }
            CompressionSetting setting;
            setting.pruning = PruningSpec::sparsity(0.0, PruningSpec::Scope::PerLayer);
            setting.pruning.perLayerTargets.assign(static_cast<std::size_t>(layerCount), 0.0);
            setting.pruning.perLayerTargets[static_cast<std::size_t>(l)] = level;
            setting.precision = options.precision;
            const Evaluation e = evaluator.evaluate(setting);
            ScanPoint point = pointFrom(e, level);
            point.layerSparsity = e.pruning.layerSparsity[static_cast<std::size_t>(l)];
            point.threshold = e.pruning.layerThresholds[static_cast<std::size_t>(l)];
            result.layers.back().points.push_back(point);
            progressed();
        }
    }
    return result;
}

PruneScanResult runPruneScan(const Network& trained, const Dataset& test, const PruneScanOptions& options,
                             const std::atomic<bool>* cancel, const ProgressCallback& onProgress)
{
    options.validate();
    InstantEvaluator evaluator(trained, test, options.energy);
    return runPruneScan(evaluator, options, cancel, onProgress);
}

} // namespace ss
