#include "cli/CommonOptions.h"

#include "cli/Command.h"
#include "data/Generators.h"

namespace ss::cli {

void addDatasetOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {"dataset", "A generator (article, moons, circles, xor, spiral, blobs), a bundled set "
                    "(breast-cancer, digits, iris), fashion-mnist, or a path to a CSV file.", "NAME|PATH", "moons"},
        {"label-column", "CSV: the label column, by header name or 0-based index (default: last).", "C"},
        {"samples", "Generators: number of samples (default: the generator's own).", "N"},
        {"noise", "Generators: noise level (default: the generator's own).", "X"},
        {"classes", "blobs and spiral: number of classes.", "K", "3"},
        {"test-fraction", "Fraction held out for testing (stratified).", "F", "0.2"},
        {"fashion-mnist-dir", "Folder with the Fashion-MNIST IDX files.", "DIR"},
        {"max-train-samples", "Use at most N training samples (seeded, stratified).", "N"},
    });
}

DatasetRequest datasetRequestFrom(const QCommandLineParser& parser)
{
    DatasetRequest request;
    request.nameOrPath = parser.value("dataset").toStdString();
    request.labelColumn = parser.value("label-column").toStdString();
    if (parser.isSet("samples"))
        request.samples = static_cast<int>(longOption(parser, "samples", 1, kMaxGeneratedSamples));
    if (parser.isSet("noise"))
        request.noise = doubleOption(parser, "noise");
    request.classes = static_cast<int>(longOption(parser, "classes", 2, kMaxGeneratedClasses));
    request.testFraction = doubleOption(parser, "test-fraction");
    request.fashionMnistDir = parser.value("fashion-mnist-dir").toStdString();
    if (parser.isSet("max-train-samples"))
        request.maxTrainSamples = static_cast<int>(longOption(parser, "max-train-samples"));
    if (parser.isSet("seed"))
        request.seed = seedOption(parser, "seed");
    if (!(request.testFraction > 0.0 && request.testFraction < 1.0))
        throw UsageError("--test-fraction must be between 0 and 1 (exclusive)");
    return request;
}

void addModelOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {"model", "'logistic' or hidden layer sizes, e.g. 16,16.", "logistic|H1,H2,...", "16,16"},
        {"activation", "Hidden activation: relu, tanh, sigmoid, linear.", "A", "relu"},
    });
}

Architecture architectureFrom(const QCommandLineParser& parser, int inputs, int classes)
{
    Architecture architecture;
    architecture.inputs = inputs;
    architecture.classes = classes;
    architecture.hidden = parseHiddenSizes(parser.value("model").toStdString());
    architecture.hiddenActivation = activationFromString(parser.value("activation").toStdString());
    // Refused before the network is built (the trainer caps the batch at the sample count).
    checkNetworkSize(architecture);
    return architecture;
}

void addTrainingOptions(QCommandLineParser& parser, bool withPenalties)
{
    parser.addOptions({
        {"optimizer", "sgd, momentum, nesterov, rmsprop or adam.", "O", "adam"},
        {"lr", "Learning rate (> 0).", "X", "0.01"},
        {"epochs", "Training epochs.", "N", "30"},
        {"batch", "Mini-batch size.", "B", "32"},
        {"l1-mode", "proximal (exact zeros) or subgradient (the naive version, for contrast).", "M", "proximal"},
        {"dropout", "Dropout probability on hidden units, in [0, 1).", "P", "0"},
        {"seed", "Seed for data generation, split, initialisation, shuffling and dropout.", "S", "42"},
    });
    if (withPenalties)
        parser.addOptions({
            {"l1", "L1 strength lambda_1 (penalty lambda_1 * sum|w|).", "X", "0"},
            {"l2", "L2 strength lambda_2 (penalty lambda_2/2 * sum w^2).", "X", "0"},
        });
}

TrainingConfig trainingConfigFrom(const QCommandLineParser& parser, bool withPenalties)
{
    TrainingConfig config;
    config.optimizer.kind = optimizerFromString(parser.value("optimizer").toStdString());
    config.optimizer.learningRate = doubleOption(parser, "lr");
    config.epochs = static_cast<int>(longOption(parser, "epochs", 0, kMaxEpochs));
    config.batchSize = static_cast<int>(longOption(parser, "batch", 1, kMaxBatchSize));
    if (withPenalties) {
        config.regularization.l1 = doubleOption(parser, "l1");
        config.regularization.l2 = doubleOption(parser, "l2");
    }
    config.regularization.l1Mode = l1ModeFromString(parser.value("l1-mode").toStdString());
    config.regularization.dropout = doubleOption(parser, "dropout");
    config.seed = seedOption(parser, "seed");
    if (config.epochs < 0)
        throw UsageError("--epochs must be >= 0");
    config.validate();
    return config;
}

} // namespace ss::cli
