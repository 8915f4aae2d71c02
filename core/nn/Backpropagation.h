#pragma once
// Forward and backward pass of a Network over one mini-batch with preallocated buffers:
// the gradients of the mean cross-entropy with respect to every weight and bias. The
// Trainer steps with it; the gradient tests check it against finite differences.

#include "common/Types.h"
#include "nn/Network.h"
#include "nn/Regularizer.h"

#include <omp.h>

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
    // mean data loss (no penalty). Gradients are then in weightGradient/biasGradient. The
    // first layer's input gradient is never computed (nothing needs it).
    double compute(const Network& network, const ConstMatrixRef& input, std::span<const int> labels,
                   Dropout* dropout = nullptr, double dropoutRate = 0.0);

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

// Runs the enclosed code with one OpenMP thread on the calling thread (the ICV is per
// thread, so other threads are unaffected); Eigen then does not fork for its GEMM.
class SingleThreadScope {
public:
    SingleThreadScope()
        : m_saved(omp_get_max_threads())
    {
        if (m_saved != 1)
            omp_set_num_threads(1);
    }
    ~SingleThreadScope()
    {
        if (m_saved != 1)
            omp_set_num_threads(m_saved);
    }
    SingleThreadScope(const SingleThreadScope&) = delete;
    SingleThreadScope& operator=(const SingleThreadScope&) = delete;

private:
    int m_saved;
};

// destination = lhs * rhs, choosing the product by its size (multiply-adds):
//  - below ~24^3: Eigen's coefficient-based lazy product (no packing, no blocking: a
//    2-8-8-1 net at batch 10 then takes a few microseconds a step);
//  - below 2^20: Eigen's blocked GEMM on the calling thread only. A fork/join per GEMM
//    costs more than it saves at these sizes, and when the cores are busy with other work a
//    spinning OpenMP partner makes mid-size products 10x slower;
//  - above: the blocked GEMM on all OpenMP threads.
// The choice depends only on the shapes, so results stay bit-identical run to run.
template <typename Destination, typename Lhs, typename Rhs>
inline void multiplyInto(Destination&& destination, const Lhs& lhs, const Rhs& rhs)
{
    constexpr double lazyProductWork = 24.0 * 24.0 * 24.0;
    constexpr double threadedWork = 1024.0 * 1024.0;
    const double work = static_cast<double>(lhs.rows()) * static_cast<double>(lhs.cols()) * static_cast<double>(rhs.cols());
    if (work < lazyProductWork) {
        destination.noalias() = lhs.lazyProduct(rhs);
    } else if (work < threadedWork) {
        const SingleThreadScope singleThread;
        destination.noalias() = lhs * rhs;
    } else {
        destination.noalias() = lhs * rhs;
    }
}

// z <- f(z + b) in one pass (hidden layers); the output layer (hidden = false) only adds b.
void addBiasAndActivate(MatrixRef z, const Vector& bias, Activation activation, bool hidden);

} // namespace ss
