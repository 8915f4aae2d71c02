#pragma once
// Mini-batch training of a Network with any optimiser and regulariser. A Trainer keeps the
// optimiser state, so changing hyper-parameters between calls continues from the current
// weights (warm start) instead of restarting.

#include "data/Dataset.h"
#include "nn/Network.h"
#include "nn/TrainingConfig.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace ss {

struct TrainingReport {
    int epoch = 0;            // completed epochs since the trainer was made (may be fractional progress: see step)
    long step = 0;            // optimiser steps so far
    double epochProgress = 0; // epochs completed as a real number (for reports inside an epoch)
    double trainLoss = 0;     // mean data loss over the epoch's mini-batches (without penalty)
    double testLoss = 0;
    double trainAccuracy = 0; // over the mini-batches since the last report (evaluateNow: whole set)
    double testAccuracy = 0;
    double testMacroF1 = 0;
    double sparsity = 0;      // fraction of exactly-zero weights (biases apart)
    double seconds = 0;       // wall time spent training so far
};

enum class TrainingOutcome { Finished, Cancelled, Diverged };

// Divergence with a finite loss: a mini-batch loss this many times the best seen (and at
// least the loss of a uniform guess, ln K) stops training as a NaN does. Three orders of
// magnitude: a healthy run's mini-batch losses vary by a factor of ten or so, while an
// exploding one (Adam at lr 1e3) passes 1e3 x ln 2 within a few steps.
inline constexpr double kDivergenceLossFactor = 1000.0;
// Divergence the loss does not show: a weight or bias beyond this magnitude (or not finite)
// stops training too, and the weights kept are within it. The inputs are scaled to order 1
// (FeatureScaler in data/Dataset.h: standardised, or pixels divided by 255), so a healthy
// network's parameters are of order 1 to 100, even after long unregularised training on
// separable data; a parameter of a million only arises from steps far too large, e.g. Adam
// moving every weight by about its learning rate per step while the logits saturate and the
// loss stays near 0.
inline constexpr double kDivergenceWeightBound = 1e6;

struct TrainingResult {
    TrainingOutcome outcome = TrainingOutcome::Finished;
    std::string message;      // for Diverged: what went non-finite or out of range and that the last good weights were kept
};

class Trainer {
public:
    // The network and datasets must outlive the trainer. test may be null.
    Trainer(Network& network, const Dataset& train, const Dataset* test, const TrainingConfig& config);
    ~Trainer();

    // Warm start: the new settings apply from the next step; optimiser state is kept.
    void setConfig(const TrainingConfig& config);
    const TrainingConfig& config() const { return m_config; }

    using ReportCallback = std::function<void(const TrainingReport&)>;

    // Trains for `epochs` more epochs, polling `cancel` between mini-batches. Calls
    // onReport after every epoch (and every reportEverySteps steps).
    TrainingResult train(int epochs, const std::atomic<bool>* cancel = nullptr,
                         const ReportCallback& onReport = {});
    // Exactly one optimiser step on the next mini-batch (the UI's Step button).
    TrainingResult step();
    // Up to `steps` optimiser steps, across epoch boundaries, polling `cancel` between
    // mini-batches; no reports. The desktop app trains in short slices of these so that a
    // slider drag is answered within one mini-batch; unlike repeated step() calls, the
    // per-call checks (masks, finiteness, rollback snapshot) are paid once per slice.
    TrainingResult trainSteps(long steps, const std::atomic<bool>* cancel = nullptr);

    // Current metrics without training: train loss and accuracy over the whole training set
    // (no dropout), test metrics as in the reports.
    TrainingReport evaluateNow() const;
    long stepCount() const;
    int epochCount() const;
    // Completed epochs plus the fraction of the current one already trained.
    double epochProgress() const;
    // Continues the counters of a reopened session: the next step starts a fresh epoch
    // numbered after `epochs`, steps and training time count on from the given values. The
    // optimiser's moment estimates and the shuffling stream are not part of a session and
    // start afresh. Throws ConfigError for negative values.
    void resumeAt(int epochs, long steps, double seconds);

private:
    struct State;
    bool synchronize(TrainingResult& result);
    void takeSnapshot();
    void restoreSnapshot();
    std::string restoredText() const;
    double divergenceLimit() const;
    int threadsForBatch(int batch) const;
    void prepareWorkers(int batch, int threads);
    static int partBegin(int batch, int parts, int part);
    static int partEnd(int batch, int parts, int part);
    void computePart(int part, int begin, int end, int batch);
    bool runStep(TrainingResult& result);
    double evaluate(const Dataset& data, Labels& predicted) const;
    TrainingReport makeReport(bool evaluateTrainingSet) const;

    Network& m_network;
    const Dataset& m_train;
    const Dataset* m_test;
    TrainingConfig m_config;
    std::unique_ptr<State> m_state;
};

} // namespace ss
