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

namespace {
template <bool Masked>
bool sgdKernel(Scalar* __restrict values, const Scalar* __restrict gradient, const Scalar* __restrict mask,
               const PenaltyScalars penalty, Scalar lr, std::size_t begin, std::size_t end)
{
    const Scalar threshold = lr * penalty.l1Proximal;
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (std::size_t i = begin; i < end; ++i) {
        const Scalar g = penalisedGradient<Masked>(gradient[i], values[i], mask, i, penalty);
        const Scalar w = softThreshold(values[i] - lr * g, threshold);
        values[i] = w;
        bad |= nonFinite(w);
    }
    return bad == 0;
}
} // namespace

bool Sgd::updateRange(std::size_t, Scalar* values, const Scalar* gradient, const Scalar* mask,
                      const PenaltyTerms& penalty, std::size_t begin, std::size_t end)
{
    const auto lr = static_cast<Scalar>(m_settings.learningRate);
    const PenaltyScalars terms(penalty);
    return mask ? sgdKernel<true>(values, gradient, mask, terms, lr, begin, end)
                : sgdKernel<false>(values, gradient, mask, terms, lr, begin, end);
}

} // namespace ss
