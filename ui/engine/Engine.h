#pragma once
// The thread that runs the live experiment (session/LiveExperiment.h) for the GUI.
// One worker thread owns the LiveExperiment (the dataset, the network, its Trainer and the
// InstantEvaluator); nothing else touches it.
//
// The GUI calls the set*/train/pause/... methods, which only copy the request into a
// pending-command slot under a mutex, raise an atomic "restart" flag and wake the worker
// (Qt's Mandelbrot example, with atomics instead of plain bools). Requests coalesce:
// the latest value of each kind wins. The worker hands each batch to the experiment and
// lets it train in short slices, which end between mini-batches when the flag is raised.
// The experiment's events come back as queued signals carrying immutable snapshots tagged
// with the generation of the last command they include; the GUI drops any snapshot older
// than the one it shows. The GUI thread never waits on the worker.

#include "engine/Snapshot.h"

#include "common/ThreadPriority.h"
#include "session/LiveExperiment.h"

#include <QString>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace ss {

class Engine : public QThread {
    Q_OBJECT
public:
    // LiveProblem as a Qt enum, for the signal.
    enum class ProblemKind {
        Dataset = static_cast<int>(LiveProblem::Dataset),
        Settings = static_cast<int>(LiveProblem::Settings),
        Divergence = static_cast<int>(LiveProblem::Divergence),
        Internal = static_cast<int>(LiveProblem::Internal),
    };
    Q_ENUM(ProblemKind)

    explicit Engine(QObject* parent = nullptr);
    // Sets abort, wakes the worker and joins it (it stops within one mini-batch).
    ~Engine() override;

    // Each call returns the generation number of the request (strictly increasing).
    std::uint64_t setDataset(const DatasetRequest& request, const ModelSpec& model);
    std::uint64_t setModel(const ModelSpec& model);
    std::uint64_t setTraining(const TrainingConfig& config);
    std::uint64_t setCompression(const CompressionSetting& setting);
    // Trains a second run beside the main one; a new kind restarts both from the same weights.
    std::uint64_t setComparison(ComparisonKind kind);
    std::uint64_t setPace(double epochsPerSecond);      // 0 = as fast as the machine allows
    std::uint64_t setEpochLimit(int epochs);            // 0 = until paused
    std::uint64_t setEnergyTable(const EnergyTable& table);
    std::uint64_t train();
    std::uint64_t pause();
    std::uint64_t step();                               // one mini-batch, then paused
    std::uint64_t reset();                              // new initial weights from the model seed
    // Makes the given pruning permanent (masks): later training keeps those weights at 0.
    std::uint64_t applyPruning(const PruningSpec& spec);
    std::uint64_t requestSnapshot();
    // Replaces dataset, model, weights, settings and curves (File > Open Session); pauses.
    // Pending commands of the same kinds are dropped. restoreFinished() tells the outcome.
    std::uint64_t restore(const RestoreRequest& request);

    std::uint64_t postedGeneration() const { return m_generation.load(); }
    // True once the worker has taken every posted command and is not training:
    // the next snapshot it emits (or the last one) reflects everything asked so far.
    bool isIdle() const { return m_idle.load(); }

signals:
    void snapshotReady(ss::SnapshotPtr snapshot);
    void problem(ss::Engine::ProblemKind kind, const QString& title, const QString& message);
    // A long job started ("Loading fashion-mnist...") or ended (empty text).
    void busy(const QString& what);
    // The outcome of restore(): ok, or why nothing was changed.
    void restoreFinished(std::uint64_t generation, bool ok, const QString& message);

protected:
    void run() override;

private:
    class EventAdapter;
    class WorkerClock;

    template <typename Modify>
    std::uint64_t post(Modify&& modify);
    // Waits up to `seconds` unless a command arrives or abort is set.
    void pauseFor(double seconds);

    std::mutex m_mutex;
    std::condition_variable m_condition;
    LiveCommands m_pending;                   // guarded by m_mutex
    std::atomic<bool> m_restart{false};       // a command is waiting: end the current slice
    std::atomic<bool> m_abort{false};
    std::atomic<bool> m_idle{true};
    std::atomic<std::uint64_t> m_generation{0};
};

} // namespace ss
