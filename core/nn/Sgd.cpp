#include "nn/Sgd.h"

#include <algorithm>

namespace ss {

Sgd::Sgd(const OptimizerSettings& settings)
    : Optimizer(settings)
{
}

void Sgd::effectiveSteps(std::size_t, std::span<Scalar> steps) const
{
    std::fill(steps.begin(), steps.end(), static_cast<Scalar>(m_settings.learningRate));
}

bool Sgd::updateRange(std::size_t, Scalar* values, const Scalar* gradient, const Scalar* mask,
                      const PenaltyTerms& penalty, std::size_t begin, std::size_t end)
{
    const auto lr = static_cast<Scalar>(m_settings.learningRate);
    const Scalar threshold = lr * static_cast<Scalar>(penalty.l1Proximal);
    return updateEntries(values, gradient, mask, penalty, begin, end,
                         [=](std::size_t, Scalar g, Scalar w) { return softThreshold(w - lr * g, threshold); });
}

} // namespace ss
