#include "cli/CommonOptions.h"

#include "cli/Command.h"
#include "common/Error.h"
#include "data/Generators.h"
#include "data/IdxReader.h"

#include <cmath>
#include <functional>
#include <string>

namespace ss::cli {

namespace {

QString commaList(const std::vector<std::string>& names)
{
    QStringList list;
    for (const std::string& name : names)
        list << QString::fromStdString(name);
    return list.join(", ");
}

QString number(double value)
{
    return QString::number(value, 'g', 15);
}

} // namespace

void addDatasetOptions(QCommandLineParser& parser)
{
    const DatasetRequest defaults;
    parser.addOptions({
        {"dataset", "A generator (" + commaList(generatorNames()) + "), a bundled set (" + commaList(bundledDatasetNames())
                        + "), fashion-mnist, an IDX folder, or a path to a CSV file.",
         "NAME|PATH", QString::fromStdString(defaults.nameOrPath)},
        {"label-column", "CSV: the label column, by header name or 0-based index (default: last).", "C"},
        {"samples", "Generators: number of samples (default: the generator's own).", "N"},
        {"noise", "Generators: noise level (default: the generator's own).", "X"},
        {"classes", "blobs and spiral: number of classes.", "K", QString::number(defaults.classes)},
        {"test-fraction", "Fraction held out for testing (stratified).", "F", number(defaults.testFraction)},
        {"fashion-mnist-dir", "Folder with the Fashion-MNIST IDX files (default: $SPARSESCOPE_FASHION_MNIST_DIR, else "
                                  + QString::fromStdString(defaultFashionMnistDirectory()) + ").", "DIR"},
        {"max-train-samples", "Use at most N training samples (seeded, stratified).", "N"},
    });
}

DatasetRequest datasetRequestFrom(const QCommandLineParser& parser, bool allowNoTestPart)
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
    if (allowNoTestPart && request.testFraction == 0.0)
        return request;
    if (!(request.testFraction > 0.0 && request.testFraction < 1.0))
        throw UsageError(allowNoTestPart ? "--test-fraction must be 0 (no test part) or between 0 and 1"
                                         : "--test-fraction must be between 0 and 1 (exclusive)");
    return request;
}

void addModelOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {"hidden", "'logistic' or hidden layer sizes, e.g. 16,16.", "logistic|H1,H2,...", "16,16"},
        {"model", "Deprecated spelling of --hidden here (--model names a saved model file in prune and scan).",
         "logistic|H1,H2,..."},
        {"activation", "Hidden activation: relu, tanh, sigmoid, linear.", "A", "relu"},
    });
}

namespace {

// Runs a conversion or check of the core on one option's value; its ConfigError becomes a
// usage error that names the option and quotes what was typed.
template <typename Check>
auto forOption(const QCommandLineParser& parser, const QString& option, Check&& check)
{
    try {
        return check();
    } catch (const ConfigError& error) {
        throw UsageError(("--" + option + " " + quotedArgument(parser.value(option)) + ": ").toStdString() + error.what());
    }
}

} // namespace

std::vector<int> hiddenSizesFrom(const QCommandLineParser& parser, const QString& option)
{
    return forOption(parser, option, [&] { return parseHiddenSizes(parser.value(option).toStdString()); });
}

Architecture architectureFrom(const QCommandLineParser& parser, int inputs, int classes, const QString& option)
{
    Architecture architecture;
    architecture.inputs = inputs;
    architecture.classes = classes;
    architecture.hidden = hiddenSizesFrom(parser, option);
    architecture.hiddenActivation =
        forOption(parser, "activation", [&] { return activationFromString(parser.value("activation").toStdString()); });
    // Refused before the network is built (the trainer caps the batch at the sample count).
    forOption(parser, option, [&] { checkNetworkSize(architecture); });
    return architecture;
}

void addTrainingOptions(QCommandLineParser& parser, bool withPenalties)
{
    const TrainingConfig defaults;
    parser.addOptions({
        {"optimizer", QString::fromStdString(listOfChoices(enumNames(kOptimizerNames)) + "."), "O",
         QString::fromStdString(toString(defaults.optimizer.kind))},
        {"lr", "Learning rate (> 0).", "X", number(defaults.optimizer.learningRate)},
        // More than the core's default: a command line run is watched once, not stepped through.
        {"epochs", "Training epochs.", "N", "30"},
        {"batch", "Mini-batch size.", "B", QString::number(defaults.batchSize)},
        {"l1-mode", "proximal (exact zeros) or subgradient (the naive version, for contrast).", "M",
         QString::fromStdString(toString(defaults.regularization.l1Mode))},
        {"dropout", "Dropout probability on hidden units, in [0, 1).", "P", number(defaults.regularization.dropout)},
        {"seed", "Seed for data generation, split, initialisation, shuffling and dropout.", "S",
         QString::number(defaults.seed)},
    });
    if (withPenalties)
        parser.addOptions({
            {"l1", "L1 strength lambda_1 (penalty lambda_1 * sum|w|).", "X", number(defaults.regularization.l1)},
            {"l2", "L2 strength lambda_2 (penalty lambda_2/2 * sum w^2).", "X", number(defaults.regularization.l2)},
        });
}

TrainingConfig trainingConfigFrom(const QCommandLineParser& parser, bool withPenalties)
{
    TrainingConfig config;
    config.optimizer.kind =
        forOption(parser, "optimizer", [&] { return optimizerFromString(parser.value("optimizer").toStdString()); });
    config.epochs = static_cast<int>(longOption(parser, "epochs", 0, kMaxEpochs));
    config.batchSize = static_cast<int>(longOption(parser, "batch", 1, kMaxBatchSize));
    config.regularization.l1Mode =
        forOption(parser, "l1-mode", [&] { return l1ModeFromString(parser.value("l1-mode").toStdString()); });
    config.seed = seedOption(parser, "seed");
    // Each number is checked alone (the defaults being valid), so that a refusal names its option.
    const auto number = [&](const QString& option, const std::function<void(TrainingConfig&, double)>& assign) {
        const double value = doubleOption(parser, option);
        forOption(parser, option, [&] {
            TrainingConfig alone;
            assign(alone, value);
            alone.validate();
        });
        assign(config, value);
    };
    number("lr", [](TrainingConfig& c, double v) { c.optimizer.learningRate = v; });
    if (withPenalties) {
        number("l1", [](TrainingConfig& c, double v) { c.regularization.l1 = v; });
        number("l2", [](TrainingConfig& c, double v) { c.regularization.l2 = v; });
    }
    number("dropout", [](TrainingConfig& c, double v) { c.regularization.dropout = v; });
    config.validate();
    return config;
}

void addExactSolverOptions(QCommandLineParser& parser, bool withLambdaSequence)
{
    parser.addOptions({
        {"kkt-tolerance", "Exact solver: a lambda is done when every KKT residual is at most this.", "X", "1e-7"},
        {"threads", "Exact solver: threads for the gradient over all features.", "N", "1"},
        {"test-dataset", "Evaluate on this CSV file (scaled like the training data) instead of a held-out part.", "FILE"},
    });
    if (withLambdaSequence)
        parser.addOptions({
            {"alpha", "Elastic-net mix: 1 = lasso, 0 = ridge (penalty lambda * (alpha |w| + (1 - alpha)/2 w^2)).", "A", "1"},
            {"no-standardize", "Centre the features only (default: glmnet's standardisation).", ""},
            {"lambdas", "Number of lambdas, log-spaced from lambda_max down.", "N", "100"},
            {"min-ratio", "Smallest lambda / lambda_max (default: glmnet's, 1e-4 when samples > features, else 1e-2).", "R"},
            {"lambda", "Explicit lambdas, comma-separated (replace the sequence).", "L1,L2,..."},
        });
}

ExactSolverChoice exactSolverChoiceFrom(const QCommandLineParser& parser, bool withLambdaSequence)
{
    ExactSolverChoice choice;
    choice.kktTolerance = doubleOption(parser, "kkt-tolerance");
    if (!(choice.kktTolerance > 0.0 && std::isfinite(choice.kktTolerance)))
        throw UsageError("--kkt-tolerance must be positive");
    choice.threads = static_cast<int>(longOption(parser, "threads"));
    if (choice.threads < 1 || choice.threads > 256)
        throw UsageError("--threads must be in [1, 256]");
    choice.testDataset = parser.value("test-dataset").toStdString();
    if (!withLambdaSequence)
        return choice;
    choice.alpha = doubleOption(parser, "alpha");
    if (!(choice.alpha >= 0.0 && choice.alpha <= 1.0))
        throw UsageError("--alpha must be in [0, 1]");
    choice.standardize = !parser.isSet("no-standardize");
    choice.lambdaCount = static_cast<int>(longOption(parser, "lambdas"));
    if (choice.lambdaCount < 1)
        throw UsageError("--lambdas must be >= 1");
    if (parser.isSet("min-ratio")) {
        choice.minRatio = doubleOption(parser, "min-ratio");
        if (!(choice.minRatio > 0.0 && choice.minRatio < 1.0))
            throw UsageError("--min-ratio must be between 0 and 1 (exclusive)");
    }
    if (parser.isSet("lambda")) {
        for (const QString& part : parser.value("lambda").split(',', Qt::SkipEmptyParts)) {
            bool ok = false;
            const double value = part.trimmed().toDouble(&ok);
            if (!ok || !(value > 0.0) || !std::isfinite(value))
                throw UsageError(("--lambda expects positive numbers, not '" + part + "'").toStdString());
            choice.lambdas.push_back(value);
        }
        if (choice.lambdas.empty())
            throw UsageError("--lambda expects at least one value");
    }
    return choice;
}

} // namespace ss::cli
