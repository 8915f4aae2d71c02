#include "session/ExactReference.h"

#include "common/Error.h"
#include "common/ThreadPriority.h"
#include "metrics/Metrics.h"
#include "nn/Regularizer.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <utility>

namespace ss {

ExactReferenceProblem exactReferenceProblem(bool logisticRegression, const Regularization& regularization)
{
    ExactReferenceProblem problem;
    if (!logisticRegression) {
        problem.reason = "no exact optimum for a network with hidden layers (its objective is not convex)";
        return problem;
    }
    if (!(regularization.l1 > 0)) {
        problem.reason = "no exact-optimum line without an L1 term (the solver is for L1 and elastic net)";
        return problem;
    }
    problem.applicable = true;
    problem.lambda = regularization.l1 + regularization.l2;
    problem.alpha = regularization.l1 / problem.lambda;
    return problem;
}

Network exactSolutionNetwork(const ElasticNetSolution& solution, int inputs, int classes)
{
    Architecture architecture;
    architecture.inputs = inputs;
    architecture.classes = std::max(2, classes);
    Network network(architecture, 0);
    DenseLayer& layer = network.layers().back();
    if (layer.weights.rows() != solution.weights.rows() || layer.weights.cols() != solution.weights.cols())
        throw ConfigError("the exact solution has " + std::to_string(solution.weights.rows()) + "x"
                          + std::to_string(solution.weights.cols()) + " coefficients, the network "
                          + std::to_string(layer.weights.rows()) + "x" + std::to_string(layer.weights.cols()));
    layer.weights = solution.weights.cast<Scalar>();
    layer.bias = solution.intercepts.cast<Scalar>();
    layer.mask.setOnes(layer.weights.rows(), layer.weights.cols());
    return network;
}

ExactReference computeExactReference(const Dataset& train, const Dataset& curveRows, const ExactReferenceProblem& problem,
                                     const Regularization& regularization, const std::atomic<bool>* cancel)
{
    ExactReference reference;
    reference.lambda = problem.lambda;
    reference.alpha = problem.alpha;
    if (!problem.applicable) {
        reference.note = problem.reason;
        return reference;
    }
    ElasticNetOptions options;
    options.alpha = problem.alpha;
    options.lambdas = {problem.lambda};
    options.standardize = false; // the trainer's features are scaled already; its penalty acts on them
    try {
        const ElasticNetPath path = fitElasticNetPath(train, options, cancel);
        if (path.cancelled || path.solutions.empty()) {
            reference.status = ExactReference::Status::Failed;
            reference.note = "cancelled";
            return reference;
        }
        const ElasticNetSolution& solution = path.solutions.front();
        const Network network = exactSolutionNetwork(solution, train.featureCount(), train.classCount());
        reference.objective = logLoss(network.probabilities(curveRows.features), curveRows.labels)
            + regularizationPenalty(network, regularization);
        reference.solverObjective = solution.objective;
        reference.nonZeroWeights = solution.nonZeroWeights;
        reference.sparsity = solution.weights.size() > 0
            ? 1.0 - static_cast<double>(solution.nonZeroWeights) / static_cast<double>(solution.weights.size())
            : 0.0;
        reference.kktResidual = solution.kktResidual;
        reference.status = ExactReference::Status::Ready;
    } catch (const std::exception& error) {
        reference.status = ExactReference::Status::Failed;
        reference.note = std::string("the exact solver failed: ") + error.what();
    }
    return reference;
}

ExactReferenceJob::ExactReferenceJob()
    : m_thread([this] { run(); })
{
}

ExactReferenceJob::~ExactReferenceJob()
{
    m_stop = true;
    m_cancel = true;
    {
        std::lock_guard lock(m_mutex);
        m_wake.notify_all();
    }
    m_thread.join();
}

void ExactReferenceJob::request(std::shared_ptr<const void> owner, const Dataset& train, const Dataset& curveRows,
                                bool logisticRegression, const Regularization& regularization)
{
    std::lock_guard lock(m_mutex);
    const int classes = train.classCount();
    if (m_keyOwner == owner && m_keyTrain == &train && m_keyApplicable == logisticRegression
        && m_keyL1 == regularization.l1 && m_keyL2 == regularization.l2 && m_keyClasses == classes)
        return;
    m_keyOwner = owner;
    m_keyTrain = &train;
    m_keyApplicable = logisticRegression;
    m_keyL1 = regularization.l1;
    m_keyL2 = regularization.l2;
    m_keyClasses = classes;

    const ExactReferenceProblem problem = exactReferenceProblem(logisticRegression, regularization);
    m_cancel = true; // the solve under way answers an old question
    auto answer = std::make_shared<ExactReference>();
    answer->lambda = problem.lambda;
    answer->alpha = problem.alpha;
    if (!problem.applicable) {
        m_pending.reset();
        answer->note = problem.reason;
        m_latest = std::move(answer);
        m_unseen = true;
        return;
    }
    answer->status = ExactReference::Status::Computing;
    m_latest = std::move(answer);
    m_unseen = true;
    auto work = std::make_shared<Work>();
    work->owner = std::move(owner);
    work->train = &train;
    work->curveRows = curveRows;
    work->problem = problem;
    work->regularization = regularization;
    m_pending = std::move(work);
    m_wake.notify_all();
}

std::shared_ptr<const ExactReference> ExactReferenceJob::latest() const
{
    std::lock_guard lock(m_mutex);
    m_unseen = false;
    return m_latest;
}

bool ExactReferenceJob::hasNewResult() const
{
    std::lock_guard lock(m_mutex);
    return m_unseen;
}

bool ExactReferenceJob::busy() const
{
    std::lock_guard lock(m_mutex);
    return m_busy || m_pending;
}

void ExactReferenceJob::waitFor(double seconds)
{
    std::unique_lock lock(m_mutex);
    m_done.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return !m_busy && !m_pending; });
}

void ExactReferenceJob::run()
{
    lowerThisThreadsPriority();
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        m_wake.wait(lock, [this] { return m_stop || m_pending; });
        if (m_stop)
            break;
        std::shared_ptr<Work> work = std::exchange(m_pending, nullptr);
        m_cancel = false;
        m_busy = true;
        lock.unlock();
        auto result = std::make_shared<ExactReference>(
            computeExactReference(*work->train, work->curveRows, work->problem, work->regularization, &m_cancel));
        lock.lock();
        m_busy = false;
        // A newer request (pending, or answered already) makes this one stale.
        if (!m_pending && !m_cancel) {
            m_latest = std::move(result);
            m_unseen = true;
        }
        m_done.notify_all();
    }
}

} // namespace ss
