#pragma once
// The bridge between the GUI and the Qt-free core. One worker thread owns the dataset,
// the network, its Trainer and the InstantEvaluator; nothing else touches them.
//
// The GUI calls the set*/train/pause/... methods, which only copy the request into a
// pending-command slot under a mutex, raise an atomic "restart" flag and wake the worker
// (Qt's Mandelbrot example, with atomics instead of plain bools). Requests coalesce:
// the latest value of each kind wins. The worker trains in short slices of mini-batches,
// polling the flag between mini-batches, so a threshold drag is evaluated within one
// mini-batch even while training, and a lambda drag continues training from the current
// weights (Trainer::setConfig). Results go back as immutable snapshots tagged with the
// generation of the last command they include, over queued signals; the GUI drops any
// snapshot older than the one it shows. The GUI thread never waits on the worker.

#include "Snapshot.h"

#include "compress/Efficiency.h"

#include <QString>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace ss {

// Everything a reopened session puts back at once (SessionController builds it from a
// session file). Applied as one command: either all of it takes effect or, when the data
// cannot be loaded or does not fit the weights, none of it.
struct RestoreRequest {
    DatasetRequest dataset;
    ModelSpec model;
    TrainingConfig training;
    CompressionSetting compression;
    ComparisonKind comparison = ComparisonKind::None;
    double pace = 0;
    int epochLimit = 0;
    std::shared_ptr<const Network> network;    // trained weights and masks; null: fresh from model.seed
    std::optional<EnergyTable> energy;         // the efficiency view's table; none: keep the current one
    std::vector<HistoryPoint> history;
    std::vector<ParameterMarker> markers;
    int epoch = 0;                             // completed epochs, continued by later training
    long steps = 0;
    double seconds = 0;
};

class Engine : public QThread {
    Q_OBJECT
public:
    enum class ProblemKind {
        Dataset,     // the requested dataset could not be loaded; the previous one stays active
        Settings,    // a hyper-parameter was rejected; the previous value stays
        Divergence,  // training produced NaN/Inf; it stopped with the last finite weights
        Internal,    // anything else the core threw
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
    struct Commands {
        std::optional<DatasetRequest> dataset;
        std::optional<ModelSpec> model;
        std::optional<TrainingConfig> training;
        std::optional<CompressionSetting> compression;
        std::optional<ComparisonKind> comparison;
        std::optional<double> pace;
        std::optional<int> epochLimit;
        std::optional<EnergyTable> energy;
        std::optional<bool> running;
        std::optional<PruningSpec> applyPruning;
        std::optional<RestoreRequest> restore;
        // restore()'s own generation: later commands merged into the batch raise
        // `generation`, but restoreFinished must name the restore the caller waits for.
        std::uint64_t restoreGeneration = 0;
        int steps = 0;
        bool reset = false;
        bool snapshot = false;
        bool any = false;
        std::uint64_t generation = 0;
    };
    struct Worker;

    template <typename Modify>
    std::uint64_t post(Modify&& modify);

    void process(Worker& worker, Commands& commands);
    void trainSlice(Worker& worker);
    void emitSnapshot(Worker& worker, Snapshot::Reason reason, bool appendHistory);
    void recordHistory(Worker& worker, const Evaluation* shown = nullptr);
    bool loadDataset(Worker& worker, const DatasetRequest& request, const ModelSpec& model);
    // loadDataset in two halves: preparing may fail and changes nothing (null, *error set);
    // installing replaces the data and builds a fresh model on it.
    std::shared_ptr<PreparedData> prepareData(const DatasetRequest& request, QString* error);
    void installData(Worker& worker, std::shared_ptr<PreparedData> prepared, const DatasetRequest& request,
                     const ModelSpec& model);
    bool restoreSession(Worker& worker, const RestoreRequest& request, std::uint64_t generation);
    void rebuildModel(Worker& worker, const ModelSpec& model);
    void applyTrainingConfig(Worker& worker, const TrainingConfig& config);
    // Waits up to `seconds` unless a command arrives or abort is set. Returns false on abort.
    bool pauseFor(double seconds);

    std::mutex m_mutex;
    std::condition_variable m_condition;
    Commands m_pending;                       // guarded by m_mutex
    std::atomic<bool> m_restart{false};       // a command is waiting: end the current slice
    std::atomic<bool> m_abort{false};
    std::atomic<bool> m_idle{true};
    std::atomic<std::uint64_t> m_generation{0};
};

// Makes the calling thread (and threads it starts later) yield to the GUI thread: for the
// engine's worker and background jobs. Does nothing where threads have no own priority.
void lowerThisThreadsPriority();

} // namespace ss

Q_DECLARE_METATYPE(ss::SnapshotPtr)
