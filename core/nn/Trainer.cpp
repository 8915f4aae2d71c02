#include "nn/Trainer.h"

#include "common/Error.h"
#include "common/Random.h"
#include "eval/Metrics.h"
#include "eval/WeightStatistics.h"
#include "nn/Backpropagation.h"
#include "nn/Loss.h"
#include "nn/Optimizer.h"
#include "nn/Regularizer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <span>

namespace ss {

namespace {

using Clock = std::chrono::steady_clock;

// Samples per forward chunk when evaluating a whole dataset: bounds the workspace at
// (widest layer x 1024) floats however large the set is.
constexpr int kEvaluationChunk = 1024;

long countCorrect(const ConstMatrixRef& logits, std::span<const int> labels, bool binary)
{
    long correct = 0;
    if (binary) {
        for (Eigen::Index j = 0; j < logits.cols(); ++j)
            correct += (logits(0, j) > Scalar(0) ? 1 : 0) == labels[static_cast<std::size_t>(j)];
        return correct;
    }
    for (Eigen::Index j = 0; j < logits.cols(); ++j) {
        Eigen::Index best = 0;
        logits.col(j).maxCoeff(&best);
        correct += best == labels[static_cast<std::size_t>(j)];
    }
    return correct;
}

void checkData(const Network& network, const Dataset& data, const char* role)
{
    if (data.featureCount() != network.layers().front().inputs())
        throw ConfigError(std::string("Trainer: the network expects ") + std::to_string(network.layers().front().inputs())
                          + " inputs but the " + role + " data has " + std::to_string(data.featureCount()) + " features");
    if (static_cast<int>(data.labels.size()) != data.sampleCount())
        throw ConfigError(std::string("Trainer: the ") + role + " data has " + std::to_string(data.sampleCount())
                          + " samples but " + std::to_string(data.labels.size()) + " labels");
    for (std::size_t i = 0; i < data.labels.size(); ++i)
        if (data.labels[i] < 0 || data.labels[i] >= network.classCount())
            throw ConfigError(std::string("Trainer: label ") + std::to_string(data.labels[i]) + " of " + role
                              + " sample " + std::to_string(i) + " is outside the network's "
                              + std::to_string(network.classCount()) + " classes");
}

} // namespace

struct Trainer::State {
    std::unique_ptr<Optimizer> optimizer;
    Random random;
    Dropout dropout;

    // Epoch bookkeeping.
    std::vector<int> order;       // this epoch's sample order
    std::size_t position = 0;     // next entry of order; 0 = a new epoch starts (and shuffles)
    int epochs = 0;
    long steps = 0;
    double seconds = 0;

    // Running statistics of the mini-batches since the last report.
    double lossSum = 0;
    long seen = 0;
    long correct = 0;

    // Layer shapes the optimiser and workspaces were laid out for.
    std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes;
    std::vector<bool> layerMasked; // a layer has pruned entries: pass its mask to the optimiser

    // Training workspace, sized once per batch size (the step loop never allocates).
    Matrix input;                  // features x batch
    std::vector<int> batchLabels;
    Backpropagation backpropagation;

    // Last weights known to be finite, restored when a step produces non-finite ones.
    std::vector<Matrix> snapshotWeights;
    std::vector<Vector> snapshotBiases;
    long snapshotStep = -1;
    long snapshotInterval = 1;

    // Evaluation workspace (whole-dataset forward passes in chunks).
    std::vector<Matrix> evaluationActivations;
};

Trainer::Trainer(Network& network, const Dataset& train, const Dataset* test, const TrainingConfig& config)
    : m_network(network)
    , m_train(train)
    , m_test(test)
    , m_config(config)
    , m_state(std::make_unique<State>())
{
    m_config.validate();
    if (network.layers().empty())
        throw ConfigError("Trainer: the network has no layers");
    if (train.sampleCount() == 0)
        throw ConfigError("Trainer: the training data has no samples");
    checkData(network, train, "training");
    if (test)
        checkData(network, *test, "test");
    State& s = *m_state;
    s.random.reseed(m_config.seed);
    s.dropout.reseed(s.random.next());
    s.optimizer = Optimizer::create(m_config.optimizer);
    s.order.resize(static_cast<std::size_t>(train.sampleCount()));
    std::iota(s.order.begin(), s.order.end(), 0);
}

Trainer::~Trainer() = default;

void Trainer::setConfig(const TrainingConfig& config)
{
    config.validate();
    State& s = *m_state;
    if (config.optimizer.kind != m_config.optimizer.kind) {
        // A different rule has different state: start it fresh, the weights carry over.
        s.optimizer = Optimizer::create(config.optimizer);
        s.shapes.clear(); // re-laid out (and state sized) on the next step
    } else {
        s.optimizer->setSettings(config.optimizer);
    }
    if (config.seed != m_config.seed) {
        s.random.reseed(config.seed);
        s.dropout.reseed(s.random.next());
    }
    m_config = config;
}

long Trainer::stepCount() const
{
    return m_state->steps;
}

int Trainer::epochCount() const
{
    return m_state->epochs;
}

double Trainer::epochProgress() const
{
    const State& s = *m_state;
    return s.order.empty() ? s.epochs : s.epochs + static_cast<double>(s.position) / static_cast<double>(s.order.size());
}

// Brings the optimiser, masks and snapshot in line with the network as it is now: shapes
// may have changed (structured pruning) and masks may have gained zeros (pruning between
// calls or in a report callback). Pruned weights are zeroed with their optimiser state.
bool Trainer::synchronize(TrainingResult& result)
{
    State& s = *m_state;
    auto& layers = m_network.layers();
    bool relayout = s.shapes.size() != layers.size();
    for (std::size_t l = 0; !relayout && l < layers.size(); ++l)
        relayout = s.shapes[l] != std::make_pair(layers[l].weights.rows(), layers[l].weights.cols());
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const DenseLayer& layer = layers[l];
        if (layer.bias.size() != layer.weights.rows() || layer.mask.rows() != layer.weights.rows()
            || layer.mask.cols() != layer.weights.cols()
            || (l > 0 && layer.weights.cols() != layers[l - 1].weights.rows()))
            throw ConfigError("Trainer: layer " + std::to_string(l + 1) + " has inconsistent shapes (weights "
                              + std::to_string(layer.weights.rows()) + "x" + std::to_string(layer.weights.cols())
                              + ", bias " + std::to_string(layer.bias.size()) + ", mask "
                              + std::to_string(layer.mask.rows()) + "x" + std::to_string(layer.mask.cols()) + ")");
    }
    if (relayout) {
        s.shapes.clear();
        std::vector<std::size_t> sizes;
        long parameters = 0;
        for (const DenseLayer& layer : layers) {
            s.shapes.emplace_back(layer.weights.rows(), layer.weights.cols());
            sizes.push_back(static_cast<std::size_t>(layer.weights.size()));
            sizes.push_back(static_cast<std::size_t>(layer.bias.size()));
            parameters += static_cast<long>(layer.weights.size() + layer.bias.size());
        }
        s.optimizer->setTensorSizes(sizes);
        s.evaluationActivations.clear();
        // A snapshot copies every parameter: for big models take one every few steps so
        // that it stays under ~1% of the step time; tiny models snapshot every step.
        s.snapshotInterval = std::max(1L, parameters / 16384);
    }
    s.layerMasked.assign(layers.size(), false);
    bool anyMasked = false;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const DenseLayer& layer = layers[l];
        if ((layer.mask.array() == Scalar(0)).any()) {
            s.layerMasked[l] = true;
            anyMasked = true;
            s.optimizer->clearMaskedState(
                2 * l, std::span<const Scalar>(layer.mask.data(), static_cast<std::size_t>(layer.mask.size())));
        }
    }
    if (anyMasked)
        m_network.applyMasks();
    if (!m_network.isFinite()) {
        result.outcome = TrainingOutcome::Diverged;
        result.message = "The network's weights are not finite (NaN or Inf) before training; nothing was changed.";
        return false;
    }
    takeSnapshot();
    return true;
}

void Trainer::takeSnapshot()
{
    State& s = *m_state;
    const auto& layers = m_network.layers();
    s.snapshotWeights.resize(layers.size());
    s.snapshotBiases.resize(layers.size());
    for (std::size_t l = 0; l < layers.size(); ++l) {
        s.snapshotWeights[l] = layers[l].weights; // same size after the first time: no allocation
        s.snapshotBiases[l] = layers[l].bias;
    }
    s.snapshotStep = s.steps;
}

void Trainer::prepareWorkspace(int batch)
{
    State& s = *m_state;
    if (s.input.cols() != batch || s.input.rows() != m_network.layers().front().inputs()) {
        s.input.resize(m_network.layers().front().inputs(), batch);
        s.batchLabels.resize(static_cast<std::size_t>(batch));
    }
    s.backpropagation.prepare(m_network, batch, m_config.regularization.dropout > 0);
}

// One optimiser step on the next mini-batch. Returns false (and fills result) on divergence.
bool Trainer::runStep(TrainingResult& result)
{
    State& s = *m_state;
    const int sampleCount = m_train.sampleCount();
    if (s.position == 0)
        s.random.shuffle(s.order);
    const int batch = std::min(m_config.batchSize, sampleCount);
    prepareWorkspace(batch);
    const int n = std::min(batch, sampleCount - static_cast<int>(s.position));

    // Gather the mini-batch.
    for (int j = 0; j < n; ++j) {
        const int index = s.order[s.position + static_cast<std::size_t>(j)];
        s.input.col(j) = m_train.features.col(index);
        s.batchLabels[static_cast<std::size_t>(j)] = m_train.labels[static_cast<std::size_t>(index)];
    }
    const std::span<const int> labels(s.batchLabels.data(), static_cast<std::size_t>(n));

    auto& layers = m_network.layers();
    const std::size_t count = layers.size();
    const double rate = m_config.regularization.dropout;
    Backpropagation& backpropagation = s.backpropagation;
    const double loss = backpropagation.compute(m_network, s.input.leftCols(n), labels,
                                                rate > 0 ? &s.dropout : nullptr, rate);
    if (!std::isfinite(loss)) {
        restoreSnapshot();
        result.outcome = TrainingOutcome::Diverged;
        result.message = "Training diverged at step " + std::to_string(s.steps + 1) + " (epoch "
                         + std::to_string(s.epochs + 1) + "): the training loss became "
                         + (std::isnan(loss) ? "NaN" : "infinite") + ". " + restoredText();
        return false;
    }
    // These weights gave a finite loss: a good point to fall back to.
    if (s.steps - s.snapshotStep >= s.snapshotInterval)
        takeSnapshot();
    s.lossSum += loss * n;
    s.seen += n;
    s.correct += countCorrect(backpropagation.logits(), labels, m_network.isBinary());

    // Update: penalties, masks and the proximal L1 step are folded into the optimiser pass.
    const PenaltyTerms penalty = weightPenalty(m_config.regularization);
    s.optimizer->beginStep();
    bool finite = true;
    for (std::size_t l = 0; l < count; ++l) {
        DenseLayer& layer = layers[l];
        const std::span<const Scalar> mask = s.layerMasked[l]
            ? std::span<const Scalar>(layer.mask.data(), static_cast<std::size_t>(layer.mask.size()))
            : std::span<const Scalar>();
        finite &= s.optimizer->update(2 * l, {layer.weights.data(), static_cast<std::size_t>(layer.weights.size())},
                                      {backpropagation.weightGradient(l).data(), static_cast<std::size_t>(layer.weights.size())},
                                      mask, penalty);
        finite &= s.optimizer->update(2 * l + 1, {layer.bias.data(), static_cast<std::size_t>(layer.bias.size())},
                                      {backpropagation.biasGradient(l).data(), static_cast<std::size_t>(layer.bias.size())});
    }
    ++s.steps;
    s.position += static_cast<std::size_t>(n);

    if (!finite) {
        restoreSnapshot();
        result.outcome = TrainingOutcome::Diverged;
        result.message = "Training diverged at step " + std::to_string(s.steps) + " (epoch " + std::to_string(s.epochs + 1)
                         + "): the weights became NaN or infinite. " + restoredText();
        return false;
    }
    return true;
}

// Divergence: back to the last weights known to give a finite loss. The optimiser's moments
// may hold huge or non-finite values by now; continuing with them would diverge again at once.
void Trainer::restoreSnapshot()
{
    State& s = *m_state;
    auto& layers = m_network.layers();
    for (std::size_t l = 0; l < layers.size(); ++l) {
        layers[l].weights = s.snapshotWeights[l];
        layers[l].bias = s.snapshotBiases[l];
    }
    s.optimizer->reset();
}

std::string Trainer::restoredText() const
{
    return "Training stopped; the last finite weights (those after step " + std::to_string(m_state->snapshotStep)
           + ", which gave a finite loss) were restored and the optimiser state was reset. Lower the learning "
             "rate to continue.";
}

TrainingResult Trainer::step()
{
    TrainingResult result;
    const auto start = Clock::now();
    if (synchronize(result) && runStep(result)) {
        State& s = *m_state;
        if (s.position >= s.order.size()) {
            s.position = 0;
            ++s.epochs;
        }
    }
    m_state->seconds += std::chrono::duration<double>(Clock::now() - start).count();
    return result;
}

TrainingResult Trainer::trainSteps(long steps, const std::atomic<bool>* cancel)
{
    if (steps < 0)
        throw ConfigError("Trainer::trainSteps: steps must be >= 0, got " + std::to_string(steps));
    TrainingResult result;
    State& s = *m_state;
    const auto start = Clock::now();
    if (synchronize(result)) {
        for (long i = 0; i < steps; ++i) {
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                result.outcome = TrainingOutcome::Cancelled;
                result.message = "Training cancelled after step " + std::to_string(s.steps) + ".";
                break;
            }
            if (!runStep(result))
                break;
            if (s.position >= s.order.size()) {
                s.position = 0;
                ++s.epochs;
                s.lossSum = 0;
                s.seen = 0;
                s.correct = 0;
            }
        }
    }
    s.seconds += std::chrono::duration<double>(Clock::now() - start).count();
    return result;
}

TrainingResult Trainer::train(int epochs, const std::atomic<bool>* cancel, const ReportCallback& onReport)
{
    if (epochs < 0)
        throw ConfigError("Trainer::train: epochs must be >= 0, got " + std::to_string(epochs));
    TrainingResult result;
    State& s = *m_state;
    auto start = Clock::now();
    const auto addElapsed = [&] {
        const auto now = Clock::now();
        s.seconds += std::chrono::duration<double>(now - start).count();
        start = now;
    };
    if (!synchronize(result)) {
        addElapsed();
        return result;
    }
    // A partly trained epoch (after step()) is finished as the first of the requested ones.
    const int target = s.epochs + epochs;
    while (s.epochs < target) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            result.outcome = TrainingOutcome::Cancelled;
            result.message = "Training cancelled after step " + std::to_string(s.steps) + ".";
            break;
        }
        if (!runStep(result))
            break;
        bool report = m_config.reportEverySteps > 0 && s.steps % m_config.reportEverySteps == 0;
        if (s.position >= s.order.size()) {
            s.position = 0;
            ++s.epochs;
            report = true;
        }
        if (report && onReport) {
            addElapsed();
            TrainingReport entry = makeReport(false);
            s.lossSum = 0;
            s.seen = 0;
            s.correct = 0;
            onReport(entry);
            // The callback may have pruned the network (gradual pruning): pick that up.
            if (!synchronize(result))
                break;
        } else if (report) {
            s.lossSum = 0;
            s.seen = 0;
            s.correct = 0;
        }
    }
    addElapsed();
    return result;
}

// Forward pass over a whole dataset in chunks: mean loss and predicted labels.
double Trainer::evaluate(const Dataset& data, Labels& predicted) const
{
    State& s = *m_state;
    const auto& layers = m_network.layers();
    const std::size_t count = layers.size();
    const int chunk = std::min(kEvaluationChunk, std::max(1, data.sampleCount()));
    if (s.evaluationActivations.size() != count || s.evaluationActivations.front().cols() != chunk) {
        s.evaluationActivations.resize(count);
        for (std::size_t l = 0; l < count; ++l)
            s.evaluationActivations[l].resize(layers[l].outputs(), chunk);
    }
    const bool binary = m_network.isBinary();
    predicted.resize(static_cast<std::size_t>(data.sampleCount()));
    double lossSum = 0;
    for (int start = 0; start < data.sampleCount(); start += chunk) {
        const int n = std::min(chunk, data.sampleCount() - start);
        for (std::size_t l = 0; l < count; ++l) {
            auto out = s.evaluationActivations[l].leftCols(n);
            if (l == 0)
                multiplyInto(out, layers[l].weights, data.features.middleCols(start, n));
            else
                multiplyInto(out, layers[l].weights, s.evaluationActivations[l - 1].leftCols(n));
            addBiasAndActivate(out, layers[l].bias, layers[l].activation, l + 1 < count);
        }
        const auto logits = s.evaluationActivations[count - 1].leftCols(n);
        const std::span<const int> labels(data.labels.data() + start, static_cast<std::size_t>(n));
        lossSum += crossEntropySum(binary, logits, labels);
        const Labels chunkPredictions = predictFromLogits(logits, binary);
        std::copy(chunkPredictions.begin(), chunkPredictions.end(), predicted.begin() + start);
    }
    return data.sampleCount() > 0 ? lossSum / data.sampleCount() : 0.0;
}

TrainingReport Trainer::makeReport(bool evaluateTrainingSet) const
{
    const State& s = *m_state;
    TrainingReport report;
    report.epoch = s.epochs;
    report.step = s.steps;
    report.epochProgress = s.epochs + static_cast<double>(s.position) / static_cast<double>(s.order.size());
    report.seconds = s.seconds;
    if (evaluateTrainingSet || s.seen == 0) {
        Labels predicted;
        report.trainLoss = evaluate(m_train, predicted);
        long correct = 0;
        for (std::size_t i = 0; i < predicted.size(); ++i)
            correct += predicted[i] == m_train.labels[i];
        report.trainAccuracy = static_cast<double>(correct) / static_cast<double>(m_train.sampleCount());
    } else {
        // Running means over the mini-batches since the last report (as Keras reports them):
        // free, where a second pass over a large training set would cost a third of an epoch.
        report.trainLoss = s.lossSum / static_cast<double>(s.seen);
        report.trainAccuracy = static_cast<double>(s.correct) / static_cast<double>(s.seen);
    }
    if (m_test && m_test->sampleCount() > 0) {
        Labels predicted;
        report.testLoss = evaluate(*m_test, predicted);
        const ClassificationReport metrics = classificationReport(m_test->labels, predicted, m_network.classCount());
        report.testAccuracy = metrics.accuracy;
        report.testMacroF1 = metrics.macro.f1;
    }
    report.sparsity = weightStatistics(m_network).sparsity;
    return report;
}

TrainingReport Trainer::evaluateNow() const
{
    return makeReport(true);
}

} // namespace ss
