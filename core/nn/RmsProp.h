#pragma once
// RMSprop (Hinton): s <- rho*s + (1-rho)*g^2; eta_i = lr / (sqrt(s_i) + eps); w <- w - eta*g.
// rho is OptimizerSettings::beta2.

#include "nn/Optimizer.h"

namespace ss {

class RmsProp : public Optimizer {
public:
    explicit RmsProp(const OptimizerSettings& settings);
    // eta_i of the most recent update (from the current s).
    void effectiveSteps(std::size_t tensor, std::span<Scalar> steps) const override;

protected:
    bool updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                     const PenaltyTerms& penalty, std::size_t begin, std::size_t end) override;
    int stateVectorCount() const override { return 1; }
};

} // namespace ss
