#include "nn/Regularizer.h"

#include "common/Error.h"

#include <cmath>
#include <string>

namespace ss {

namespace {
std::string shapeText(Eigen::Index rows, Eigen::Index cols)
{
    return std::to_string(rows) + "x" + std::to_string(cols);
}

inline std::uint64_t splitMix64(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}
} // namespace

PenaltyTerms weightPenalty(const Regularization& regularization)
{
    PenaltyTerms terms;
    terms.l2 = static_cast<Scalar>(regularization.l2);
    if (regularization.l1Mode == L1Mode::Proximal)
        terms.l1Proximal = static_cast<Scalar>(regularization.l1);
    else
        terms.l1Subgradient = static_cast<Scalar>(regularization.l1);
    return terms;
}

double regularizationPenalty(const ConstMatrixRef& weights, const Regularization& regularization)
{
    double l1 = 0.0;
    double squares = 0.0;
    for (Eigen::Index c = 0; c < weights.cols(); ++c)
        for (Eigen::Index r = 0; r < weights.rows(); ++r) {
            const double w = weights(r, c);
            l1 += std::abs(w);
            squares += w * w;
        }
    return regularization.l1 * l1 + 0.5 * regularization.l2 * squares;
}

double regularizationPenalty(const Network& network, const Regularization& regularization)
{
    double penalty = 0.0;
    for (const DenseLayer& layer : network.layers())
        penalty += regularizationPenalty(layer.weights, regularization);
    return penalty;
}

void addPenaltyGradient(const ConstMatrixRef& weights, MatrixRef gradient, const Regularization& regularization)
{
    if (weights.rows() != gradient.rows() || weights.cols() != gradient.cols())
        throw ConfigError("addPenaltyGradient: weights are " + shapeText(weights.rows(), weights.cols())
                          + " but the gradient is " + shapeText(gradient.rows(), gradient.cols()));
    if (regularization.l2 != 0)
        gradient += static_cast<Scalar>(regularization.l2) * weights;
    if (regularization.l1 != 0 && regularization.l1Mode == L1Mode::Subgradient)
        gradient += static_cast<Scalar>(regularization.l1) * weights.cwiseSign();
}

void proximalL1(MatrixRef weights, const ConstMatrixRef& steps, double lambda1)
{
    if (weights.rows() != steps.rows() || weights.cols() != steps.cols())
        throw ConfigError("proximalL1: weights are " + shapeText(weights.rows(), weights.cols())
                          + " but the steps are " + shapeText(steps.rows(), steps.cols()));
    const auto lambda = static_cast<Scalar>(lambda1);
    for (Eigen::Index c = 0; c < weights.cols(); ++c)
        for (Eigen::Index r = 0; r < weights.rows(); ++r)
            weights(r, c) = softThreshold(weights(r, c), steps(r, c) * lambda);
}

void Dropout::reseed(std::uint64_t seed)
{
    m_key = splitMix64(seed ^ 0x6A09E667F3BCC908ull);
    m_counter = 0;
}

void Dropout::sample(double rate, MatrixRef mask)
{
    if (!(rate >= 0.0 && rate < 1.0))
        throw ConfigError("Dropout: rate must be in [0, 1), got " + std::to_string(rate));
    if (rate == 0.0) {
        mask.setOnes();
        return;
    }
    const auto keepScale = static_cast<Scalar>(1.0 / (1.0 - rate));
    // A unit is dropped when its 32 random bits fall below rate * 2^32.
    const auto dropBelow = static_cast<std::uint64_t>(std::ldexp(rate, 32));
    const Eigen::Index rows = mask.rows();
    for (Eigen::Index c = 0; c < mask.cols(); ++c) {
        Scalar* column = mask.col(c).data();
        for (Eigen::Index r = 0; r < rows; r += 2) {
            // SplitMix64: the finaliser of a Weyl sequence (key + counter * golden ratio).
            const std::uint64_t bits = splitMix64(m_key + 0x9E3779B97F4A7C15ull * m_counter++);
            column[r] = (bits >> 32) < dropBelow ? Scalar(0) : keepScale;
            if (r + 1 < rows)
                column[r + 1] = (bits & 0xFFFFFFFFull) < dropBelow ? Scalar(0) : keepScale;
        }
    }
}

} // namespace ss
