#include "cli/Command.h"
#include "cli/CommonOptions.h"
#include "cli/TrainingRun.h"

#include "eval/RegularizationPath.h"

#include <nlohmann/json.hpp>

#include <ostream>

namespace ss::cli {

namespace {

// Weights w' on the scaled features x' = (x - offset) * factor, written for x itself.
nlohmann::json onFileScale(const FeatureScaler& scaler, const Matrix& weights, const Vector& biases)
{
    const bool identity = scaler.factor().size() != weights.cols();
    nlohmann::json rows = nlohmann::json::array();
    std::vector<double> intercepts;
    for (Eigen::Index k = 0; k < weights.rows(); ++k) {
        std::vector<double> row(static_cast<std::size_t>(weights.cols()));
        double intercept = biases(k);
        for (Eigen::Index j = 0; j < weights.cols(); ++j) {
            const double w = identity ? weights(k, j) : static_cast<double>(weights(k, j)) * scaler.factor()(j);
            row[static_cast<std::size_t>(j)] = w;
            if (!identity)
                intercept -= w * scaler.offset()(j);
        }
        rows.push_back(row);
        intercepts.push_back(intercept);
    }
    return {{"weights", rows}, {"intercepts", intercepts}};
}

} // namespace

int runPath(const QStringList& arguments, CommandStreams streams)
{
    return runCommand(
        arguments, streams,
        "Fit L1 / elastic-net logistic regression exactly (coordinate descent as in glmnet: quadratic "
        "approximation, soft thresholding, warm starts, strong rules with KKT checks) at a sequence of "
        "lambdas and print one JSON object: per lambda the non-zero weights, the objective, the KKT "
        "residual, the coefficients and the test metrics.",
        [](QCommandLineParser& parser) {
            addDatasetOptions(parser);
            addExactSolverOptions(parser, true);
            parser.addOption({"seed", "Seed for data generation and the split.", "S", "42"});
        },
        [&](const QCommandLineParser& parser) {
            const DatasetRequest request = datasetRequestFrom(parser, true);
            const ExactSolverChoice choice = exactSolverChoiceFrom(parser, true);
            const PreparedData data = prepareData(request, choice.testDataset);
            const Dataset& train = data.split.train;
            const Dataset& test = data.split.test;

            RegularizationPathOptions options;
            options.alpha = choice.alpha;
            options.lambdas = std::max(2, choice.lambdaCount);
            options.minRatio = choice.minRatio;
            options.explicitLambdas = choice.lambdas;
            if (choice.lambdas.empty() && choice.lambdaCount == 1)
                options.explicitLambdas = {elasticNetLambdaMax(train, choice.alpha, choice.standardize)};
            options.kktTolerance = choice.kktTolerance;
            options.standardize = choice.standardize;
            options.threads = choice.threads;
            fromArguments([&] { options.validate(); });
            const RegularizationPath path = computeRegularizationPath(train, test, options);

            nlohmann::json points = nlohmann::json::array();
            for (const PathPoint& point : path.points) {
                nlohmann::json entry = {
                    {"lambda", point.lambda},
                    {"non_zero_weights", point.nonZeroWeights},
                    {"non_zero_features", point.nonZeroFeatures},
                    {"mean_log_loss", point.meanLogLoss},
                    {"deviance", 2.0 * train.sampleCount() * point.meanLogLoss},
                    {"objective", point.objective},
                    {"kkt_residual", point.kktResidual},
                    {"outer_iterations", point.outerIterations},
                    {"coordinate_sweeps", point.coordinateSweeps},
                };
                entry.update(onFileScale(data.scaler, point.weights, point.biases));
                if (point.tested)
                    entry["test"] = {{"accuracy", point.testAccuracy},
                                     {"macro_f1", point.testMacroF1},
                                     {"log_loss", point.testLogLoss}};
                points.push_back(std::move(entry));
            }
            const bool binary = train.classCount() == 2;
            const nlohmann::json json = {
                {"dataset",
                 {{"name", train.name},
                  {"description", data.description},
                  {"features", train.featureCount()},
                  {"classes", train.classNames},
                  {"train_samples", train.sampleCount()},
                  {"test_samples", test.sampleCount()}}},
                {"model",
                 {{"family", binary ? "binomial" : "multinomial"},
                  {"outputs", binary ? 1 : train.classCount()},
                  {"parametrisation", binary ? "one linear predictor, logit of the second class"
                                             : "one linear predictor per class (symmetric softmax); per feature the "
                                               "shift across classes that minimises the penalty, intercepts centred"}}},
                {"objective", "mean over training rows of -log p(y | x) + lambda * (alpha * ||b||_1 + (1 - alpha)/2 * "
                              "||b||_2^2), b the standardised coefficients, intercepts unpenalised"},
                {"solver",
                 {{"method", "coordinate descent (glmnet)"},
                  {"alpha", path.alpha},
                  {"lambda_max", path.lambdaMax},
                  {"kkt_tolerance", options.kktTolerance},
                  {"threads", options.threads},
                  {"seconds", path.seconds},
                  {"cancelled", path.cancelled}}},
                {"standardization", standardizationJson(data, path.standardization)},
                {"path", points},
            };
            streams.out << json.dump(2) << '\n';
            return ExitSuccess;
        });
}

} // namespace ss::cli
