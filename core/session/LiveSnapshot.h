#pragma once
// What the live experiment (session/LiveExperiment.h) hands to whoever shows it: immutable
// snapshots of its state. A snapshot is built once on the thread that runs the experiment,
// wrapped in shared_ptr<const Snapshot> and never changed again, so a reader on another
// thread needs no locks while training goes on. Large parts that rarely change (the
// dataset, the trained weights, the history) are shared between consecutive snapshots
// instead of copied.

#include "data/DatasetCatalog.h"
#include "eval/InstantEvaluator.h"
#include "nn/Network.h"
#include "nn/TrainingConfig.h"
#include "session/ExactReference.h"
#include "session/Records.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ss {

// Class probabilities over a regular grid, for the decision boundary of 2-D data.
// Coordinates are in the dataset's original (unscaled) units.
struct BoundaryGrid {
    int columns = 0;           // along feature 0
    int rows = 0;              // along feature 1
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    int classes = 2;
    std::vector<float> probabilities; // classes x (rows * columns), row-major per class
    float probability(int cls, int row, int column) const
    {
        return probabilities[static_cast<std::size_t>(cls) * rows * columns
                             + static_cast<std::size_t>(row) * columns + column];
    }
};

// What the second run, trained in lockstep beside the main one, does differently.
enum class ComparisonKind {
    None,
    OtherL1Step,  // proximal <-> naive subgradient L1, all else equal
    L2Instead,    // the same lambda as pure L2 (weight decay)
    NoPenalty,    // no regularisation at all
};
// The names sessions and settings keep (nameOf as in compress/Pruning.h).
inline constexpr EnumName<ComparisonKind> kComparisonNames[] = {{ComparisonKind::None, "none"},
                                                                {ComparisonKind::OtherL1Step, "other-l1-step"},
                                                                {ComparisonKind::L2Instead, "l2-instead"},
                                                                {ComparisonKind::NoPenalty, "no-penalty"}};
inline std::string nameOf(ComparisonKind kind) { return enumToString(kComparisonNames, kind, "comparison"); }

// The main run's settings turned into the comparison run's.
TrainingConfig comparisonConfig(const TrainingConfig& main, ComparisonKind kind);
// A short name for the comparison run, e.g. "naive L1 (subgradient)".
std::string comparisonLabel(const TrainingConfig& main, ComparisonKind kind);

// A second run trained in lockstep with the main one: same data, initial weights, batches
// and settings except what `kind` changes.
struct ComparisonRun {
    ComparisonKind kind = ComparisonKind::OtherL1Step;
    std::string label;
    std::shared_ptr<const std::vector<HistoryPoint>> history;
    std::shared_ptr<const Network> trained;
    WeightStatistics weights;
    ClassificationReport report;   // test set, fp32 and unpruned
};

struct Snapshot {
    enum class Reason { Report, Compression, Reset, Data, Stopped };

    // The generation of the latest GUI command this snapshot has taken into account.
    // The GUI never shows a snapshot older than the one it shows already.
    std::uint64_t generation = 0;
    // Increments whenever the dataset, the model or the weights are replaced (not trained).
    std::uint64_t modelGeneration = 0;
    // Increments whenever the trained weights change (a step, a reset, applied pruning).
    std::uint64_t weightsVersion = 0;
    Reason reason = Reason::Report;

    std::shared_ptr<const PreparedData> data;
    DatasetRequest datasetRequest;
    ModelSpec model;
    TrainingConfig training;
    CompressionSetting compression;

    bool running = false;
    bool heldForDrag = false;      // running, but waiting while a compression slider moves
    int epochLimit = 0;            // the epoch training stops at (0: runs until paused)
    int epochsPerRun = 0;          // the "stop after" setting: a Train after the stop runs this many more
    int epoch = 0;                 // completed epochs
    double epochProgress = 0;      // fractional epochs
    long steps = 0;
    double stepsPerSecond = 0;     // over the last report interval
    double trainingSeconds = 0;

    std::shared_ptr<const Network> trained;     // the weights being trained (own masks applied)
    std::shared_ptr<const Network> compressed;  // after the pruning and precision sliders
    Evaluation evaluation;                      // test-set evaluation of `compressed`
    std::shared_ptr<const std::vector<HistoryPoint>> history;
    std::shared_ptr<const std::vector<ParameterMarker>> markers;
    std::shared_ptr<const BoundaryGrid> boundary; // null unless the data is 2-D
    std::optional<ComparisonRun> comparison;
    // The exact optimum of the main run's objective (L1 / elastic-net logistic regression),
    // or why there is none; null before the first request.
    std::shared_ptr<const ExactReference> exactReference;

    double maxAbsWeight = 0;       // of `trained`: the threshold slider's range
    std::string status;            // a line for the status bar, e.g. "Diverged at epoch 12"
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

} // namespace ss
