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
    const Scalar threshold = lr * penalty.l1Proximal;
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (std::size_t i = begin; i < end; ++i) {
        const Scalar g = penalisedGradient(gradient[i], values[i], mask, i, penalty);
        Scalar w = values[i] - lr * g;
        if (threshold > 0)
            w = softThreshold(w, threshold);
        values[i] = w;
        bad |= !isFiniteValue(w);
    }
    return bad == 0;
}

} // namespace ss
