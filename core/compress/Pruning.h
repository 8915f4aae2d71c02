#pragma once
// Magnitude pruning. Pruning writes a layer's mask (0 = pruned) and zeroes the weights;
// the Trainer keeps masked weights and their optimiser state at zero afterwards.

#include "common/EnumNames.h"
#include "nn/Network.h"

#include <bit>
#include <cstdint>
#include <limits>
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
                                         // (Threshold + PerLayer: one threshold per layer, empty = threshold)
    bool operator==(const PruningSpec&) const = default;

    static PruningSpec sparsity(double target, Scope scope = Scope::Global);
    static PruningSpec atThreshold(double threshold);
    // Throws ConfigError naming the field: target outside [0, 1], threshold negative or not
    // finite, perLayerTargets of the wrong length (layerCount < 0 skips the length check).
    void validate(int layerCount = -1) const;
};

// The names files, settings and the command line use. nameOf, not toString: QTest's
// QCOMPARE finds a toString of the enum's namespace and expects it to return char*.
inline constexpr EnumName<PruningSpec::Criterion> kPruningCriterionNames[] = {
    {PruningSpec::Criterion::Threshold, "threshold"}, {PruningSpec::Criterion::TargetSparsity, "target-sparsity"}};
inline constexpr EnumName<PruningSpec::Scope> kPruningScopeNames[] = {{PruningSpec::Scope::Global, "global"},
                                                                      {PruningSpec::Scope::PerLayer, "per-layer"}};
inline std::string nameOf(PruningSpec::Criterion c) { return enumToString(kPruningCriterionNames, c, "pruning criterion"); }
inline std::string nameOf(PruningSpec::Scope s) { return enumToString(kPruningScopeNames, s, "pruning scope"); }
inline PruningSpec::Scope pruningScopeFromString(const std::string& name)
{
    return enumFromString(kPruningScopeNames, name, "pruning scope");
}

struct PruningResult {
    double achievedSparsity = 0;         // over all weight matrices
    std::vector<double> layerSparsity;   // one per layer
    double thresholdUsed = 0;            // global threshold (Global scope)
    std::vector<double> layerThresholds; // per layer: |w| below it was pruned
    long prunedWeights = 0;              // exactly-zero weights after pruning
    long totalWeights = 0;
};

// Masks are computed from |w| of the CURRENT weights combined with the existing mask
// (already pruned weights stay pruned). Ties at the threshold are broken by index so the
// achieved sparsity equals the target to within one weight.
// TargetSparsity prunes the k = round(target * n) weights that come first in the order of
// pruningOrderKey (already-masked weights first, then by |w|, then by position), selected with
// nth_element. The reported threshold is the smallest surviving |w| (so |w| < threshold was
// pruned), or just above the largest |w| when everything was pruned. Weights that were
// already exactly zero count as pruned, so the achieved sparsity can exceed a low target.
PruningResult prune(Network& network, const PruningSpec& spec);

// The order in which magnitude pruning removes weights, as one integer per weight so that
// every caller (prune(), the instant evaluator's presorted order) ranks ties the same way:
// masked weights first, then by |w| (NaN counts as +infinity), then by `position`
// (the weight's index over all layers, column-major within a layer, layers in order).
// |w| clears the sign bit, so -0.0 (what fp16, bf16 or a quantized model may hold) ranks
// with +0.0 among the zeros, as torch.nn.utils.prune's |w| does.
inline std::uint64_t pruningOrderKey(Scalar weight, bool masked, std::uint32_t position)
{
    if (masked)
        return position;
    constexpr std::uint32_t infinityBits = 0x7F800000u;
    std::uint32_t bits = std::bit_cast<std::uint32_t>(weight) & 0x7FFFFFFFu;
    if (bits > infinityBits) // NaN
        bits = infinityBits;
    // Non-negative floats order like their bit patterns; +1 puts every unmasked weight after
    // the masked ones.
    return (static_cast<std::uint64_t>(bits) + 1) << 32 | position;
}

// The |w| a key was made from (0 for a masked weight).
inline double magnitudeOfKey(std::uint64_t key)
{
    const auto high = static_cast<std::uint32_t>(key >> 32);
    if (high == 0)
        return 0.0;
    return static_cast<double>(std::bit_cast<Scalar>(high - 1));
}

// Structured pruning: removes the `fraction` of hidden neurons (over all hidden layers, or
// per layer) with the smallest L2 norm of incoming weights, with their outgoing column.
// All norms are taken from the weights before this call removes anything (so one layer's
// removals, which zero columns of the next, do not change the next layer's ranking).
// A removed neuron keeps its place (shapes do not change): its incoming row, its outgoing
// column (masks and weights) and its bias are set to zero. At least one neuron of every
// hidden layer is kept. Ties in the norm are broken by index; fraction must be in [0, 1].
// PerLayer removes round(fraction * units) of each layer; Global ranks all hidden neurons
// together (layers with larger fan-in have larger norms, so PerLayer is the default).
struct StructuredPruningResult {
    std::vector<int> neuronsRemoved;  // per hidden layer (including neurons removed before)
    std::vector<int> neuronsKept;
    double achievedSparsity = 0;      // fraction of zero weights over all layers afterwards
};
StructuredPruningResult pruneNeurons(Network& network, double fraction,
                                     PruningSpec::Scope scope = PruningSpec::Scope::PerLayer);

// Lottery-ticket rewinding (Frankle & Carbin 2019): every surviving weight (mask 1) is reset
// to its value in `early` (the initial or an early-iteration copy of the same architecture),
// pruned weights stay zero, and the biases are reset too. Throws ConfigError on shape mismatch.
void rewindToEarlyWeights(Network& network, const Network& early);

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
    // Every `frequency` steps from beginStep up to endStep, as TF-MOT's PruningSchedule, and
    // additionally at endStep itself so the final sparsity is always reached.
    bool shouldPruneAt(long step) const;
    // Throws ConfigError: sparsities outside [0, 1), end < begin, frequency < 1, power <= 0.
    void validate() const;
};

// The threshold on |w| that gives `sparsity` over the given magnitudes (a quantile): the
// (k+1)-th smallest magnitude for k = round(sparsity * n), so that |w| < threshold prunes k
// values when there are no ties; 0 for k = 0, just above the largest for k = n.
double thresholdForSparsity(std::vector<float> magnitudes, double sparsity);

} // namespace ss
