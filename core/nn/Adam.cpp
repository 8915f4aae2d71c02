#include "nn/Adam.h"

#include <algorithm>
#include <cmath>

namespace ss {

Adam::Adam(const OptimizerSettings& settings)
    : Optimizer(settings)
{
}

Adam::Factors Adam::factors() const
{
    const double t = static_cast<double>(std::max(m_steps, 1L));
    return {static_cast<Scalar>(1.0 / (1.0 - std::pow(m_settings.beta1, t))),
            static_cast<Scalar>(1.0 / std::sqrt(1.0 - std::pow(m_settings.beta2, t)))};
}

void Adam::effectiveSteps(std::size_t tensor, std::span<Scalar> steps) const
{
    const auto lr = static_cast<Scalar>(m_settings.learningRate);
    const auto eps = static_cast<Scalar>(m_settings.epsilon);
    const Factors f = factors();
    const std::vector<Scalar>& second = state(1, tensor);
    for (std::size_t i = 0; i < steps.size() && i < second.size(); ++i)
        steps[i] = lr / (std::sqrt(second[i]) * f.secondCorrection + eps);
}

namespace {
struct AdamScalars {
    Scalar lr, b1, b2, oneMinusB1, oneMinusB2, eps, firstCorrection, secondCorrection;
};

template <bool Masked>
bool adamKernel(Scalar* __restrict values, const Scalar* __restrict gradient, const Scalar* __restrict mask,
                Scalar* __restrict first, Scalar* __restrict second, const PenaltyScalars penalty, const AdamScalars a,
                std::size_t begin, std::size_t end)
{
    const Scalar l1 = penalty.l1Proximal;
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (std::size_t i = begin; i < end; ++i) {
        const Scalar g = penalisedGradient<Masked>(gradient[i], values[i], mask, i, penalty);
        const Scalar m = a.b1 * first[i] + a.oneMinusB1 * g;
        const Scalar v = a.b2 * second[i] + a.oneMinusB2 * g * g;
        first[i] = m;
        second[i] = v;
        // sqrt(v_hat) = sqrt(v) / sqrt(1 - b2^t): one sqrt per entry, the correction is a scalar.
        const Scalar eta = a.lr / (std::sqrt(v) * a.secondCorrection + a.eps);
        const Scalar w = softThreshold(values[i] - eta * (m * a.firstCorrection), eta * l1);
        values[i] = w;
        bad |= nonFinite(w);
    }
    return bad == 0;
}
} // namespace

bool Adam::updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                       const PenaltyTerms& penalty, std::size_t begin, std::size_t end)
{
    const Factors f = m_factors;
    AdamScalars a;
    a.lr = static_cast<Scalar>(m_settings.learningRate);
    a.b1 = static_cast<Scalar>(m_settings.beta1);
    a.b2 = static_cast<Scalar>(m_settings.beta2);
    // 1 - beta in double: 1 - 0.999f would be 0.00099998713, 1.3e-5 off in relative terms.
    a.oneMinusB1 = static_cast<Scalar>(1.0 - m_settings.beta1);
    a.oneMinusB2 = static_cast<Scalar>(1.0 - m_settings.beta2);
    a.eps = static_cast<Scalar>(m_settings.epsilon);
    a.firstCorrection = f.firstCorrection;
    a.secondCorrection = f.secondCorrection;
    const PenaltyScalars terms(penalty);
    Scalar* first = state(0, tensor).data();
    Scalar* second = state(1, tensor).data();
    return mask ? adamKernel<true>(values, gradient, mask, first, second, terms, a, begin, end)
                : adamKernel<false>(values, gradient, mask, first, second, terms, a, begin, end);
}

} // namespace ss
