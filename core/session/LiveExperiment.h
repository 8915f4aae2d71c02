#pragma once
// The experiment the desktop app shows live: a dataset, a network with its Trainer (and a
// second run trained in lockstep for comparison), the InstantEvaluator for the compression
// sliders, the curves and their markers. One thread drives it (ui/Engine's worker) and
// nothing else touches it; what it has to say goes out through LiveExperimentEvents, as
// immutable snapshots, problems and progress notes.
//
// The driver hands over batches of commands (LiveCommands, the latest value of each kind)
// with process(), calls trainSlice() while wantsTraining(), and doIdleWork() while
// hasIdleWork() and nothing else is asked. A slice is a few mini-batches aimed at
// kSliceLength of the clock; it ends early, between mini-batches, when the driver raises
// `commandWaiting`, so a slider drag is evaluated within one mini-batch even while training,
// and a lambda drag continues training from the current weights (Trainer::setConfig). A
// compression slider's drag holds training until the hand is still: its positions are
// evaluated on weights that stand still, by the evaluator's caches, at a paused drag's speed. The
// clock is injectable, so that the slice scheduling and the report throttles are testable
// without waiting.

#include "compress/Efficiency.h"
#include "session/LiveSnapshot.h"
#include "session/Session.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ss {

// Everything a reopened session puts back at once (the app builds it from a session
// file). Applied as one command: either all of it takes effect or, when the data cannot be
// loaded or does not fit the weights, none of it.
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
    // The session being opened, if any: checked against the data once it is prepared (features,
    // classes, class names; checkSessionFitsData), on the worker, before anything changes.
    std::shared_ptr<const Session> session;
    std::string sessionFile;
};

// One batch of commands: of each kind the latest value asked for, or nothing.
struct LiveCommands {
    std::optional<DatasetRequest> dataset;
    std::optional<ModelSpec> model;
    std::optional<TrainingConfig> training;
    std::optional<CompressionSetting> compression;
    std::optional<ComparisonKind> comparison;
    std::optional<double> pace;              // epochs per second; 0 = as fast as the machine allows
    std::optional<int> epochLimit;           // 0 = until paused
    std::optional<EnergyTable> energy;
    std::optional<bool> running;
    std::optional<PruningSpec> applyPruning; // made permanent (masks)
    std::optional<RestoreRequest> restore;
    // The restore's own generation: later commands merged into the batch raise
    // `generation`, but restoreFinished must name the restore the caller waits for.
    std::uint64_t restoreGeneration = 0;
    int steps = 0;                           // single mini-batches, then paused
    bool reset = false;                      // new initial weights from the model seed
    bool snapshot = false;                   // a snapshot even when nothing changed
    bool any = false;
    // The generation of the latest command in the batch: snapshots carry it.
    std::uint64_t generation = 0;
    // When the driver took the latest command, on the experiment's clock (none: when the
    // batch is processed). A drag position that waited for an evaluation to end has been
    // still since then, not since it was processed.
    std::optional<double> postedAt;

    // Adds a restore: it replaces everything of the kinds it sets, so earlier requests of
    // those kinds in the batch are void.
    void setRestore(const RestoreRequest& request, std::uint64_t restoreGenerationNumber);
};

enum class LiveProblem {
    Dataset,     // the requested dataset could not be loaded; the previous one stays active
    Settings,    // a hyper-parameter was rejected; the previous value stays
    Divergence,  // training produced NaN/Inf; it stopped with the last finite weights
    Internal,    // anything else the core threw
};

// What the experiment tells its driver, on the driver's thread, in the order it happens.
class LiveExperimentEvents {
public:
    virtual ~LiveExperimentEvents() = default;
    virtual void snapshotReady(SnapshotPtr snapshot) = 0;
    virtual void problem(LiveProblem kind, const std::string& title, const std::string& message) = 0;
    // A long job started ("Loading fashion-mnist...") or ended (empty text).
    virtual void busy(const std::string& what) = 0;
    // The outcome of a restore: ok, or why nothing was changed.
    virtual void restoreFinished(std::uint64_t generation, bool ok, const std::string& message) = 0;
};

// The time the slice scheduling and the throttles go by, and the wait that holds a pace.
class LiveClock {
public:
    virtual ~LiveClock() = default;
    // Seconds on a monotonic scale.
    virtual double now() const = 0;
    // Waits up to `seconds`; may return sooner (a driver returns as soon as a command or an
    // abort arrives).
    virtual void waitFor(double seconds) = 0;
};

// std::chrono::steady_clock, waiting by sleeping.
class SteadyLiveClock : public LiveClock {
public:
    double now() const override;
    void waitFor(double seconds) override;
};

class LiveExperiment {
public:
    // A slice aims at this long, so that replies stay prompt even without commands.
    static constexpr double kSliceSeconds = 0.012;

    // `commandWaiting` (raised by the driver while a batch waits) ends a training slice
    // between mini-batches; `abort` ends any long work. Either may be null. The clock and
    // the events must outlive the experiment.
    LiveExperiment(LiveExperimentEvents& events, LiveClock& clock, const std::atomic<bool>* commandWaiting = nullptr,
                   const std::atomic<bool>* abort = nullptr);
    ~LiveExperiment();
    LiveExperiment(const LiveExperiment&) = delete;
    LiveExperiment& operator=(const LiveExperiment&) = delete;

    // Applies a batch and, unless a throttle holds it back, emits a snapshot of the result.
    void process(LiveCommands& commands);
    // True while training is on and there is a model to train.
    bool wantsTraining() const;
    // One slice of training (see above), with the history points and reports it is due.
    void trainSlice();
    // The evaluator's idle work (checkpoints, then the precision ladder), one piece a call,
    // so that later slider jumps are quick; for when nothing else is asked.
    bool hasIdleWork() const;
    void doIdleWork();

    // Where training is (the trainer is the one source of truth for it).
    long steps() const;
    int epoch() const;
    double epochProgress() const;
    // Mini-batches the next unhurried slice will take (adapted to kSliceSeconds).
    long stepsPerSlice() const;

private:
    struct State;

    bool commandWaiting() const;
    bool aborted() const;
    void emitSnapshot(Snapshot::Reason reason, bool appendHistory);
    void recordHistory(const Evaluation* shown = nullptr);
    bool loadDataset(const DatasetRequest& request, const ModelSpec& model);
    // loadDataset in two halves: preparing may fail and changes nothing (null, *error set);
    // installing replaces the data and builds a fresh model on it.
    std::shared_ptr<PreparedData> prepareData(const DatasetRequest& request, std::string* error);
    void installData(std::shared_ptr<PreparedData> prepared, const DatasetRequest& request, const ModelSpec& model);
    bool restoreSession(const RestoreRequest& request, std::uint64_t generation);
    void rebuildModel(const ModelSpec& model);
    void applyTrainingConfig(const TrainingConfig& config);

    LiveExperimentEvents& m_events;
    LiveClock& m_clock;
    const std::atomic<bool>* m_commandWaiting;
    const std::atomic<bool>* m_abort;
    std::unique_ptr<State> m_state;
};

} // namespace ss
