#pragma once
// Networks for the evaluator tests: seeded weights, and biases drawn as well (the
// initialisation leaves them at zero, which would hide how biases are handled).

#include "common/Random.h"
#include "nn/Network.h"

#include <vector>

inline ss::Network makeTestNetwork(int inputs, std::vector<int> hidden, int classes, std::uint64_t seed,
                                   ss::Activation activation = ss::Activation::ReLU, double biasSpread = 0.1)
{
    ss::Architecture architecture;
    architecture.inputs = inputs;
    architecture.hidden = std::move(hidden);
    architecture.classes = classes;
    architecture.hiddenActivation = activation;
    ss::Network network(architecture, seed);
    ss::Random random(seed + 1);
    for (ss::DenseLayer& layer : network.layers())
        for (Eigen::Index i = 0; i < layer.bias.size(); ++i)
            layer.bias(i) = static_cast<ss::Scalar>(random.normal(0.0, biasSpread));
    return network;
}
