#include "nn/Trainer.h"

#include "kernels/Gemm.h"
#include "common/Error.h"
#include "common/Random.h"
#include "metrics/Metrics.h"
#include "nn/WeightStatistics.h"
#include "nn/Backpropagation.h"
#include "nn/Loss.h"
#include "nn/Optimizer.h"
#include "nn/Regularizer.h"
#include "common/ThreadTeam.h"

#include <omp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
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

// The largest magnitude among the values, for the divergence bound (NaN is caught by the
// optimiser's finiteness test, not here).
Scalar largestMagnitude(const Scalar* values, Eigen::Index count)
{
    return count == 0 ? Scalar(0) : Eigen::Map<const Eigen::Array<Scalar, Eigen::Dynamic, 1>>(values, count).abs().maxCoeff();
}

// Checked before every step: when the caller has asked to stop, result says so.
bool cancelRequested(const std::atomic<bool>* cancel, long stepsDone, TrainingResult& result)
{
    if (!cancel || !cancel->load(std::memory_order_relaxed))
        return false;
    result.outcome = TrainingOutcome::Cancelled;
    result.message = "Training cancelled after step " + std::to_string(stepsDone) + ".";
    return true;
}

Scalar largestParameter(const Network& network)
{
    Scalar largest = 0;
    for (const DenseLayer& layer : network.layers())
        largest = std::max({largest, largestMagnitude(layer.weights.data(), layer.weights.size()),
                            largestMagnitude(layer.bias.data(), layer.bias.size())});
    return largest;
}

} // namespace

struct Trainer::State {
    std::unique_ptr<Optimizer> optimizer;
    Random random;

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

    void clearRunningStatistics()
    {
        lossSum = 0;
        seen = 0;
        correct = 0;
    }
    // Starts the next epoch once this one's sample order is used up; says whether it did.
    bool finishEpochIfDone()
    {
        if (position < order.size())
            return false;
        position = 0;
        ++epochs;
        return true;
    }

    // Layer shapes the optimiser and workspaces were laid out for.
    std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes;
    std::vector<bool> layerMasked; // a layer has pruned entries: pass its mask to the optimiser

    // Training workspaces, one per thread that works on a mini-batch, sized once per batch
    // size (the step loop never allocates). Thread t takes the t-th contiguous part of each
    // mini-batch; with one thread that is the whole batch.
    struct Worker {
        Matrix input;              // features x part of the batch
        std::vector<int> labels;
        Backpropagation backpropagation;
        Dropout dropout;
        double lossSum = 0;        // this step: summed loss / batch size
        long correct = 0;
        bool finite = true;
        Scalar largestParameter = 0; // this step: the largest |value| this thread updated
    };
    std::vector<Worker> workers;
    int workerBatch = 0;           // batch size the workers were prepared for
    bool workerDropout = false;
    std::uint64_t dropoutKey = 0;  // per-step, per-part dropout streams derive from it
    // Parameter spans each thread updates when several do: (tensor, begin, end) triples.
    std::vector<std::vector<std::array<std::size_t, 3>>> updateSpans;
    std::unique_ptr<ThreadTeam> team; // helper threads for steps split among threads

    // Last weights known to be finite, restored when a step produces non-finite ones.
    std::vector<Matrix> snapshotWeights;
    std::vector<Vector> snapshotBiases;
    long snapshotStep = -1;
    long snapshotInterval = 1;
    // Lowest finite mini-batch loss so far, for the divergence test (divergenceLimit).
    double bestLoss = std::numeric_limits<double>::infinity();

    // Evaluation workspaces (whole-dataset forward passes in chunks), one per thread.
    std::vector<std::vector<Matrix>> evaluationActivations;
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
    s.dropoutKey = s.random.next();
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
        s.dropoutKey = s.random.next();
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

void Trainer::resumeAt(int epochs, long steps, double seconds)
{
    if (epochs < 0 || steps < 0 || !(seconds >= 0.0))
        throw ConfigError("Trainer::resumeAt: epochs, steps and seconds must be >= 0, got " + std::to_string(epochs) + ", "
                          + std::to_string(steps) + ", " + std::to_string(seconds));
    State& s = *m_state;
    s.epochs = epochs;
    s.steps = steps;
    s.seconds = seconds;
    s.position = 0;
    s.clearRunningStatistics();
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
        s.workers.clear();
        s.updateSpans.clear();
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
    // The kept weights must be within the bound: a network already beyond it is not trained.
    if (const Scalar largest = largestParameter(m_network); largest > kDivergenceWeightBound) {
        std::ostringstream text;
        text << "The network has a weight of magnitude " << largest << " before training, beyond the bound of "
             << kDivergenceWeightBound << "; nothing was changed.";
        result.outcome = TrainingOutcome::Diverged;
        result.message = text.str();
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

// How many threads share a mini-batch (at most teamThreadCount(): SPARSESCOPE_THREADS, else
// OMP_NUM_THREADS).
// Each part runs its GEMMs on its own thread and the threads meet three times a step (start,
// barrier, end), instead of Eigen forking and synchronising inside every GEMM: cheaper, and
// far more robust when the cores are also busy with other work (a descheduled partner stalls
// Eigen's fine-grained packing handshakes, and OpenMP's spinning waits burn its time slice;
// the ThreadTeam sleeps instead). Small nets and batches stay on one thread: their whole
// step takes microseconds, less than a hand-off.
int Trainer::threadsForBatch(int batch) const
{
    const int available = teamThreadCount();
    if (available < 2 || omp_in_parallel())
        return 1;
    double work = 0; // multiply-adds per sample, forward and backward
    for (const DenseLayer& layer : m_network.layers())
        work += 3.0 * static_cast<double>(layer.weights.size());
    constexpr double minimumWorkPerThread = 2.0e6;
    constexpr int minimumSamplesPerThread = 16;
    const int byWork = static_cast<int>(work * batch / minimumWorkPerThread);
    const int bySamples = batch / minimumSamplesPerThread;
    return std::max(1, std::min({available, byWork, bySamples}));
}

void Trainer::prepareWorkers(int batch, int threads)
{
    State& s = *m_state;
    const bool dropout = m_config.regularization.dropout > 0;
    const int inputs = m_network.layers().front().inputs();
    if (static_cast<int>(s.workers.size()) == threads && s.workerBatch == batch && s.workerDropout == dropout
        && s.workers.front().input.rows() == inputs)
        return;
    s.workers.resize(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t) {
        const int part = partEnd(batch, threads, t) - partBegin(batch, threads, t);
        State::Worker& worker = s.workers[static_cast<std::size_t>(t)];
        worker.input.resize(inputs, part);
        worker.labels.resize(static_cast<std::size_t>(part));
        worker.backpropagation.prepare(m_network, part, dropout);
    }
    // Spans of the flattened parameters, equal shares per thread, on 64-byte boundaries.
    s.updateSpans.assign(static_cast<std::size_t>(threads), {});
    const std::size_t tensors = s.optimizer->tensorCount();
    std::size_t total = 0;
    for (std::size_t k = 0; k < tensors; ++k)
        total += s.optimizer->tensorSize(k);
    const std::size_t share = ((total + static_cast<std::size_t>(threads) - 1) / static_cast<std::size_t>(threads) + 15)
        & ~std::size_t(15);
    std::size_t offset = 0;
    for (std::size_t k = 0; k < tensors; ++k) {
        const std::size_t size = s.optimizer->tensorSize(k);
        for (int t = 0; t < threads; ++t) {
            const std::size_t from = std::max(offset, static_cast<std::size_t>(t) * share);
            const std::size_t to = std::min(offset + size, static_cast<std::size_t>(t + 1) * share);
            if (from < to)
                s.updateSpans[static_cast<std::size_t>(t)].push_back({k, from - offset, to - offset});
        }
        offset += size;
    }
    s.workerBatch = batch;
    s.workerDropout = dropout;
}

int Trainer::partBegin(int batch, int parts, int part)
{
    return static_cast<int>(static_cast<long>(batch) * part / parts);
}

int Trainer::partEnd(int batch, int parts, int part)
{
    return static_cast<int>(static_cast<long>(batch) * (part + 1) / parts);
}

// Forward and backward on one part of the mini-batch (positions [begin, end) of this step's
// samples in the epoch order), on the calling thread.
void Trainer::computePart(int part, int begin, int end, int batch)
{
    State& s = *m_state;
    State::Worker& worker = s.workers[static_cast<std::size_t>(part)];
    const int n = end - begin;
    for (int j = 0; j < n; ++j) {
        const int index = s.order[s.position + static_cast<std::size_t>(begin + j)];
        worker.input.col(j) = m_train.features.col(index);
        worker.labels[static_cast<std::size_t>(j)] = m_train.labels[static_cast<std::size_t>(index)];
    }
    const std::span<const int> labels(worker.labels.data(), static_cast<std::size_t>(n));
    const double rate = m_config.regularization.dropout;
    if (rate > 0) // a stream per (step, part): reproducible whatever thread runs the part
        worker.dropout.reseed(s.dropoutKey ^ (static_cast<std::uint64_t>(s.steps) * 1024u + static_cast<std::uint64_t>(part)));
    worker.lossSum = worker.backpropagation.compute(m_network, worker.input.leftCols(n), labels,
                                                    rate > 0 ? &worker.dropout : nullptr, rate, batch);
    worker.correct = countCorrect(worker.backpropagation.logits(), labels, m_network.isBinary());
}

// One optimiser step on the next mini-batch. Returns false (and fills result) on divergence.
bool Trainer::runStep(TrainingResult& result)
{
    State& s = *m_state;
    const int sampleCount = m_train.sampleCount();
    if (s.position == 0)
        s.random.shuffle(s.order);
    const int batch = std::min(m_config.batchSize, sampleCount);
    const int threads = threadsForBatch(batch);
    prepareWorkers(batch, threads);
    const int n = std::min(batch, sampleCount - static_cast<int>(s.position));
    auto& layers = m_network.layers();
    const std::size_t count = layers.size();
    const PenaltyTerms penalty = weightPenalty(m_config.regularization);
    const bool snapshotDue = s.steps - s.snapshotStep >= s.snapshotInterval;
    const double lossLimit = divergenceLimit();
    const auto diverging = [lossLimit](double value) { return !std::isfinite(value) || value > lossLimit; };

    double loss = 0;
    bool finite = true;
    Scalar largest = 0; // the largest |parameter| after the update
    if (threads == 1) {
        computePart(0, 0, n, n);
        const State::Worker& worker = s.workers.front();
        loss = worker.lossSum;
        if (!diverging(loss)) {
            // These weights gave a finite loss: a good point to fall back to.
            if (snapshotDue)
                takeSnapshot();
            const Backpropagation& backpropagation = worker.backpropagation;
            s.optimizer->beginStep();
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
                largest = std::max({largest, largestMagnitude(layer.weights.data(), layer.weights.size()),
                                    largestMagnitude(layer.bias.data(), layer.bias.size())});
            }
        }
    } else {
        // Parts of the batch in parallel, one per member of the thread team; then each member
        // sums the parts' gradients over its own span of the parameters (in part order: the
        // same bits on every run) and steps it.
        s.optimizer->beginStep();
        for (State::Worker& worker : s.workers) {
            worker.finite = true;
            worker.largestParameter = 0;
        }
        if (!s.team || s.team->size() != threads)
            s.team = std::make_unique<ThreadTeam>(threads);
        std::atomic<bool> failed{false};
        auto task = [&](int id) {
            try {
                computePart(id, partBegin(n, threads, id), partEnd(n, threads, id), n);
            } catch (...) {
                failed.store(true);
            }
            s.team->barrier();
            double total = 0;
            for (const State::Worker& worker : s.workers)
                total += worker.lossSum;
            if (failed.load() || diverging(total))
                return;
            State::Worker& own = s.workers[static_cast<std::size_t>(id)];
            for (const auto& [tensor, begin, end] : s.updateSpans[static_cast<std::size_t>(id)]) {
                const std::size_t l = tensor / 2;
                const bool weights = tensor % 2 == 0;
                DenseLayer& layer = layers[l];
                Scalar* values = weights ? layer.weights.data() : layer.bias.data();
                const auto gradientOf = [&](State::Worker& worker) {
                    return weights ? worker.backpropagation.weightGradient(l).data()
                                   : worker.backpropagation.biasGradient(l).data();
                };
                Scalar* sum = gradientOf(s.workers.front());
                for (std::size_t w = 1; w < s.workers.size(); ++w) {
                    const Scalar* other = gradientOf(s.workers[w]);
                    for (std::size_t i = begin; i < end; ++i)
                        sum[i] += other[i];
                }
                if (snapshotDue) {
                    Scalar* saved = weights ? s.snapshotWeights[l].data() : s.snapshotBiases[l].data();
                    std::copy(values + begin, values + end, saved + begin);
                }
                const Scalar* mask = weights && s.layerMasked[l] ? layer.mask.data() : nullptr;
                own.finite &= s.optimizer->updateSlice(tensor, begin, end, values, sum, mask,
                                                       weights ? penalty : PenaltyTerms{});
                own.largestParameter = std::max(own.largestParameter,
                                                largestMagnitude(values + begin, static_cast<Eigen::Index>(end - begin)));
            }
        };
        s.team->run(task);
        if (failed.load())
            throw ConfigError("Trainer: a worker thread failed while computing the mini-batch gradient");
        for (const State::Worker& worker : s.workers) {
            loss += worker.lossSum;
            finite &= worker.finite;
            largest = std::max(largest, worker.largestParameter);
        }
        if (!diverging(loss) && snapshotDue)
            s.snapshotStep = s.steps;
    }

    if (diverging(loss)) {
        restoreSnapshot();
        result.outcome = TrainingOutcome::Diverged;
        std::ostringstream what;
        if (std::isfinite(loss))
            what << "grew to " << loss << ", more than " << kDivergenceLossFactor << " times the best seen ("
                 << lossLimit / kDivergenceLossFactor << ")";
        else
            what << "became " << (std::isnan(loss) ? "NaN" : "infinite");
        result.message = "Training diverged at step " + std::to_string(s.steps + 1) + " (epoch "
                         + std::to_string(s.epochs + 1) + "): the training loss " + what.str() + ". " + restoredText();
        return false;
    }
    s.bestLoss = std::min(s.bestLoss, loss);
    s.lossSum += loss * n;
    s.seen += n;
    for (const State::Worker& worker : s.workers)
        s.correct += worker.correct;
    ++s.steps;
    s.position += static_cast<std::size_t>(n);

    if (!finite) {
        restoreSnapshot();
        result.outcome = TrainingOutcome::Diverged;
        result.message = "Training diverged at step " + std::to_string(s.steps) + " (epoch " + std::to_string(s.epochs + 1)
                         + "): the weights became NaN or infinite. " + restoredText();
        return false;
    }
    if (largest > kDivergenceWeightBound) {
        restoreSnapshot();
        result.outcome = TrainingOutcome::Diverged;
        std::ostringstream what;
        what << "Training diverged at step " << s.steps << " (epoch " << s.epochs + 1 << "): a weight reached magnitude "
             << largest << ", beyond the bound of " << kDivergenceWeightBound << ". ";
        result.message = what.str() + restoredText();
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

double Trainer::divergenceLimit() const
{
    // The best loss seen, but never below that of a uniform guess (ln K): a well-trained
    // model's near-zero loss would otherwise make one hard mini-batch look like divergence.
    const double chance = std::log(std::max(2, m_network.architecture().classes));
    return kDivergenceLossFactor * std::max(std::min(m_state->bestLoss, std::numeric_limits<double>::max()), chance);
}

std::string Trainer::restoredText() const
{
    return "Training stopped; the last good weights (those after step " + std::to_string(m_state->snapshotStep)
           + ", with a finite loss in range and weights within the bound) were restored and the optimiser state was "
             "reset. Lower the learning rate to continue.";
}

TrainingResult Trainer::step()
{
    TrainingResult result;
    const auto start = Clock::now();
    if (synchronize(result) && runStep(result))
        m_state->finishEpochIfDone();
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
            if (cancelRequested(cancel, s.steps, result) || !runStep(result))
                break;
            if (s.finishEpochIfDone())
                s.clearRunningStatistics();
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
        if (cancelRequested(cancel, s.steps, result) || !runStep(result))
            break;
        const bool periodic = m_config.reportEverySteps > 0 && s.steps % m_config.reportEverySteps == 0;
        const bool report = s.finishEpochIfDone() || periodic;
        if (report && onReport) {
            addElapsed();
            TrainingReport entry = makeReport(false);
            s.clearRunningStatistics();
            onReport(entry);
            // The callback may have pruned the network (gradual pruning): pick that up.
            if (!synchronize(result))
                break;
        } else if (report) {
            s.clearRunningStatistics();
        }
    }
    addElapsed();
    return result;
}

// Forward pass over a whole dataset in chunks of samples, the chunks shared among the
// threads: mean loss and predicted labels. Chunk losses are added in chunk order, so the
// result does not depend on which thread did what.
double Trainer::evaluate(const Dataset& data, Labels& predicted) const
{
    State& s = *m_state;
    const auto& layers = m_network.layers();
    const std::size_t count = layers.size();
    const int samples = data.sampleCount();
    predicted.resize(static_cast<std::size_t>(samples));
    if (samples == 0)
        return 0.0;
    const int chunk = std::min(kEvaluationChunk, samples);
    const int chunks = (samples + chunk - 1) / chunk;
    double work = 0;
    for (const DenseLayer& layer : layers)
        work += static_cast<double>(layer.weights.size());
    const int threads = omp_in_parallel() || work * chunk < 1.0e6 ? 1 : std::max(1, std::min(omp_get_max_threads(), chunks));
    if (static_cast<int>(s.evaluationActivations.size()) < threads
        || s.evaluationActivations.front().size() != count || s.evaluationActivations.front().front().cols() != chunk) {
        s.evaluationActivations.assign(static_cast<std::size_t>(threads), std::vector<Matrix>(count));
        for (auto& buffers : s.evaluationActivations)
            for (std::size_t l = 0; l < count; ++l)
                buffers[l].resize(layers[l].outputs(), chunk);
    }
    const bool binary = m_network.isBinary();
    std::vector<double> chunkLoss(static_cast<std::size_t>(chunks), 0.0);
    const auto forwardChunk = [&](int index, std::vector<Matrix>& buffers) {
        const int start = index * chunk;
        const int n = std::min(chunk, samples - start);
        forwardBlock(m_network, data.features.middleCols(start, n), buffers, threads == 1);
        const auto logits = buffers[count - 1].leftCols(n);
        const std::span<const int> labels(data.labels.data() + start, static_cast<std::size_t>(n));
        chunkLoss[static_cast<std::size_t>(index)] = crossEntropySum(binary, logits, labels);
        for (int j = 0; j < n; ++j)
            predicted[static_cast<std::size_t>(start + j)] = labelFromLogits(logits, j, binary);
    };
    if (threads == 1) {
        for (int index = 0; index < chunks; ++index)
            forwardChunk(index, s.evaluationActivations.front());
    } else {
        bool failed = false;
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int index = 0; index < chunks; ++index) {
            try {
                forwardChunk(index, s.evaluationActivations[static_cast<std::size_t>(omp_get_thread_num())]);
            } catch (...) {
#pragma omp atomic write
                failed = true;
            }
        }
        if (failed)
            throw ConfigError("Trainer: evaluation failed (labels outside the network's classes?)");
    }
    double lossSum = 0;
    for (const double value : chunkLoss)
        lossSum += value;
    return lossSum / samples;
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
