#pragma once
// The exact optimum of the objective the live trainer minimises, for logistic regression
// with an L1 or elastic-net penalty: the training view draws its objective and sparsity as
// reference lines, so that the gap between a live optimiser and the optimum is visible.
//
// The two sides must minimise the same function. The trainer's (nn/Trainer.cpp with
// nn/Regularizer.h and metrics/Metrics.h logLoss): the mean cross-entropy over the training
// rows of the network's output (nn/Network.h: one sigmoid output, the probability of class 1,
// for two classes; a softmax over one output per class for more), plus l1 * sum|w| +
// l2/2 * sum w^2 over the weight matrix, biases unpenalised, on the features as
// data/DatasetCatalog.h prepared them (already scaled). The solver's (solve/ElasticNetLogistic.h):
// the mean -log p(y|x) of the same parametrisation (one predictor, class 1 against class 0;
// or one per class, symmetric softmax) plus lambda * (alpha |b|_1 + (1 - alpha)/2 |b|_2^2),
// intercepts unpenalised. So the solver runs without its own standardisation
// (standardize = false: centring changes only the intercepts), on the same training split,
// with lambda = l1 + l2 and alpha = l1 / lambda.
// The reference's objective is then measured exactly as the training curve's (train objective
// = logLoss on the curve's training rows + regularizationPenalty), on the solution written
// back as a network of the live architecture. The curve's rows are the whole training set up
// to 2000 rows (session/LiveExperiment.cpp, kTrainMetricSamples); on larger sets both lines
// are estimates from the same rows, and the optimum's need not lie below the live curve there.

#include "data/Dataset.h"
#include "nn/Network.h"
#include "nn/TrainingConfig.h"
#include "solve/ElasticNetLogistic.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace ss {

struct ExactReference {
    enum class Status { NotApplicable, Computing, Ready, Failed };
    Status status = Status::NotApplicable;
    std::string note;          // why there is no line (not applicable, failed), for the legend
    double lambda = 0;         // the solver's parameters the trainer's penalty maps to
    double alpha = 1;
    double objective = 0;      // train objective of the optimum, measured as the training curve's
    double solverObjective = 0; // the solver's own figure over every training row, in double
    double sparsity = 0;       // fraction of zero weights, as the network would hold them
    long nonZeroWeights = 0;   // of the solver's coefficients
    double kktResidual = 0;
};

// The solver's problem for the live model, or why there is none (MLP, no L1 term).
struct ExactReferenceProblem {
    bool applicable = false;
    std::string reason;
    double lambda = 0;
    double alpha = 1;
};
ExactReferenceProblem exactReferenceProblem(bool logisticRegression, const Regularization& regularization);

// The solution as the live model's network (no hidden layers): its coefficients and intercepts.
Network exactSolutionNetwork(const ElasticNetSolution& solution, int inputs, int classes);

// Solves and measures. `curveRows` are the rows the training curve measures its loss on.
// Polls `cancel`; returns status Failed with a note when the solver refuses or is cancelled.
ExactReference computeExactReference(const Dataset& train, const Dataset& curveRows, const ExactReferenceProblem& problem,
                                     const Regularization& regularization, const std::atomic<bool>* cancel = nullptr);

// Computes the reference on a thread of its own: the live experiment's idle pieces run only
// while training is paused, and the reference is wanted while training runs. request() is
// cheap when nothing that defines the objective changed; a change cancels the solve under way
// and starts another. latest() is the newest finished result (or Computing / NotApplicable).
class ExactReferenceJob {
public:
    ExactReferenceJob();
    ~ExactReferenceJob();
    ExactReferenceJob(const ExactReferenceJob&) = delete;
    ExactReferenceJob& operator=(const ExactReferenceJob&) = delete;

    // `owner` keeps the training set alive while it is solved on; the curve rows are copied.
    void request(std::shared_ptr<const void> owner, const Dataset& train, const Dataset& curveRows, bool logisticRegression,
                 const Regularization& regularization);
    std::shared_ptr<const ExactReference> latest() const;
    // True once an answer arrived that latest() has not handed out since.
    bool hasNewResult() const;
    // True while a solve is waiting or under way.
    bool busy() const;
    // Waits up to `seconds` for the solve under way (the driver's idle piece while paused).
    void waitFor(double seconds);

private:
    void run();

    struct Work {
        std::shared_ptr<const void> owner;
        const Dataset* train = nullptr;
        Dataset curveRows;
        ExactReferenceProblem problem;
        Regularization regularization;
    };

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::shared_ptr<Work> m_pending;            // waiting to start
    std::shared_ptr<const ExactReference> m_latest;
    mutable bool m_unseen = false;
    bool m_busy = false;
    // What the current line answers: the data (held, so that its address is not reused by
    // other data while it is the key), the problem and the penalty.
    std::shared_ptr<const void> m_keyOwner;
    const Dataset* m_keyTrain = nullptr;
    bool m_keyApplicable = false;
    double m_keyL1 = -1, m_keyL2 = -1;
    int m_keyClasses = 0;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace ss
