#include "Engine.h"

#include "common/Error.h"
#include "compress/Pruning.h"
#include "metrics/Metrics.h"
#include "nn/WeightStatistics.h"
#include "nn/Trainer.h"

#include <QMetaType>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace ss {

namespace {

using Clock = std::chrono::steady_clock;

// A training slice ends after this long so that replies stay prompt even without commands.
constexpr auto kSliceLength = std::chrono::milliseconds(12);
// Reports (full evaluation, snapshot) at most this often while training; slower when an
// evaluation is expensive, so that evaluating never takes more than ~1/4 of the time.
constexpr double kMinReportSeconds = 0.066;
constexpr double kReportCostFactor = 4.0;
// While a drag keeps sending commands, still show a result at least this often.
constexpr double kMinDragEmitSeconds = 0.05;
// Train metrics come from a fixed slice of the training set: cheap and stable.
constexpr int kTrainMetricSamples = 2000;
// The history keeps at most this many points; older ones are thinned by half when full.
constexpr std::size_t kMaxHistory = 4000;
constexpr int kBoundaryResolution = 140;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

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

TrainingConfig comparisonConfig(const TrainingConfig& main, ComparisonKind kind)
{
    TrainingConfig config = main;
    Regularization& r = config.regularization;
    switch (kind) {
    case ComparisonKind::None:
        break;
    case ComparisonKind::OtherL1Step:
        r.l1Mode = r.l1Mode == L1Mode::Proximal ? L1Mode::Subgradient : L1Mode::Proximal;
        break;
    case ComparisonKind::L2Instead:
        r.l2 = r.l1 + r.l2;
        r.l1 = 0;
        break;
    case ComparisonKind::NoPenalty:
        r.l1 = 0;
        r.l2 = 0;
        break;
    }
    return config;
}

std::string comparisonLabel(const TrainingConfig& main, ComparisonKind kind)
{
    switch (kind) {
    case ComparisonKind::None:
        return {};
    case ComparisonKind::OtherL1Step:
        return main.regularization.l1Mode == L1Mode::Proximal ? "naive L1 (subgradient)" : "proximal L1";
    case ComparisonKind::L2Instead:
        return "L2, same \u03bb";
    case ComparisonKind::NoPenalty:
        return "no penalty";
    }
    return {};
}

struct Engine::Worker {
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
    std::uint64_t evaluatorWeightsVersion = ~std::uint64_t{0};

    std::uint64_t generation = 0;
    std::uint64_t modelGeneration = 0;
    std::uint64_t weightsVersion = 0;

    double trainingSeconds = 0;
    long stepsPerSlice = 1;        // adapted so that a slice takes about kSliceLength

    std::shared_ptr<const Network> trainedCopy;
    std::uint64_t trainedCopyVersion = ~std::uint64_t{0};
    std::shared_ptr<const std::vector<ParameterMarker>> markers = std::make_shared<std::vector<ParameterMarker>>();
    std::string lastMarkerKey;
    Clock::time_point lastMarkerTime{};

    Clock::time_point lastReport = Clock::now();
    long stepsAtLastReport = 0;
    double reportInterval = kMinReportSeconds;
    double stepsPerSecond = 0;
    Clock::time_point lastEmit{};
    bool emitOwed = false;         // a drag arrived while training and awaits its evaluation
    double dragInterval = kMinDragEmitSeconds;
    bool historyDirty = false;     // trained since the last history point
    Clock::time_point lastHistory{};
    double historyInterval = 0;    // adapted so that history points cost < 1/4 of the time
    std::string status;

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
        lastMarkerTime = Clock::now();
        markers = std::move(next);
    }
};

Engine::Engine(QObject* parent)
    : QThread(parent)
{
    qRegisterMetaType<ss::SnapshotPtr>("ss::SnapshotPtr");
    qRegisterMetaType<ss::Engine::ProblemKind>("ss::Engine::ProblemKind");
}

Engine::~Engine()
{
    {
        std::lock_guard lock(m_mutex);
        m_abort = true;
        m_restart = true;
    }
    m_condition.notify_all();
    wait();
}

template <typename Modify>
std::uint64_t Engine::post(Modify&& modify)
{
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(m_mutex);
        generation = m_generation.load() + 1;
        m_generation.store(generation);
        m_pending.generation = generation;
        // After the generation is set, so that a command can record its own (restore).
        modify(m_pending);
        m_pending.any = true;
        m_idle = false;
        m_restart = true;
    }
    if (!isRunning())
        start();
    else
        m_condition.notify_one();
    return generation;
}

std::uint64_t Engine::setDataset(const DatasetRequest& request, const ModelSpec& model)
{
    return post([&](Commands& c) { c.dataset = request; c.model = model; });
}

std::uint64_t Engine::setModel(const ModelSpec& model)
{
    return post([&](Commands& c) { c.model = model; });
}

std::uint64_t Engine::setTraining(const TrainingConfig& config)
{
    return post([&](Commands& c) { c.training = config; });
}

std::uint64_t Engine::setCompression(const CompressionSetting& setting)
{
    return post([&](Commands& c) { c.compression = setting; });
}

std::uint64_t Engine::setComparison(ComparisonKind kind)
{
    return post([&](Commands& c) { c.comparison = kind; });
}

std::uint64_t Engine::setPace(double epochsPerSecond)
{
    return post([&](Commands& c) { c.pace = epochsPerSecond; });
}

std::uint64_t Engine::setEpochLimit(int epochs)
{
    return post([&](Commands& c) { c.epochLimit = epochs; });
}

std::uint64_t Engine::setEnergyTable(const EnergyTable& table)
{
    return post([&](Commands& c) { c.energy = table; });
}

std::uint64_t Engine::train()
{
    return post([](Commands& c) { c.running = true; c.steps = 0; });
}

std::uint64_t Engine::pause()
{
    return post([](Commands& c) { c.running = false; });
}

std::uint64_t Engine::step()
{
    return post([](Commands& c) { c.running = false; ++c.steps; });
}

std::uint64_t Engine::reset()
{
    return post([](Commands& c) { c.reset = true; c.steps = 0; c.applyPruning.reset(); });
}

std::uint64_t Engine::applyPruning(const PruningSpec& spec)
{
    return post([&](Commands& c) { c.applyPruning = spec; });
}

std::uint64_t Engine::requestSnapshot()
{
    return post([](Commands& c) { c.snapshot = true; });
}

std::uint64_t Engine::restore(const RestoreRequest& request)
{
    return post([&](Commands& c) {
        // A restore replaces all of these; earlier requests of them are void.
        c.dataset.reset();
        c.model.reset();
        c.training.reset();
        c.compression.reset();
        c.comparison.reset();
        c.pace.reset();
        c.epochLimit.reset();
        c.applyPruning.reset();
        c.running.reset();
        c.reset = false;
        c.steps = 0;
        if (request.energy)
            c.energy.reset();
        c.restore = request;
        c.restoreGeneration = c.generation;
    });
}

bool Engine::pauseFor(double seconds)
{
    std::unique_lock lock(m_mutex);
    m_condition.wait_for(lock, std::chrono::duration<double>(seconds),
                         [this] { return m_abort.load() || m_pending.any; });
    return !m_abort.load();
}

void lowerThisThreadsPriority()
{
#ifdef __linux__
    // On Linux the nice value is per thread and inherited by the threads it starts (the
    // OpenMP team of the training kernels): work in the background yields the CPU to
    // the GUI thread, which then never waits long for a core on a busy machine.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
}

void Engine::run()
{
    lowerThisThreadsPriority();
    Worker worker;
    while (!m_abort.load()) {
        Commands commands;
        bool idleWork = false;
        {
            std::unique_lock lock(m_mutex);
            const bool wantsTraining = worker.running && worker.main;
            if (!m_pending.any && !wantsTraining) {
                // Nothing asked for: let the evaluator do its idle work, one piece at a time
                // (checkpoints once per trained model, then every bit width at the current
                // pruning), so that later slider jumps and bit-width moves are quick.
                idleWork = worker.evaluator && worker.evaluator->hasIdleWork();
                if (!idleWork) {
                    m_idle = true;
                    m_condition.wait(lock, [this, &worker] {
                        return m_abort.load() || m_pending.any || (worker.running && worker.main);
                    });
                }
            }
            if (m_abort.load())
                break;
            if (!idleWork) {
                commands = std::exchange(m_pending, Commands{});
                m_restart = false;
                if (commands.any)
                    m_idle = false;
            }
        }
        if (idleWork) {
            try {
                worker.evaluator->doIdleWork();
            } catch (const std::exception&) {
                // Only an optimisation (out of memory, say): start the evaluator afresh
                // without checkpoints at the next evaluation.
                worker.evaluator.reset();
            }
            continue;
        }
        if (commands.any)
            process(worker, commands);
        if (worker.running && worker.main && !m_abort.load())
            trainSlice(worker);
    }
    // Lanes refer to the data; drop them first.
    worker.evaluator.reset();
    worker.comparison.reset();
    worker.main.reset();
}

std::shared_ptr<PreparedData> Engine::prepareData(const DatasetRequest& request, QString* error)
{
    emit busy(QStringLiteral("Loading %1\u2026").arg(QString::fromStdString(request.nameOrPath)));
    std::shared_ptr<PreparedData> prepared;
    try {
        prepared = std::make_shared<PreparedData>(prepareDataset(request));
        prepared->split.train.validate();
        prepared->split.test.validate();
        if (prepared->split.train.sampleCount() == 0 || prepared->split.test.sampleCount() == 0)
            throw ConfigError("the dataset has too few samples for a train/test split");
    } catch (const std::exception& failure) {
        prepared.reset();
        *error = QString::fromStdString(failure.what());
    }
    emit busy(QString());
    return prepared;
}

bool Engine::loadDataset(Worker& worker, const DatasetRequest& request, const ModelSpec& model)
{
    QString error;
    std::shared_ptr<PreparedData> prepared = prepareData(request, &error);
    if (!prepared) {
        const QString name = QString::fromStdString(request.nameOrPath);
        QString message = error;
        if (worker.data)
            message += QStringLiteral("\n\nThe previous dataset (%1) stays active.")
                           .arg(QString::fromStdString(worker.request.nameOrPath));
        emit problem(ProblemKind::Dataset, QStringLiteral("Could not load %1").arg(name), message);
        return false;
    }
    installData(worker, std::move(prepared), request, model);
    return true;
}

void Engine::installData(Worker& worker, std::shared_ptr<PreparedData> prepared, const DatasetRequest& request,
                         const ModelSpec& model)
{
    // Replace everything that refers to the old data before letting it go.
    worker.evaluator.reset();
    worker.comparison.reset();
    worker.main.reset();
    worker.data = std::move(prepared);
    worker.request = request;

    const Dataset& train = worker.data->split.train;
    const int sliceCount = std::min(train.sampleCount(), kTrainMetricSamples);
    std::vector<int> indices(static_cast<std::size_t>(sliceCount));
    for (int i = 0; i < sliceCount; ++i)
        indices[static_cast<std::size_t>(i)] = static_cast<int>(static_cast<long>(i) * train.sampleCount() / sliceCount);
    worker.trainSlice = train.subset(indices);

    // The boundary grid, in original units, over the data's extent plus a margin.
    worker.boundaryFeatures.resize(0, 0);
    if (train.featureCount() == 2) {
        const FeatureScaler& scaler = worker.data->scaler;
        auto original = [&](int feature, Scalar scaled) {
            if (scaler.kind() == FeatureScaler::Kind::None || scaler.factor().size() == 0)
                return static_cast<double>(scaled);
            return static_cast<double>(scaled / scaler.factor()(feature) + scaler.offset()(feature));
        };
        double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
        for (const Dataset* part : {&worker.data->split.train, &worker.data->split.test})
            for (int s = 0; s < part->sampleCount(); ++s)
                for (int f = 0; f < 2; ++f) {
                    const double v = original(f, part->features(f, s));
                    lo[f] = std::min(lo[f], v);
                    hi[f] = std::max(hi[f], v);
                }
        BoundaryGrid& grid = worker.boundaryTemplate;
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
        worker.boundaryFeatures = std::move(points);
    }

    rebuildModel(worker, model);
}

bool Engine::restoreSession(Worker& worker, const RestoreRequest& request, std::uint64_t generation)
{
    const auto refuse = [&](const QString& why) {
        emit restoreFinished(generation, false, why);
        return false;
    };
    // Everything that can fail comes first: until the data is installed, nothing has changed.
    try {
        request.training.validate();
    } catch (const std::exception& error) {
        return refuse(QString::fromStdString(error.what()));
    }
    QString error;
    std::shared_ptr<PreparedData> prepared = prepareData(request.dataset, &error);
    if (!prepared)
        return refuse(error);
    const Dataset& train = prepared->split.train;
    const int layerCount = static_cast<int>(request.model.hidden.size()) + 1;
    try {
        request.compression.pruning.validate(layerCount);
    } catch (const std::exception& failure) {
        return refuse(QString::fromStdString(failure.what()));
    }
    if (request.network) {
        const Architecture& a = request.network->architecture();
        if (a.inputs != train.featureCount() || a.classes != std::max(2, train.classCount()) || a.hidden != request.model.hidden
            || (!a.hidden.empty() && a.hiddenActivation != request.model.activation))
            return refuse(QStringLiteral("the saved model (%1, %2 inputs, %3 classes) does not fit the data (%4 features, "
                                         "%5 classes) or the model settings")
                              .arg(QString::fromStdString(a.describe()))
                              .arg(a.inputs)
                              .arg(a.classes)
                              .arg(train.featureCount())
                              .arg(train.classCount()));
    }

    worker.running = false;
    worker.config = request.training;
    worker.compression = request.compression;
    worker.comparisonKind = request.comparison;
    worker.pace = std::max(0.0, request.pace);
    worker.epochLimit = std::max(0, request.epochLimit);
    worker.epochsPerRun = worker.epochLimit;
    if (request.energy)
        worker.energy = *request.energy;   // the evaluator is rebuilt with the new data below
    installData(worker, std::move(prepared), request.dataset, request.model);
    if (!worker.main)
        return refuse(QStringLiteral("the model could not be built"));
    for (Lane* lane : {worker.main.get(), worker.comparison.get()}) {
        if (!lane)
            continue;
        if (request.network) {
            lane->network = *request.network;
            lane->network.applyMasks();
        }
        lane->trainer->resumeAt(request.epoch, request.steps, request.seconds);
    }
    worker.main->history = request.history;
    worker.main->historyChanged = true;
    worker.trainingSeconds = request.seconds;
    worker.markers = std::make_shared<const std::vector<ParameterMarker>>(request.markers);
    worker.status.clear();
    ++worker.weightsVersion;
    emit restoreFinished(generation, true, QString());
    return true;
}

void Engine::rebuildModel(Worker& worker, const ModelSpec& model)
{
    if (!worker.data)
        return;
    const Dataset& train = worker.data->split.train;
    Architecture architecture;
    architecture.inputs = train.featureCount();
    architecture.hidden = model.hidden;
    architecture.hiddenActivation = model.activation;
    architecture.classes = std::max(2, train.classCount());
    try {
        auto main = std::make_unique<Lane>(worker.data, architecture, model.seed, worker.config);
        std::unique_ptr<Lane> comparison;
        if (worker.comparisonKind != ComparisonKind::None)
            comparison = std::make_unique<Lane>(worker.data, architecture, model.seed,
                                                comparisonConfig(worker.config, worker.comparisonKind));
        worker.evaluator.reset();
        worker.main = std::move(main);
        worker.comparison = std::move(comparison);
    } catch (const std::exception& error) {
        emit problem(ProblemKind::Settings, QStringLiteral("Could not build the model"),
                     QString::fromStdString(error.what()));
        return;
    }
    worker.model = model;
    worker.trainingSeconds = 0;
    worker.stepsPerSlice = 1;
    worker.stepsAtLastReport = 0;
    worker.stepsPerSecond = 0;
    worker.historyDirty = false;
    worker.markers = std::make_shared<std::vector<ParameterMarker>>();
    worker.lastMarkerKey.clear();
    ++worker.modelGeneration;
    ++worker.weightsVersion;
    worker.status.clear();
}

void Engine::applyTrainingConfig(Worker& worker, const TrainingConfig& config)
{
    try {
        config.validate();
    } catch (const std::exception& error) {
        emit problem(ProblemKind::Settings, QStringLiteral("Setting not applied"),
                     QString::fromStdString(error.what()));
        return;
    }
    if (worker.main && worker.steps() > 0)
        for (const auto& [key, text] : describeChanges(worker.config, config))
            worker.addMarker(key, text);
    worker.config = config;
    if (worker.main)
        worker.main->trainer->setConfig(config);
    if (worker.comparison)
        worker.comparison->trainer->setConfig(comparisonConfig(config, worker.comparisonKind));
}

void Engine::process(Worker& worker, Commands& commands)
{
    worker.generation = commands.generation;
    Snapshot::Reason reason = Snapshot::Reason::Compression;

    if (commands.restore) {
        const bool restored = restoreSession(worker, *commands.restore, commands.restoreGeneration);
        commands.restore.reset();
        if (restored)
            reason = Snapshot::Reason::Data;
    }

    if (commands.training) {
        // Before any model is built, so a new model starts with these settings.
        if (!worker.main) {
            try {
                commands.training->validate();
                worker.config = *commands.training;
            } catch (const std::exception& error) {
                emit problem(ProblemKind::Settings, QStringLiteral("Setting not applied"),
                             QString::fromStdString(error.what()));
            }
            commands.training.reset();
        }
    }
    if (commands.energy) {
        worker.energy = *commands.energy;
        worker.evaluator.reset();
    }
    if (commands.comparison && *commands.comparison != worker.comparisonKind) {
        worker.comparisonKind = *commands.comparison;
        commands.reset = true;  // both runs must start from the same weights to compare
    }
    if (commands.dataset) {
        if (loadDataset(worker, *commands.dataset, commands.model.value_or(worker.model)))
            reason = Snapshot::Reason::Data;
        commands.model.reset();
        commands.reset = false;
    }
    if (commands.model) {
        rebuildModel(worker, *commands.model);
        reason = Snapshot::Reason::Reset;
        commands.reset = false;
    }
    if (commands.training)
        applyTrainingConfig(worker, *commands.training);
    if (commands.reset) {
        rebuildModel(worker, worker.model);
        reason = Snapshot::Reason::Reset;
    }
    if (commands.applyPruning && worker.main) {
        try {
            prune(worker.main->network, *commands.applyPruning);
            if (worker.comparison)
                prune(worker.comparison->network, *commands.applyPruning);
            ++worker.weightsVersion;
            worker.addMarker("pruned", "pruned to " + formatNumber(100.0 * weightStatistics(worker.main->network).sparsity) + " %");
        } catch (const std::exception& error) {
            emit problem(ProblemKind::Settings, QStringLiteral("Pruning not applied"),
                         QString::fromStdString(error.what()));
        }
    }
    if (commands.compression)
        worker.compression = *commands.compression;
    if (commands.pace)
        worker.pace = std::max(0.0, *commands.pace);
    if (commands.epochLimit) {
        worker.epochLimit = std::max(0, *commands.epochLimit);
        worker.epochsPerRun = worker.epochLimit;
    }
    if (commands.running) {
        const bool wasRunning = worker.running;
        worker.running = *commands.running && worker.main;
        // Pressing Train after the limit stopped training trains as many epochs again.
        if (worker.running && !wasRunning && worker.epochLimit > 0 && worker.epoch() >= worker.epochLimit)
            worker.epochLimit = worker.epoch() + std::max(1, worker.epochsPerRun);
        if (worker.running && !wasRunning) {
            worker.lastReport = Clock::now();
            worker.stepsAtLastReport = worker.steps();
            worker.status.clear();
        }
        if (!worker.running && wasRunning)
            reason = Snapshot::Reason::Stopped;
    }
    if (commands.steps > 0)
        worker.status.clear(); // "stopped after N epochs" is over once the user steps on
    for (int i = 0; i < commands.steps && worker.main && !m_abort.load(); ++i) {
        const TrainingResult result = worker.main->trainer->step();
        if (worker.comparison)
            worker.comparison->trainer->step();
        ++worker.weightsVersion;
        worker.historyDirty = true;
        if (result.outcome == TrainingOutcome::Diverged) {
            worker.status = result.message;
            emit problem(ProblemKind::Divergence, QStringLiteral("Training diverged"),
                         QString::fromStdString(result.message));
            break;
        }
    }
    if (!worker.main)
        return;

    // A new learning rate or lambda while training shows up with the next report; an
    // immediate evaluation would only slow training down.
    const bool onlyTraining = !commands.compression && !commands.energy && !commands.dataset
        && !commands.model && !commands.reset && !commands.applyPruning && commands.steps == 0
        && !commands.snapshot && !commands.running && !commands.comparison;
    if (onlyTraining && worker.running)
        return;
    // A drag while training: evaluate right away unless the last evaluation was moments
    // ago; then it is owed and comes within the interval, so training is not starved by
    // a hand that keeps moving (a Fashion-MNIST evaluation costs tens of milliseconds).
    const bool onlyCompression = commands.compression && !commands.energy && !commands.dataset && !commands.model
        && !commands.reset && !commands.applyPruning && commands.steps == 0 && !commands.snapshot
        && !commands.running && !commands.comparison;
    if (onlyCompression && worker.running && secondsSince(worker.lastEmit) < worker.dragInterval) {
        worker.emitOwed = true;
        return;
    }
    // While a drag keeps coming, evaluate only the latest position, but still show some
    // result every kMinDragEmitSeconds so the plots follow the hand.
    if (m_restart.load() && secondsSince(worker.lastEmit) < kMinDragEmitSeconds && !commands.snapshot
        && reason == Snapshot::Reason::Compression && commands.steps == 0)
        return;
    const bool stepped = commands.steps > 0;
    const auto before = Clock::now();
    emitSnapshot(worker, reason, stepped || reason == Snapshot::Reason::Stopped || reason == Snapshot::Reason::Reset
                                     || reason == Snapshot::Reason::Data);
    if (worker.running && onlyCompression)
        worker.dragInterval = std::max(kMinDragEmitSeconds, 2.0 * secondsSince(before));
}

void Engine::trainSlice(Worker& worker)
{
    const auto start = Clock::now();
    Trainer& trainer = *worker.main->trainer;
    const long n = std::max(1, worker.data->split.train.sampleCount());
    const long batch = std::clamp<long>(worker.config.batchSize, 1, n);
    const double stepsPerEpoch = static_cast<double>(n) / static_cast<double>(batch);

    long budget = worker.stepsPerSlice;
    if (worker.pace > 0) {
        // At a watchable pace, train about one frame's worth of steps, then wait.
        budget = std::min(budget, std::max(1L, std::lround(worker.pace * stepsPerEpoch * 0.033)));
    }
    {
        // Slices end at epoch boundaries, so that the curves get a point per epoch.
        const double fraction = worker.epochProgress() - std::floor(worker.epochProgress());
        const double toEpochEnd = (1.0 - fraction) * static_cast<double>(n) / static_cast<double>(batch);
        budget = std::min(budget, std::max(1L, static_cast<long>(std::ceil(toEpochEnd - 1e-9))));
    }
    if (worker.epochLimit > 0) {
        // Never past the limit: this estimate can only fall short (partial last batches).
        const double left = (worker.epochLimit - worker.epochProgress()) * static_cast<double>(n) / static_cast<double>(batch);
        budget = std::min(budget, std::max(1L, static_cast<long>(std::ceil(left - 1e-9))));
    }

    const long before = trainer.stepCount();
    const double progressBefore = trainer.epochProgress();
    // A drag can keep a command pending all the time; training must still move on, so a
    // slice that starts with one pending takes one step before it looks at commands.
    const TrainingResult result = m_restart.load() ? trainer.trainSteps(1) : trainer.trainSteps(budget, &m_restart);
    const long done = trainer.stepCount() - before;
    if (worker.comparison && done > 0)
        worker.comparison->trainer->trainSteps(done); // lockstep: the same batches
    const double elapsed = secondsSince(start);
    worker.trainingSeconds += elapsed;
    if (done > 0) {
        ++worker.weightsVersion;
        worker.historyDirty = true;
    }
    // Aim the next slice at kSliceLength, changing by at most 4x at a time.
    if (result.outcome == TrainingOutcome::Finished && done == budget && elapsed > 0) {
        const double target = std::chrono::duration<double>(kSliceLength).count();
        const double ideal = static_cast<double>(done) * target / elapsed;
        worker.stepsPerSlice = std::clamp(std::lround(ideal), std::max(1L, worker.stepsPerSlice / 4),
                                          std::max(4L, worker.stepsPerSlice * 4));
    }

    bool stop = false;
    if (result.outcome == TrainingOutcome::Diverged) {
        worker.running = false;
        worker.status = result.message;
        emit problem(ProblemKind::Divergence, QStringLiteral("Training diverged"),
                     QString::fromStdString(result.message)
                         + QStringLiteral("\n\nLower the learning rate or the regularisation strength, then press "
                                          "Train again (or Reset)."));
        stop = true;
    } else if (worker.epochLimit > 0 && trainer.epochCount() >= worker.epochLimit) {
        worker.running = false;
        worker.status = "Stopped at epoch " + std::to_string(trainer.epochCount()) + " (Stop after: "
            + std::to_string(std::max(1, worker.epochsPerRun)) + "); Train runs " + std::to_string(std::max(1, worker.epochsPerRun))
            + " more";
        stop = true;
    }

    // A history point at each epoch's end (or every half second inside long epochs), as
    // often as their cost allows.
    // The first few hundred epochs always get their point: short runs need every one.
    const bool epochEnded = trainer.epochCount() > static_cast<int>(std::floor(progressBefore));
    const bool affordable = secondsSince(worker.lastHistory) >= worker.historyInterval || worker.main->history.size() < 200;
    if ((epochEnded || secondsSince(worker.lastHistory) > 0.5) && affordable && worker.historyDirty && !stop)
        recordHistory(worker);

    if (worker.pace > 0 && !stop) {
        // Hold the requested pace; a command ends the wait at once.
        const double wanted = (trainer.epochProgress() - progressBefore) / worker.pace;
        const double spent = secondsSince(start);
        if (wanted > spent && !pauseFor(wanted - spent))
            return;
    }

    const double sinceReport = secondsSince(worker.lastReport);
    if (!stop && worker.emitOwed && secondsSince(worker.lastEmit) >= worker.dragInterval && sinceReport < worker.reportInterval) {
        emitSnapshot(worker, Snapshot::Reason::Compression, false);
    } else if (stop || sinceReport >= worker.reportInterval) {
        const auto before = Clock::now();
        emitSnapshot(worker, stop ? Snapshot::Reason::Stopped : Snapshot::Reason::Report, true);
        const double cost = secondsSince(before);
        worker.reportInterval = std::max(kMinReportSeconds, kReportCostFactor * cost);
    }
}

void Engine::recordHistory(Worker& worker, const Evaluation* shown)
{
    const auto start = Clock::now();
    const Dataset& test = worker.data->split.test;
    const Network& network = worker.main->network;
    HistoryPoint point;
    point.epoch = worker.epochProgress();
    const Matrix trainProbabilities = network.probabilities(worker.trainSlice.features);
    point.trainLoss = logLoss(trainProbabilities, worker.trainSlice.labels);
    const Labels trainPredicted = argmaxColumns(trainProbabilities);
    long correct = 0;
    for (std::size_t i = 0; i < trainPredicted.size(); ++i)
        correct += trainPredicted[i] == worker.trainSlice.labels[i];
    point.trainAccuracy = trainPredicted.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(trainPredicted.size());
    // Test figures of the model as shown; without compression that is the network itself.
    const PruningSpec& pruning = worker.compression.pruning;
    const bool identity = worker.compression.precision.isIdentity()
        && (pruning.criterion == PruningSpec::Criterion::Threshold ? pruning.threshold <= 0 : pruning.targetSparsity <= 0);
    if (!identity) {
        std::ostringstream key;
        key << worker.compression.precision.label() << '/' << static_cast<int>(pruning.criterion) << '/' << pruning.threshold
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
        const Evaluation evaluation = evaluateFully(network, test, worker.compression, worker.energy);
        point.testLoss = evaluation.logLoss;
        point.testAccuracy = evaluation.report.accuracy;
        point.testMacroF1 = evaluation.report.macro.f1;
        point.sparsity = evaluation.weights.sparsity;
    }
    worker.main->addPoint(point);

    if (worker.comparison) {
        Lane& lane = *worker.comparison;
        HistoryPoint other;
        other.epoch = point.epoch;
        const Matrix otherTrain = lane.network.probabilities(worker.trainSlice.features);
        other.trainLoss = logLoss(otherTrain, worker.trainSlice.labels);
        const Matrix otherTest = lane.network.probabilities(test.features);
        other.testLoss = logLoss(otherTest, test.labels);
        const ClassificationReport report = classificationReport(test.labels, argmaxColumns(otherTest), test.classCount());
        other.testAccuracy = report.accuracy;
        other.testMacroF1 = report.macro.f1;
        other.sparsity = weightStatistics(lane.network).sparsity;
        lane.addPoint(other);
    }
    worker.historyDirty = false;
    worker.lastHistory = Clock::now();
    worker.historyInterval = kReportCostFactor * secondsSince(start);
}

void Engine::emitSnapshot(Worker& worker, Snapshot::Reason reason, bool appendHistory)
{
    if (!worker.main || !worker.data)
        return;
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->generation = worker.generation;
    snapshot->modelGeneration = worker.modelGeneration;
    snapshot->weightsVersion = worker.weightsVersion;
    snapshot->reason = reason;
    snapshot->data = worker.data;
    snapshot->datasetRequest = worker.request;
    snapshot->model = worker.model;
    snapshot->training = worker.config;
    snapshot->compression = worker.compression;
    snapshot->running = worker.running;
    snapshot->epochLimit = worker.epochLimit;
    snapshot->epochsPerRun = worker.epochsPerRun;
    snapshot->epoch = worker.epoch();
    snapshot->epochProgress = worker.epochProgress();
    snapshot->steps = worker.steps();
    snapshot->trainingSeconds = worker.trainingSeconds;
    snapshot->status = worker.status;

    const double interval = secondsSince(worker.lastReport);
    if (reason == Snapshot::Reason::Report || reason == Snapshot::Reason::Stopped) {
        if (interval > 0)
            worker.stepsPerSecond = static_cast<double>(worker.steps() - worker.stepsAtLastReport) / interval;
        worker.lastReport = Clock::now();
        worker.stepsAtLastReport = worker.steps();
    }
    snapshot->stepsPerSecond = worker.running || reason == Snapshot::Reason::Stopped ? worker.stepsPerSecond : 0.0;

    const Dataset& test = worker.data->split.test;
    const Network& network = worker.main->network;
    try {
        if (worker.trainedCopyVersion != worker.weightsVersion || !worker.trainedCopy) {
            worker.trainedCopy = std::make_shared<const Network>(network);
            worker.trainedCopyVersion = worker.weightsVersion;
        }
        snapshot->trained = worker.trainedCopy;
        float maxAbs = 0;
        for (const auto& layer : network.layers())
            if (layer.weights.size() > 0)
                maxAbs = std::max(maxAbs, layer.weights.cwiseAbs().maxCoeff());
        snapshot->maxAbsWeight = maxAbs;

        std::shared_ptr<Network> compressed;
        if (worker.running) {
            // The weights change with every step: the evaluator's caches (built for drags)
            // would be thrown away at once, so evaluate the plain way.
            snapshot->evaluation = evaluateFully(network, test, worker.compression, worker.energy);
            compressed = std::make_shared<Network>(compressNetwork(network, worker.compression));
        } else {
            // Paused: the evaluator's caches make the next drags instant.
            if (!worker.evaluator || worker.evaluatorWeightsVersion != worker.weightsVersion) {
                worker.evaluator = std::make_unique<InstantEvaluator>(network, test, worker.energy);
                worker.evaluatorWeightsVersion = worker.weightsVersion;
            }
            snapshot->evaluation = worker.evaluator->evaluate(worker.compression);
            compressed = std::make_shared<Network>(worker.evaluator->lastCompressedNetwork());
        }
        snapshot->compressed = compressed;

        if (worker.boundaryFeatures.cols() > 0) {
            auto grid = std::make_shared<BoundaryGrid>(worker.boundaryTemplate);
            const Matrix probabilities = compressed->probabilities(worker.boundaryFeatures);
            grid->classes = static_cast<int>(probabilities.rows());
            grid->probabilities.resize(static_cast<std::size_t>(probabilities.size()));
            for (Eigen::Index k = 0; k < probabilities.rows(); ++k)
                for (Eigen::Index p = 0; p < probabilities.cols(); ++p)
                    grid->probabilities[static_cast<std::size_t>(k * probabilities.cols() + p)] = probabilities(k, p);
            snapshot->boundary = std::move(grid);
        }

        if (appendHistory && (worker.historyDirty || worker.main->history.empty()))
            recordHistory(worker, &snapshot->evaluation);
        snapshot->history = worker.main->publish();
        snapshot->markers = worker.markers;

        if (worker.comparison) {
            Lane& lane = *worker.comparison;
            ComparisonRun run;
            run.kind = worker.comparisonKind;
            run.label = comparisonLabel(worker.config, worker.comparisonKind);
            run.history = lane.publish();
            run.trained = std::make_shared<const Network>(lane.network);
            run.weights = weightStatistics(lane.network);
            const Matrix otherTest = lane.network.probabilities(test.features);
            run.report = classificationReport(test.labels, argmaxColumns(otherTest), test.classCount());
            snapshot->comparison = std::move(run);
        }
    } catch (const std::exception& error) {
        worker.running = false;
        emit problem(ProblemKind::Internal, QStringLiteral("Evaluation failed"),
                     QString::fromStdString(error.what()));
        return;
    }
    worker.lastEmit = Clock::now();
    worker.emitOwed = false;
    emit snapshotReady(std::move(snapshot));
}

} // namespace ss
