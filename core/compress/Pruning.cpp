#include "compress/Pruning.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace ss {

namespace {

std::string number(double value)
{
    std::string text = std::to_string(value);
    return text;
}

long countZeros(const Matrix& weights)
{
    return static_cast<long>((weights.array() == Scalar(0)).count());
}

// The magnitude a key stands for (0 for masked weights).

// Prunes the k entries that come first in pruning order among `keys` (one per weight of the
// layers [first, last), positions as pruningOrderKey documents) and returns the smallest
// surviving magnitude (the threshold that separates them).
double pruneSmallest(std::vector<DenseLayer>& layers, std::size_t first, std::size_t last,
                     std::vector<std::uint64_t>& keys, long k, const std::vector<std::uint32_t>& offsets)
{
    const long n = static_cast<long>(keys.size());
    k = std::clamp(k, 0L, n);
    double threshold = 0.0;
    if (k > 0 && k < n) {
        std::nth_element(keys.begin(), keys.begin() + k, keys.end());
        threshold = magnitudeOfKey(keys[static_cast<std::size_t>(k)]);
    } else if (k == n && n > 0) {
        const double largest = magnitudeOfKey(*std::max_element(keys.begin(), keys.end()));
        threshold = std::nextafter(static_cast<Scalar>(largest), std::numeric_limits<Scalar>::infinity());
    }
    // Positions are global; map each pruned one back to its layer (few layers: linear scan).
    for (long p = 0; p < k; ++p) {
        const auto position = static_cast<std::uint32_t>(keys[static_cast<std::size_t>(p)] & 0xFFFFFFFFu);
        std::size_t layer = first;
        while (layer + 1 < last && position >= offsets[layer + 1])
            ++layer;
        const std::uint32_t local = position - offsets[layer];
        layers[layer].mask.data()[local] = 0;
        layers[layer].weights.data()[local] = 0;
    }
    return threshold;
}

std::vector<std::uint32_t> layerOffsets(const Network& network)
{
    std::vector<std::uint32_t> offsets;
    std::uint64_t offset = 0;
    for (const DenseLayer& layer : network.layers()) {
        offsets.push_back(static_cast<std::uint32_t>(offset));
        offset += static_cast<std::uint64_t>(layer.weights.size());
    }
    offsets.push_back(static_cast<std::uint32_t>(offset));
    if (offset > 0xFFFFFFFFull)
        throw ConfigError("prune: the network has more than 2^32 weights");
    return offsets;
}

void appendKeys(const DenseLayer& layer, std::uint32_t offset, std::vector<std::uint64_t>& keys)
{
    const Scalar* w = layer.weights.data();
    const Scalar* m = layer.mask.data();
    const auto count = static_cast<std::uint32_t>(layer.weights.size());
    for (std::uint32_t i = 0; i < count; ++i)
        keys.push_back(pruningOrderKey(w[i], m[i] == Scalar(0), offset + i));
}

void checkMasks(const Network& network)
{
    const auto& layers = network.layers();
    for (std::size_t l = 0; l < layers.size(); ++l)
        if (layers[l].mask.rows() != layers[l].weights.rows() || layers[l].mask.cols() != layers[l].weights.cols())
            throw ConfigError("prune: layer " + std::to_string(l + 1) + " mask shape does not match its weights");
}

} // namespace

PruningSpec PruningSpec::sparsity(double target, Scope scope)
{
    PruningSpec spec;
    spec.criterion = Criterion::TargetSparsity;
    spec.scope = scope;
    spec.targetSparsity = target;
    return spec;
}

PruningSpec PruningSpec::atThreshold(double threshold)
{
    PruningSpec spec;
    spec.criterion = Criterion::Threshold;
    spec.scope = Scope::Global;
    spec.threshold = threshold;
    return spec;
}

void PruningSpec::validate(int layerCount) const
{
    const auto checkTarget = [](double value, const std::string& what) {
        if (!(value >= 0.0 && value <= 1.0))
            throw ConfigError("pruning: " + what + " must be in [0, 1], got " + number(value));
    };
    const auto checkThreshold = [](double value, const std::string& what) {
        if (!(value >= 0.0) || !std::isfinite(value))
            throw ConfigError("pruning: " + what + " must be a finite number >= 0, got " + number(value));
    };
    if (criterion == Criterion::TargetSparsity)
        checkTarget(targetSparsity, "target sparsity");
    else
        checkThreshold(threshold, "threshold");
    if (scope == Scope::PerLayer && !perLayerTargets.empty()) {
        if (layerCount >= 0 && static_cast<int>(perLayerTargets.size()) != layerCount)
            throw ConfigError("pruning: " + std::to_string(perLayerTargets.size()) + " per-layer targets for "
                              + std::to_string(layerCount) + " layers");
        for (std::size_t l = 0; l < perLayerTargets.size(); ++l) {
            const std::string what = "layer " + std::to_string(l + 1) + " target";
            if (criterion == Criterion::TargetSparsity)
                checkTarget(perLayerTargets[l], what);
            else
                checkThreshold(perLayerTargets[l], what);
        }
    }
}

PruningResult prune(Network& network, const PruningSpec& spec)
{
    auto& layers = network.layers();
    spec.validate(static_cast<int>(layers.size()));
    checkMasks(network);
    const std::vector<std::uint32_t> offsets = layerOffsets(network);
    PruningResult result;
    result.layerThresholds.assign(layers.size(), 0.0);

    const auto layerTarget = [&](std::size_t l) {
        const bool own = spec.scope == PruningSpec::Scope::PerLayer && !spec.perLayerTargets.empty();
        if (spec.criterion == PruningSpec::Criterion::TargetSparsity)
            return own ? spec.perLayerTargets[l] : spec.targetSparsity;
        return own ? spec.perLayerTargets[l] : spec.threshold;
    };

    if (spec.criterion == PruningSpec::Criterion::Threshold) {
        for (std::size_t l = 0; l < layers.size(); ++l) {
            const auto t = static_cast<Scalar>(layerTarget(l));
            DenseLayer& layer = layers[l];
            // |w| < t is pruned; written as a select so a pruned weight becomes +0.
            layer.mask = (layer.weights.array().abs() < t).select(Scalar(0), layer.mask);
            result.layerThresholds[l] = t;
        }
        result.thresholdUsed = spec.threshold;
    } else if (spec.scope == PruningSpec::Scope::Global) {
        std::vector<std::uint64_t> keys;
        keys.reserve(offsets.back());
        for (std::size_t l = 0; l < layers.size(); ++l)
            appendKeys(layers[l], offsets[l], keys);
        const long n = static_cast<long>(keys.size());
        const long k = std::lround(spec.targetSparsity * static_cast<double>(n));
        result.thresholdUsed = pruneSmallest(layers, 0, layers.size(), keys, k, offsets);
        result.layerThresholds.assign(layers.size(), result.thresholdUsed);
    } else {
        std::vector<std::uint64_t> keys;
        for (std::size_t l = 0; l < layers.size(); ++l) {
            keys.clear();
            appendKeys(layers[l], offsets[l], keys);
            const long k = std::lround(layerTarget(l) * static_cast<double>(keys.size()));
            result.layerThresholds[l] = pruneSmallest(layers, l, l + 1, keys, k, offsets);
        }
        result.thresholdUsed = 0.0;
    }
    network.applyMasks();

    for (const DenseLayer& layer : layers) {
        const long zeros = countZeros(layer.weights);
        const long size = static_cast<long>(layer.weights.size());
        result.layerSparsity.push_back(size == 0 ? 0.0 : static_cast<double>(zeros) / static_cast<double>(size));
        result.prunedWeights += zeros;
        result.totalWeights += size;
    }
    result.achievedSparsity = result.totalWeights == 0
                                  ? 0.0
                                  : static_cast<double>(result.prunedWeights) / static_cast<double>(result.totalWeights);
    return result;
}

StructuredPruningResult pruneNeurons(Network& network, double fraction, PruningSpec::Scope scope)
{
    if (!(fraction >= 0.0 && fraction <= 1.0))
        throw ConfigError("structured pruning: fraction must be in [0, 1], got " + number(fraction));
    checkMasks(network);
    auto& layers = network.layers();
    const std::size_t hiddenLayers = layers.empty() ? 0 : layers.size() - 1;

    // Key per neuron: (L2 norm of its incoming weights as float bits, layer, index); the norm
    // is non-negative so its bits order like its value.
    struct Candidate {
        std::uint64_t key;
        std::size_t layer;
        int neuron;
    };
    const auto candidatesOf = [&](std::size_t l) {
        std::vector<Candidate> candidates;
        const DenseLayer& layer = layers[l];
        for (int i = 0; i < layer.outputs(); ++i) {
            const auto norm = static_cast<Scalar>(std::sqrt(layer.weights.row(i).cast<double>().squaredNorm()));
            const std::uint64_t key = static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(norm)) << 32
                                      | (static_cast<std::uint64_t>(l) << 24) | static_cast<std::uint64_t>(i);
            candidates.push_back({key, l, i});
        }
        return candidates;
    };
    const auto byKey = [](const Candidate& a, const Candidate& b) { return a.key < b.key; };
    const auto removeNeuron = [&](std::size_t l, int i) {
        layers[l].mask.row(i).setZero();
        layers[l].weights.row(i).setZero();
        layers[l].bias(i) = 0;
        layers[l + 1].mask.col(i).setZero();
        layers[l + 1].weights.col(i).setZero();
    };

    // Every layer's norms are taken before any neuron is removed: removing a neuron zeroes a
    // column of the next layer, which would otherwise shrink that layer's norms and change
    // its ranking (torch.nn.utils.prune.ln_structured also ranks each layer's own weights).
    std::vector<std::vector<Candidate>> candidatesByLayer;
    for (std::size_t l = 0; l < hiddenLayers; ++l)
        candidatesByLayer.push_back(candidatesOf(l));
    if (scope == PruningSpec::Scope::PerLayer) {
        for (std::size_t l = 0; l < hiddenLayers; ++l) {
            std::vector<Candidate>& candidates = candidatesByLayer[l];
            const long units = static_cast<long>(candidates.size());
            const long k = std::min(std::lround(fraction * static_cast<double>(units)), units - 1);
            if (k <= 0)
                continue;
            std::nth_element(candidates.begin(), candidates.begin() + (k - 1), candidates.end(), byKey);
            // nth_element leaves the k smallest in [0, k) (unordered).
            for (long p = 0; p < k; ++p)
                removeNeuron(l, candidates[static_cast<std::size_t>(p)].neuron);
        }
    } else {
        std::vector<Candidate> all;
        long units = 0;
        for (const std::vector<Candidate>& candidates : candidatesByLayer) {
            units += static_cast<long>(candidates.size());
            all.insert(all.end(), candidates.begin(), candidates.end());
        }
        // Skipping neurons that would empty a layer needs the ranking in order: a full sort of
        // the (few thousand at most) neurons, not of the weights.
        std::sort(all.begin(), all.end(), byKey);
        long target = std::lround(fraction * static_cast<double>(units));
        std::vector<int> remaining(hiddenLayers);
        for (std::size_t l = 0; l < hiddenLayers; ++l)
            remaining[l] = layers[l].outputs();
        for (const Candidate& c : all) {
            if (target <= 0)
                break;
            if (remaining[c.layer] <= 1)
                continue;
            removeNeuron(c.layer, c.neuron);
            --remaining[c.layer];
            --target;
        }
    }

    StructuredPruningResult result;
    long zeros = 0, total = 0;
    for (std::size_t l = 0; l < hiddenLayers; ++l) {
        int removed = 0;
        for (int i = 0; i < layers[l].outputs(); ++i)
            removed += layers[l].mask.row(i).isZero(0) && layers[l + 1].mask.col(i).isZero(0);
        result.neuronsRemoved.push_back(removed);
        result.neuronsKept.push_back(layers[l].outputs() - removed);
    }
    for (const DenseLayer& layer : layers) {
        zeros += countZeros(layer.weights);
        total += static_cast<long>(layer.weights.size());
    }
    result.achievedSparsity = total == 0 ? 0.0 : static_cast<double>(zeros) / static_cast<double>(total);
    return result;
}

void rewindToEarlyWeights(Network& network, const Network& early)
{
    auto& layers = network.layers();
    const auto& earlyLayers = early.layers();
    if (layers.size() != earlyLayers.size())
        throw ConfigError("lottery-ticket rewind: the early network has " + std::to_string(earlyLayers.size())
                          + " layers, the pruned one " + std::to_string(layers.size()));
    for (std::size_t l = 0; l < layers.size(); ++l) {
        DenseLayer& layer = layers[l];
        const DenseLayer& from = earlyLayers[l];
        if (from.weights.rows() != layer.weights.rows() || from.weights.cols() != layer.weights.cols()
            || from.bias.size() != layer.bias.size())
            throw ConfigError("lottery-ticket rewind: layer " + std::to_string(l + 1) + " is "
                              + std::to_string(layer.weights.rows()) + "x" + std::to_string(layer.weights.cols())
                              + " but the early network's is " + std::to_string(from.weights.rows()) + "x"
                              + std::to_string(from.weights.cols()));
    }
    for (std::size_t l = 0; l < layers.size(); ++l) {
        DenseLayer& layer = layers[l];
        layer.weights = (layer.mask.array() != Scalar(0)).select(earlyLayers[l].weights, Scalar(0));
        layer.bias = earlyLayers[l].bias;
    }
}

double GradualPruningSchedule::sparsityAt(long step) const
{
    double progress = 0.0;
    if (endStep <= beginStep)
        progress = step >= beginStep ? 1.0 : 0.0;
    else
        progress = std::clamp(static_cast<double>(step - beginStep) / static_cast<double>(endStep - beginStep),
                              0.0, 1.0);
    return finalSparsity + (initialSparsity - finalSparsity) * std::pow(1.0 - progress, power);
}

bool GradualPruningSchedule::shouldPruneAt(long step) const
{
    if (step < beginStep || step > endStep)
        return false;
    return step == endStep || (step - beginStep) % std::max(frequency, 1L) == 0;
}

void GradualPruningSchedule::validate() const
{
    if (!(initialSparsity >= 0.0 && initialSparsity < 1.0))
        throw ConfigError("gradual pruning: initial sparsity must be in [0, 1), got " + number(initialSparsity));
    if (!(finalSparsity >= 0.0 && finalSparsity < 1.0))
        throw ConfigError("gradual pruning: final sparsity must be in [0, 1), got " + number(finalSparsity));
    if (beginStep < 0 || endStep < beginStep)
        throw ConfigError("gradual pruning: need 0 <= begin step <= end step, got " + std::to_string(beginStep)
                          + " and " + std::to_string(endStep));
    if (frequency < 1)
        throw ConfigError("gradual pruning: frequency must be >= 1 step, got " + std::to_string(frequency));
    if (!(power > 0.0) || !std::isfinite(power))
        throw ConfigError("gradual pruning: power must be > 0, got " + number(power));
}

double thresholdForSparsity(std::vector<float> magnitudes, double sparsity)
{
    if (!(sparsity >= 0.0 && sparsity <= 1.0))
        throw ConfigError("thresholdForSparsity: sparsity must be in [0, 1], got " + number(sparsity));
    for (float& m : magnitudes) {
        m = std::abs(m);
        if (std::isnan(m))
            m = std::numeric_limits<float>::infinity();
    }
    const long n = static_cast<long>(magnitudes.size());
    const long k = std::lround(sparsity * static_cast<double>(n));
    if (k <= 0 || n == 0)
        return 0.0;
    if (k >= n)
        return std::nextafter(*std::max_element(magnitudes.begin(), magnitudes.end()),
                              std::numeric_limits<float>::infinity());
    std::nth_element(magnitudes.begin(), magnitudes.begin() + k, magnitudes.end());
    return magnitudes[static_cast<std::size_t>(k)];
}

} // namespace ss
