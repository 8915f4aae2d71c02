#pragma once
// An optimiser steps parameter tensors given their gradients and keeps per-parameter state
// (ensmallen's split: it knows nothing of networks or losses). The penalty terms of
// regularisation are folded into the same pass over the parameters:
//   g_i   = mask_i * (gradient_i + l2 * w_i + l1Subgradient * sign(w_i))
//   w_i  <- w_i - eta_i * direction_i(g)           (the optimiser's own rule)
//   w_i  <- sign(w_i) * max(|w_i| - eta_i * l1Proximal, 0)
// where eta_i is the optimiser's EFFECTIVE per-weight step (SGD: the learning rate;
// momentum: lr/(1-mu), its steady-state step; RMSprop and Adam: the learning rate divided by
// the root of the second-moment estimate), so that the fixed points of the update are
// exactly the minimisers of loss + lambda1*|w| (0 in g + lambda1 * d|w|).
// Masked entries (mask 0) get a zero gradient; since their state starts at zero (see
// clearMaskedState) it stays zero and so does the weight.

#include "common/Types.h"
#include "nn/TrainingConfig.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <span>
#include <vector>

namespace ss {

struct PenaltyTerms {
    Scalar l2 = 0;             // adds l2 * w to the gradient
    Scalar l1Subgradient = 0;  // adds l1 * sign(w) to the gradient (weights hover near 0)
    Scalar l1Proximal = 0;     // soft-threshold by eta_i * l1 after the step (exact zeros)
    bool any() const { return l2 != 0 || l1Subgradient != 0 || l1Proximal != 0; }
};

class Optimizer {
public:
    explicit Optimizer(const OptimizerSettings& settings);
    virtual ~Optimizer();

    // Sgd, Momentum, Nesterov, RmsProp or Adam as settings.kind says.
    static std::unique_ptr<Optimizer> create(const OptimizerSettings& settings);

    OptimizerKind kind() const { return m_settings.kind; }
    const OptimizerSettings& settings() const { return m_settings; }
    // Warm start: new learning rate, betas, ... apply from the next step; state is kept.
    // The kind must stay the same (a different rule needs a new optimiser).
    void setSettings(const OptimizerSettings& settings);

    // Gives every parameter tensor zeroed state. Called once before the first step (again
    // only if the shapes change, which resets the state).
    void setTensorSizes(const std::vector<std::size_t>& sizes);
    std::size_t tensorCount() const { return m_sizes.size(); }
    // Zeroes all state and the step counter (after divergence: the state may be non-finite).
    void reset();

    // Starts a new step: every tensor is then updated once with update() or updateSlice().
    void beginStep()
    {
        ++m_steps;
        stepChanged();
    }
    long stepCount() const { return m_steps; }

    // Updates one tensor in place. mask may be empty (no pruning). Returns false when any
    // updated value is not finite (divergence), true otherwise.
    bool update(std::size_t tensor, std::span<Scalar> values, std::span<const Scalar> gradient,
                std::span<const Scalar> mask = {}, const PenaltyTerms& penalty = {});

    // Updates entries [begin, end) of one tensor on the calling thread only: for callers that
    // split the parameters among their own threads (inside an OpenMP parallel region). Every
    // entry of every tensor must be updated exactly once between two beginStep() calls.
    // gradient and mask point at the tensor's entry 0 (mask may be null).
    bool updateSlice(std::size_t tensor, std::size_t begin, std::size_t end, Scalar* values, const Scalar* gradient,
                     const Scalar* mask, const PenaltyTerms& penalty);
    std::size_t tensorSize(std::size_t tensor) const { return m_sizes.at(tensor); }

    // The effective per-entry step eta_i of the next update given the current state (for
    // inspection and tests; update() uses the same values internally).
    virtual void effectiveSteps(std::size_t tensor, std::span<Scalar> steps) const = 0;

    // Zeroes the state of masked entries (call when a mask changes, e.g. after pruning).
    void clearMaskedState(std::size_t tensor, std::span<const Scalar> mask);

protected:
    // The rule itself, for entries [begin, end) of one tensor; returns false on non-finite.
    virtual bool updateRange(std::size_t tensor, Scalar* values, const Scalar* gradient, const Scalar* mask,
                             const PenaltyTerms& penalty, std::size_t begin, std::size_t end) = 0;
    // How many state vectors of tensor size the rule keeps (velocity, moments).
    virtual int stateVectorCount() const = 0;
    // Called when the step count or the settings change, on the thread that changed them
    // (never during updates): rules precompute per-step constants here, so that the update
    // threads only read them.
    virtual void stepChanged() {}
    std::vector<Scalar>& state(int which, std::size_t tensor) { return m_state[static_cast<std::size_t>(which)][tensor]; }
    const std::vector<Scalar>& state(int which, std::size_t tensor) const
    {
        return m_state[static_cast<std::size_t>(which)][tensor];
    }

    OptimizerSettings m_settings;
    long m_steps = 0;

private:
    void checkTensor(std::size_t tensor, std::size_t size, const char* what) const;

    std::vector<std::size_t> m_sizes;
    std::vector<std::vector<std::vector<Scalar>>> m_state; // [stateVector][tensor][entry]
};

// The per-entry arithmetic shared by the rules. Written branch-free so that the update
// loops vectorise (AVX-512 here): the rules copy the penalty terms into locals and run one
// loop instantiation for masked and one for unmasked tensors.
struct PenaltyScalars {
    Scalar l2;
    Scalar l1Subgradient;
    Scalar l1Proximal;
    explicit PenaltyScalars(const PenaltyTerms& terms)
        : l2(terms.l2)
        , l1Subgradient(terms.l1Subgradient)
        , l1Proximal(terms.l1Proximal)
    {
    }
};

template <bool Masked>
inline Scalar penalisedGradient(Scalar gradient, Scalar weight, const Scalar* __restrict mask, std::size_t i,
                                const PenaltyScalars& penalty)
{
    const Scalar sign = static_cast<Scalar>(weight > 0) - static_cast<Scalar>(weight < 0);
    const Scalar g = gradient + penalty.l2 * weight + penalty.l1Subgradient * sign;
    if constexpr (Masked)
        return mask[i] != 0 ? g : Scalar(0); // select, not multiply: Inf * 0 would be NaN
    else
        return g;
}

// Soft threshold: the proximal operator of t*|w|. With t = 0 it returns w (and +0 for -0),
// so the rules apply it unconditionally rather than branch.
inline Scalar softThreshold(Scalar w, Scalar t)
{
    // max/copysign rather than a branch; "+ 0" turns the -0 of a thresholded negative into +0.
    return std::copysign(std::max(std::abs(w) - t, Scalar(0)), w) + Scalar(0);
}

// 0 for a finite value, 1 for NaN or +-Inf, as an integer so that OR-reductions vectorise.
inline int nonFinite(Scalar v)
{
    return !(std::abs(v) <= std::numeric_limits<Scalar>::max());
}

// The pass every elementwise rule makes over entries [begin, end) of a tensor: penalised
// gradient g (zero where masked), the rule's new weight rule(i, g, w), the finiteness test.
// Returns false on a non-finite weight. The rule is a lambda inlined into the loop, which
// omp simd vectorises as one loop (its state pointers need no __restrict: omp simd asserts the
// iterations independent); one instantiation for masked and one for unmasked tensors.
template <bool Masked, typename Rule>
inline bool updateEntriesWith(Scalar* __restrict values, const Scalar* __restrict gradient,
                              const Scalar* __restrict mask, const PenaltyScalars penalty, std::size_t begin,
                              std::size_t end, Rule rule)
{
    int bad = 0;
#pragma omp simd reduction(| : bad)
    for (std::size_t i = begin; i < end; ++i) {
        const Scalar w = rule(i, penalisedGradient<Masked>(gradient[i], values[i], mask, i, penalty), values[i]);
        values[i] = w;
        bad |= nonFinite(w);
    }
    return bad == 0;
}

template <typename Rule>
inline bool updateEntries(Scalar* values, const Scalar* gradient, const Scalar* mask, const PenaltyTerms& penalty,
                          std::size_t begin, std::size_t end, Rule rule)
{
    const PenaltyScalars terms(penalty);
    return mask ? updateEntriesWith<true>(values, gradient, mask, terms, begin, end, rule)
                : updateEntriesWith<false>(values, gradient, mask, terms, begin, end, rule);
}

} // namespace ss
