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

namespace {
template <bool Masked>
bool momentumKernel(Scalar* __restrict values, const Scalar* __restrict gradient, const Scalar* __restrict mask,
                    Scalar* __restrict velocity, const PenaltyScalars penalty, Scalar lr, Scalar mu, Scalar nesterov,
                    Scalar threshold, std::size_t begin, std::size_t end)
{
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (std::size_t i = begin; i < end; ++i) {
        const Scalar g = penalisedGradient<Masked>(gradient[i], values[i], mask, i, penalty);
        const Scalar v = mu * velocity[i] + g;
        velocity[i] = v;
        // Nesterov looks ahead along the new velocity: direction g + mu*v instead of v.
        const Scalar direction = v + nesterov * (g + mu * v - v);
        const Scalar w = softThreshold(values[i] - lr * direction, threshold);
        values[i] = w;
        bad |= nonFinite(w);
    }
    return bad == 0;
}
} // namespace

bool Momentum::updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                           const PenaltyTerms& penalty, std::size_t begin, std::size_t end)
{
    const auto lr = static_cast<Scalar>(m_settings.learningRate);
    const auto mu = static_cast<Scalar>(m_settings.momentum);
    const Scalar nesterov = isNesterov() ? Scalar(1) : Scalar(0);
    const auto threshold = static_cast<Scalar>(m_settings.learningRate / (1.0 - m_settings.momentum) * penalty.l1Proximal);
    const PenaltyScalars terms(penalty);
    Scalar* velocity = state(0, tensor).data();
    return mask ? momentumKernel<true>(values, gradient, mask, velocity, terms, lr, mu, nesterov, threshold, begin, end)
                : momentumKernel<false>(values, gradient, mask, velocity, terms, lr, mu, nesterov, threshold, begin, end);
}

} // namespace ss
