#include "nn/Optimizer.h"

#include "common/Error.h"
#include "nn/Adam.h"
#include "nn/Momentum.h"
#include "nn/RmsProp.h"
#include "nn/Sgd.h"

#include <algorithm>
#include <omp.h>

namespace ss {

namespace {
// Below this many entries a tensor is updated on the calling thread: the fork/join of a
// parallel region costs more than the update of a small tensor (tiny nets take ~3 us a step).
constexpr std::size_t kParallelUpdateThreshold = 1 << 16;
} // namespace

Optimizer::Optimizer(const OptimizerSettings& settings)
    : m_settings(settings)
{
}

Optimizer::~Optimizer() = default;

std::unique_ptr<Optimizer> Optimizer::create(const OptimizerSettings& settings)
{
    switch (settings.kind) {
    case OptimizerKind::Sgd: return std::make_unique<Sgd>(settings);
    case OptimizerKind::Momentum:
    case OptimizerKind::Nesterov: return std::make_unique<Momentum>(settings);
    case OptimizerKind::RmsProp: return std::make_unique<RmsProp>(settings);
    case OptimizerKind::Adam: return std::make_unique<Adam>(settings);
    }
    throw ConfigError("Optimizer: unknown kind " + std::to_string(static_cast<int>(settings.kind)));
}

void Optimizer::setSettings(const OptimizerSettings& settings)
{
    if (settings.kind != m_settings.kind)
        throw ConfigError("Optimizer::setSettings: cannot change " + toString(m_settings.kind) + " into "
                          + toString(settings.kind) + " (make a new optimiser)");
    m_settings = settings;
    stepChanged();
}

void Optimizer::setTensorSizes(const std::vector<std::size_t>& sizes)
{
    m_sizes = sizes;
    m_state.assign(static_cast<std::size_t>(stateVectorCount()), {});
    for (auto& perTensor : m_state) {
        perTensor.resize(sizes.size());
        for (std::size_t t = 0; t < sizes.size(); ++t)
            perTensor[t].assign(sizes[t], Scalar(0));
    }
    m_steps = 0;
    stepChanged();
}

void Optimizer::reset()
{
    for (auto& perTensor : m_state)
        for (auto& values : perTensor)
            std::fill(values.begin(), values.end(), Scalar(0));
    m_steps = 0;
    stepChanged();
}

void Optimizer::checkTensor(std::size_t tensor, std::size_t size, const char* what) const
{
    if (tensor >= m_sizes.size())
        throw ConfigError(std::string("Optimizer::") + what + ": tensor " + std::to_string(tensor) + " of "
                          + std::to_string(m_sizes.size()) + " (call setTensorSizes first)");
    if (size != m_sizes[tensor])
        throw ConfigError(std::string("Optimizer::") + what + ": tensor " + std::to_string(tensor) + " has "
                          + std::to_string(m_sizes[tensor]) + " entries but " + std::to_string(size) + " were given");
}

bool Optimizer::update(std::size_t tensor, std::span<Scalar> values, std::span<const Scalar> gradient,
                       std::span<const Scalar> mask, const PenaltyTerms& penalty)
{
    checkTensor(tensor, values.size(), "update");
    if (gradient.size() != values.size())
        throw ConfigError("Optimizer::update: tensor " + std::to_string(tensor) + " has " + std::to_string(values.size())
                          + " entries but its gradient " + std::to_string(gradient.size()));
    if (!mask.empty() && mask.size() != values.size())
        throw ConfigError("Optimizer::update: tensor " + std::to_string(tensor) + " has " + std::to_string(values.size())
                          + " entries but its mask " + std::to_string(mask.size()));
    if (m_steps == 0)
        throw ConfigError("Optimizer::update: call beginStep() before updating");
    const std::size_t size = values.size();
    const Scalar* maskData = mask.empty() ? nullptr : mask.data();
    const int threads = omp_get_max_threads();
    if (size < kParallelUpdateThreshold || threads < 2 || omp_in_parallel())
        return updateRange(tensor, values.data(), gradient.data(), maskData, penalty, 0, size);
    // Element-wise, so splitting the range among threads gives the same bits as one thread.
    bool finite = true;
#pragma omp parallel num_threads(threads) reduction(&& : finite)
    {
        const auto count = static_cast<std::size_t>(omp_get_num_threads());
        const auto id = static_cast<std::size_t>(omp_get_thread_num());
        // Chunks on 64-byte boundaries so that threads never share a cache line.
        const std::size_t chunk = ((size + count - 1) / count + 15) & ~std::size_t(15);
        const std::size_t begin = std::min(size, id * chunk);
        const std::size_t end = std::min(size, begin + chunk);
        finite = updateRange(tensor, values.data(), gradient.data(), maskData, penalty, begin, end);
    }
    return finite;
}

bool Optimizer::updateSlice(std::size_t tensor, std::size_t begin, std::size_t end, Scalar* values,
                            const Scalar* gradient, const Scalar* mask, const PenaltyTerms& penalty)
{
    if (tensor >= m_sizes.size() || begin > end || end > m_sizes[tensor])
        throw ConfigError("Optimizer::updateSlice: entries [" + std::to_string(begin) + ", " + std::to_string(end)
                          + ") of tensor " + std::to_string(tensor) + " are out of range");
    if (m_steps == 0)
        throw ConfigError("Optimizer::updateSlice: call beginStep() before updating");
    return updateRange(tensor, values, gradient, mask, penalty, begin, end);
}

void Optimizer::clearMaskedState(std::size_t tensor, std::span<const Scalar> mask)
{
    checkTensor(tensor, mask.size(), "clearMaskedState");
    for (auto& perTensor : m_state) {
        std::vector<Scalar>& values = perTensor[tensor];
        for (std::size_t i = 0; i < values.size(); ++i)
            if (mask[i] == 0)
                values[i] = 0;
    }
}

} // namespace ss
