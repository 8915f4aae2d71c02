#include "compress/PruningOrder.h"

#include "common/Error.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace ss {

namespace {

// The threshold prune() reports for k pruned out of the sorted keys.
double thresholdForPrefix(const std::vector<std::uint64_t>& sortedKeys, long k)
{
    const long n = static_cast<long>(sortedKeys.size());
    if (k > 0 && k < n)
        return magnitudeOfKey(sortedKeys[static_cast<std::size_t>(k)]);
    if (k == n && n > 0)
        return std::nextafter(static_cast<Scalar>(magnitudeOfKey(sortedKeys.back())),
                              std::numeric_limits<Scalar>::infinity());
    return 0.0;
}

} // namespace

PruningOrder::PruningOrder(const Network& network)
{
    const auto& layers = network.layers();
    const std::size_t layerCount = layers.size();
    std::uint64_t offset = 0;
    for (const DenseLayer& layer : layers) {
        m_offsets.push_back(static_cast<std::uint32_t>(offset));
        offset += static_cast<std::uint64_t>(layer.weights.size());
    }
    if (offset > 0xFFFFFFFFull)
        throw ConfigError("PruningOrder: more than 2^32 weights");
    m_offsets.push_back(static_cast<std::uint32_t>(offset));
    m_totalWeights = static_cast<long>(offset);

    // The pruning order of every weight, sorted once: any later target or threshold is
    // a prefix of it (globally, or per layer), so a new setting only touches the weights
    // between the old and the new prefix.
    m_globalKeys.reserve(static_cast<std::size_t>(offset));
    for (std::size_t l = 0; l < layerCount; ++l) {
        const Scalar* w = layers[l].weights.data();
        const Scalar* m = layers[l].mask.data();
        for (Eigen::Index i = 0; i < layers[l].weights.size(); ++i)
            m_globalKeys.push_back(
                pruningOrderKey(w[i], m[i] == Scalar(0), m_offsets[l] + static_cast<std::uint32_t>(i)));
    }
    std::sort(m_globalKeys.begin(), m_globalKeys.end());
    m_layerKeys.assign(layerCount, {});
    m_layerOrder.assign(layerCount, {});
    m_prefixCounts.assign(layerCount, std::vector<std::uint32_t>(m_globalKeys.size() + 1, 0));
    for (std::size_t l = 0; l < layerCount; ++l)
        m_layerKeys[l].reserve(static_cast<std::size_t>(layers[l].weights.size()));
    for (std::size_t k = 0; k < m_globalKeys.size(); ++k) {
        const auto position = static_cast<std::uint32_t>(m_globalKeys[k] & 0xFFFFFFFFu);
        const std::size_t l = layerOf(position);
        m_layerKeys[l].push_back(m_globalKeys[k]);
        m_layerOrder[l].push_back(position - m_offsets[l]);
        for (std::size_t other = 0; other < layerCount; ++other)
            m_prefixCounts[other][k + 1] = m_prefixCounts[other][k] + (other == l ? 1u : 0u);
    }

    // Sums of |w| and w^2 over the pruning order's suffixes (from the largest weights
    // down, in double), so that unquantized statistics cost nothing per drag step.
    m_survivorAbsSums.assign(layerCount, {});
    m_survivorSquareSums.assign(layerCount, {});
    for (std::size_t l = 0; l < layerCount; ++l) {
        const std::vector<std::uint32_t>& order = m_layerOrder[l];
        std::vector<double>& absSums = m_survivorAbsSums[l];
        std::vector<double>& squareSums = m_survivorSquareSums[l];
        absSums.assign(order.size() + 1, 0.0);
        squareSums.assign(order.size() + 1, 0.0);
        for (std::size_t k = order.size(); k-- > 0;) {
            const double w = layers[l].weights.data()[order[k]];
            absSums[k] = absSums[k + 1] + std::abs(w);
            squareSums[k] = squareSums[k + 1] + w * w;
        }
    }
}

std::size_t PruningOrder::layerOf(std::uint32_t position) const
{
    std::size_t l = 0;
    while (l + 2 < m_offsets.size() && position >= m_offsets[l + 1])
        ++l;
    return l;
}

std::vector<long> PruningOrder::prefixes(const PruningSpec& spec, PruningResult& result) const
{
    const std::size_t layerCount = m_layerKeys.size();
    std::vector<long> target(layerCount, 0);
    result.layerThresholds.assign(layerCount, 0.0);
    const bool own = spec.scope == PruningSpec::Scope::PerLayer && !spec.perLayerTargets.empty();
    if (spec.criterion == PruningSpec::Criterion::Threshold) {
        for (std::size_t l = 0; l < layerCount; ++l) {
            const auto t = static_cast<Scalar>(own ? spec.perLayerTargets[l] : spec.threshold);
            // |w| < t  <=>  the key's magnitude bits + 1 < bits(t) + 1 (masked keys have 0).
            const std::uint64_t bound = (static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(t)) + 1) << 32;
            target[l] = std::lower_bound(m_layerKeys[l].begin(), m_layerKeys[l].end(), bound) - m_layerKeys[l].begin();
            result.layerThresholds[l] = t;
        }
        result.thresholdUsed = spec.threshold;
    } else if (spec.scope == PruningSpec::Scope::Global) {
        const long n = static_cast<long>(m_globalKeys.size());
        const long k = std::clamp(std::lround(spec.targetSparsity * static_cast<double>(n)), 0L, n);
        for (std::size_t l = 0; l < layerCount; ++l)
            target[l] = m_prefixCounts[l][static_cast<std::size_t>(k)];
        result.thresholdUsed = thresholdForPrefix(m_globalKeys, k);
        result.layerThresholds.assign(layerCount, result.thresholdUsed);
    } else {
        for (std::size_t l = 0; l < layerCount; ++l) {
            const long n = static_cast<long>(m_layerKeys[l].size());
            const double fraction = own ? spec.perLayerTargets[l] : spec.targetSparsity;
            target[l] = std::clamp(std::lround(fraction * static_cast<double>(n)), 0L, n);
            result.layerThresholds[l] = thresholdForPrefix(m_layerKeys[l], target[l]);
        }
        result.thresholdUsed = 0.0;
    }
    return target;
}

} // namespace ss
