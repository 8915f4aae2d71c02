#pragma once
// Plain stochastic gradient descent: w <- w - lr * g. Effective step: lr.

#include "nn/Optimizer.h"

namespace ss {

class Sgd : public Optimizer {
public:
    explicit Sgd(const OptimizerSettings& settings);
    void effectiveSteps(std::size_t tensor, std::span<Scalar> steps) const override;

protected:
    bool updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                     const PenaltyTerms& penalty, std::size_t begin, std::size_t end) override;
    int stateVectorCount() const override { return 0; }
};

} // namespace ss
