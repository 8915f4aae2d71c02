#include "eval/ReferenceEvaluation.h"

#include "common/Error.h"
#include "common/ThreadTeam.h"
#include "eval/Decisions.h"
#include "kernels/Gemm.h"
#include "nn/Backpropagation.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>

namespace ss {

namespace {

// Samples per block when a team shares the forward pass: enough that each product is chosen
// as for the whole set (kernels/Gemm.h picks by shape), and Network::logits and
// Trainer::evaluate block their passes the same way.
constexpr Eigen::Index kTeamBlockSamples = 512;

// The plain forward pass of the reference path (samples as columns, as Network computes it),
// single-threaded products only: OpenMP's spinning workers would compete with the
// evaluator's helper threads. With a team, its members take blocks of samples in turn (the
// next free one, so that a member the scheduler holds back, say while the GUI thread draws
// on the other core, leaves its share to the others).
Matrix referenceLogits(const Network& network, const Matrix& features, ThreadTeam* team)
{
    const Eigen::Index samples = features.cols();
    const auto activationsFor = [&](Eigen::Index columns) {
        std::vector<Matrix> activations;
        for (const DenseLayer& layer : network.layers())
            activations.emplace_back(layer.outputs(), columns);
        return activations;
    };
    if (!team || team->size() < 2 || samples < 2 * kTeamBlockSamples) {
        std::vector<Matrix> activations = activationsFor(samples);
        forwardBlock(network, features, activations);
        return std::move(activations.back());
    }
    Matrix logits(network.layers().back().outputs(), samples);
    const Eigen::Index blocks = (samples + kTeamBlockSamples - 1) / kTeamBlockSamples;
    std::atomic<Eigen::Index> nextBlock{0};
    auto member = [&](int) {
        std::vector<Matrix> activations = activationsFor(kTeamBlockSamples);
        for (Eigen::Index block = nextBlock++; block < blocks; block = nextBlock++) {
            const Eigen::Index begin = block * kTeamBlockSamples;
            const Eigen::Index count = std::min(kTeamBlockSamples, samples - begin);
            forwardBlock(network, features.middleCols(begin, count), activations);
            logits.middleCols(begin, count) = activations.back().leftCols(count);
        }
    };
    team->run(member);
    return logits;
}

} // namespace

void validatePrecision(const QuantizationSpec& precision)
{
    if (precision.format == QuantizationSpec::Format::Int && (precision.bits < 1 || precision.bits > 8))
        throw ConfigError("QuantizationSpec: integer bits must be 1..8, got " + std::to_string(precision.bits));
}

void checkEvaluable(const Network& network, const Dataset& test)
{
    if (network.layers().empty())
        throw ConfigError("InstantEvaluator: the network has no layers");
    if (test.featureCount() != network.layers().front().inputs())
        throw ConfigError("InstantEvaluator: the test set has " + std::to_string(test.featureCount())
                          + " features but the network expects " + std::to_string(network.layers().front().inputs()));
    if (test.classCount() != network.classCount())
        throw ConfigError("InstantEvaluator: the test set has " + std::to_string(test.classCount())
                          + " classes but the network predicts " + std::to_string(network.classCount()));
    if (static_cast<std::size_t>(test.sampleCount()) != test.labels.size())
        throw ConfigError("InstantEvaluator: the test set has " + std::to_string(test.sampleCount())
                          + " samples but " + std::to_string(test.labels.size()) + " labels");
    for (const int label : test.labels)
        if (label < 0 || label >= test.classCount())
            throw ConfigError("InstantEvaluator: label " + std::to_string(label) + " outside 0.."
                              + std::to_string(test.classCount() - 1));
}

WeightStatistics combineWeightStatistics(const std::vector<WeightStatistics>& layers)
{
    WeightStatistics s;
    double squares = 0.0;
    for (const WeightStatistics& layer : layers) {
        s.weights += layer.weights;
        s.zeroWeights += layer.zeroWeights;
        s.biases += layer.biases;
        s.zeroBiases += layer.zeroBiases;
        s.l1Norm += layer.l1Norm;
        squares += layer.l2Norm * layer.l2Norm;
    }
    s.sparsity = s.weights == 0 ? 0.0 : static_cast<double>(s.zeroWeights) / static_cast<double>(s.weights);
    s.density = 1.0 - s.sparsity;
    s.l2Norm = std::sqrt(squares);
    s.meanAbsWeight = s.weights == 0 ? 0.0 : s.l1Norm / static_cast<double>(s.weights);
    const double rootN = std::sqrt(static_cast<double>(s.weights));
    if (s.weights > 1 && s.l2Norm > 0.0)
        s.hoyer = (rootN - s.l1Norm / s.l2Norm) / (rootN - 1.0);
    return s;
}

Network compressNetwork(const Network& trained, const CompressionSetting& setting, PruningResult* pruning)
{
    validatePrecision(setting.precision);
    Network network = trained;
    network.applyMasks();
    const PruningResult result = prune(network, setting.pruning);
    if (!setting.precision.isIdentity()) {
        Matrix quantized;
        for (DenseLayer& layer : network.layers()) {
            quantizeInto(layer.weights, setting.precision, quantized);
            layer.weights.swap(quantized);
        }
    }
    if (pruning)
        *pruning = result;
    return network;
}

Evaluation evaluateFully(const Network& trained, const Dataset& test, const CompressionSetting& setting,
                         const EnergyTable& energy, Network* compressedOut, ThreadTeam* team)
{
    checkEvaluable(trained, test);
    Evaluation evaluation;
    Network compressed = compressNetwork(trained, setting, &evaluation.pruning);
    evaluation.thresholdUsed = evaluation.pruning.thresholdUsed;
    evaluation.precision = setting.precision;
    decideFromLogits(evaluation, referenceLogits(compressed, test.features, team), compressed, test, team);
    evaluation.layers = layerWeightStatistics(compressed);
    evaluation.weights = combineWeightStatistics(evaluation.layers);
    evaluation.efficiency = estimateEfficiency(compressed, setting.precision, energy);
    evaluation.denseFp32 = estimateDenseEfficiency(trained, energy);
    Network masked = trained;
    masked.applyMasks();
    evaluation.trainedFp32 = estimateEfficiency(masked, QuantizationSpec::float32(), energy);
    if (compressedOut)
        *compressedOut = std::move(compressed);
    return evaluation;
}

} // namespace ss
