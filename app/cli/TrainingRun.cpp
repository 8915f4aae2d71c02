#include "cli/TrainingRun.h"

#include "metrics/Metrics.h"
#include "eval/Reports.h"
#include "nn/WeightStatistics.h"
#include "nn/ModelFile.h"

#include <chrono>

namespace ss::cli {

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
