#pragma once
// What the benchmarks share: the Fashion-MNIST MLP and random stand-ins for its images
// when the Debian package is missing. The small models and settings come from the test
// fixtures, so that a benchmark and a suite spell the same network the same way.

#include "../tests/common/TrainingFixtures.h"

#include "common/Random.h"
#include "data/Dataset.h"

#include <string>

namespace ss::bench {

// 784-256-128-10 ReLU, the model of the training and drag figures.
inline Architecture fashionMlp()
{
    return test::mlp(784, {256, 128}, 10);
}

// samples images of 784 pixels with 10 labels drawn from random: a fraction `blank` of the
// pixels exactly 0 (Fashion-MNIST has many), the others uniform in [0, 1).
inline Dataset randomImages(Random& random, int samples, double blank)
{
    Dataset data;
    data.name = "random-784";
    data.features.resize(784, samples);
    for (Eigen::Index j = 0; j < samples; ++j)
        for (Eigen::Index i = 0; i < 784; ++i)
            data.features(i, j) = blank > 0 && random.bernoulli(blank) ? 0.0f : static_cast<Scalar>(random.uniform());
    data.labels.resize(static_cast<std::size_t>(samples));
    for (int& label : data.labels)
        label = static_cast<int>(random.below(10));
    for (int c = 0; c < 10; ++c)
        data.classNames.push_back(std::to_string(c));
    return data;
}

} // namespace ss::bench
