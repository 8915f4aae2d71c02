#include "nn/Network.h"

#include "kernels/Gemm.h"
#include "common/Error.h"
#include "common/Random.h"
#include "nn/Backpropagation.h"

#include <algorithm>
#include <cmath>
#include <omp.h>
#include <sstream>

namespace ss {

namespace {

std::string trim(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

void validateArchitecture(const Architecture& architecture)
{
    if (architecture.inputs < 1)
        throw ConfigError("Network: inputs must be >= 1, got " + std::to_string(architecture.inputs));
    if (architecture.classes < 2)
        throw ConfigError("Network: classes must be >= 2, got " + std::to_string(architecture.classes));
    for (std::size_t i = 0; i < architecture.hidden.size(); ++i)
        if (architecture.hidden[i] < 1)
            throw ConfigError("Network: hidden layer " + std::to_string(i + 1) + " must have >= 1 units, got "
                              + std::to_string(architecture.hidden[i]));
}

std::string shapeText(Eigen::Index rows, Eigen::Index cols)
{
    return std::to_string(rows) + "x" + std::to_string(cols);
}

} // namespace

std::string Architecture::describe() const
{
    if (hidden.empty())
        return "logistic";
    std::string text;
    for (std::size_t i = 0; i < hidden.size(); ++i) {
        if (i > 0)
            text += '-';
        text += std::to_string(hidden[i]);
    }
    return text + " " + toString(hiddenActivation);
}

std::vector<int> parseHiddenSizes(const std::string& text)
{
    const std::string trimmed = trim(text);
    if (trimmed == "logistic")
        return {};
    if (trimmed.empty())
        throw ConfigError("hidden sizes: empty (expected 'logistic' or sizes such as '16,16')");
    std::vector<int> sizes;
    std::string token;
    std::istringstream stream(trimmed);
    while (std::getline(stream, token, ',')) {
        const std::string item = trim(token);
        std::size_t used = 0;
        long value = 0;
        try {
            value = std::stol(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (item.empty() || used != item.size() || value < 1 || value > 1'000'000)
            throw ConfigError("hidden sizes: bad layer size '" + item + "' in '" + text
                              + "' (expected positive integers separated by commas)");
        sizes.push_back(static_cast<int>(value));
    }
    if (trimmed.back() == ',')
        throw ConfigError("hidden sizes: trailing comma in '" + text + "'");
    return sizes;
}

Network::Network(const Architecture& architecture, std::uint64_t seed)
    : m_architecture(architecture)
{
    validateArchitecture(architecture);
    Random random(seed);
    int fanIn = architecture.inputs;
    const std::size_t layerCount = architecture.hidden.size() + 1;
    m_layers.reserve(layerCount);
    for (std::size_t i = 0; i < layerCount; ++i) {
        const bool isOutput = i + 1 == layerCount;
        const int fanOut = isOutput ? architecture.outputs() : architecture.hidden[i];
        DenseLayer layer;
        layer.activation = isOutput ? Activation::Linear : architecture.hiddenActivation;
        // He keeps the variance of ReLU activations constant through depth; Glorot does the
        // same for symmetric activations and for the (sigmoid/softmax) output layer.
        const bool he = !isOutput && architecture.hiddenActivation == Activation::ReLU;
        const double stddev = he ? std::sqrt(2.0 / fanIn) : std::sqrt(2.0 / (fanIn + fanOut));
        layer.weights.resize(fanOut, fanIn);
        for (Eigen::Index c = 0; c < layer.weights.cols(); ++c)
            for (Eigen::Index r = 0; r < layer.weights.rows(); ++r)
                layer.weights(r, c) = static_cast<Scalar>(random.normal(0.0, stddev));
        layer.bias = Vector::Zero(fanOut);
        layer.mask = Matrix::Ones(fanOut, fanIn);
        m_layers.push_back(std::move(layer));
        fanIn = fanOut;
    }
}

Network Network::fromLayers(const Architecture& architecture, std::vector<DenseLayer> layers)
{
    validateArchitecture(architecture);
    const std::size_t expected = architecture.hidden.size() + 1;
    if (layers.size() != expected)
        throw ConfigError("Network: architecture " + architecture.describe() + " needs " + std::to_string(expected)
                          + " layers, got " + std::to_string(layers.size()));
    int fanIn = architecture.inputs;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const bool isOutput = i + 1 == layers.size();
        const int fanOut = isOutput ? architecture.outputs() : architecture.hidden[i];
        DenseLayer& layer = layers[i];
        const std::string name = "Network: layer " + std::to_string(i + 1);
        if (layer.weights.rows() != fanOut || layer.weights.cols() != fanIn)
            throw ConfigError(name + " weights are " + shapeText(layer.weights.rows(), layer.weights.cols())
                              + ", expected " + shapeText(fanOut, fanIn));
        if (layer.bias.size() != fanOut)
            throw ConfigError(name + " has " + std::to_string(layer.bias.size()) + " biases, expected "
                              + std::to_string(fanOut));
        if (layer.mask.size() == 0)
            layer.mask = Matrix::Ones(fanOut, fanIn);
        if (layer.mask.rows() != fanOut || layer.mask.cols() != fanIn)
            throw ConfigError(name + " mask is " + shapeText(layer.mask.rows(), layer.mask.cols()) + ", expected "
                              + shapeText(fanOut, fanIn));
        layer.activation = isOutput ? Activation::Linear : architecture.hiddenActivation;
        fanIn = fanOut;
    }
    Network network;
    network.m_architecture = architecture;
    network.m_layers = std::move(layers);
    network.applyMasks();
    return network;
}

Matrix Network::logits(const ConstMatrixRef& features) const
{
    if (m_layers.empty())
        throw ConfigError("Network: no layers (default-constructed network)");
    if (features.rows() != m_layers.front().inputs())
        throw ConfigError("Network: input has " + std::to_string(features.rows())
                          + " features but the network expects " + std::to_string(m_layers.front().inputs()));
    // Fixed chunks of samples, shared among the threads: each chunk's products are the same
    // whichever thread computes them, so the logits do not depend on the thread count, and
    // no thread waits on another inside a product (robust when the cores are busy).
    constexpr int chunk = 256;
    const auto samples = static_cast<int>(features.cols());
    Matrix result(m_layers.back().outputs(), samples);
    if (samples == 0)
        return result;
    const int chunks = (samples + chunk - 1) / chunk;
    double work = 0;
    for (const DenseLayer& layer : m_layers)
        work += static_cast<double>(layer.weights.size());
    const int threads = omp_in_parallel() || chunks < 2 || work * samples < 4.0e6
        ? 1
        : std::max(1, std::min(omp_get_max_threads(), chunks));
    // Per thread: one buffer per layer, chunk columns wide.
    const auto makeBuffers = [&] {
        std::vector<Matrix> buffers;
        for (const DenseLayer& layer : m_layers)
            buffers.emplace_back(layer.outputs(), chunk);
        return buffers;
    };
    const auto forwardChunk = [&](int index, std::vector<Matrix>& buffers) {
        const int start = index * chunk;
        const int n = std::min(chunk, samples - start);
        forwardBlock(*this, features.middleCols(start, n), buffers);
        result.middleCols(start, n) = buffers.back().leftCols(n);
    };
    if (threads == 1) {
        std::vector<Matrix> buffers = makeBuffers();
        for (int index = 0; index < chunks; ++index)
            forwardChunk(index, buffers);
        return result;
    }
#pragma omp parallel num_threads(threads)
    {
        std::vector<Matrix> buffers = makeBuffers();
#pragma omp for schedule(static)
        for (int index = 0; index < chunks; ++index)
            forwardChunk(index, buffers);
    }
    return result;
}

Matrix Network::probabilities(const ConstMatrixRef& features) const
{
    return probabilitiesFromLogits(logits(features), isBinary());
}

Labels Network::predict(const ConstMatrixRef& features) const
{
    return predictFromLogits(logits(features), isBinary());
}

long Network::weightCount() const
{
    long count = 0;
    for (const DenseLayer& layer : m_layers)
        count += static_cast<long>(layer.weights.size());
    return count;
}

long Network::biasCount() const
{
    long count = 0;
    for (const DenseLayer& layer : m_layers)
        count += static_cast<long>(layer.bias.size());
    return count;
}

void Network::applyMasks()
{
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        DenseLayer& layer = m_layers[i];
        if (layer.mask.rows() != layer.weights.rows() || layer.mask.cols() != layer.weights.cols())
            throw ConfigError("Network: layer " + std::to_string(i + 1) + " mask is "
                              + shapeText(layer.mask.rows(), layer.mask.cols()) + " but its weights are "
                              + shapeText(layer.weights.rows(), layer.weights.cols()));
        // select (not multiply) so that a pruned weight becomes +0 even if it was NaN or negative.
        layer.weights = (layer.mask.array() != Scalar(0)).select(layer.weights, Scalar(0));
    }
}

bool Network::isFinite() const
{
    for (const DenseLayer& layer : m_layers)
        if (!layer.weights.allFinite() || !layer.bias.allFinite())
            return false;
    return true;
}

void forwardBlock(const Network& network, const ConstMatrixRef& input, std::vector<Matrix>& activations, bool threaded)
{
    const auto& layers = network.layers();
    const Eigen::Index n = input.cols();
    for (std::size_t l = 0; l < layers.size(); ++l) {
        auto out = activations[l].leftCols(n);
        if (l == 0)
            multiplyInto(out, layers[l].weights, false, input, false, threaded);
        else
            multiplyInto(out, layers[l].weights, false, activations[l - 1].leftCols(n), false, threaded);
        addBiasAndActivate(out, layers[l].bias, layers[l].activation, l + 1 < layers.size());
    }
}

int labelFromLogits(const ConstMatrixRef& logits, Eigen::Index sample, bool binary)
{
    if (binary)
        return logits(0, sample) > Scalar(0) ? 1 : 0;
    Eigen::Index best = 0;
    logits.col(sample).maxCoeff(&best); // the first maximum
    return static_cast<int>(best);
}

Labels predictFromLogits(const ConstMatrixRef& logits, bool binary)
{
    Labels labels(static_cast<std::size_t>(logits.cols()));
    if (binary) {
        if (logits.rows() != 1)
            throw ConfigError("predictFromLogits: binary logits must have 1 row, got " + std::to_string(logits.rows()));
        for (Eigen::Index j = 0; j < logits.cols(); ++j)
            labels[static_cast<std::size_t>(j)] = labelFromLogits(logits, j, true);
        return labels;
    }
    if (logits.rows() < 2)
        throw ConfigError("predictFromLogits: multi-class logits need >= 2 rows, got " + std::to_string(logits.rows()));
    for (Eigen::Index j = 0; j < logits.cols(); ++j)
        labels[static_cast<std::size_t>(j)] = labelFromLogits(logits, j, false);
    return labels;
}

Matrix probabilitiesFromLogits(const ConstMatrixRef& logits, bool binary)
{
    if (binary) {
        if (logits.rows() != 1)
            throw ConfigError("probabilitiesFromLogits: binary logits must have 1 row, got "
                              + std::to_string(logits.rows()));
        Matrix probabilities(2, logits.cols());
        // 1-p computed as sigmoid(-z) keeps full relative precision for confident negatives.
        probabilities.row(0) = (-logits.row(0)).array().logistic();
        probabilities.row(1) = logits.row(0).array().logistic();
        return probabilities;
    }
    if (logits.rows() < 2)
        throw ConfigError("probabilitiesFromLogits: multi-class logits need >= 2 rows, got "
                          + std::to_string(logits.rows()));
    // Softmax shifted by each sample's largest logit, computed samples x classes: the
    // largest logit, the exponentials and their sums are then vector operations over the
    // samples rather than over a handful of classes (3x faster for 10 classes).
    Eigen::ArrayXXf z = logits.transpose().array();
    Eigen::ArrayXf top = z.col(0);
    for (Eigen::Index c = 1; c < z.cols(); ++c)
        top = top.max(z.col(c));
    z.colwise() -= top;
    z = z.exp();
    Eigen::ArrayXf sums = z.col(0);
    for (Eigen::Index c = 1; c < z.cols(); ++c)
        sums += z.col(c);
    z.colwise() /= sums;
    return z.matrix().transpose();
}

} // namespace ss
