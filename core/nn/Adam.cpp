#include "nn/Adam.h"

#include "kernels/TrainingKernels.h"

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
    const Factors f = m_factors;
    AdamStepScalars a;
    a.learningRate = static_cast<Scalar>(m_settings.learningRate);
    a.beta1 = static_cast<Scalar>(m_settings.beta1);
    a.beta2 = static_cast<Scalar>(m_settings.beta2);
    // 1 - beta in double: 1 - 0.999f would be 0.00099998713, 1.3e-5 off in relative terms.
    a.oneMinusBeta1 = static_cast<Scalar>(1.0 - m_settings.beta1);
    a.oneMinusBeta2 = static_cast<Scalar>(1.0 - m_settings.beta2);
    a.epsilon = static_cast<Scalar>(m_settings.epsilon);
    a.firstCorrection = f.firstCorrection;
    a.secondCorrection = f.secondCorrection;
    const PenaltyScalars terms(penalty);
    a.l2 = terms.l2;
    a.l1Subgradient = terms.l1Subgradient;
    a.l1Proximal = terms.l1Proximal;
    return adamUpdate(a, values + begin, gradient + begin, mask ? mask + begin : nullptr, state(0, tensor).data() + begin,
                      state(1, tensor).data() + begin, end - begin);
}

} // namespace ss
