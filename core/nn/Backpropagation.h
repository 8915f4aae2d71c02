#pragma once
// Forward and backward pass of a Network over one mini-batch with preallocated buffers:
// the gradients of the mean cross-entropy with respect to every weight and bias. The
// Trainer steps with it; the gradient tests check it against finite differences.

#include "common/Types.h"
#include "nn/Network.h"
#include "nn/Regularizer.h"

#include <span>
#include <vector>

namespace ss {

class Backpropagation {
public:
    // Sizes the buffers for the network's layer shapes and up to `batch` samples, with or
    // without dropout buffers. Cheap when nothing changed; allocates only when something did.
    void prepare(const Network& network, int batch, bool dropout);

    // Forward and backward on the samples in input's columns (at most the prepared batch).
    // With dropout (rate > 0 and a source) every hidden layer's activations are multiplied by
    // an inverted-dropout mask drawn from the source, layer by layer in order. Returns the
    // data loss (no penalty) summed over the samples and divided by `normalizer` (0: by the
    // number of samples, i.e. the mean); the gradients are those of that value, so parts of
    // one mini-batch computed apart, each with the whole batch's size as normalizer, add up
    // to the mini-batch gradient. Gradients are then in weightGradient/biasGradient. The
    // first layer's input gradient is never computed (nothing needs it).
    double compute(const Network& network, const ConstMatrixRef& input, std::span<const int> labels,
                   Dropout* dropout = nullptr, double dropoutRate = 0.0, double normalizer = 0.0);

    const Matrix& weightGradient(std::size_t layer) const { return m_weightGradients[layer]; }
    const Vector& biasGradient(std::size_t layer) const { return m_biasGradients[layer]; }
    Matrix& weightGradient(std::size_t layer) { return m_weightGradients[layer]; }
    Vector& biasGradient(std::size_t layer) { return m_biasGradients[layer]; }
    // The output-layer logits of the last compute() (outputs x samples).
    ConstMatrixRef logits() const;
    // The dropout mask of a hidden layer used by the last compute() (0 or 1/(1-rate)).
    ConstMatrixRef dropoutMask(std::size_t layer) const;

private:
    std::vector<Matrix> m_activations; // f(z) for hidden layers, logits for the last
    std::vector<Matrix> m_dropped;     // hidden layers with dropout: f(z) .* mask
    std::vector<Matrix> m_dropMasks;
    std::vector<Matrix> m_deltas;      // d loss / d z per layer
    std::vector<Matrix> m_weightGradients;
    std::vector<Vector> m_biasGradients;
    int m_batch = 0;
    int m_samples = 0;
    bool m_dropout = false;
};


// z <- f(z + b) in one pass (hidden layers); the output layer (hidden = false) only adds b.
void addBiasAndActivate(MatrixRef z, const Vector& bias, Activation activation, bool hidden);

} // namespace ss
