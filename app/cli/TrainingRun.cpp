#include "cli/TrainingRun.h"

#include "metrics/Metrics.h"
#include "eval/Reports.h"
#include "nn/WeightStatistics.h"
#include "nn/ModelFile.h"
#include "common/Error.h"

#include <algorithm>
#include <chrono>

namespace ss::cli {

PreparedData prepareData(const DatasetRequest& request, const std::string& testDatasetPath)
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
                        const TrainingConfig& config)
{
    TrainingRun run;
    run.data = prepareDataset(request);
    const Dataset& train = run.data.split.train;
    run.network = Network(architecture(train.featureCount(), train.classCount()), config.seed);
    run.config = config;
    Trainer trainer(run.network, train, &run.data.split.test, config);
    const auto start = std::chrono::steady_clock::now();
    run.result = trainer.train(config.epochs, nullptr, [&run](const TrainingReport& report) {
        if (report.epochProgress == static_cast<double>(report.epoch))
            run.history.push_back(report);
    });
    run.trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
}

nlohmann::json toJson(const TrainingRun& run)
{
    const Dataset& test = run.data.split.test;
    const Network& network = run.network;
    const Matrix probabilities = network.probabilities(test.features);
    const Labels predicted = network.predict(test.features);
    const ClassificationReport report = classificationReport(test.labels, predicted, test.classCount());

    nlohmann::json history = nlohmann::json::array();
    for (const TrainingReport& entry : run.history)
        history.push_back(ss::toJson(entry));

    nlohmann::json layers = nlohmann::json::array();
    for (const WeightStatistics& layer : layerWeightStatistics(network))
        layers.push_back(ss::toJson(layer));

    nlohmann::json testJson = ss::toJson(report, test.classNames);
    testJson["log_loss"] = logLoss(probabilities, test.labels);

    const char* outcome = run.result.outcome == TrainingOutcome::Finished ? "finished"
                          : run.result.outcome == TrainingOutcome::Cancelled ? "cancelled"
                                                                            : "diverged";
    const TrainingConfig& c = run.config;
    return {
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
}

void saveTrainedModel(const std::string& path, const TrainingRun& run)
{
    const Dataset& train = run.data.split.train;
    TrainedModel model;
    model.network = run.network;
    model.scaler = run.data.scaler;
    model.classNames = train.classNames;
    model.featureNames = train.featureNames;
    model.imageShape = train.imageShape;
    model.datasetName = train.name;
    const nlohmann::json summary = toJson(run);
    model.metadata = {{"training", summary["training"]}, {"test_accuracy", summary["test"]["accuracy"]}};
    saveModel(path, model);
}

} // namespace ss::cli
