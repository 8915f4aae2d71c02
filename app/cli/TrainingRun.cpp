#include "cli/TrainingRun.h"

#include "cli/Command.h"
#include "metrics/Metrics.h"
#include "eval/Reports.h"
#include "nn/WeightStatistics.h"
#include "nn/ModelFile.h"
#include "common/Error.h"

#include <algorithm>
#include <chrono>

namespace ss::cli {

namespace {

PreparedData prepareTrainAndTest(const DatasetRequest& request, const std::string& testDatasetPath)
{
    if (testDatasetPath.empty())
        return prepareDataset(request);
    DatasetRequest trainRequest = request;
    trainRequest.testFraction = 0.0;
    PreparedData prepared = prepareDataset(trainRequest);
    DatasetRequest testRequest;
    testRequest.nameOrPath = testDatasetPath;
    testRequest.labelColumn = request.labelColumn;
    testRequest.testFraction = 0.0;
    testRequest.scaler = prepared.scaler;
    Dataset test = std::move(prepareDataset(testRequest).split.train);
    const Dataset& train = prepared.split.train;
    if (test.featureCount() != train.featureCount())
        throw ConfigError("test dataset " + testDatasetPath + ": " + std::to_string(test.featureCount())
                          + " features, the training data have " + std::to_string(train.featureCount()));
    std::vector<int> classOf(test.classNames.size(), -1);
    for (std::size_t c = 0; c < test.classNames.size(); ++c) {
        const auto found = std::find(train.classNames.begin(), train.classNames.end(), test.classNames[c]);
        if (found == train.classNames.end())
            throw ConfigError("test dataset " + testDatasetPath + ": class '" + test.classNames[c]
                              + "' is not in the training data");
        classOf[c] = static_cast<int>(found - train.classNames.begin());
    }
    for (int& label : test.labels)
        label = classOf[static_cast<std::size_t>(label)];
    test.classNames = train.classNames;
    test.name = train.name;
    prepared.split.testIndices.resize(static_cast<std::size_t>(test.sampleCount()));
    for (int i = 0; i < test.sampleCount(); ++i)
        prepared.split.testIndices[static_cast<std::size_t>(i)] = i;
    prepared.split.test = std::move(test);
    prepared.description += "; test part: every row of " + testDatasetPath;
    return prepared;
}

} // namespace

PreparedData prepareData(const DatasetRequest& request, const std::string& testDatasetPath)
{
    // The data were named on the command line: an unknown name or a split that leaves no
    // test samples is a bad argument (files that cannot be read stay InputErrors).
    return fromArguments([&] { return prepareTrainAndTest(request, testDatasetPath); });
}

nlohmann::json standardizationJson(const PreparedData& data, const ElasticNetStandardization& solver)
{
    const FeatureScaler& scaler = data.scaler;
    const char* kind = scaler.kind() == FeatureScaler::Kind::Standardize  ? "standardize"
                       : scaler.kind() == FeatureScaler::Kind::DivideBy255 ? "divide_by_255"
                                                                           : "none";
    const auto list = [](const auto& vector) {
        std::vector<double> values(static_cast<std::size_t>(vector.size()));
        for (Eigen::Index i = 0; i < vector.size(); ++i)
            values[static_cast<std::size_t>(i)] = static_cast<double>(vector(i));
        return values;
    };
    return {
        {"input_scaling",
         {{"kind", kind},
          {"meaning", "x' = (x - offset) * factor per feature, fitted on the training rows (float)"},
          {"offset", list(scaler.offset())},
          {"factor", list(scaler.factor())}}},
        {"solver",
         {{"standardized", solver.scaled},
          {"meaning", solver.description() + "; applied to x' (double)"},
          {"mean", list(solver.mean)},
          {"scale", list(solver.scale)}}},
        {"coefficients", "weights and intercepts are given on the scale of the file's features x"},
    };
}

TrainingRun runTraining(const DatasetRequest& request, const std::function<Architecture(int, int)>& architecture,
                        const TrainingConfig& config, const std::string& testDatasetPath)
{
    TrainingRun run;
    run.data = prepareData(request, testDatasetPath);
    const Dataset& train = run.data.split.train;
    run.network = Network(architecture(train.featureCount(), train.classCount()), config.seed);
    run.config = config;
    Trainer trainer(run.network, train, run.data.split.test.sampleCount() > 0 ? &run.data.split.test : nullptr, config);
    const auto start = std::chrono::steady_clock::now();
    run.result = trainer.train(config.epochs, nullptr, [&run](const TrainingReport& report) {
        if (report.epochProgress == static_cast<double>(report.epoch))
            run.history.push_back(report);
    });
    run.trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
}

TrainingRun runExactTraining(const DatasetRequest& request, const std::string& testDatasetPath,
                             const TrainingConfig& config, double kktTolerance, int threads)
{
    const double l1 = config.regularization.l1;
    const double l2 = config.regularization.l2;
    if (!(l1 > 0.0))
        throw UsageError("the exact solver fits an L1 or elastic-net penalty: --l1 must be > 0");
    if (config.regularization.dropout > 0.0)
        throw UsageError("the exact solver has no dropout: leave --dropout at 0 or use --solver optimizer");
    TrainingRun run;
    run.data = prepareData(request, testDatasetPath);
    const Dataset& train = run.data.split.train;
    Architecture architecture;
    architecture.inputs = train.featureCount();
    architecture.classes = train.classCount();
    run.network = Network(architecture, config.seed);
    run.config = config;

    // l1 |w| + l2/2 w^2 = lambda (alpha |w| + (1 - alpha)/2 w^2); no standardisation inside the
    // solver, so that the penalty acts on the weights of the network, as in training.
    ElasticNetOptions options;
    options.alpha = l1 / (l1 + l2);
    options.lambdas = {l1 + l2};
    options.standardize = false;
    options.kktTolerance = kktTolerance;
    options.threads = threads;
    const auto start = std::chrono::steady_clock::now();
    const ElasticNetPath path = fitElasticNetPath(train, options);
    run.trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const ElasticNetSolution& solution = path.solutions.front();
    DenseLayer& layer = run.network.layers().front();
    layer.weights = solution.weights.cast<Scalar>();
    layer.bias = solution.intercepts.cast<Scalar>();
    run.result.outcome = TrainingOutcome::Finished;
    run.exactFit = {
        {"method", "coordinate descent (glmnet's method), exact to the KKT tolerance"},
        {"objective_minimised", "mean over training rows of -log p(y | x') + l1 * sum|w| + l2/2 * sum w^2, intercepts unpenalised"},
        {"lambda", l1 + l2},
        {"alpha", options.alpha},
        {"objective", solution.objective},
        {"mean_log_loss", solution.meanLogLoss},
        {"kkt_residual", solution.kktResidual},
        {"kkt_tolerance", kktTolerance},
        {"outer_iterations", solution.outerIterations},
        {"coordinate_sweeps", solution.coordinateSweeps},
        {"non_zero_weights", solution.nonZeroWeights},
        {"standardization", standardizationJson(run.data, path.standardization)},
    };
    return run;
}

nlohmann::json toJson(const TrainingRun& run)
{
    const Dataset& test = run.data.split.test;
    const Network& network = run.network;

    nlohmann::json history = nlohmann::json::array();
    for (const TrainingReport& entry : run.history)
        history.push_back(ss::toJson(entry));

    nlohmann::json layers = nlohmann::json::array();
    for (const WeightStatistics& layer : layerWeightStatistics(network))
        layers.push_back(ss::toJson(layer));

    nlohmann::json testJson = nullptr; // --test-fraction 0: no test part, no test metrics
    if (test.sampleCount() > 0) {
        const Matrix probabilities = network.probabilities(test.features);
        const ClassificationReport report =
            classificationReport(test.labels, network.predict(test.features), test.classCount());
        testJson = ss::toJson(report, test.classNames);
        testJson["log_loss"] = logLoss(probabilities, test.labels);
    }

    const char* outcome = run.result.outcome == TrainingOutcome::Finished ? "finished"
                          : run.result.outcome == TrainingOutcome::Cancelled ? "cancelled"
                                                                            : "diverged";
    const TrainingConfig& c = run.config;
    nlohmann::json json = {
        {"dataset",
         {{"name", run.data.split.train.name},
          {"description", run.data.description},
          {"features", run.data.split.train.featureCount()},
          {"classes", run.data.split.train.classNames},
          {"train_samples", run.data.split.train.sampleCount()},
          {"test_samples", test.sampleCount()}}},
        {"model",
         {{"architecture", network.architecture().describe()},
          {"weights", network.weightCount()},
          {"biases", network.biasCount()},
          {"parameters", network.weightCount() + network.biasCount()}}},
        {"training",
         {{"optimizer", toString(c.optimizer.kind)},
          {"learning_rate", c.optimizer.learningRate},
          {"epochs", c.epochs},
          {"batch", c.batchSize},
          {"l1", c.regularization.l1},
          {"l2", c.regularization.l2},
          {"l1_mode", toString(c.regularization.l1Mode)},
          {"dropout", c.regularization.dropout},
          {"seed", c.seed},
          {"outcome", outcome},
          {"message", run.result.message},
          {"train_seconds", run.trainSeconds}}},
        {"history", history},
        {"test", testJson},
        {"sparsity", ss::toJson(weightStatistics(network))},
        {"layers", layers},
    };
    if (!run.exactFit.is_null()) {
        json["training"]["solver"] = "exact";
        json["exact_fit"] = run.exactFit;
    } else {
        json["training"]["solver"] = "optimizer";
    }
    return json;
}

TrainedModel trainedModelOf(const TrainingRun& run)
{
    const Dataset& train = run.data.split.train;
    TrainedModel model;
    model.network = run.network;
    model.scaler = run.data.scaler;
    model.classNames = train.classNames;
    model.featureNames = train.featureNames;
    model.imageShape = train.imageShape;
    model.datasetName = train.name;
    return model;
}

void saveTrainedModel(const std::string& path, const TrainingRun& run)
{
    TrainedModel model = trainedModelOf(run);
    const nlohmann::json summary = toJson(run);
    model.metadata = {{"training", summary["training"]}, {"test_accuracy", summary["test"].is_null() ? nlohmann::json() : summary["test"]["accuracy"]}};
    saveModel(path, model);
}

} // namespace ss::cli
