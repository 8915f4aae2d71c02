#pragma once
// Every weight of a network in pruning order, sorted once (pruningOrderKey: already-masked
// weights first, then by |w|, then by position): any target sparsity or threshold, global or
// per layer, prunes a prefix of each layer's order, so the instant evaluator moves between
// settings by touching only the weights between two prefixes. prune() selects the same
// weights with nth_element (compress/Pruning.h), ties included.

#include "compress/Pruning.h"
#include "nn/Network.h"

#include <cstdint>
#include <vector>

namespace ss {

class PruningOrder {
public:
    // The weights and masks as they are now; the network is not kept.
    explicit PruningOrder(const Network& network);

    long totalWeights() const { return m_totalWeights; }
    // Layer l's weights (indices within the layer, column-major) from first to last pruned.
    const std::vector<std::uint32_t>& layerOrder(std::size_t l) const { return m_layerOrder[l]; }
    // The prefix of each layer's order that `spec` prunes, with the thresholds prune() reports.
    std::vector<long> prefixes(const PruningSpec& spec, PruningResult& result) const;
    // Sums of |w| and w^2 over layer l's weights from order position k on (the survivors of a
    // prefix of k), in double: unquantized statistics without a pass over the weights.
    double survivorAbsSum(std::size_t l, long k) const { return m_survivorAbsSums[l][static_cast<std::size_t>(k)]; }
    double survivorSquareSum(std::size_t l, long k) const { return m_survivorSquareSums[l][static_cast<std::size_t>(k)]; }

private:
    std::size_t layerOf(std::uint32_t position) const;

    std::vector<std::uint32_t> m_offsets; // first position of each layer, and the total
    long m_totalWeights = 0;
    std::vector<std::uint64_t> m_globalKeys;                 // sorted
    std::vector<std::vector<std::uint64_t>> m_layerKeys;     // sorted, per layer
    std::vector<std::vector<std::uint32_t>> m_layerOrder;    // local index per sorted key
    std::vector<std::vector<std::uint32_t>> m_prefixCounts;  // [layer][k]: layer's keys among the first k
    std::vector<std::vector<double>> m_survivorAbsSums;      // [layer][k]: sum |w| over order positions >= k
    std::vector<std::vector<double>> m_survivorSquareSums;   // [layer][k]: sum w^2 over them
};

} // namespace ss
