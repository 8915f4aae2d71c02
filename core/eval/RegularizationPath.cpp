#include "eval/RegularizationPath.h"

#include "common/Error.h"
#include "metrics/Metrics.h"
#include "nn/Network.h"

#include <chrono>
#include <cmath>
#include <string>

namespace ss {

void RegularizationPathOptions::validate() const
{
    if (explicitLambdas.empty() && lambdas < 2)
        throw ConfigError("regularisation path: at least 2 lambdas are needed, got " + std::to_string(lambdas));
    if (!(minRatio >= 0.0 && minRatio < 1.0))
        throw ConfigError("regularisation path: minRatio must be in (0, 1) (0 for glmnet's default), got " + std::to_string(minRatio));
    if (!(alpha >= 0.0 && alpha <= 1.0))
        throw ConfigError("regularisation path: alpha must be in [0, 1], got " + std::to_string(alpha));
}

double lassoLambdaMax(const Dataset& train)
{
    return elasticNetLambdaMax(train, 1.0, true);
}

RegularizationPath computeRegularizationPath(const Dataset& train, const Dataset& test,
                                             const RegularizationPathOptions& options,
                                             const std::atomic<bool>* cancel,
                                             const std::function<void(double)>& onProgress)
{
    options.validate();
    ElasticNetOptions solver;
    solver.alpha = options.alpha;
    solver.lambdaCount = options.lambdas;
    solver.minRatio = options.minRatio;
    solver.lambdas = options.explicitLambdas;
    solver.kktTolerance = options.kktTolerance;
    solver.standardize = options.standardize;
    solver.threads = options.threads;
    const auto start = std::chrono::steady_clock::now();
    const ElasticNetPath fitted = fitElasticNetPath(train, solver, cancel, onProgress);
    RegularizationPath path;
    path.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    path.lambdaMax = fitted.lambdaMax;
    path.alpha = fitted.alpha;
    path.standardization = fitted.standardization;
    path.cancelled = fitted.cancelled;
    const bool binary = fitted.predictors == 1;
    for (const ElasticNetSolution& solution : fitted.solutions) {
        PathPoint point;
        point.lambda = solution.lambda;
        point.weights = solution.weights.cast<Scalar>();
        point.biases = solution.intercepts.cast<Scalar>();
        point.nonZeroWeights = solution.nonZeroWeights;
        point.nonZeroFeatures = static_cast<long>((solution.standardizedWeights.array() != 0.0).colwise().any().count());
        point.meanLogLoss = solution.meanLogLoss;
        point.objective = solution.objective;
        point.kktResidual = solution.kktResidual;
        point.outerIterations = solution.outerIterations;
        point.coordinateSweeps = solution.coordinateSweeps;
        if (test.sampleCount() > 0) {
            const Eigen::MatrixXd logits = (solution.weights * test.features.cast<double>()).colwise() + solution.intercepts;
            const Matrix probabilities = probabilitiesFromLogits(logits.cast<Scalar>(), binary);
            const ClassificationReport report =
                classificationReport(test.labels, predictElasticNet(solution, test.features), fitted.classes);
            point.tested = true;
            point.testAccuracy = report.accuracy;
            point.testMacroF1 = report.macro.f1;
            point.testLogLoss = logLoss(probabilities, test.labels);
        }
        path.points.push_back(std::move(point));
    }
    return path;
}

} // namespace ss
