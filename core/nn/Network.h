#pragma once
// A multilayer perceptron: dense layers with a hidden activation and a sigmoid (binary)
// or softmax (multi-class) output. Logistic regression is the network with no hidden layer.

#include "common/Types.h"
#include "nn/Activation.h"

#include <string>
#include <vector>

namespace ss {

struct Architecture {
    int inputs = 2;
    std::vector<int> hidden;                 // empty = logistic regression
    Activation hiddenActivation = Activation::ReLU;
    int classes = 2;                         // 2 -> one sigmoid output; k > 2 -> softmax

    int outputs() const { return classes == 2 ? 1 : classes; }
    // "logistic" or the hidden sizes joined by '-' with the activation, e.g. "16-16 relu".
    std::string describe() const;
};

// Parses "logistic" or "H1,H2,...". Throws ConfigError naming the bad token.
std::vector<int> parseHiddenSizes(const std::string& text);

struct DenseLayer {
    Matrix weights;   // outputs x inputs
    Vector bias;      // outputs
    Matrix mask;      // same shape as weights: 1 keeps a weight, 0 prunes it (always set)
    Activation activation = Activation::ReLU; // the output layer's is ignored (sigmoid/softmax)

    int inputs() const { return static_cast<int>(weights.cols()); }
    int outputs() const { return static_cast<int>(weights.rows()); }
};

class Network {
public:
    Network() = default;
    // He initialisation for ReLU, Xavier (Glorot) for the others, from the seed; zero biases.
    Network(const Architecture& architecture, std::uint64_t seed);
    // Given weights (a loaded model): throws ConfigError naming the layer and the sizes when
    // the layers do not fit the architecture. Layer activations are set from the architecture
    // and masks are applied.
    static Network fromLayers(const Architecture& architecture, std::vector<DenseLayer> layers);

    const Architecture& architecture() const { return m_architecture; }
    std::vector<DenseLayer>& layers() { return m_layers; }
    const std::vector<DenseLayer>& layers() const { return m_layers; }
    int classCount() const { return m_architecture.classes; }
    bool isBinary() const { return m_architecture.classes == 2; }

    // Class probabilities, classCount x samples (for binary: row 0 = 1-p, row 1 = p).
    Matrix probabilities(const ConstMatrixRef& features) const;
    Labels predict(const ConstMatrixRef& features) const;
    // Output-layer pre-activations (logits): outputs() x samples.
    Matrix logits(const ConstMatrixRef& features) const;

    long weightCount() const;   // weight-matrix entries (biases apart)
    long biasCount() const;
    // Re-applies every layer's mask to its weights (pruned weights become exactly 0).
    void applyMasks();
    // True when every weight and bias is finite.
    bool isFinite() const;

private:
    Architecture m_architecture;
    std::vector<DenseLayer> m_layers;
};

// The forward pass of a block of samples (input: features x n) through every layer:
// activations[l] receives layer l's output in its first n columns (the last: the logits).
// The caller sizes them (outputs x at least n). Network::logits, Trainer::evaluate and the
// evaluators' reference all run these same products, so the same weights give the same logits.
void forwardBlock(const Network& network, const ConstMatrixRef& input, std::vector<Matrix>& activations,
                  bool threaded = false);

// Turns output-layer logits into predictions and probabilities the same way everywhere.
// The label of one sample: logit > 0 for binary models, else the first largest logit (on
// ties, like numpy's argmax).
int labelFromLogits(const ConstMatrixRef& logits, Eigen::Index sample, bool binary);
Labels predictFromLogits(const ConstMatrixRef& logits, bool binary);
Matrix probabilitiesFromLogits(const ConstMatrixRef& logits, bool binary);

} // namespace ss
