#pragma once
// The models, settings and data the core and ui suites build again and again: one definition
// each, so that a suite states only the sizes and values it cares about.

#include "common/Random.h"
#include "data/DatasetCatalog.h"
#include "nn/Network.h"
#include "nn/TrainingConfig.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace ss::test {

inline Architecture mlp(int inputs, std::vector<int> hidden, int classes, Activation activation = Activation::ReLU)
{
    Architecture architecture;
    architecture.inputs = inputs;
    architecture.hidden = std::move(hidden);
    architecture.hiddenActivation = activation;
    architecture.classes = classes;
    return architecture;
}

// Adam with the given step and batch; everything else at TrainingConfig's defaults.
inline TrainingConfig adam(double learningRate, int batch, std::uint64_t seed = TrainingConfig{}.seed)
{
    TrainingConfig config;
    config.optimizer.kind = OptimizerKind::Adam;
    config.optimizer.learningRate = learningRate;
    config.batchSize = batch;
    config.seed = seed;
    return config;
}

inline DatasetRequest moonsRequest(int samples, double noise, std::uint64_t seed)
{
    DatasetRequest request;
    request.nameOrPath = "moons";
    request.samples = samples;
    request.noise = noise;
    request.seed = seed;
    return request;
}

// "a", "b", "c", ...: names for classes that have no meaning of their own.
inline std::vector<std::string> letterClassNames(int classes)
{
    std::vector<std::string> names;
    for (int c = 0; c < classes; ++c)
        names.push_back(std::string(1, static_cast<char>('a' + c)));
    return names;
}

// Eigen's unseeded uniform features in [-1, 1], labels cycling through the classes: data that
// only has to be large, not learnable.
inline Dataset randomDataset(int features, int samples, int classes)
{
    Dataset data;
    data.name = "random";
    data.features = Matrix::Random(features, samples);
    for (int j = 0; j < samples; ++j)
        data.labels.push_back(j % classes);
    data.classNames = letterClassNames(classes);
    return data;
}

// A network and a test set it classifies perfectly (labelled by its own predictions), with
// standard normal features drawn from dataSeed.
struct SelfLabelledModel {
    Network network;
    Dataset test;
};

inline SelfLabelledModel selfLabelledModel(const Architecture& architecture, std::uint64_t networkSeed, int samples,
                                           std::uint64_t dataSeed)
{
    SelfLabelledModel model{Network(architecture, networkSeed), {}};
    Random random(dataSeed);
    Dataset& test = model.test;
    test.features.resize(architecture.inputs, samples);
    for (Eigen::Index i = 0; i < test.features.size(); ++i)
        test.features.data()[i] = static_cast<Scalar>(random.normal());
    test.labels = model.network.predict(test.features);
    test.classNames = letterClassNames(architecture.classes);
    return model;
}

template <typename Dense>
bool sameBits(const Dense& x, const Dense& y)
{
    return x.size() == y.size()
        && std::memcmp(x.data(), y.data(), sizeof(typename Dense::Scalar) * std::size_t(x.size())) == 0;
}

enum class Masks { Ignored, Compared };

// Bitwise (memcmp rather than ==), so that even -0.0 against 0.0 counts as a difference.
inline bool sameWeights(const Network& a, const Network& b, Masks masks = Masks::Ignored)
{
    if (a.layers().size() != b.layers().size())
        return false;
    for (std::size_t l = 0; l < a.layers().size(); ++l) {
        const DenseLayer& x = a.layers()[l];
        const DenseLayer& y = b.layers()[l];
        if (!sameBits(x.weights, y.weights) || !sameBits(x.bias, y.bias))
            return false;
        if (masks == Masks::Compared && (x.mask.size() != y.mask.size() || x.mask != y.mask))
            return false;
    }
    return true;
}

} // namespace ss::test
