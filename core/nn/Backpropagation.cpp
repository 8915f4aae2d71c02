#include "nn/Backpropagation.h"

#include "common/Error.h"
#include "kernels/Gemm.h"
#include "kernels/TrainingKernels.h"
#include "nn/Loss.h"


namespace ss {

void addBiasAndActivate(MatrixRef z, const Vector& bias, Activation activation, bool hidden)
{
    const Eigen::Index columns = z.cols();
    if (!hidden || activation == Activation::Linear) {
        for (Eigen::Index j = 0; j < columns; ++j)
            z.col(j) += bias;
        return;
    }
    if (activation == Activation::ReLU) {
        // Bias and ReLU in one pass over each (contiguous) column.
        addBiasRelu(z.data(), z.rows(), columns, z.outerStride(), bias.data());
        return;
    }
    for (Eigen::Index j = 0; j < columns; ++j)
        z.col(j) += bias;
    // tanh and sigmoid over the whole block at once when it is contiguous (a leftCols view
    // of a column-major buffer is): one vectorised loop instead of one short one per column,
    // which matters for nets of a few units.
    if (z.outerStride() == z.rows()) {
        Eigen::Map<Eigen::Array<Scalar, Eigen::Dynamic, 1>> all(z.data(), z.size());
        if (activation == Activation::Tanh)
            all = all.tanh();
        else
            all = all.logistic();
    } else {
        applyActivation(activation, z);
    }
}

void Backpropagation::prepare(const Network& network, int batch, bool dropout)
{
    const auto& layers = network.layers();
    const std::size_t count = layers.size();
    bool same = m_batch == batch && m_dropout == dropout && m_activations.size() == count;
    for (std::size_t l = 0; same && l < count; ++l)
        same = m_weightGradients[l].rows() == layers[l].weights.rows()
            && m_weightGradients[l].cols() == layers[l].weights.cols();
    if (same)
        return;
    m_activations.resize(count);
    m_deltas.resize(count);
    m_weightGradients.resize(count);
    m_biasGradients.resize(count);
    m_dropped.resize(dropout ? count : 0);
    m_dropMasks.resize(dropout ? count : 0);
    for (std::size_t l = 0; l < count; ++l) {
        const Eigen::Index outputs = layers[l].outputs();
        m_activations[l].resize(outputs, batch);
        m_deltas[l].resize(outputs, batch);
        m_weightGradients[l].resize(outputs, layers[l].inputs());
        m_biasGradients[l].resize(outputs);
        if (dropout && l + 1 < count) {
            m_dropped[l].resize(outputs, batch);
            m_dropMasks[l].resize(outputs, batch);
        }
    }
    m_batch = batch;
    m_dropout = dropout;
}

double Backpropagation::compute(const Network& network, const ConstMatrixRef& input, std::span<const int> labels,
                                Dropout* dropout, double dropoutRate, double normalizer)
{
    const auto& layers = network.layers();
    const std::size_t count = layers.size();
    const int n = static_cast<int>(input.cols());
    const bool useDropout = dropout != nullptr && dropoutRate > 0.0;
    if (count == 0 || m_activations.size() != count || n > m_batch || (useDropout && !m_dropout))
        throw ConfigError("Backpropagation: prepare() was not called for this network, batch of "
                          + std::to_string(n) + " and dropout setting");
    if (input.rows() != layers.front().inputs())
        throw ConfigError("Backpropagation: input has " + std::to_string(input.rows())
                          + " features but the network expects " + std::to_string(layers.front().inputs()));
    m_samples = n;

    // Forward.
    for (std::size_t l = 0; l < count; ++l) {
        const bool hidden = l + 1 < count;
        auto out = m_activations[l].leftCols(n);
        if (l == 0)
            multiplyInto(out, layers[l].weights, false, input, false);
        else if (useDropout)
            multiplyInto(out, layers[l].weights, false, m_dropped[l - 1].leftCols(n), false);
        else
            multiplyInto(out, layers[l].weights, false, m_activations[l - 1].leftCols(n), false);
        addBiasAndActivate(out, layers[l].bias, layers[l].activation, hidden);
        if (useDropout && hidden) {
            auto mask = m_dropMasks[l].leftCols(n);
            dropout->sample(dropoutRate, mask);
            m_dropped[l].leftCols(n) = out.cwiseProduct(mask);
        }
    }

    double loss = crossEntropy(network.isBinary(), m_activations[count - 1].leftCols(n), labels,
                               m_deltas[count - 1].leftCols(n));
    if (normalizer > 0.0 && normalizer != n) {
        // crossEntropy gave the mean and its gradient; rescale both to sum / normalizer.
        const double scale = n / normalizer;
        loss *= scale;
        m_deltas[count - 1].leftCols(n) *= static_cast<Scalar>(scale);
    }

    // Backward: dW = delta * input^T, db = row sums of delta, delta_prev = W^T delta .* f'.
    for (std::size_t l = count; l-- > 0;) {
        const auto delta = m_deltas[l].leftCols(n);
        if (l == 0)
            multiplyInto(m_weightGradients[l], delta, false, input, true);
        else if (useDropout)
            multiplyInto(m_weightGradients[l], delta, false, m_dropped[l - 1].leftCols(n), true);
        else
            multiplyInto(m_weightGradients[l], delta, false, m_activations[l - 1].leftCols(n), true);
        m_biasGradients[l].noalias() = delta.rowwise().sum();
        if (l > 0) {
            auto previous = m_deltas[l - 1].leftCols(n);
            multiplyInto(previous, layers[l].weights, true, delta, false);
            if (useDropout)
                previous.array() *= m_dropMasks[l - 1].leftCols(n).array();
            multiplyByDerivative(layers[l - 1].activation, m_activations[l - 1].leftCols(n), previous);
        }
    }
    return loss;
}

ConstMatrixRef Backpropagation::logits() const
{
    const Matrix& last = m_activations.back();
    return last.leftCols(m_samples);
}

ConstMatrixRef Backpropagation::dropoutMask(std::size_t layer) const
{
    return m_dropMasks.at(layer).leftCols(m_samples);
}

} // namespace ss
