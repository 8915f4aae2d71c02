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

bool Adam::updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                       const PenaltyTerms& penalty, std::size_t begin, std::size_t end)
{
    const auto lr = static_cast<Scalar>(m_settings.learningRate);
    const auto b1 = static_cast<Scalar>(m_settings.beta1);
    const auto b2 = static_cast<Scalar>(m_settings.beta2);
    // 1 - beta in double: 1 - 0.999f would be 0.00099998713, 1.3e-5 off in relative terms.
    const auto oneMinusB1 = static_cast<Scalar>(1.0 - m_settings.beta1);
    const auto oneMinusB2 = static_cast<Scalar>(1.0 - m_settings.beta2);
    const auto eps = static_cast<Scalar>(m_settings.epsilon);
    const Factors f = factors();
    const Scalar l1 = penalty.l1Proximal;
    Scalar* first = state(0, tensor).data();
    Scalar* second = state(1, tensor).data();
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (std::size_t i = begin; i < end; ++i) {
        const Scalar g = penalisedGradient(gradient[i], values[i], mask, i, penalty);
        const Scalar m = b1 * first[i] + oneMinusB1 * g;
        const Scalar v = b2 * second[i] + oneMinusB2 * g * g;
        first[i] = m;
        second[i] = v;
        // sqrt(v_hat) = sqrt(v) / sqrt(1 - b2^t): one sqrt per entry, the correction is a scalar.
        const Scalar eta = lr / (std::sqrt(v) * f.secondCorrection + eps);
        Scalar w = values[i] - eta * (m * f.firstCorrection);
        if (l1 > 0)
            w = softThreshold(w, eta * l1);
        values[i] = w;
        bad |= !isFiniteValue(w);
    }
    return bad == 0;
}

} // namespace ss
