#pragma once
// Heavy-ball momentum (v <- mu*v + g; w <- w - lr*v) and its Nesterov form
// (w <- w - lr*(g + mu*v)), as PyTorch writes them. Effective step: lr.

#include "nn/Optimizer.h"

namespace ss {

class Momentum : public Optimizer {
public:
    // Nesterov when settings.kind == OptimizerKind::Nesterov.
    explicit Momentum(const OptimizerSettings& settings);
    bool isNesterov() const { return m_settings.kind == OptimizerKind::Nesterov; }
    void effectiveSteps(std::size_t tensor, std::span<Scalar> steps) const override;

protected:
    bool updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                     const PenaltyTerms& penalty, std::size_t begin, std::size_t end) override;
    int stateVectorCount() const override { return 1; }
};

} // namespace ss
