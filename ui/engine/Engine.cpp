#include "engine/Engine.h"

#include <QMetaType>

#include <chrono>

namespace ss {

// The experiment's events as the engine's signals. They are emitted on the worker thread,
// so connections to objects of the GUI thread are queued.
class Engine::EventAdapter : public LiveExperimentEvents {
public:
    explicit EventAdapter(Engine& engine)
        : m_engine(engine)
    {
    }
    void snapshotReady(SnapshotPtr snapshot) override { emit m_engine.snapshotReady(std::move(snapshot)); }
    void problem(LiveProblem kind, const std::string& title, const std::string& message) override
    {
        emit m_engine.problem(static_cast<ProblemKind>(kind), QString::fromStdString(title), QString::fromStdString(message));
    }
    void busy(const std::string& what) override { emit m_engine.busy(QString::fromStdString(what)); }
    void restoreFinished(std::uint64_t generation, bool ok, const std::string& message) override
    {
        emit m_engine.restoreFinished(generation, ok, QString::fromStdString(message));
    }

private:
    Engine& m_engine;
};

// Steady time; holding a pace ends as soon as a command or the abort arrives.
class Engine::WorkerClock : public SteadyLiveClock {
public:
    explicit WorkerClock(Engine& engine)
        : m_engine(engine)
    {
    }
    void waitFor(double seconds) override { m_engine.pauseFor(seconds); }

private:
    Engine& m_engine;
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
        m_pending.postedAt = SteadyLiveClock().now(); // the worker's clock (WorkerClock)
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
    return post([&](LiveCommands& c) { c.dataset = request; c.model = model; });
}

std::uint64_t Engine::setModel(const ModelSpec& model)
{
    return post([&](LiveCommands& c) { c.model = model; });
}

std::uint64_t Engine::setTraining(const TrainingConfig& config)
{
    return post([&](LiveCommands& c) { c.training = config; });
}

std::uint64_t Engine::setCompression(const CompressionSetting& setting)
{
    return post([&](LiveCommands& c) { c.compression = setting; });
}

std::uint64_t Engine::setComparison(ComparisonKind kind)
{
    return post([&](LiveCommands& c) { c.comparison = kind; });
}

std::uint64_t Engine::setPace(double epochsPerSecond)
{
    return post([&](LiveCommands& c) { c.pace = epochsPerSecond; });
}

std::uint64_t Engine::setEpochLimit(int epochs)
{
    return post([&](LiveCommands& c) { c.epochLimit = epochs; });
}

std::uint64_t Engine::setEnergyTable(const EnergyTable& table)
{
    return post([&](LiveCommands& c) { c.energy = table; });
}

std::uint64_t Engine::train()
{
    return post([](LiveCommands& c) { c.running = true; c.steps = 0; });
}

std::uint64_t Engine::pause()
{
    return post([](LiveCommands& c) { c.running = false; });
}

std::uint64_t Engine::step()
{
    return post([](LiveCommands& c) { c.running = false; ++c.steps; });
}

std::uint64_t Engine::reset()
{
    return post([](LiveCommands& c) { c.reset = true; c.steps = 0; c.applyPruning.reset(); });
}

std::uint64_t Engine::applyPruning(const PruningSpec& spec)
{
    return post([&](LiveCommands& c) { c.applyPruning = spec; });
}

std::uint64_t Engine::requestSnapshot()
{
    return post([](LiveCommands& c) { c.snapshot = true; });
}

std::uint64_t Engine::restore(const RestoreRequest& request)
{
    return post([&](LiveCommands& c) { c.setRestore(request, c.generation); });
}

void Engine::pauseFor(double seconds)
{
    std::unique_lock lock(m_mutex);
    m_condition.wait_for(lock, std::chrono::duration<double>(seconds),
                         [this] { return m_abort.load() || m_pending.any; });
}

void Engine::run()
{
    lowerThisThreadsPriority();
    EventAdapter events(*this);
    WorkerClock clock(*this);
    LiveExperiment experiment(events, clock, &m_restart, &m_abort);
    while (!m_abort.load()) {
        LiveCommands commands;
        bool idleWork = false;
        {
            std::unique_lock lock(m_mutex);
            if (!m_pending.any && !experiment.wantsTraining()) {
                // Nothing asked for: let the evaluator do its idle work, one piece at a time,
                // looking for commands in between.
                idleWork = experiment.hasIdleWork();
                if (!idleWork) {
                    m_idle = true;
                    m_condition.wait(lock, [this] { return m_abort.load() || m_pending.any; });
                }
            }
            if (m_abort.load())
                break;
            if (!idleWork) {
                commands = std::exchange(m_pending, LiveCommands{});
                m_restart = false;
                if (commands.any)
                    m_idle = false;
            }
        }
        if (idleWork) {
            experiment.doIdleWork();
            continue;
        }
        if (commands.any)
            experiment.process(commands);
        if (experiment.wantsTraining() && !m_abort.load())
            experiment.trainSlice();
    }
}

} // namespace ss
