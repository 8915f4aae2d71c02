#include "session/LiveExperiment.h"

#include "common/Error.h"
#include "common/ThreadTeam.h"
#include "compress/Pruning.h"
#include "metrics/Metrics.h"
#include "nn/Regularizer.h"
#include "nn/Trainer.h"
#include "nn/WeightStatistics.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <thread>

namespace ss {

namespace {

// Reports (full evaluation, snapshot) at most this often while training; slower when an
// evaluation is expensive, so that evaluating never takes more than ~1/4 of the time.
constexpr double kMinReportSeconds = 0.066;
constexpr double kReportCostFactor = 4.0;
// While a drag keeps sending commands, still show a result at least this often.
constexpr double kMinDragEmitSeconds = 0.05;
// A compression slider that moves while training holds training until the hand has been
// still this long: the weights stand still under the hand, so the evaluator's caches serve
// every position (a few ms on Fashion-MNIST) instead of a whole evaluation of weights that
// changed since the last one (~50 ms, which put the lag after the last move over 100 ms),
// and the numbers that move are the slider's doing alone. A hand that pauses for a moment
// keeps the hold; one that lets go gives training back within a quarter of a second.
constexpr double kDragHoldSeconds = 0.25;
// Train metrics come from a fixed slice of the training set: cheap and stable.
constexpr int kTrainMetricSamples = 2000;
// The history keeps at most this many points; older ones are thinned by half when full.
constexpr std::size_t kMaxHistory = 4000;
constexpr int kBoundaryResolution = 140;

// "Never" for the time points below: any interval since it is longer than every threshold.
constexpr double kLongAgo = -std::numeric_limits<double>::infinity();

std::string formatNumber(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", value);
    return text;
}

// One training run: a network, its trainer and its curves. Held by pointer because the
// trainer keeps a reference to the network.
struct Lane {
    std::shared_ptr<const PreparedData> data; // keeps the datasets the trainer refers to alive
    Network network;
    std::unique_ptr<Trainer> trainer;
    // Points are appended here, possibly thousands of times a second for tiny models;
    // snapshots get an immutable copy only when they are emitted.
    std::vector<HistoryPoint> history;
    std::shared_ptr<const std::vector<HistoryPoint>> published = std::make_shared<std::vector<HistoryPoint>>();
    bool historyChanged = false;

    Lane(std::shared_ptr<const PreparedData> prepared, const Architecture& architecture,
         std::uint64_t seed, const TrainingConfig& config)
        : data(std::move(prepared))
        , network(architecture, seed)
    {
        trainer = std::make_unique<Trainer>(network, data->split.train, &data->split.test, config);
    }

    void addPoint(const HistoryPoint& point)
    {
        // A restored session resumes at the start of its last, partial epoch: the curves
        // go on from where they were drawn, not back over it.
        if (!history.empty() && point.epoch < history.back().epoch)
            return;
        if (!history.empty() && history.back().epoch == point.epoch) {
            history.back() = point; // same position (e.g. paused): replace, do not stack
        } else {
            if (history.size() >= kMaxHistory) {
                // Thin the older half so the curve keeps its shape and the size stays bounded.
                const std::size_t half = history.size() / 2;
                std::size_t out = 0;
                for (std::size_t i = 0; i < half; i += 2)
                    history[out++] = history[i];
                for (std::size_t i = half; i < history.size(); ++i)
                    history[out++] = history[i];
                history.resize(out);
            }
            history.push_back(point);
        }
        historyChanged = true;
    }

    const std::shared_ptr<const std::vector<HistoryPoint>>& publish()
    {
        if (historyChanged) {
            published = std::make_shared<const std::vector<HistoryPoint>>(history);
            historyChanged = false;
        }
        return published;
    }
};

Labels argmaxColumns(const Matrix& probabilities)
{
    Labels labels(static_cast<std::size_t>(probabilities.cols()));
    for (Eigen::Index c = 0; c < probabilities.cols(); ++c) {
        Eigen::Index best = 0;
        probabilities.col(c).maxCoeff(&best);
        labels[static_cast<std::size_t>(c)] = static_cast<int>(best);
    }
    return labels;
}


// What changed between two training configurations, for the curves' markers.
std::vector<std::pair<std::string, std::string>> describeChanges(const TrainingConfig& before,
                                                                  const TrainingConfig& after)
{
    std::vector<std::pair<std::string, std::string>> changes;
    const auto& a = before.optimizer;
    const auto& b = after.optimizer;
    if (a.kind != b.kind)
        changes.emplace_back("optimizer", toString(b.kind));
    if (a.learningRate != b.learningRate)
        changes.emplace_back("lr", "lr " + formatNumber(b.learningRate));
    const auto& ra = before.regularization;
    const auto& rb = after.regularization;
    if (ra.l1 != rb.l1 || ra.l2 != rb.l2) {
        const double lambda = rb.l1 + rb.l2;
        const double alpha = lambda > 0 ? rb.l1 / lambda : 0.0;
        changes.emplace_back("lambda", "\u03bb " + formatNumber(lambda) + (lambda > 0 ? " \u03b1 " + formatNumber(alpha) : ""));
    }
    if (ra.l1Mode != rb.l1Mode)
        changes.emplace_back("l1mode", "L1 " + toString(rb.l1Mode));
    if (ra.dropout != rb.dropout)
        changes.emplace_back("dropout", "dropout " + formatNumber(rb.dropout));
    if (before.batchSize != after.batchSize)
        changes.emplace_back("batch", "batch " + std::to_string(after.batchSize));
    return changes;
}

} // namespace

struct LiveExperiment::State {
    explicit State(LiveClock& timeSource)
        : clock(timeSource)
        , lastReport(timeSource.now())
    {
    }

    LiveClock& clock;
    std::shared_ptr<const PreparedData> data;
    DatasetRequest request;
    ModelSpec model;
    TrainingConfig config;
    CompressionSetting compression;
    EnergyTable energy;
    bool running = false;
    ComparisonKind comparisonKind = ComparisonKind::None;
    int epochLimit = 0;            // the epoch training stops at (0: none)
    int epochsPerRun = 0;          // what the user set: also how many more a later Train runs
    double pace = 0;

    std::unique_ptr<Lane> main;
    std::unique_ptr<Lane> comparison;

    Dataset trainSlice;
    Matrix boundaryFeatures;       // the grid, scaled like the training data
    BoundaryGrid boundaryTemplate; // extents and size, without probabilities

    std::unique_ptr<InstantEvaluator> evaluator;
    // Shares the full evaluations while training among as many threads as a training step
    // uses (training waits for them; null on one core): the engine's worker created it, so its
    // helper yields to the GUI thread as the worker does.
    std::unique_ptr<ThreadTeam> evaluationTeam;
    ExactReferenceJob exactReference; // session/ExactReference.h
    std::uint64_t evaluatorWeightsVersion = ~std::uint64_t{0};

    std::uint64_t generation = 0;
    std::uint64_t modelGeneration = 0;
    std::uint64_t weightsVersion = 0;

    double trainingSeconds = 0;
    long stepsPerSlice = 1;        // adapted so that a slice takes about kSliceSeconds

    std::shared_ptr<const Network> trainedCopy;
    std::uint64_t trainedCopyVersion = ~std::uint64_t{0};
    std::shared_ptr<const std::vector<ParameterMarker>> markers = std::make_shared<std::vector<ParameterMarker>>();
    std::string lastMarkerKey;
    double lastMarkerTime = kLongAgo;

    double lastReport;
    long stepsAtLastReport = 0;
    double reportInterval = kMinReportSeconds;
    double stepsPerSecond = 0;
    double lastEmit = kLongAgo;
    double lastDrag = kLongAgo;    // when the last compression command arrived while training
    double heldSinceReport = 0;    // seconds training was held for a drag since the last report
    int dragMovesHeld = 0;         // compression commands in the current hold
    bool historyDirty = false;     // trained since the last history point
    double lastHistory = kLongAgo;
    double historyInterval = 0;    // adapted so that history points cost < 1/4 of the time
    std::string status;

    ThreadTeam* team()
    {
        if (!evaluationTeam && teamThreadCount() > 1)
            evaluationTeam = std::make_unique<ThreadTeam>(teamThreadCount());
        return evaluationTeam.get();
    }

    // Training is on but waits for a compression slider's hand (kDragHoldSeconds).
    bool heldForDrag() const { return running && secondsSince(lastDrag) < kDragHoldSeconds; }
    // A single move (a click, a key) is evaluated the plain way, which costs less than
    // building the evaluator's caches; the second move of a hold builds them for the rest.
    bool evaluatorServesDrag() const { return heldForDrag() && dragMovesHeld > 1; }

    double now() const { return clock.now(); }
    double secondsSince(double then) const { return clock.now() - then; }

    // The trainer is the one source of truth for where training is.
    long steps() const { return main ? main->trainer->stepCount() : 0; }
    int epoch() const { return main ? main->trainer->epochCount() : 0; }
    double epochProgress() const { return main ? main->trainer->epochProgress() : 0.0; }

    void addMarker(const std::string& key, const std::string& text)
    {
        auto next = std::make_shared<std::vector<ParameterMarker>>(*markers);
        const double at = epochProgress();
        // A drag sends many small changes: fold those of one parameter that come close
        // together (or with no training in between) into one marker.
        if (!next->empty() && key == lastMarkerKey
            && (next->back().epoch == at || secondsSince(lastMarkerTime) < 1.0)) {
            next->back().text = text;
        } else {
            next->push_back({at, text});
        }
        lastMarkerKey = key;
        lastMarkerTime = now();
        markers = std::move(next);
    }
};

void LiveCommands::setRestore(const RestoreRequest& request, std::uint64_t restoreGenerationNumber)
{
    dataset.reset();
    model.reset();
    training.reset();
    compression.reset();
    comparison.reset();
    pace.reset();
    epochLimit.reset();
    applyPruning.reset();
    running.reset();
    reset = false;
    steps = 0;
    if (request.energy)
        energy.reset();
    restore = request;
    restoreGeneration = restoreGenerationNumber;
}

double SteadyLiveClock::now() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void SteadyLiveClock::waitFor(double seconds)
{
    if (seconds > 0)
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

LiveExperiment::LiveExperiment(LiveExperimentEvents& events, LiveClock& clock, const std::atomic<bool>* commandWaiting,
                               const std::atomic<bool>* abort)
    : m_events(events)
    , m_clock(clock)
    , m_commandWaiting(commandWaiting)
    , m_abort(abort)
    , m_state(std::make_unique<State>(clock))
{
}

LiveExperiment::~LiveExperiment()
{
    // Lanes and the evaluator refer to the data; drop them first.
    m_state->evaluator.reset();
    m_state->comparison.reset();
    m_state->main.reset();
}

bool LiveExperiment::commandWaiting() const
{
    return m_commandWaiting && m_commandWaiting->load();
}

bool LiveExperiment::aborted() const
{
    return m_abort && m_abort->load();
}

bool LiveExperiment::wantsTraining() const
{
    return m_state->running && m_state->main;
}

bool LiveExperiment::hasIdleWork() const
{
    const bool showable = m_state->main && m_state->data;
    return (m_state->evaluator && m_state->evaluator->hasIdleWork())
        || (showable && (m_state->exactReference.hasNewResult() || m_state->exactReference.busy()));
}

void LiveExperiment::doIdleWork()
{
    if (!hasIdleWork())
        return;
    // The exact reference arrives from its own thread: shown as soon as it is there.
    if (m_state->exactReference.hasNewResult()) {
        emitSnapshot(Snapshot::Reason::Report, false);
        return;
    }
    if (!m_state->evaluator || !m_state->evaluator->hasIdleWork()) {
        // A short piece, which the driver's clock ends as soon as a command arrives (a drag
        // must not wait for the solve); the answer is looked for after it.
        m_clock.waitFor(0.05);
        return;
    }
    try {
        m_state->evaluator->doIdleWork();
    } catch (const std::exception&) {
        // Only an optimisation (out of memory, say): start the evaluator afresh without
        // checkpoints at the next evaluation.
        m_state->evaluator.reset();
    }
}

long LiveExperiment::steps() const
{
    return m_state->steps();
}

int LiveExperiment::epoch() const
{
    return m_state->epoch();
}

double LiveExperiment::epochProgress() const
{
    return m_state->epochProgress();
}

long LiveExperiment::stepsPerSlice() const
{
    return m_state->stepsPerSlice;
}
std::shared_ptr<PreparedData> LiveExperiment::prepareData(const DatasetRequest& request, std::string* error)
{
    m_events.busy("Loading " + request.nameOrPath + "\u2026");
    std::shared_ptr<PreparedData> prepared;
    try {
        prepared = std::make_shared<PreparedData>(prepareDataset(request, m_abort));
        prepared->split.train.validate();
        prepared->split.test.validate();
        if (prepared->split.train.sampleCount() == 0 || prepared->split.test.sampleCount() == 0)
            throw ConfigError("the dataset has too few samples for a train/test split");
    } catch (const std::exception& failure) {
        prepared.reset();
        *error = failure.what();
    }
    m_events.busy({});
    return prepared;
}

bool LiveExperiment::loadDataset(const DatasetRequest& request, const ModelSpec& model)
{
    State& state = *m_state;
    std::string error;
    std::shared_ptr<PreparedData> prepared = prepareData(request, &error);
    if (!prepared && aborted())
        return false; // the load was cancelled by the abort: nothing went wrong to report
    if (!prepared) {
        std::string message = error;
        if (state.data)
            message += "\n\nThe previous dataset (" + state.request.nameOrPath + ") stays active.";
        m_events.problem(LiveProblem::Dataset, "Could not load " + request.nameOrPath, message);
        return false;
    }
    installData(std::move(prepared), request, model);
    return true;
}

void LiveExperiment::installData(std::shared_ptr<PreparedData> prepared, const DatasetRequest& request,
                                 const ModelSpec& model)
{
    State& state = *m_state;
    // Replace everything that refers to the old data before letting it go.
    state.evaluator.reset();
    state.comparison.reset();
    state.main.reset();
    state.data = std::move(prepared);
    state.request = request;

    const Dataset& train = state.data->split.train;
    const int sliceCount = std::min(train.sampleCount(), kTrainMetricSamples);
    std::vector<int> indices(static_cast<std::size_t>(sliceCount));
    for (int i = 0; i < sliceCount; ++i)
        indices[static_cast<std::size_t>(i)] = static_cast<int>(static_cast<long>(i) * train.sampleCount() / sliceCount);
    state.trainSlice = train.subset(indices);

    // The boundary grid, in original units, over the data's extent plus a margin.
    state.boundaryFeatures.resize(0, 0);
    if (train.featureCount() == 2) {
        const FeatureScaler& scaler = state.data->scaler;
        auto original = [&](int feature, Scalar scaled) {
            if (scaler.kind() == FeatureScaler::Kind::None || scaler.factor().size() == 0)
                return static_cast<double>(scaled);
            return static_cast<double>(scaled / scaler.factor()(feature) + scaler.offset()(feature));
        };
        double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
        for (const Dataset* part : {&state.data->split.train, &state.data->split.test})
            for (int s = 0; s < part->sampleCount(); ++s)
                for (int f = 0; f < 2; ++f) {
                    const double v = original(f, part->features(f, s));
                    lo[f] = std::min(lo[f], v);
                    hi[f] = std::max(hi[f], v);
                }
        BoundaryGrid& grid = state.boundaryTemplate;
        grid = BoundaryGrid{};
        grid.columns = kBoundaryResolution;
        grid.rows = kBoundaryResolution;
        grid.classes = train.classCount();
        for (int f = 0; f < 2; ++f) {
            const double margin = std::max(0.08 * (hi[f] - lo[f]), 1e-3);
            lo[f] -= margin;
            hi[f] += margin;
        }
        grid.xMin = lo[0]; grid.xMax = hi[0]; grid.yMin = lo[1]; grid.yMax = hi[1];
        Matrix points(2, grid.rows * grid.columns);
        for (int r = 0; r < grid.rows; ++r)
            for (int c = 0; c < grid.columns; ++c) {
                const double x = grid.xMin + (c + 0.5) * (grid.xMax - grid.xMin) / grid.columns;
                const double y = grid.yMin + (r + 0.5) * (grid.yMax - grid.yMin) / grid.rows;
                points(0, r * grid.columns + c) = static_cast<Scalar>(x);
                points(1, r * grid.columns + c) = static_cast<Scalar>(y);
            }
        // Scale the grid exactly as the data was scaled.
        scaler.apply(points);
        state.boundaryFeatures = std::move(points);
    }

    rebuildModel(model);
}

bool LiveExperiment::restoreSession(const RestoreRequest& request, std::uint64_t generation)
{
    State& state = *m_state;
    const auto refuse = [&](const std::string& why) {
        m_events.restoreFinished(generation, false, why);
        return false;
    };
    // Everything that can fail comes first: until the data is installed, nothing has changed.
    try {
        request.training.validate();
    } catch (const std::exception& error) {
        return refuse(error.what());
    }
    std::string error;
    std::shared_ptr<PreparedData> prepared = prepareData(request.dataset, &error);
    if (!prepared)
        return refuse(error);
    if (request.session) {
        try {
            checkSessionFitsData(*request.session, *prepared, request.sessionFile);
        } catch (const std::exception& failure) {
            return refuse(failure.what());
        }
    }
    const Dataset& train = prepared->split.train;
    const int layerCount = static_cast<int>(request.model.hidden.size()) + 1;
    try {
        request.compression.pruning.validate(layerCount);
    } catch (const std::exception& failure) {
        return refuse(failure.what());
    }
    if (request.network) {
        const Architecture& a = request.network->architecture();
        if (a.inputs != train.featureCount() || a.classes != std::max(2, train.classCount()) || a.hidden != request.model.hidden
            || (!a.hidden.empty() && a.hiddenActivation != request.model.activation))
            return refuse("the saved model (" + a.describe() + ", " + std::to_string(a.inputs) + " inputs, "
                          + std::to_string(a.classes) + " classes) does not fit the data ("
                          + std::to_string(train.featureCount()) + " features, " + std::to_string(train.classCount())
                          + " classes) or the model settings");
    }

    state.running = false;
    state.config = request.training;
    state.compression = request.compression;
    state.comparisonKind = request.comparison;
    state.pace = std::max(0.0, request.pace);
    state.epochLimit = std::max(0, request.epochLimit);
    state.epochsPerRun = state.epochLimit;
    if (request.energy)
        state.energy = *request.energy;   // the evaluator is rebuilt with the new data below
    installData(std::move(prepared), request.dataset, request.model);
    if (!state.main)
        return refuse("the model could not be built");
    for (Lane* lane : {state.main.get(), state.comparison.get()}) {
        if (!lane)
            continue;
        if (request.network) {
            lane->network = *request.network;
            lane->network.applyMasks();
        }
        lane->trainer->resumeAt(request.epoch, request.steps, request.seconds);
    }
    state.main->history = request.history;
    state.main->historyChanged = true;
    state.trainingSeconds = request.seconds;
    state.markers = std::make_shared<const std::vector<ParameterMarker>>(request.markers);
    state.status.clear();
    ++state.weightsVersion;
    m_events.restoreFinished(generation, true, {});
    return true;
}

void LiveExperiment::rebuildModel(const ModelSpec& model)
{
    State& state = *m_state;
    if (!state.data)
        return;
    const Dataset& train = state.data->split.train;
    Architecture architecture;
    architecture.inputs = train.featureCount();
    architecture.hidden = model.hidden;
    architecture.hiddenActivation = model.activation;
    architecture.classes = std::max(2, train.classCount());
    try {
        auto main = std::make_unique<Lane>(state.data, architecture, model.seed, state.config);
        std::unique_ptr<Lane> comparison;
        if (state.comparisonKind != ComparisonKind::None)
            comparison = std::make_unique<Lane>(state.data, architecture, model.seed,
                                                comparisonConfig(state.config, state.comparisonKind));
        state.evaluator.reset();
        state.main = std::move(main);
        state.comparison = std::move(comparison);
    } catch (const std::exception& error) {
        m_events.problem(LiveProblem::Settings, "Could not build the model", error.what());
        return;
    }
    state.model = model;
    state.trainingSeconds = 0;
    state.stepsPerSlice = 1;
    state.stepsAtLastReport = 0;
    state.stepsPerSecond = 0;
    state.historyDirty = false;
    state.markers = std::make_shared<std::vector<ParameterMarker>>();
    state.lastMarkerKey.clear();
    ++state.modelGeneration;
    ++state.weightsVersion;
    state.status.clear();
}

void LiveExperiment::applyTrainingConfig(const TrainingConfig& config)
{
    State& state = *m_state;
    try {
        config.validate();
    } catch (const std::exception& error) {
        m_events.problem(LiveProblem::Settings, "Setting not applied", error.what());
        return;
    }
    if (state.main && state.steps() > 0)
        for (const auto& [key, text] : describeChanges(state.config, config))
            state.addMarker(key, text);
    state.config = config;
    if (state.main)
        state.main->trainer->setConfig(config);
    if (state.comparison)
        state.comparison->trainer->setConfig(comparisonConfig(config, state.comparisonKind));
}

void LiveExperiment::process(LiveCommands& commands)
{
    State& state = *m_state;
    state.generation = commands.generation;
    Snapshot::Reason reason = Snapshot::Reason::Compression;

    if (commands.restore) {
        const bool restored = restoreSession(*commands.restore, commands.restoreGeneration);
        commands.restore.reset();
        if (restored)
            reason = Snapshot::Reason::Data;
    }

    if (commands.training) {
        // Before any model is built, so a new model starts with these settings.
        if (!state.main) {
            try {
                commands.training->validate();
                state.config = *commands.training;
            } catch (const std::exception& error) {
                m_events.problem(LiveProblem::Settings, "Setting not applied", error.what());
            }
            commands.training.reset();
        }
    }
    if (commands.energy) {
        state.energy = *commands.energy;
        state.evaluator.reset();
    }
    if (commands.comparison && *commands.comparison != state.comparisonKind) {
        state.comparisonKind = *commands.comparison;
        commands.reset = true;  // both runs must start from the same weights to compare
    }
    if (commands.dataset) {
        if (loadDataset(*commands.dataset, commands.model.value_or(state.model)))
            reason = Snapshot::Reason::Data;
        commands.model.reset();
        commands.reset = false;
    }
    if (commands.model) {
        rebuildModel(*commands.model);
        reason = Snapshot::Reason::Reset;
        commands.reset = false;
    }
    if (commands.training)
        applyTrainingConfig(*commands.training);
    if (commands.reset) {
        rebuildModel(state.model);
        reason = Snapshot::Reason::Reset;
    }
    if (commands.applyPruning && state.main) {
        try {
            prune(state.main->network, *commands.applyPruning);
            if (state.comparison)
                prune(state.comparison->network, *commands.applyPruning);
            ++state.weightsVersion;
            state.addMarker("pruned", "pruned to " + formatNumber(100.0 * weightStatistics(state.main->network).sparsity) + " %");
        } catch (const std::exception& error) {
            m_events.problem(LiveProblem::Settings, "Pruning not applied", error.what());
        }
    }
    if (commands.compression)
        state.compression = *commands.compression;
    if (commands.pace)
        state.pace = std::max(0.0, *commands.pace);
    if (commands.epochLimit) {
        state.epochLimit = std::max(0, *commands.epochLimit);
        state.epochsPerRun = state.epochLimit;
    }
    if (commands.running) {
        const bool wasRunning = state.running;
        state.running = *commands.running && state.main;
        // Pressing Train after the limit stopped training trains as many epochs again.
        if (state.running && !wasRunning && state.epochLimit > 0 && state.epoch() >= state.epochLimit)
            state.epochLimit = state.epoch() + std::max(1, state.epochsPerRun);
        if (state.running && !wasRunning) {
            state.lastReport = state.now();
            state.stepsAtLastReport = state.steps();
            state.status.clear();
        }
        if (!state.running && wasRunning)
            reason = Snapshot::Reason::Stopped;
    }
    if (commands.steps > 0)
        state.status.clear(); // "stopped after N epochs" is over once the user steps on
    for (int i = 0; i < commands.steps && state.main && !aborted(); ++i) {
        const TrainingResult result = state.main->trainer->step();
        if (state.comparison)
            state.comparison->trainer->step();
        ++state.weightsVersion;
        state.historyDirty = true;
        if (result.outcome == TrainingOutcome::Diverged) {
            state.status = result.message;
            m_events.problem(LiveProblem::Divergence, "Training diverged", result.message);
            break;
        }
    }
    if (!state.main)
        return;

    // A new learning rate or lambda while training shows up with the next report; an
    // immediate evaluation would only slow training down.
    const bool onlyTraining = !commands.compression && !commands.energy && !commands.dataset
        && !commands.model && !commands.reset && !commands.applyPruning && commands.steps == 0
        && !commands.snapshot && !commands.running && !commands.comparison;
    if (onlyTraining && state.running)
        return;
    // A drag while training holds training (kDragHoldSeconds), counted from when the hand
    // moved: a position that waited for an evaluation to end has been still since its post.
    const bool onlyCompression = commands.compression && !commands.energy && !commands.dataset && !commands.model
        && !commands.reset && !commands.applyPruning && commands.steps == 0 && !commands.snapshot
        && !commands.running && !commands.comparison;
    if (onlyCompression && state.running) {
        state.dragMovesHeld = state.heldForDrag() ? state.dragMovesHeld + 1 : 1;
        state.lastDrag = std::min(commands.postedAt.value_or(state.now()), state.now());
    }
    // While a drag keeps coming, evaluate only the latest position, but still show some
    // result every kMinDragEmitSeconds so the plots follow the hand.
    if (commandWaiting() && state.secondsSince(state.lastEmit) < kMinDragEmitSeconds && !commands.snapshot
        && reason == Snapshot::Reason::Compression && commands.steps == 0)
        return;
    const bool stepped = commands.steps > 0;
    emitSnapshot(reason, stepped || reason == Snapshot::Reason::Stopped || reason == Snapshot::Reason::Reset
                             || reason == Snapshot::Reason::Data);
}

void LiveExperiment::trainSlice()
{
    State& state = *m_state;
    if (state.heldForDrag()) {
        // The hand is on a compression slider: wait for it (a command ends the wait at once).
        const double heldFrom = state.now();
        m_clock.waitFor(state.lastDrag + kDragHoldSeconds - heldFrom);
        state.heldSinceReport += state.secondsSince(heldFrom);
        return;
    }
    const double start = state.now();
    Trainer& trainer = *state.main->trainer;
    const long n = std::max(1, state.data->split.train.sampleCount());
    const long batch = std::clamp<long>(state.config.batchSize, 1, n);
    const double stepsPerEpoch = static_cast<double>(n) / static_cast<double>(batch);

    long budget = state.stepsPerSlice;
    if (state.pace > 0) {
        // At a watchable pace, train about one frame's worth of steps, then wait.
        budget = std::min(budget, std::max(1L, std::lround(state.pace * stepsPerEpoch * 0.033)));
    }
    {
        // Slices end at epoch boundaries, so that the curves get a point per epoch.
        const double fraction = state.epochProgress() - std::floor(state.epochProgress());
        const double toEpochEnd = (1.0 - fraction) * static_cast<double>(n) / static_cast<double>(batch);
        budget = std::min(budget, std::max(1L, static_cast<long>(std::ceil(toEpochEnd - 1e-9))));
    }
    if (state.epochLimit > 0) {
        // Never past the limit: this estimate can only fall short (partial last batches).
        const double left = (state.epochLimit - state.epochProgress()) * static_cast<double>(n) / static_cast<double>(batch);
        budget = std::min(budget, std::max(1L, static_cast<long>(std::ceil(left - 1e-9))));
    }

    const long before = trainer.stepCount();
    const double progressBefore = trainer.epochProgress();
    // A drag can keep a command pending all the time; training must still move on, so a
    // slice that starts with one pending takes one step before it looks at commands.
    const TrainingResult result = commandWaiting() ? trainer.trainSteps(1) : trainer.trainSteps(budget, m_commandWaiting);
    const long done = trainer.stepCount() - before;
    if (state.comparison && done > 0)
        state.comparison->trainer->trainSteps(done); // lockstep: the same batches
    const double elapsed = state.secondsSince(start);
    state.trainingSeconds += elapsed;
    if (done > 0) {
        ++state.weightsVersion;
        state.historyDirty = true;
    }
    // Aim the next slice at kSliceSeconds, changing by at most 4x at a time.
    if (result.outcome == TrainingOutcome::Finished && done == budget && elapsed > 0) {
        const double ideal = static_cast<double>(done) * kSliceSeconds / elapsed;
        state.stepsPerSlice = std::clamp(std::lround(ideal), std::max(1L, state.stepsPerSlice / 4),
                                         std::max(4L, state.stepsPerSlice * 4));
    }

    bool stop = false;
    if (result.outcome == TrainingOutcome::Diverged) {
        state.running = false;
        state.status = result.message;
        m_events.problem(LiveProblem::Divergence, "Training diverged",
                         result.message
                             + "\n\nLower the learning rate or the regularisation strength, then press Train again "
                               "(or Reset).");
        stop = true;
    } else if (state.epochLimit > 0 && trainer.epochCount() >= state.epochLimit) {
        state.running = false;
        state.status = "Stopped at epoch " + std::to_string(trainer.epochCount()) + " (Stop after: "
            + std::to_string(std::max(1, state.epochsPerRun)) + "); Train runs " + std::to_string(std::max(1, state.epochsPerRun))
            + " more";
        stop = true;
    }

    // A history point at each epoch's end (or every half second inside long epochs), as
    // often as their cost allows.
    // The first few hundred epochs always get their point: short runs need every one.
    const bool epochEnded = trainer.epochCount() > static_cast<int>(std::floor(progressBefore));
    const bool affordable = state.secondsSince(state.lastHistory) >= state.historyInterval || state.main->history.size() < 200;
    if ((epochEnded || state.secondsSince(state.lastHistory) > 0.5) && affordable && state.historyDirty && !stop)
        recordHistory();

    if (state.pace > 0 && !stop) {
        // Hold the requested pace; a command ends the wait at once.
        const double wanted = (trainer.epochProgress() - progressBefore) / state.pace;
        const double spent = state.secondsSince(start);
        if (wanted > spent) {
            m_clock.waitFor(wanted - spent);
            if (aborted())
                return;
        }
    }

    const double sinceReport = state.secondsSince(state.lastReport);
    if (stop || sinceReport >= state.reportInterval) {
        const double before = state.now();
        emitSnapshot(stop ? Snapshot::Reason::Stopped : Snapshot::Reason::Report, true);
        const double cost = state.secondsSince(before);
        state.reportInterval = std::max(kMinReportSeconds, kReportCostFactor * cost);
    }
}

void LiveExperiment::recordHistory(const Evaluation* shown)
{
    if (aborted())
        return;
    State& state = *m_state;
    const double start = state.now();
    const Dataset& test = state.data->split.test;
    const Network& network = state.main->network;
    HistoryPoint point;
    point.epoch = state.epochProgress();
    const Matrix trainProbabilities = network.probabilities(state.trainSlice.features);
    point.trainLoss = logLoss(trainProbabilities, state.trainSlice.labels);
    point.trainObjective = point.trainLoss + regularizationPenalty(network, state.config.regularization);
    const Labels trainPredicted = argmaxColumns(trainProbabilities);
    long correct = 0;
    for (std::size_t i = 0; i < trainPredicted.size(); ++i)
        correct += trainPredicted[i] == state.trainSlice.labels[i];
    point.trainAccuracy = trainPredicted.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(trainPredicted.size());
    // Test figures of the model as shown; without compression that is the network itself.
    const PruningSpec& pruning = state.compression.pruning;
    const bool identity = state.compression.precision.isIdentity()
        && (pruning.criterion == PruningSpec::Criterion::Threshold ? pruning.threshold <= 0 : pruning.targetSparsity <= 0);
    if (!identity) {
        std::ostringstream key;
        key << state.compression.precision.label() << '/' << static_cast<int>(pruning.criterion) << '/' << pruning.threshold
            << '/' << pruning.targetSparsity << '/' << static_cast<int>(pruning.scope);
        point.shownAs = key.str();
    }
    if (shown) {
        // Just evaluated for a snapshot: no second pass over the test set.
        point.testLoss = shown->logLoss;
        point.testAccuracy = shown->report.accuracy;
        point.testMacroF1 = shown->report.macro.f1;
        point.sparsity = shown->weights.sparsity;
    } else if (identity) {
        const Matrix probabilities = network.probabilities(test.features);
        point.testLoss = logLoss(probabilities, test.labels);
        const ClassificationReport report = classificationReport(test.labels, argmaxColumns(probabilities), test.classCount());
        point.testAccuracy = report.accuracy;
        point.testMacroF1 = report.macro.f1;
        point.sparsity = weightStatistics(network).sparsity;
    } else {
        const Evaluation evaluation = evaluateFully(network, test, state.compression, state.energy, nullptr, state.team());
        point.testLoss = evaluation.logLoss;
        point.testAccuracy = evaluation.report.accuracy;
        point.testMacroF1 = evaluation.report.macro.f1;
        point.sparsity = evaluation.weights.sparsity;
    }
    state.main->addPoint(point);

    if (state.comparison) {
        Lane& lane = *state.comparison;
        HistoryPoint other;
        other.epoch = point.epoch;
        const Matrix otherTrain = lane.network.probabilities(state.trainSlice.features);
        other.trainLoss = logLoss(otherTrain, state.trainSlice.labels);
        other.trainObjective = other.trainLoss + regularizationPenalty(lane.network, lane.trainer->config().regularization);
        const Matrix otherTest = lane.network.probabilities(test.features);
        other.testLoss = logLoss(otherTest, test.labels);
        const ClassificationReport report = classificationReport(test.labels, argmaxColumns(otherTest), test.classCount());
        other.testAccuracy = report.accuracy;
        other.testMacroF1 = report.macro.f1;
        other.sparsity = weightStatistics(lane.network).sparsity;
        lane.addPoint(other);
    }
    state.historyDirty = false;
    state.lastHistory = state.now();
    state.historyInterval = kReportCostFactor * state.secondsSince(start);
}

void LiveExperiment::emitSnapshot(Snapshot::Reason reason, bool appendHistory)
{
    if (aborted())
        return;
    State& state = *m_state;
    if (!state.main || !state.data)
        return;
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->generation = state.generation;
    snapshot->modelGeneration = state.modelGeneration;
    snapshot->weightsVersion = state.weightsVersion;
    snapshot->reason = reason;
    snapshot->data = state.data;
    snapshot->datasetRequest = state.request;
    snapshot->model = state.model;
    snapshot->training = state.config;
    snapshot->compression = state.compression;
    snapshot->running = state.running;
    snapshot->heldForDrag = state.heldForDrag();
    snapshot->epochLimit = state.epochLimit;
    snapshot->epochsPerRun = state.epochsPerRun;
    snapshot->epoch = state.epoch();
    snapshot->epochProgress = state.epochProgress();
    snapshot->steps = state.steps();
    snapshot->trainingSeconds = state.trainingSeconds;
    snapshot->status = state.status;
    state.exactReference.request(state.data, state.data->split.train, state.trainSlice, state.model.hidden.empty(),
                                 state.config.regularization);
    snapshot->exactReference = state.exactReference.latest();

    const double interval = state.secondsSince(state.lastReport);
    if (reason == Snapshot::Reason::Report || reason == Snapshot::Reason::Stopped) {
        // The speed of training, not of training and a hand that held it.
        const double trained = interval - state.heldSinceReport;
        if (trained > 0)
            state.stepsPerSecond = static_cast<double>(state.steps() - state.stepsAtLastReport) / trained;
        state.lastReport = state.now();
        state.stepsAtLastReport = state.steps();
        state.heldSinceReport = 0;
    }
    snapshot->stepsPerSecond = state.running || reason == Snapshot::Reason::Stopped ? state.stepsPerSecond : 0.0;

    const Dataset& test = state.data->split.test;
    const Network& network = state.main->network;
    try {
        if (state.trainedCopyVersion != state.weightsVersion || !state.trainedCopy) {
            state.trainedCopy = std::make_shared<const Network>(network);
            state.trainedCopyVersion = state.weightsVersion;
        }
        snapshot->trained = state.trainedCopy;
        float maxAbs = 0;
        for (const auto& layer : network.layers())
            if (layer.weights.size() > 0)
                maxAbs = std::max(maxAbs, layer.weights.cwiseAbs().maxCoeff());
        snapshot->maxAbsWeight = maxAbs;

        std::shared_ptr<Network> compressed;
        if (state.running && !state.evaluatorServesDrag()) {
            // The weights change with every step: the evaluator's caches (built for drags)
            // would be thrown away at once, so evaluate the plain way (which hands back the
            // model it compressed: the snapshot shows that one).
            compressed = std::make_shared<Network>();
            snapshot->evaluation = evaluateFully(network, test, state.compression, state.energy, compressed.get(),
                                                 state.team());
        } else {
            // Paused or held for a drag: the evaluator's caches make the next drags instant.
            if (!state.evaluator || state.evaluatorWeightsVersion != state.weightsVersion) {
                // Building one takes ~50 ms on Fashion-MNIST and the window's close waits for
                // the worker: the abort is looked at between its steps (tst_engine, 200 ms).
                state.evaluator.reset();
                try {
                    state.evaluator = std::make_unique<InstantEvaluator>(network, test, state.energy, m_abort);
                } catch (const Cancelled&) {
                    return; // the abort: no snapshot is wanted any more
                }
                state.evaluatorWeightsVersion = state.weightsVersion;
                if (aborted())
                    return;
            }
            snapshot->evaluation = state.evaluator->evaluate(state.compression);
            compressed = std::make_shared<Network>(state.evaluator->lastCompressedNetwork());
        }
        snapshot->compressed = compressed;

        if (state.boundaryFeatures.cols() > 0) {
            auto grid = std::make_shared<BoundaryGrid>(state.boundaryTemplate);
            const Matrix probabilities = compressed->probabilities(state.boundaryFeatures);
            grid->classes = static_cast<int>(probabilities.rows());
            grid->probabilities.resize(static_cast<std::size_t>(probabilities.size()));
            for (Eigen::Index k = 0; k < probabilities.rows(); ++k)
                for (Eigen::Index p = 0; p < probabilities.cols(); ++p)
                    grid->probabilities[static_cast<std::size_t>(k * probabilities.cols() + p)] = probabilities(k, p);
            snapshot->boundary = std::move(grid);
        }

        if (appendHistory && (state.historyDirty || state.main->history.empty()))
            recordHistory(&snapshot->evaluation);
        snapshot->history = state.main->publish();
        snapshot->markers = state.markers;

        if (state.comparison) {
            Lane& lane = *state.comparison;
            ComparisonRun run;
            run.kind = state.comparisonKind;
            run.label = comparisonLabel(state.config, state.comparisonKind);
            run.history = lane.publish();
            run.trained = std::make_shared<const Network>(lane.network);
            run.weights = weightStatistics(lane.network);
            const Matrix otherTest = lane.network.probabilities(test.features);
            run.report = classificationReport(test.labels, argmaxColumns(otherTest), test.classCount());
            snapshot->comparison = std::move(run);
        }
    } catch (const std::exception& error) {
        state.running = false;
        m_events.problem(LiveProblem::Internal, "Evaluation failed", error.what());
        return;
    }
    state.lastEmit = state.now();
    m_events.snapshotReady(std::move(snapshot));
}


} // namespace ss
