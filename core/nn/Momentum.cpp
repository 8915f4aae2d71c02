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
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (std::size_t i = begin; i < end; ++i) {
        const Scalar g = penalisedGradient(gradient[i], values[i], mask, i, penalty);
        const Scalar v = mu * velocity[i] + g;
        velocity[i] = v;
        // Nesterov looks ahead along the new velocity: direction g + mu*v instead of v.
        const Scalar direction = nesterov != 0 ? g + mu * v : v;
        Scalar w = values[i] - lr * direction;
        if (threshold > 0)
            w = softThreshold(w, threshold);
        values[i] = w;
        bad |= !isFiniteValue(w);
    }
    return bad == 0;
}

} // namespace ss
