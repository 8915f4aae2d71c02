#include "nn/Momentum.h"

#include <algorithm>

namespace ss {

Momentum::Momentum(const OptimizerSettings& settings)
    : Optimizer(settings)
{
}

void Momentum::effectiveSteps(std::size_t, std::span<Scalar> steps) const
{
    std::fill(steps.begin(), steps.end(), static_cast<Scalar>(m_settings.learningRate / (1.0 - m_settings.momentum)));
}

bool Momentum::updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                           const PenaltyTerms& penalty, std::size_t begin, std::size_t end)
{
    const auto lr = static_cast<Scalar>(m_settings.learningRate);
    const auto mu = static_cast<Scalar>(m_settings.momentum);
    const Scalar nesterov = isNesterov() ? Scalar(1) : Scalar(0);
    const auto threshold = static_cast<Scalar>(m_settings.learningRate / (1.0 - m_settings.momentum) * penalty.l1Proximal);
    Scalar* velocity = state(0, tensor).data();
    return updateEntries(values, gradient, mask, penalty, begin, end, [=](std::size_t i, Scalar g, Scalar w) {
        const Scalar v = mu * velocity[i] + g;
        velocity[i] = v;
        // Nesterov looks ahead along the new velocity: direction g + mu*v instead of v.
        const Scalar direction = v + nesterov * (g + mu * v - v);
        return softThreshold(w - lr * direction, threshold);
    });
}

} // namespace ss
