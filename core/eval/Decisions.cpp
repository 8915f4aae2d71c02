#include "eval/Decisions.h"

#include "common/Error.h"
#include "common/ThreadTeam.h"
#include "kernels/DecisionKernels.h"
#include "kernels/ExactSums.h"
#include "nn/Loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

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
// to samples x classes so that the largest logit, the argmax, the runner-up and the softmax
// are vector operations over the samples (kernels/DecisionKernels.h).
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
    static_assert(kBlock % kDecisionLanes == 0);
    const Eigen::Index outputs = logits.rows();
    Eigen::MatrixXf z;                                  // kBlock x classes: column c is class c
    std::vector<float> top, second, largest;
    std::vector<int> label, finite;
    if (!network.isBinary()) {
        z.resize(kBlock, outputs);
        for (auto* v : {&top, &second, &largest})
            v->resize(kBlock);
        label.resize(kBlock);
        finite.resize(kBlock);
    }
    for (Eigen::Index first = begin; first < end; first += kBlock) {
        const Eigen::Index count = std::min(kBlock, end - first);
        const auto block = logits.middleCols(first, count);
        if (network.isBinary()) {
            const Labels truth(test.labels.begin() + first, test.labels.begin() + first + count);
            score.loss += logLoss(probabilitiesFromLogits(block, true), truth) * static_cast<double>(count);
            for (Eigen::Index s = 0; s < count; ++s) {
                const double v = block(0, s);
                predictions[static_cast<std::size_t>(first + s)] =
                    marginDecides(std::abs(v), std::abs(v)) ? (v > 0.0 ? 1 : 0) : exact(first + s);
            }
            continue;
        }
        z.topRows(count) = block.transpose();
        if (count < kBlock)
            z.bottomRows(kBlock - count).setZero();
        const LogitColumns columns{z.data(), static_cast<long>(kBlock), static_cast<int>(outputs),
                                   static_cast<int>(count), test.labels.data() + first};
        score.loss += scoreLogitColumns(columns, top.data(), second.data(), largest.data(), label.data(), finite.data());
        for (Eigen::Index s = 0; s < count; ++s) {
            const auto j = static_cast<std::size_t>(s);
            const bool decided = finite[j] != 0
                                 && marginDecides(static_cast<double>(top[j]) - static_cast<double>(second[j]), largest[j]);
            predictions[static_cast<std::size_t>(first + s)] = decided ? label[j] : exact(first + s);
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
    // The decision kernel indexes each sample's logits by its label: one check here, on the
    // calling thread, rather than one per block on every member of the team.
    if (!compressed.isBinary()) {
        const auto [lowest, highest] = std::minmax_element(test.labels.begin(), test.labels.end());
        if (lowest != test.labels.end() && (*lowest < 0 || *highest >= logits.rows()))
            throw ConfigError("logLoss: label " + std::to_string(*lowest < 0 ? *lowest : *highest) + " outside 0.."
                              + std::to_string(logits.rows() - 1));
    }
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

double relativeLogitDiscrepancy(const Matrix& logits, const Matrix& reference)
{
    if (logits.rows() != reference.rows() || logits.cols() != reference.cols())
        throw ConfigError("relativeLogitDiscrepancy: logits of " + std::to_string(logits.rows()) + " x "
                          + std::to_string(logits.cols()) + " against a reference of "
                          + std::to_string(reference.rows()) + " x " + std::to_string(reference.cols()));
    double worst = 0;
    for (Eigen::Index s = 0; s < reference.cols(); ++s) {
        const double scale = 1.0 + reference.col(s).cwiseAbs().maxCoeff();
        worst = std::max(worst, (logits.col(s) - reference.col(s)).cwiseAbs().maxCoeff() / scale);
    }
    return worst;
}

} // namespace ss
