#pragma once
// Heavy-ball momentum (v <- mu*v + g; w <- w - lr*v) and its Nesterov form
// (w <- w - lr*(g + mu*v)), as PyTorch writes them.
// Effective step: lr / (1 - mu). Under a steady gradient the velocity settles at g/(1-mu),
// so each step moves lr/(1-mu) times the gradient; the proximal L1 step must use that same
// step, or its fixed points minimise loss + (1-mu)*lambda*|w| instead of loss + lambda*|w|.

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
