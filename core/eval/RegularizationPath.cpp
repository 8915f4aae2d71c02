#include "eval/RegularizationPath.h"

#include "common/Error.h"
#include "metrics/Metrics.h"
#include "nn/Network.h"
#include "nn/Trainer.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace ss {

void RegularizationPathOptions::validate() const
{
    if (lambdas < 2)
        throw ConfigError("regularisation path: at least 2 lambdas are needed, got " + std::to_string(lambdas));
    if (!(minRatio > 0.0 && minRatio < 1.0))
        throw ConfigError("regularisation path: minRatio must be in (0, 1), got " + std::to_string(minRatio));
    if (epochsPerLambda < 1)
        throw ConfigError("regularisation path: epochsPerLambda must be >= 1, got " + std::to_string(epochsPerLambda));
    if (!(alpha >= 0.0 && alpha <= 1.0))
        throw ConfigError("regularisation path: alpha must be in [0, 1], got " + std::to_string(alpha));
    training.validate();
}

namespace {

// Class frequencies of the training labels (at least one count per class, so logs stay finite).
std::vector<double> classShares(const Dataset& train, int classes)
{
    std::vector<double> counts(static_cast<std::size_t>(classes), 0.0);
    for (int label : train.labels)
        counts[static_cast<std::size_t>(label)] += 1.0;
    const double n = std::max(1, train.sampleCount());
    for (double& c : counts)
        c = std::clamp(c / n, 1e-6, 1.0 - 1e-6);
    return counts;
}

} // namespace

double lassoLambdaMax(const Dataset& train)
{
    const int classes = std::max(2, train.classCount());
    const int n = train.sampleCount();
    if (n == 0)
        return 0.0;
    const std::vector<double> shares = classShares(train, classes);
    double best = 0.0;
    if (classes == 2) {
        // d/dw of mean BCE at w = 0, b = logit(share): X (p - y) / n with p the share of class 1.
        for (int f = 0; f < train.featureCount(); ++f) {
            double sum = 0.0;
            for (int i = 0; i < n; ++i)
                sum += static_cast<double>(train.features(f, i)) * (shares[1] - (train.labels[static_cast<std::size_t>(i)] == 1 ? 1.0 : 0.0));
            best = std::max(best, std::abs(sum) / n);
        }
    } else {
        // Softmax: (P - Y) X^T / n with every row of P the class shares.
        for (int k = 0; k < classes; ++k)
            for (int f = 0; f < train.featureCount(); ++f) {
                double sum = 0.0;
                for (int i = 0; i < n; ++i)
                    sum += static_cast<double>(train.features(f, i)) * (shares[static_cast<std::size_t>(k)] - (train.labels[static_cast<std::size_t>(i)] == k ? 1.0 : 0.0));
                best = std::max(best, std::abs(sum) / n);
            }
    }
    return best;
}

RegularizationPath computeRegularizationPath(const Dataset& train, const Dataset& test,
                                             const RegularizationPathOptions& options,
                                             const std::atomic<bool>* cancel,
                                             const std::function<void(double)>& onProgress)
{
    options.validate();
    if (train.sampleCount() == 0)
        throw ConfigError("regularisation path: the training set is empty");
    RegularizationPath path;
    path.lambdaMax = lassoLambdaMax(train);
    const double top = path.lambdaMax > 0 ? path.lambdaMax : 1.0;

    Architecture architecture;
    architecture.inputs = train.featureCount();
    architecture.classes = std::max(2, train.classCount());
    Network network(architecture, options.training.seed);
    // Start where the path starts: no weights, intercepts fitted to the class shares.
    DenseLayer& layer = network.layers().front();
    layer.weights.setZero();
    const std::vector<double> shares = classShares(train, architecture.classes);
    if (architecture.classes == 2) {
        layer.bias(0) = static_cast<Scalar>(std::log(shares[1] / shares[0]));
    } else {
        for (int k = 0; k < architecture.classes; ++k)
            layer.bias(k) = static_cast<Scalar>(std::log(shares[static_cast<std::size_t>(k)]));
    }

    TrainingConfig config = options.training;
    Trainer trainer(network, train, nullptr, config);
    for (int i = 0; i < options.lambdas; ++i) {
        if (cancel && cancel->load()) {
            path.cancelled = true;
            break;
        }
        const double t = static_cast<double>(i) / (options.lambdas - 1);
        const double lambda = top * std::pow(options.minRatio, t);
        config.regularization.l1 = options.alpha * lambda;
        config.regularization.l2 = (1.0 - options.alpha) * lambda;
        trainer.setConfig(config);
        const TrainingResult result = trainer.train(options.epochsPerLambda, cancel);
        if (result.outcome == TrainingOutcome::Cancelled) {
            path.cancelled = true;
            break;
        }
        PathPoint point;
        point.lambda = lambda;
        point.weights = network.layers().front().weights;
        point.nonZeroWeights = static_cast<long>((point.weights.array() != Scalar(0)).count());
        if (test.sampleCount() > 0) {
            const ClassificationReport report =
                classificationReport(test.labels, network.predict(test.features), architecture.classes);
            point.testAccuracy = report.accuracy;
            point.testMacroF1 = report.macro.f1;
        }
        path.points.push_back(std::move(point));
        if (onProgress)
            onProgress(static_cast<double>(i + 1) / options.lambdas);
        if (result.outcome == TrainingOutcome::Diverged)
            break;
    }
    return path;
}

} // namespace ss
