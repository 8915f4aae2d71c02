#pragma once
// Regularisation of the weight matrices (biases are never regularised):
//   L2:            penalty lambda2/2 * sum w^2, gradient lambda2 * w
//   L1 proximal:   after each optimiser step w <- sign(w) * max(|w| - eta_i*lambda1, 0),
//                  which makes weights exactly zero (PRODUCT.md, "L1 that really zeroes")
//   L1 subgradient: lambda1 * sign(w) added to the gradient; weights hover near zero but
//                  almost never reach it (the article's Keras recipe, kept as a contrast)
//   elastic net:   both L1 and L2
// and inverted dropout on hidden activations.

#include "common/Types.h"
#include "nn/Network.h"
#include "nn/Optimizer.h"
#include "nn/TrainingConfig.h"

#include <cstdint>

namespace ss {

// The terms an optimiser folds into its update of a WEIGHT matrix (biases get none).
PenaltyTerms weightPenalty(const Regularization& regularization);

// lambda1 * sum|w| + lambda2/2 * sum w^2 over every layer's weight matrix (not the biases).
// The same for both L1 modes: they minimise the same objective by different means.
double regularizationPenalty(const Network& network, const Regularization& regularization);
double regularizationPenalty(const ConstMatrixRef& weights, const Regularization& regularization);

// Adds the differentiable part of the penalty to a weight gradient: lambda2 * w, plus
// lambda1 * sign(w) in subgradient mode (proximal L1 is not a gradient term).
void addPenaltyGradient(const ConstMatrixRef& weights, MatrixRef gradient, const Regularization& regularization);

// The proximal step of lambda1*|w| for per-entry step sizes eta (same shape as weights).
void proximalL1(MatrixRef weights, const ConstMatrixRef& steps, double lambda1);

// Inverted dropout: each unit is kept with probability 1-p and then scaled by 1/(1-p), so
// the expected activation is unchanged and inference needs no rescaling. The random bits
// come from a counter-based SplitMix64 stream seeded once (portable and fast: a mini-batch
// of an MLP needs ~50k draws, too many for a per-draw Mersenne Twister call to be free).
class Dropout {
public:
    explicit Dropout(std::uint64_t seed = 0) { reseed(seed); }
    void reseed(std::uint64_t seed);

    // Fills mask with 0 (dropped) or 1/(1-rate) (kept). rate in [0, 1).
    void sample(double rate, MatrixRef mask);

private:
    std::uint64_t m_counter = 0;
    std::uint64_t m_key = 0;
};

} // namespace ss
