#include "eval/Decisions.h"

#include "common/ThreadTeam.h"
#include "kernels/ExactSums.h"
#include "nn/Loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace ss {

namespace {

double activateExactly(Activation activation, double z)
{
    switch (activation) {
    case Activation::ReLU: return z > 0.0 ? z : 0.0;
    case Activation::Tanh: return std::tanh(z);
    case Activation::Sigmoid: return 1.0 / (1.0 + std::exp(-z));
    case Activation::Linear: return z;
    }
    return z;
}

// Whether a margin decides a prediction in float: far beyond any rounding difference
// between the evaluator's and the reference's float logits (see kExactMarginTolerance).
bool marginDecides(double margin, double largest)
{
    return margin > kExactMarginTolerance * (1.0 + largest);
}

// Predictions (exactPrediction where the float margin is too small) and the summed log loss
// for the samples [begin, end), in blocks of 256 samples. Multi-class blocks are transposed
// to samples x classes so that the largest logit, the argmax and the runner-up are vector
// operations over the samples.
struct BlockScore {
    double loss = 0;
    int recomputed = 0;
};

BlockScore scoreSamples(const Matrix& logits, const Network& network, const Dataset& test, Eigen::Index begin,
                        Eigen::Index end, Labels& predictions)
{
    BlockScore score;
    const auto exact = [&](Eigen::Index s) {
        ++score.recomputed;
        return exactPrediction(network, test.features.col(s));
    };
    constexpr Eigen::Index kBlock = 256;
    const Eigen::Index outputs = logits.rows();
    const float infinity = std::numeric_limits<float>::infinity();
    Eigen::ArrayXXf z;
    Eigen::ArrayXf top, second, largest;
    Eigen::ArrayXi label;
    Eigen::Array<bool, Eigen::Dynamic, 1> finite;
    for (Eigen::Index first = begin; first < end; first += kBlock) {
        const Eigen::Index count = std::min(kBlock, end - first);
        const auto block = logits.middleCols(first, count);
        const Labels truth(test.labels.begin() + first, test.labels.begin() + first + count);
        score.loss += logLoss(probabilitiesFromLogits(block, network.isBinary()), truth) * static_cast<double>(count);
        if (network.isBinary()) {
            for (Eigen::Index s = 0; s < count; ++s) {
                const double v = block(0, s);
                predictions[static_cast<std::size_t>(first + s)] =
                    marginDecides(std::abs(v), std::abs(v)) ? (v > 0.0 ? 1 : 0) : exact(first + s);
            }
            continue;
        }
        z = block.transpose().array();
        top = z.col(0);
        largest = z.col(0).abs();
        finite = z.col(0).isFinite();
        for (Eigen::Index c = 1; c < outputs; ++c) {
            top = top.max(z.col(c));
            largest = largest.max(z.col(c).abs());
            finite = finite && z.col(c).isFinite();
        }
        // The first class reaching the largest logit, and the largest of the others.
        label.setConstant(count, 0);
        for (Eigen::Index c = outputs - 1; c >= 0; --c)
            label = (z.col(c) == top).select(static_cast<int>(c), label);
        second.setConstant(count, -infinity);
        for (Eigen::Index c = 0; c < outputs; ++c)
            second = second.max((label == static_cast<int>(c)).select(-infinity, z.col(c)));
        for (Eigen::Index s = 0; s < count; ++s) {
            const bool decided = finite(s)
                                 && marginDecides(static_cast<double>(top(s)) - static_cast<double>(second(s)), largest(s));
            predictions[static_cast<std::size_t>(first + s)] = decided ? label(s) : exact(first + s);
        }
    }
    return score;
}

} // namespace

int exactPrediction(const Network& network, const ConstMatrixRef& features)
{
    const auto& layers = network.layers();
    std::vector<double> current(static_cast<std::size_t>(features.rows()));
    for (Eigen::Index j = 0; j < features.rows(); ++j)
        current[static_cast<std::size_t>(j)] = features(j, 0);
    std::vector<double> next;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const DenseLayer& layer = layers[l];
        next.assign(static_cast<std::size_t>(layer.outputs()), 0.0);
        // Column by column: every output's sum runs over the inputs in order, one fused
        // multiply-add each (kernels/ExactSums.h), so no path or CPU can change a bit.
        for (int j = 0; j < layer.inputs(); ++j) {
            const double x = current[static_cast<std::size_t>(j)];
            if (x == 0.0)
                continue;
            addColumnFused(next.data(), layer.weights.data() + static_cast<Eigen::Index>(j) * layer.outputs(), x,
                           layer.outputs());
        }
        const bool last = l + 1 == layers.size();
        for (int i = 0; i < layer.outputs(); ++i) {
            double& v = next[static_cast<std::size_t>(i)];
            v += static_cast<double>(layer.bias(i));
            if (!last)
                v = activateExactly(layer.activation, v);
        }
        current.swap(next);
    }
    if (network.isBinary())
        return current[0] > 0.0 ? 1 : 0;
    std::size_t best = 0;
    for (std::size_t c = 1; c < current.size(); ++c)
        if (current[c] > current[best])
            best = c;
    return static_cast<int>(best);
}

void decideFromLogits(Evaluation& evaluation, const Matrix& logits, const Network& compressed, const Dataset& test,
                      ThreadTeam* team)
{
    const Eigen::Index samples = logits.cols();
    evaluation.predictions.resize(static_cast<std::size_t>(samples));
    const int members = team && samples >= 4096 ? team->size() : 1;
    std::vector<double> lossSums(static_cast<std::size_t>(members), 0.0);
    std::vector<int> recomputedCounts(static_cast<std::size_t>(members), 0);
    auto part = [&](int member) {
        const BlockScore score = scoreSamples(logits, compressed, test, samples * member / members,
                                              samples * (member + 1) / members, evaluation.predictions);
        lossSums[static_cast<std::size_t>(member)] = score.loss;
        recomputedCounts[static_cast<std::size_t>(member)] = score.recomputed;
    };
    if (members > 1)
        team->run(part);
    else
        part(0);
    evaluation.exactlyRecomputed = std::accumulate(recomputedCounts.begin(), recomputedCounts.end(), 0);
    evaluation.report = classificationReport(test.labels, evaluation.predictions, test.classCount());
    if (evaluation.report.binary && test.classNames.size() == 2) {
        // The binary headline's class: the documented default (metrics/Metrics.h), so that the
        // app and every command quote the same class; a user's choice overrides it later.
        std::vector<long> counts(2, 0);
        for (const int label : test.labels)
            ++counts[static_cast<std::size_t>(label)];
        const PositiveClassChoice choice = defaultPositiveClass(test.classNames, counts);
        choosePositiveClass(evaluation.report, choice.index, choice.rule);
    }
    evaluation.logLoss = samples == 0 ? 0.0
                                      : std::accumulate(lossSums.begin(), lossSums.end(), 0.0)
                                            / static_cast<double>(samples);
}

} // namespace ss
