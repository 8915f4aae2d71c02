#include "nn/RmsProp.h"

#include <cmath>

namespace ss {

RmsProp::RmsProp(const OptimizerSettings& settings)
    : Optimizer(settings)
{
}

void RmsProp::effectiveSteps(std::size_t tensor, std::span<Scalar> steps) const
{
    const auto lr = static_cast<Scalar>(m_settings.learningRate);
    const auto eps = static_cast<Scalar>(m_settings.epsilon);
    const std::vector<Scalar>& square = state(0, tensor);
    for (std::size_t i = 0; i < steps.size() && i < square.size(); ++i)
        steps[i] = lr / (std::sqrt(square[i]) + eps);
}

namespace {
template <bool Masked>
bool rmsPropKernel(Scalar* __restrict values, const Scalar* __restrict gradient, const Scalar* __restrict mask,
                   Scalar* __restrict square, const PenaltyScalars penalty, Scalar lr, Scalar rho, Scalar oneMinusRho,
                   Scalar eps, std::size_t begin, std::size_t end)
{
    const Scalar l1 = penalty.l1Proximal;
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (std::size_t i = begin; i < end; ++i) {
        const Scalar g = penalisedGradient<Masked>(gradient[i], values[i], mask, i, penalty);
        const Scalar s = rho * square[i] + oneMinusRho * g * g;
        square[i] = s;
        const Scalar eta = lr / (std::sqrt(s) + eps);
        const Scalar w = softThreshold(values[i] - eta * g, eta * l1);
        values[i] = w;
        bad |= nonFinite(w);
    }
    return bad == 0;
}
} // namespace

bool RmsProp::updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                          const PenaltyTerms& penalty, std::size_t begin, std::size_t end)
{
    const auto lr = static_cast<Scalar>(m_settings.learningRate);
    const auto rho = static_cast<Scalar>(m_settings.beta2);
    const auto oneMinusRho = static_cast<Scalar>(1.0 - m_settings.beta2); // in double: see Adam
    const auto eps = static_cast<Scalar>(m_settings.epsilon);
    const PenaltyScalars terms(penalty);
    Scalar* square = state(0, tensor).data();
    return mask ? rmsPropKernel<true>(values, gradient, mask, square, terms, lr, rho, oneMinusRho, eps, begin, end)
                : rmsPropKernel<false>(values, gradient, mask, square, terms, lr, rho, oneMinusRho, eps, begin, end);
}

} // namespace ss
