#pragma once
// Adam (Kingma & Ba 2015) with bias correction:
//   m <- b1*m + (1-b1)*g,  v <- b2*v + (1-b2)*g^2,
//   eta_i = lr / (sqrt(v_i / (1-b2^t)) + eps),  w <- w - eta_i * m_i / (1-b1^t).

#include "nn/Optimizer.h"

namespace ss {

class Adam : public Optimizer {
public:
    explicit Adam(const OptimizerSettings& settings);
    // eta_i of the most recent update (from the current v and step count; t >= 1).
    void effectiveSteps(std::size_t tensor, std::span<Scalar> steps) const override;

protected:
    bool updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                     const PenaltyTerms& penalty, std::size_t begin, std::size_t end) override;
    int stateVectorCount() const override { return 2; }
    void stepChanged() override { m_factors = factors(); }

private:
    struct Factors {
        Scalar firstCorrection;  // 1 / (1 - b1^t)
        Scalar secondCorrection; // 1 / sqrt(1 - b2^t)
    };
    Factors factors() const;
    // The factors depend only on the step count and betas: computed once per step in
    // stepChanged(), not per tensor (two pow calls per tensor are a noticeable share of a
    // tiny net's step), and only read by the update threads.
    Factors m_factors{1, 1};
};

} // namespace ss
