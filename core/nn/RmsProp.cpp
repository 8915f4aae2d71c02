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

bool RmsProp::updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                          const PenaltyTerms& penalty, std::size_t begin, std::size_t end)
{
    const auto lr = static_cast<Scalar>(m_settings.learningRate);
    const auto rho = static_cast<Scalar>(m_settings.beta2);
    const auto oneMinusRho = static_cast<Scalar>(1.0 - m_settings.beta2); // in double: see Adam
    const auto eps = static_cast<Scalar>(m_settings.epsilon);
    const Scalar l1 = penalty.l1Proximal;
    Scalar* square = state(0, tensor).data();
    return updateEntries(values, gradient, mask, penalty, begin, end, [=](std::size_t i, Scalar g, Scalar w) {
        const Scalar s = rho * square[i] + oneMinusRho * g * g;
        square[i] = s;
        const Scalar eta = lr / (std::sqrt(s) + eps);
        return softThreshold(w - eta * g, eta * l1);
    });
}

} // namespace ss
