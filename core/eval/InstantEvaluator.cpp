#include "eval/InstantEvaluator.h"

#include "common/Error.h"
#include "common/ThreadTeam.h"
#include "compress/PrecisionLadder.h"
#include "compress/PruningOrder.h"
#include "eval/SparseTail.h"
#include "kernels/ColumnUpdates.h"
#include "kernels/Gemm.h"
#include "kernels/IntegerProduct.h"
#include "nn/Backpropagation.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>
#include <type_traits>
#include <iterator>
#include <utility>

namespace ss {

namespace {

// First-layer caches (slots) kept at once: as many as fit in this budget, between 3 and 12
// (each is samples x units floats: 10 MB for the Fashion-MNIST MLP's test set, 12 of them). Several per
// precision let random jumps start from a nearby state.
constexpr double kSlotMemoryBudget = 128.0 * 1024 * 1024;
constexpr std::size_t kMinSlots = 3;
constexpr std::size_t kMaxSlots = 12;
// Slots always left free for drags when checkpoints are pinned (prepareCheckpoints).
constexpr std::size_t kWorkingSlots = 4;
// Eviction weighs recency against the cost of rebuilding: a slot that took a full product
// outlives one that is cheap to rebuild by this many evaluations (GreedyDual-style).
constexpr double kRebuildCostWeight = 32.0;
// A cached pre-activation entry is refreshed by a full product after this many incremental
// updates of its neuron. Each update rounds once (fused multiply-add: at most half an ulp,
// 2^-24 relative); the roundings are independent, so by Hoeffding's inequality the chance
// that 1024 of them add up to 2^-15 (kExactMarginTolerance) of the value is below e^-120.
constexpr int kRowUpdateLimit = 1024;
// Samples per block in the column updates: the block's slices of the input columns stay in
// L2 while every neuron's changes are applied (1024 measured best on the Fashion-MNIST
// MLP with byte-coded inputs). A multiple of 64, the slice the kernel keeps in registers.
constexpr Eigen::Index kSampleBlock = 1024;
// Cost of one multiply-add in the column updates relative to one in the packed GEMM
// (measured on this machine: 2000 changes over 10k samples in 1.3 ms a core against the
// GEMM's 48 GMAC/s a core, about 3). A fixed ratio rather than timings, so that the path
// chosen never depends on how busy the machine is.
constexpr double kColumnUpdateCost = 3.0;
// Copying a slot costs about as much as this many column updates per first-layer unit
// (a 10 MB copy against 2,000 changes over 10k samples, both about 1.5 ms here).
constexpr double kCopyCostInChanges = 8.0;








// destination = lhs * rhs^T with the rows (samples) split among the team's members, each
// part a single-threaded product (the packed kernel of nn/Gemm.h where available). The
// team's members sleep when idle, where Eigen's threaded GEMM and OpenMP busy-wait, which
// makes products many times slower when the cores are shared with other work.
// With lhsTransposed, lhs is given as its transpose (inner x rows).
void productByRows(ThreadTeam* team, Matrix& destination, const ConstMatrixRef& lhs, const ConstMatrixRef& rhs,
                   bool lhsTransposed = false)
{
    const Eigen::Index rows = lhsTransposed ? lhs.cols() : lhs.rows();
    const Eigen::Index inner = lhsTransposed ? lhs.rows() : lhs.cols();
    destination.resize(rows, rhs.rows());
    const double work = static_cast<double>(rows) * static_cast<double>(inner) * static_cast<double>(rhs.rows());
    const Eigen::Index count = team && work >= 4e6 ? team->size() : 1;
    auto part = [&](int member) {
        // Parts of whole 32-row tiles (the kernel's height); the last one takes the rest.
        const Eigen::Index tile = 32;
        const Eigen::Index per = count == 1 ? rows : (rows / count) / tile * tile;
        const Eigen::Index begin = member * per;
        const Eigen::Index length = member + 1 == count ? rows - begin : per;
        if (length <= 0)
            return;
        if (lhsTransposed)
            multiplyInto(destination.middleRows(begin, length), lhs.middleCols(begin, length), true, rhs, true);
        else
            multiplyInto(destination.middleRows(begin, length), lhs.middleRows(begin, length), false, rhs, true);
    };
    if (count == 1)
        part(0);
    else
        team->run(part);
}



} // namespace





// ---------------------------------------------------------------------------------------

namespace {

// Looks at `cancel` before and after its copy, so that the pruning order's sort, which
// follows, starts only if still wanted.
Network checkedAndMasked(const Network& network, const Dataset& test, const std::atomic<bool>* cancel)
{
    throwIfCancelled(cancel);
    checkEvaluable(network, test);
    Network masked = network;
    masked.applyMasks();
    throwIfCancelled(cancel);
    return masked;
}

} // namespace

struct InstantEvaluator::Cache {
    struct Slot {
        QuantizationSpec precision;
        Matrix weights;            // the first-layer weights z1t was computed for
        Matrix z1t;                // samples x units: X^T W^T, without bias
        std::vector<int> rowUpdates;
        long prefix = 0;           // the first layer's pruned prefix the weights belong to
        long lastUse = 0;
        long version = 0;
        double rebuildCost = 0;    // of its last product, relative to a dense float product
        bool pinned = false;       // a checkpoint: read or copied, never updated or evicted
    };
    // A whole evaluation kept for a setting (the precomputed bit widths, see doIdleWork).
    struct KeptResult {
        CompressionSetting setting;
        Evaluation evaluation;
        Network compressed;
        Matrix logits;
    };
    using Change = WeightChange;

    Cache(const Network& network, const Dataset& data, const EnergyTable& table, const std::atomic<bool>* cancel)
        : trained(checkedAndMasked(network, data, cancel)), pruningOrder(trained), test(data), energy(table)
    {
        throwIfCancelled(cancel);
        const auto& layers = trained.layers();
        const std::size_t layerCount = layers.size();
        prefix.assign(layerCount, 0);
        pruned = trained;
        compressed = trained;
        compressedPrecision = QuantizationSpec::float32();
        layerZeros.resize(layerCount);
        layerStats = layerWeightStatistics(compressed);
        layerVersion.assign(layerCount, 1);
        layerFinite.resize(layerCount);
        lastMove.assign(layerCount, {0, 0});
        for (std::size_t l = 0; l < layerCount; ++l)
            layerFinite[l] = layers[l].weights.allFinite() && layers[l].bias.allFinite();
        for (std::size_t l = 0; l < layerCount; ++l)
            layerZeros[l] = static_cast<long>((pruned.layers()[l].weights.array() == Scalar(0)).count());
        denseFp32 = estimateDenseEfficiency(trained, energy);
        trainedFp32 = estimateEfficiency(trained, QuantizationSpec::float32(), energy);
        throwIfCancelled(cancel);
        encodeInputsAsBytes();
        throwIfCancelled(cancel);
        // Float inputs for column updates need each feature's values contiguous; byte-coded
        // images do not, and their full products read the dataset's own matrix transposed.
        if (inputBytes.empty())
            xt = test.features.transpose();
        // As many members as the training step's team (teamThreadCount), for big test sets only.
        const int threads = teamThreadCount();
        if (threads > 1 && static_cast<double>(test.sampleCount()) * trained.weightCount() >= 1e7)
            team = std::make_unique<ThreadTeam>(threads);
        outputs.resize(layerCount);
        outputKey.assign(layerCount, {-1, -1});
        outputVersion.assign(layerCount, 0);
    }



    // Moves each layer's pruned prefix; returns which layers changed.
    std::vector<bool> movePrefixes(const std::vector<long>& target)
    {
        std::vector<bool> changed(target.size(), false);
        for (std::size_t l = 0; l < target.size(); ++l) {
            if (target[l] == prefix[l])
                continue;
            changed[l] = true;
            DenseLayer& layer = pruned.layers()[l];
            const DenseLayer& original = trained.layers()[l];
            const std::vector<std::uint32_t>& order = pruningOrder.layerOrder(l);
            long zeros = layerZeros[l];
            if (target[l] > prefix[l]) {
                for (long p = prefix[l]; p < target[l]; ++p) {
                    const std::uint32_t i = order[static_cast<std::size_t>(p)];
                    zeros += layer.weights.data()[i] != Scalar(0);
                    layer.weights.data()[i] = 0;
                    layer.mask.data()[i] = 0;
                }
            } else {
                for (long p = target[l]; p < prefix[l]; ++p) {
                    const std::uint32_t i = order[static_cast<std::size_t>(p)];
                    layer.weights.data()[i] = original.weights.data()[i];
                    layer.mask.data()[i] = original.mask.data()[i];
                    zeros -= layer.weights.data()[i] != Scalar(0);
                }
            }
            layerZeros[l] = zeros;
            lastMove[l] = {std::min(prefix[l], target[l]), std::max(prefix[l], target[l])};
            prefix[l] = target[l];
        }
        return changed;
    }

    void updateCompressed(const std::vector<bool>& prunedChanged, const QuantizationSpec& precision)
    {
        const bool precisionChanged = !(precision == compressedPrecision);
        for (std::size_t l = 0; l < prunedChanged.size(); ++l) {
            if (!prunedChanged[l] && !precisionChanged)
                continue;
            DenseLayer& target = compressed.layers()[l];
            const DenseLayer& source = pruned.layers()[l];
            if (!precisionChanged && precision.isIdentity() && layerFinite[l]) {
                // Unquantized, compressed is pruned: copy the weights that moved, and take the
                // norms of the survivors (a suffix of the pruning order) from the suffix sums.
                const std::vector<std::uint32_t>& order = pruningOrder.layerOrder(l);
                for (long p = lastMove[l].first; p < lastMove[l].second; ++p) {
                    const std::uint32_t i = order[static_cast<std::size_t>(p)];
                    target.weights.data()[i] = source.weights.data()[i];
                    target.mask.data()[i] = source.mask.data()[i];
                }
                const auto k = static_cast<std::size_t>(prefix[l]);
                WeightStatistics statistics = statisticsFromSums(static_cast<long>(target.weights.size()), layerZeros[l],
                                                                 pruningOrder.survivorAbsSum(l, k), pruningOrder.survivorSquareSum(l, k));
                statistics.biases = layerStats[l].biases;
                statistics.zeroBiases = layerStats[l].zeroBiases;
                layerStats[l] = statistics;
                ++layerVersion[l];
                continue;
            }
            quantizeInto(source.weights, precision, target.weights);
            target.mask = source.mask;
            layerStats[l] = weightStatistics(target.weights);
            layerStats[l].biases = target.bias.size();
            layerStats[l].zeroBiases = static_cast<long>((target.bias.array() == Scalar(0)).count());
            // Squares of floats summed in double overflow only through an infinity or NaN.
            layerFinite[l] = std::isfinite(layerStats[l].l2Norm) && target.bias.allFinite();
            ++layerVersion[l];
        }
        compressedPrecision = precision;
    }

    // Brings a slot's pre-activations to the current first-layer weights; returns it. Three
    // ways, chosen by a cost model: update a cached slot by the changed weights, rebuild from
    // zero by the non-zero weights (pruned models), or a dense GEMM.
    Slot& firstLayer()
    {
        flushPendingChanges();
        const Matrix& weights = compressed.layers()[0].weights;
        const long n = static_cast<long>(weights.size());
        const double samples = static_cast<double>(test.sampleCount());
        const long position = prefix[0];
        ++clock;
        // Float, fp16/bf16 and integer codes give every surviving weight a value that does
        // not depend on the other survivors (an integer scale is the largest survivor of its
        // row or tensor, which is pruned last), so two states of the same precision differ
        // exactly at the pruning-order positions between their prefixes. Ternary and binary
        // codes depend on the survivors' mean: compare the whole matrix.
        const bool positional = compressedPrecision.format != QuantizationSpec::Format::Ternary
                                && compressedPrecision.format != QuantizationSpec::Format::Binary
                                && !(compressedPrecision.format == QuantizationSpec::Format::Int
                                     && compressedPrecision.bits == 1);
        // A checkpoint that needs changes is copied first (samples x units floats): that
        // costs about as much as kCopyCostInChanges changes per unit, so a working slot a
        // little further away is the better start.
        const long copyPenalty = static_cast<long>(kCopyCostInChanges * weights.rows());
        // The same-precision slot (a checkpoint, if asked) the current weights are the
        // fewest changes away from, a checkpoint's copy counted.
        struct Nearest {
            Slot* slot = nullptr;
            long changes = std::numeric_limits<long>::max();
            long rank = std::numeric_limits<long>::max();
        };
        const auto nearest = [&](bool checkpointsOnly) {
            Nearest found;
            for (Slot& slot : slots) {
                if (!(slot.precision == compressedPrecision) || (checkpointsOnly && !slot.pinned))
                    continue;
                const long changes = positional ? std::abs(slot.prefix - position)
                                                : static_cast<long>((slot.weights.array() != weights.array()).count());
                const long rank = changes + (slot.pinned && changes > 0 ? copyPenalty : 0);
                if (rank < found.rank)
                    found = {&slot, changes, rank};
            }
            return found;
        };
        const Nearest start = nearest(false);
        Slot* best = start.slot;
        long bestChanges = start.changes;
        if (best && bestChanges == 0) {
            best->lastUse = transient ? 0 : clock;
            lastPath = "cached";
            lastChanges = 0;
            return *best;
        }
        const long nonZero = static_cast<long>((weights.array() != Scalar(0)).count());
        // Integer codes on byte inputs multiply faster, by the active path's measured ratio
        // (kernels/IntegerProduct.cpp).
        const double integerSpeedup = integerProductSpeedupHere();
        const bool integer = integerSpeedup > 0;
        const double denseCost = static_cast<double>(n) * samples / (integer ? integerSpeedup : 1.0);
        const double sparseCost = kColumnUpdateCost * static_cast<double>(nonZero) * samples;
        const double incrementalCost = best ? kColumnUpdateCost * static_cast<double>(bestChanges) * samples
                                            : std::numeric_limits<double>::infinity();
        if (best && incrementalCost < std::min(denseCost, sparseCost)) {
            const auto collect = [&](const Slot& slot) {
                return positional ? collectChangesBetween(slot, weights, slot.prefix, position)
                                  : collectChanges(slot, weights);
            };
            bool withinBudget = collect(*best);
            if (!withinBudget) {
                // The slot is due for a fresh product; a checkpoint (fresh, so within budget)
                // close enough to copy and update is cheaper.
                const Nearest checkpoint = nearest(true);
                if (checkpoint.slot
                    && kColumnUpdateCost * static_cast<double>(checkpoint.rank) * samples < std::min(denseCost, sparseCost)) {
                    best = checkpoint.slot;
                    bestChanges = checkpoint.changes;
                    withinBudget = collect(*best);
                }
            }
            if (withinBudget) {
                // A checkpoint stays where it is: its copy moves.
                Slot& target = best->pinned ? copyOf(*best) : *best;
                // ReLU networks apply the changes inside the sparse tail, block by block,
                // while the block is in cache for its later layers (see forward()).
                if (tailApplies())
                    pendingChanges = &target;
                else
                    applyChanges(target.z1t);
                for (const Change& c : changes) {
                    target.weights(c.neuron, c.input) = weights(c.neuron, c.input);
                    ++target.rowUpdates[static_cast<std::size_t>(c.neuron)];
                }
                target.prefix = position;
                ++target.version;
                target.lastUse = transient ? 0 : clock;
                lastPath = "incremental";
                lastChanges = static_cast<long>(changes.size());
                return target;
            }
        }
        // A new product: over the same-precision slot that needed refreshing, else into a
        // new slot while there is room (the others stay as starting points for later jumps),
        // else over the slot least worth keeping.
        Slot* slot = nullptr;
        if (best && !best->pinned && incrementalCost < std::min(denseCost, sparseCost))
            slot = best; // too many updates since its last full product: refresh it
        else
            slot = &workingSlot(nullptr);
        slot->rebuildCost = std::min(denseCost, sparseCost) / (static_cast<double>(n) * samples);
        slot->precision = compressedPrecision;
        slot->weights = weights;
        slot->prefix = position;
        slot->z1t.resize(test.sampleCount(), weights.rows());
        if (sparseCost < denseCost) {
            changes.clear();
            for (Eigen::Index j = 0; j < weights.cols(); ++j)
                for (Eigen::Index i = 0; i < weights.rows(); ++i)
                    if (weights(i, j) != Scalar(0))
                        changes.push_back({static_cast<int>(i), static_cast<int>(j), weights(i, j)});
            sortChangesByNeuron(weights.rows());
            slot->z1t.setZero();
            applyChanges(slot->z1t);
            lastPath = "sparse";
        } else if (integer && integerProduct(weights, slot->z1t)) {
            lastPath = "integer";
        } else {
            if (inputBytes.empty())
                productByRows(team.get(), slot->z1t, xt, weights);
            else
                productByRows(team.get(), slot->z1t, test.features, weights, true);
            lastPath = "full";
        }
        slot->rowUpdates.assign(static_cast<std::size_t>(weights.rows()), 0);
        slot->lastUse = transient ? 0 : clock;
        ++slot->version;
        lastChanges = bestChanges == std::numeric_limits<long>::max() ? n : bestChanges;
        return *slot;
    }

    // A slot to compute into: a new one while there is room, else the unpinned one (other
    // than `keep`) with the lowest recency + rebuild-cost priority.
    Slot& workingSlot(const Slot* keep)
    {
        if (slots.size() < maxSlots) {
            slots.emplace_back();
            return slots.back();
        }
        Slot* victim = nullptr;
        double lowest = std::numeric_limits<double>::infinity();
        for (Slot& slot : slots) {
            if (slot.pinned || &slot == keep)
                continue;
            const double priority = static_cast<double>(slot.lastUse) + kRebuildCostWeight * slot.rebuildCost;
            if (priority < lowest) {
                lowest = priority;
                victim = &slot;
            }
        }
        return *victim; // prepareCheckpoints leaves kWorkingSlots slots unpinned
    }

    // A working copy of a (pinned) slot, to be updated in its place.
    Slot& copyOf(const Slot& source)
    {
        Slot& target = workingSlot(&source);
        const long version = target.version;
        target = source;
        target.pinned = false;
        target.version = version + 1;
        return target;
    }

    // First-layer states at a few global sparsities (unquantized), pinned for the evaluator's
    // life: a later jump of the sparsity or threshold starts from one nearby. With all eight,
    // at most 6.25 % of the weights away below 87.5 % (above, a rebuild from the few non-zero
    // weights is cheap): half the column updates of four, which a random jump on the
    // Fashion-MNIST MLP spent most of its time on. Coarse to fine, so that a memory budget
    // that holds fewer keeps them evenly spread (four: 0, 25, 50, 75 %).
    static constexpr double kCheckpointSparsities[] = {0.0, 0.5, 0.25, 0.75, 0.125, 0.375, 0.625, 0.875};

    // The next checkpoint (one product or a few thousand column updates, so that idle work
    // comes in pieces); checkpointsPrepared once all are there or the budget is full.
    void prepareNextCheckpoint()
    {
        const long pinnedCount = std::count_if(slots.begin(), slots.end(), [](const Slot& s) { return s.pinned; });
        if (nextCheckpoint < std::size(kCheckpointSparsities)
            && static_cast<std::size_t>(pinnedCount) + kWorkingSlots < maxSlots) {
            // Left as the last evaluate() had it (lastCompressedNetwork() shows it).
            const std::vector<long> previousPrefix = prefix;
            const QuantizationSpec previousPrecision = compressedPrecision;
            PruningResult unused;
            const double sparsity = kCheckpointSparsities[nextCheckpoint++];
            const std::vector<bool> changed = movePrefixes(pruningOrder.prefixes(PruningSpec::sparsity(sparsity), unused));
            updateCompressed(changed, QuantizationSpec::float32());
            firstLayer().pinned = true;
            flushPendingChanges();
            updateCompressed(movePrefixes(previousPrefix), previousPrecision);
            if (nextCheckpoint < std::size(kCheckpointSparsities))
                return;
        }
        checkpointsPrepared = true;
        // The bytes regrouped for the integer product (10 ms once for Fashion-MNIST), so
        // that the first integer bit width on the slider does not pay for it.
        prepareIntegerInputs();
    }

    void prepareCheckpoints()
    {
        while (!checkpointsPrepared)
            prepareNextCheckpoint();
    }

    // The changes of a slot of a positional precision: the first-layer weights at the
    // pruning-order positions between its prefix and the current one. Returns false when a
    // neuron would exceed its update budget.
    bool collectChangesBetween(const Slot& slot, const Matrix& weights, long from, long to)
    {
        const Eigen::Index rows = weights.rows();
        const std::vector<std::uint32_t>& order = pruningOrder.layerOrder(0);
        changes.clear();
        for (long p = std::min(from, to); p < std::max(from, to); ++p) {
            const std::uint32_t local = order[static_cast<std::size_t>(p)];
            const Scalar now = weights.data()[local];
            const Scalar before = slot.weights.data()[local];
            if (now != before)
                changes.push_back({static_cast<int>(local % rows), static_cast<int>(local / rows), now - before});
        }
        return sortAndCheckBudget(slot, rows);
    }

    // The changed first-layer weights of a slot, grouped by neuron. Returns false when a
    // neuron would exceed its update budget (the slot must be recomputed instead).
    bool collectChanges(const Slot& slot, const Matrix& weights)
    {
        const Eigen::Index rows = weights.rows();
        changes.clear();
        for (Eigen::Index j = 0; j < weights.cols(); ++j) {
            const Scalar* now = weights.data() + j * rows;
            const Scalar* before = slot.weights.data() + j * rows;
            for (Eigen::Index i = 0; i < rows; ++i)
                if (now[i] != before[i])
                    changes.push_back({static_cast<int>(i), static_cast<int>(j), now[i] - before[i]});
        }
        return sortAndCheckBudget(slot, rows);
    }

    bool sortAndCheckBudget(const Slot& slot, Eigen::Index rows)
    {
        sortChangesByNeuron(rows);
        for (Eigen::Index i = 0; i < rows; ++i)
            if (slot.rowUpdates[static_cast<std::size_t>(i)] + perNeuron[static_cast<std::size_t>(i) + 1]
                    - perNeuron[static_cast<std::size_t>(i)] > kRowUpdateLimit)
                return false;
        return true;
    }

    // Counting sort of `changes` by neuron into `sorted`; perNeuron[i] is where neuron i starts.
    void sortChangesByNeuron(Eigen::Index rows)
    {
        perNeuron.assign(static_cast<std::size_t>(rows) + 1, 0);
        for (const Change& c : changes)
            ++perNeuron[static_cast<std::size_t>(c.neuron) + 1];
        for (std::size_t i = 1; i < perNeuron.size(); ++i)
            perNeuron[i] += perNeuron[i - 1];
        sorted.resize(changes.size());
        cursor.assign(perNeuron.begin(), perNeuron.end() - 1);
        for (const Change& c : changes)
            sorted[static_cast<std::size_t>(cursor[static_cast<std::size_t>(c.neuron)]++)] = c;
        // The inputs the changes read, each once (the kernel fetches their samples ahead).
        inputRead.assign(static_cast<std::size_t>(trained.layers()[0].inputs()), 0);
        readInputs.clear();
        for (const Change& c : changes)
            if (!std::exchange(inputRead[static_cast<std::size_t>(c.input)], std::uint8_t(1)))
                readInputs.push_back(c.input);
    }

    // z1t(:, i) += delta * X^T(:, j) for every change in `sorted`, in sample blocks so the
    // block's slices stay in cache; byte-coded inputs (images) move 4x less memory.
    void applyChanges(Matrix& z1t) const
    {
        if (inputBytes.empty())
            applyChangesTo(z1t, xt.data(), Scalar(1));
        else
            applyChangesTo(z1t, inputBytes.data(), inputStep);
    }

    // The same for the samples [begin, end) only (begin a multiple of 64).
    void applyChangesToSamples(Matrix& z1t, Eigen::Index begin, Eigen::Index end) const
    {
        if (inputBytes.empty())
            applyChangesToSamples(z1t.data(), xt.data(), z1t.rows(), Scalar(1), begin, end);
        else
            applyChangesToSamples(z1t.data(), inputBytes.data(), z1t.rows(), inputStep, begin, end);
    }

    template <typename Input>
    void applyChangesToSamples(Scalar* z, const Input* inputs, Eigen::Index samples, Scalar inputScale,
                               Eigen::Index begin, Eigen::Index end) const
    {
        const Eigen::Index sliced = begin + (end - begin) / 64 * 64;
        applyChangesToRange(z, inputs, samples, inputScale, begin, sliced);
        // The last samples that do not fill a 64-sample slice.
        for (const Change& change : sorted) {
            Scalar* target = z + static_cast<Eigen::Index>(change.neuron) * samples;
            const Input* source = inputs + static_cast<Eigen::Index>(change.input) * samples;
            const Scalar delta = change.delta * inputScale;
            for (Eigen::Index t = sliced; t < end; ++t)
                target[t] = std::fma(delta, static_cast<Scalar>(source[t]), target[t]);
        }
    }

    // Adds the changes to the samples [begin, end) (a multiple of 64 long), neuron by
    // neuron, in blocks of kSampleBlock samples (kernels/ColumnUpdates.h).
    template <typename Input>
    void applyChangesToRange(Scalar* z, const Input* inputs, Eigen::Index samples, Scalar inputScale,
                             Eigen::Index begin, Eigen::Index end) const
    {
        const ColumnChangeList list{sorted.data(), perNeuron.data(), static_cast<int>(perNeuron.size()) - 1,
                                    readInputs.data(), static_cast<int>(readInputs.size())};
        applyColumnChanges(z, inputs, static_cast<long>(samples), inputScale, static_cast<long>(begin),
                           static_cast<long>(end), list, static_cast<long>(kSampleBlock));
    }

    template <typename Input>
    void applyChangesTo(Matrix& z1t, const Input* inputs, Scalar inputScale) const
    {
        const Eigen::Index samples = z1t.rows();
        const bool parallel = team && static_cast<double>(sorted.size()) * static_cast<double>(samples) > 2e6;
        const Eigen::Index members = parallel ? team->size() : 1;
        auto part = [&](int member) {
            // Contiguous sample ranges (whole 64-sample slices but the last) per member.
            const Eigen::Index slices = (samples + 63) / 64;
            const Eigen::Index begin = slices * member / members * 64;
            const Eigen::Index end = std::min(samples, slices * (member + 1) / members * 64);
            applyChangesToSamples(z1t.data(), inputs, samples, inputScale, begin, end);
        };
        if (parallel)
            team->run(part);
        else
            part(0);
    }

    // Integer-coded first layers (int k, ternary, binary) on byte-coded inputs: the product
    // in exact integer arithmetic (kernels/IntegerProduct.h), scaled back to float per output.
    int integerCodeLimit() const
    {
        using F = QuantizationSpec::Format;
        return compressedPrecision.format == F::Int && compressedPrecision.bits > 1
                   ? (1 << (compressedPrecision.bits - 1)) - 1
                   : 1;
    }
    // How much faster than the float product the integer one is here (0: not available).
    double integerProductSpeedupHere() const
    {
        using F = QuantizationSpec::Format;
        if (inputBytes.empty()
            || !(compressedPrecision.format == F::Int || compressedPrecision.format == F::Ternary
                 || compressedPrecision.format == F::Binary))
            return 0;
        return integerProductSpeedup(integerCodeLimit());
    }

    // Writes z1t = X^T W^T for weights that are code * scale with integer codes (|code| <= 127)
    // per row (or per tensor); false when they are not (then the float product is used).
    bool integerProduct(const Matrix& weights, Matrix& z1t)
    {
        const Eigen::Index outputs = weights.rows();
        const Eigen::Index inputs = weights.cols();
        const Eigen::Index groups = (inputs + 3) / 4;
        const Eigen::Index samples = test.sampleCount();
        const int levels = integerCodeLimit();
        // The scale of each row: its largest |w| over the levels (per tensor: the tensor's).
        Vector scales = weights.cwiseAbs().rowwise().maxCoeff() / static_cast<Scalar>(levels);
        if (compressedPrecision.granularity == QuantizationSpec::Granularity::PerTensor)
            scales.setConstant(scales.size() == 0 ? Scalar(0) : scales.maxCoeff());
        codes.assign(static_cast<std::size_t>(outputs * groups * 4), 0);
        for (Eigen::Index j = 0; j < inputs; ++j)
            for (Eigen::Index i = 0; i < outputs; ++i) {
                const Scalar w = weights(i, j);
                if (w == Scalar(0))
                    continue;
                const Scalar code = std::nearbyint(w / scales(i));
                if (!(std::abs(code) <= static_cast<Scalar>(levels))
                    || std::abs(code * scales(i) - w) > Scalar(1e-5) * std::abs(w))
                    return false; // not a code times the scale: leave it to the float product
                codes[static_cast<std::size_t>(i * groups * 4 + j)] = static_cast<std::int8_t>(code);
            }
        packInputsForIntegerProduct(groups);
        const Vector outputScale = scales * inputStep;
        const Eigen::Index paddedSamples = (samples + kIntegerSampleBlock - 1) / kIntegerSampleBlock * kIntegerSampleBlock;
        const Eigen::Index sampleBlocks = paddedSamples / kIntegerSampleBlock;
        const int members = team ? team->size() : 1;
        auto part = [&](int member) {
            ss::integerProduct(packedInputs.data(), static_cast<long>(paddedSamples), static_cast<long>(samples),
                               codes.data(), static_cast<long>(groups), static_cast<long>(outputs), outputScale.data(),
                               z1t.data(), static_cast<long>(sampleBlocks * member / members),
                               static_cast<long>(sampleBlocks * (member + 1) / members));
        };
        if (members > 1)
            team->run(part);
        else
            part(0);
        return true;
    }

    // Bytes regrouped as [4 inputs][sample][4] for the dot products (built once, padded with
    // zeros to whole groups of 4 inputs and 32 samples).
    void packInputsForIntegerProduct(Eigen::Index groups)
    {
        const Eigen::Index samples = test.sampleCount();
        const Eigen::Index paddedSamples = (samples + kIntegerSampleBlock - 1) / kIntegerSampleBlock * kIntegerSampleBlock;
        if (packedInputs.size() == static_cast<std::size_t>(groups * paddedSamples * 4))
            return;
        packedInputs.assign(static_cast<std::size_t>(groups * paddedSamples * 4), 0);
        const Eigen::Index inputs = test.featureCount();
        for (Eigen::Index j = 0; j < inputs; ++j)
            for (Eigen::Index sample = 0; sample < samples; ++sample)
                packedInputs[static_cast<std::size_t>(((j / 4) * paddedSamples + sample) * 4 + j % 4)] =
                    inputBytes[static_cast<std::size_t>(j * samples + sample)];
    }
    void prepareIntegerInputs()
    {
        if (!inputBytes.empty() && integerProductSpeedup(1) > 0)
            packInputsForIntegerProduct((test.featureCount() + 3) / 4);
    }

    // Images scaled by 1/255 hold 256 values: kept as bytes (k) and a step (x = k * step)
    // for the column updates when every input is that within float rounding.
    void encodeInputsAsBytes()
    {
        const Matrix& x = test.features;
        const Scalar largest = x.size() == 0 ? Scalar(0) : x.maxCoeff();
        const Scalar smallest = x.size() == 0 ? Scalar(0) : x.minCoeff();
        if (!(smallest >= 0) || !(largest > 0))
            return;
        const double step = static_cast<double>(largest) / 255.0;
        // Stored samples x features (each feature's values contiguous), like xt.
        const Eigen::Index samples = x.cols();
        std::vector<std::uint8_t> bytes(static_cast<std::size_t>(x.size()));
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            const Eigen::Index feature = i % x.rows();
            const Eigen::Index sample = i / x.rows();
            const double value = x.data()[i];
            const double k = std::nearbyint(value / step);
            if (std::abs(k * step - value) > 1e-6 * std::max(value, step))
                return;
            bytes[static_cast<std::size_t>(feature * samples + sample)] = static_cast<std::uint8_t>(k);
        }
        inputBytes = std::move(bytes);
        inputStep = static_cast<Scalar>(step);
    }

    // The sparse tail needs finite weights and biases in every layer of compressed.
    bool tailApplies() const
    {
        return std::all_of(layerFinite.begin(), layerFinite.end(), [](bool finite) { return finite; })
               && SparseTail::applies(compressed);
    }

    // Applies changes left for the sparse tail when it is not going to run.
    void flushPendingChanges()
    {
        if (pendingChanges)
            applyChanges(std::exchange(pendingChanges, nullptr)->z1t);
    }

    // The logits (outputs x samples) from the first layer's pre-activations. Networks whose
    // hidden layers are all ReLU take the sparse route (SparseTail); the others recompute
    // each later layer with GEMMs, only when its input or its weights changed.
    void forward(const Slot& slot)
    {
        const auto& layers = compressed.layers();
        const std::size_t layerCount = layers.size();
        const long slotId = static_cast<long>(&slot - slots.data());
        if (tailApplies()) {
            std::vector<long> key = {slotId, slot.version};
            for (std::size_t l = 1; l < layerCount; ++l)
                key.push_back(layerVersion[l]);
            if (key != logitsKey) {
                if (pendingChanges != &slot)
                    flushPendingChanges();
                if (Slot* pending = std::exchange(pendingChanges, nullptr)) {
                    const std::function<void(Eigen::Index, Eigen::Index)> prepare =
                        [this, pending](Eigen::Index begin, Eigen::Index end) {
                            applyChangesToSamples(pending->z1t, begin, end);
                        };
                    tail.run(compressed, slot.z1t, team.get(), logits, prepare);
                } else {
                    tail.run(compressed, slot.z1t, team.get(), logits);
                }
                logitsKey = std::move(key);
            }
            return;
        }
        flushPendingChanges();
        for (std::size_t l = 0; l < layerCount; ++l) {
            const bool last = l + 1 == layerCount;
            // Key of what this layer's output depends on: for layer 0 the slot and its
            // version, for later layers the previous layer's output version and own weights.
            const std::pair<long, long> key = l == 0 ? std::pair<long, long>{slotId, slot.version}
                                                     : std::pair<long, long>{outputVersion[l - 1], layerVersion[l]};
            if (outputKey[l] == key)
                continue;
            Matrix& out = outputs[l];
            if (l == 0) {
                out.noalias() = slot.z1t.rowwise() + layers[l].bias.transpose();
                if (!last)
                    applyActivation(layers[l].activation, out);
            } else {
                out.resize(outputs[l - 1].rows(), layers[l].outputs());
                productByRows(team.get(), out, outputs[l - 1], layers[l].weights);
                out.rowwise() += layers[l].bias.transpose();
                if (!last)
                    applyActivation(layers[l].activation, out);
            }
            outputKey[l] = key;
            ++outputVersion[l];
        }
        logits = outputs.back().transpose();
        logitsKey.clear();
    }

    Network trained;              // masks applied
    PruningOrder pruningOrder;    // of trained's weights
    const Dataset& test;
    EnergyTable energy;
    EfficiencyEstimate denseFp32;
    EfficiencyEstimate trainedFp32;
    Matrix xt;                    // samples x features, for float inputs only


    std::vector<long> prefix;     // current pruned prefix per layer
    std::vector<long> layerZeros; // zero weights of `pruned`, per layer
    Network pruned;               // trained with the current prefixes pruned
    Network compressed;           // pruned, then quantized at compressedPrecision
    QuantizationSpec compressedPrecision;
    std::vector<WeightStatistics> layerStats; // of compressed
    std::vector<long> layerVersion;

    std::vector<Slot> slots;      // never beyond maxSlots (reserved: referred to by address)
    std::size_t maxSlots = kMinSlots;
    bool checkpointsPrepared = false;
    std::size_t nextCheckpoint = 0; // into kCheckpointSparsities
    long clock = 0;
    // Set while the idle work precomputes other bit widths: the slots it fills count as the
    // oldest, so they are the first evicted and the user's own working slots stay.
    bool transient = false;
    // The last setting evaluate() was asked for, and its result.
    bool haveLastSetting = false;
    CompressionSetting lastSetting;
    Evaluation lastEvaluation;
    // Evaluations at the precision ladder's positions for keptPruning (with the last setting's
    // granularity), filled when idle; keptHit is the one the last evaluate() returned.
    std::vector<KeptResult> kept;
    PruningSpec keptPruning;
    const KeptResult* keptHit = nullptr;
    std::vector<Change> changes;
    std::vector<Change> sorted;
    std::vector<int> perNeuron;
    std::vector<int> cursor;
    std::vector<int> readInputs;          // the inputs `sorted` reads, each once
    std::vector<std::uint8_t> inputRead;  // [input]: whether readInputs holds it
    std::unique_ptr<ThreadTeam> team;     // helpers for the large products (null: one thread)
    std::vector<std::uint8_t> inputBytes; // samples x features when byte-coded, else empty
    std::vector<std::uint8_t> packedInputs; // the bytes regrouped for the integer product
    std::vector<std::int8_t> codes;         // integer codes of the first layer, row-major
    Scalar inputStep = 0;
    std::string lastPath = "none";
    long lastChanges = 0;

    EvaluationTimings timings;
    Matrix logits;                // outputs x samples, of the last evaluate()
    std::vector<long> logitsKey;  // what the sparse tail's logits were computed from
    std::vector<bool> layerFinite; // per layer of compressed: weights and bias all finite
    std::vector<std::pair<long, long>> lastMove;       // per layer: pruning-order positions the last move touched
    SparseTail tail;              // the later layers of ReLU networks
    Slot* pendingChanges = nullptr; // slot whose `sorted` changes the next tail run applies
    std::vector<Matrix> outputs;  // per layer: samples x units, after activation (last: logits^T)
    std::vector<std::pair<long, long>> outputKey;
    std::vector<long> outputVersion;
};

InstantEvaluator::InstantEvaluator(const Network& trained, const Dataset& test, const EnergyTable& energy,
                                   const std::atomic<bool>* cancel)
    : m_cache(std::make_unique<Cache>(trained, test, energy, cancel))
{
    Cache& cache = *m_cache;
    const double slotBytes = static_cast<double>(test.sampleCount()) * trained.layers().front().outputs() * sizeof(Scalar);
    cache.maxSlots = static_cast<std::size_t>(
        std::clamp(kSlotMemoryBudget / std::max(slotBytes, 1.0), static_cast<double>(kMinSlots), static_cast<double>(kMaxSlots)));
    cache.slots.reserve(cache.maxSlots); // slots are referred to by address while evaluating
}

InstantEvaluator::~InstantEvaluator() = default;

Evaluation InstantEvaluator::evaluateAfresh(const CompressionSetting& setting)
{
    using Clock = std::chrono::steady_clock;
    Cache& cache = *m_cache;
    const std::size_t layerCount = cache.trained.layers().size();
    setting.pruning.validate(static_cast<int>(layerCount));
    validatePrecision(setting.precision);

    auto mark = Clock::now();
    const auto lap = [&mark] {
        const auto now = Clock::now();
        const double ms = std::chrono::duration<double, std::milli>(now - mark).count();
        mark = now;
        return ms;
    };
    Evaluation evaluation;
    evaluation.precision = setting.precision;
    const std::vector<long> target = cache.pruningOrder.prefixes(setting.pruning, evaluation.pruning);
    const std::vector<bool> changed = cache.movePrefixes(target);
    cache.updateCompressed(changed, setting.precision);

    PruningResult& pruning = evaluation.pruning;
    pruning.totalWeights = cache.pruningOrder.totalWeights();
    for (std::size_t l = 0; l < layerCount; ++l) {
        const long size = cache.trained.layers()[l].weights.size();
        pruning.prunedWeights += cache.layerZeros[l];
        pruning.layerSparsity.push_back(size == 0 ? 0.0 : static_cast<double>(cache.layerZeros[l]) / static_cast<double>(size));
    }
    pruning.achievedSparsity = pruning.totalWeights == 0 ? 0.0
                                                         : static_cast<double>(pruning.prunedWeights)
                                                               / static_cast<double>(pruning.totalWeights);
    evaluation.thresholdUsed = pruning.thresholdUsed;
    evaluation.layers = cache.layerStats;
    evaluation.weights = combineWeightStatistics(evaluation.layers);
    cache.timings.masks = lap();

    const Cache::Slot& slot = cache.firstLayer();
    cache.timings.firstLayer = lap();
    cache.forward(slot);
    cache.timings.laterLayers = lap();
    decideFromLogits(evaluation, cache.logits, cache.compressed, cache.test, cache.team.get());
    cache.timings.decisions = lap();

    evaluation.efficiency = estimateEfficiency(cache.compressed, setting.precision, cache.energy);
    evaluation.denseFp32 = cache.denseFp32;
    evaluation.trainedFp32 = cache.trainedFp32;
    cache.timings.efficiency = lap();
    return evaluation;
}

Evaluation InstantEvaluator::evaluate(const CompressionSetting& setting)
{
    Cache& cache = *m_cache;
    setting.pruning.validate(static_cast<int>(cache.trained.layers().size()));
    validatePrecision(setting.precision);
    cache.keptHit = nullptr;
    for (const Cache::KeptResult& result : cache.kept)
        if (result.setting == setting)
            cache.keptHit = &result;
    Evaluation evaluation;
    if (cache.keptHit) {
        evaluation = cache.keptHit->evaluation;
        cache.lastPath = "precomputed";
        cache.lastChanges = 0;
        cache.timings = {};
    } else {
        evaluation = evaluateAfresh(setting);
    }
    cache.haveLastSetting = true;
    cache.lastSetting = setting;
    cache.lastEvaluation = evaluation;
    return evaluation;
}

namespace {

// The first position of the precision ladder, at the setting's pruning and granularity, that
// has no kept result; -1 when all have.
template <typename Kept>
int missingPrecision(const CompressionSetting& current, const std::vector<Kept>& kept)
{
    for (int position = 0; position < static_cast<int>(precisionLadder().size()); ++position) {
        CompressionSetting neighbour = current;
        neighbour.precision = precisionAt(position, current.precision.granularity);
        if (std::none_of(kept.begin(), kept.end(), [&](const Kept& r) { return r.setting == neighbour; }))
            return position;
    }
    return -1;
}

} // namespace

bool InstantEvaluator::hasIdleWork() const
{
    const Cache& cache = *m_cache;
    if (!cache.checkpointsPrepared)
        return true;
    if (!cache.haveLastSetting)
        return false;
    return !(cache.keptPruning == cache.lastSetting.pruning) || missingPrecision(cache.lastSetting, cache.kept) >= 0;
}

void InstantEvaluator::doIdleWork()
{
    Cache& cache = *m_cache;
    if (!cache.checkpointsPrepared) {
        cache.prepareNextCheckpoint();
        return;
    }
    if (!hasIdleWork())
        return;
    const CompressionSetting current = cache.lastSetting;
    // Room for both granularities' ladders and the current setting; a pointer into the
    // vector (keptHit) must never see it reallocate.
    const std::size_t capacity = 2 * precisionLadder().size() + 2;
    if (!(cache.keptPruning == current.pruning) || cache.kept.size() + 2 > capacity) {
        // A new pruning: the old results are of no use. A kept hit is the current setting's
        // (evaluate() sets it only for the setting it was asked): it moves over.
        std::vector<Cache::KeptResult> fresh;
        fresh.reserve(capacity);
        if (cache.keptHit)
            fresh.push_back(*cache.keptHit);
        cache.kept = std::move(fresh);
        cache.keptPruning = current.pruning;
        cache.keptHit = cache.kept.empty() ? nullptr : &cache.kept.front();
    }
    if (!cache.keptHit) {
        // evaluate() computed the current setting afresh, so the evaluator's state is its.
        cache.kept.push_back({current, cache.lastEvaluation, cache.compressed, cache.logits});
        cache.keptHit = &cache.kept.back();
    }
    const Cache::KeptResult* own = cache.keptHit;
    // One position per call: the engine looks for commands in between.
    const int position = missingPrecision(current, cache.kept);
    if (position >= 0) {
        CompressionSetting neighbour = current;
        neighbour.precision = precisionAt(position, current.precision.granularity);
        cache.transient = true;
        try {
            Evaluation evaluation = evaluateAfresh(neighbour);
            cache.transient = false;
            cache.kept.push_back({neighbour, std::move(evaluation), cache.compressed, cache.logits});
        } catch (...) {
            cache.transient = false;
            throw;
        }
    }
    // The current setting's own state stays what the accessors show.
    cache.keptHit = own;
}

void InstantEvaluator::prepareCheckpoints()
{
    m_cache->prepareCheckpoints();
}

bool InstantEvaluator::checkpointsPrepared() const { return m_cache->checkpointsPrepared; }

Network InstantEvaluator::compressedNetwork(const CompressionSetting& setting) const
{
    return compressNetwork(m_cache->trained, setting);
}

const Network& InstantEvaluator::lastCompressedNetwork() const
{
    return m_cache->keptHit ? m_cache->keptHit->compressed : m_cache->compressed;
}
const Network& InstantEvaluator::trainedNetwork() const { return m_cache->trained; }
const Dataset& InstantEvaluator::testSet() const { return m_cache->test; }
std::string InstantEvaluator::lastFirstLayerPath() const { return m_cache->lastPath; }
long InstantEvaluator::lastChangedWeights() const { return m_cache->lastChanges; }
EvaluationTimings InstantEvaluator::lastTimings() const { return m_cache->timings; }
const Matrix& InstantEvaluator::lastLogits() const
{
    return m_cache->keptHit ? m_cache->keptHit->logits : m_cache->logits;
}
bool InstantEvaluator::byteCodedInputs() const { return !m_cache->inputBytes.empty(); }

} // namespace ss
