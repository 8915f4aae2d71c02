#include "cli/Command.h"

#include "common/Error.h"

#include <ostream>

namespace ss::cli {

const std::vector<CommandInfo>& headlessCommands()
{
    static const std::vector<CommandInfo> commands = {
        {"train", "train a model and print its history and test metrics as JSON", &runTrain},
        {"metrics", "metrics of y_true,y_pred columns in a CSV file, as JSON", &runMetrics},
        {"prune", "prune (and quantize, fine-tune) a saved model; metrics, sparsity and efficiency as JSON", &runPrune},
        {"scan", "accuracy and F1 of a saved model at ~100 sparsity levels, as CSV", &runScan},
        {"sweep", "a grid of lambda, sparsity and bits (optionally cross-validated) with Pareto fronts", &runSweep},
        {"path", "exact L1 / elastic-net logistic regression along a lambda path (as glmnet), as JSON", &runPath},
        {"demo", "train the default dataset and model and write the results to a folder", &runDemo},
    };
    return commands;
}

const CommandInfo* findHeadlessCommand(const QString& name)
{
    for (const CommandInfo& command : headlessCommands())
        if (name == QLatin1String(command.name))
            return &command;
    return nullptr;
}

int runCommand(const QStringList& arguments, CommandStreams streams, const QString& description,
               const std::function<void(QCommandLineParser&)>& addOptions,
               const std::function<int(const QCommandLineParser&)>& body)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    parser.addOption(help);
    addOptions(parser);
    // Qt's first help line names the executable's path; ours names the subcommand.
    const auto helpText = [&] {
        const QString text = parser.helpText();
        return ("Usage: sparsescope " + arguments.value(0) + " [options]" + text.mid(text.indexOf('\n'))).toStdString();
    };
    const auto usage = [&](const QString& problem) {
        streams.err << arguments.value(0).toStdString() << ": " << problem.toStdString() << "\n\n" << helpText();
        return ExitUsage;
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (parser.isSet(help)) {
        streams.out << helpText();
        return ExitSuccess;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage("unexpected argument '" + parser.positionalArguments().first() + "'");
    try {
        return body(parser);
    } catch (const UsageError& error) {
        return usage(QString::fromStdString(error.what()));
    } catch (const ConfigError& error) {
        return usage(QString::fromStdString(error.what()));
    } catch (const InputError& error) {
        streams.err << arguments.value(0).toStdString() << ": " << error.what() << '\n';
        return ExitFailure;
    } catch (const std::exception& error) {
        streams.err << arguments.value(0).toStdString() << ": " << error.what() << '\n';
        return ExitFailure;
    }
}

double doubleOption(const QCommandLineParser& parser, const QString& name)
{
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok)
        throw UsageError(("--" + name + " expects a number, not '" + parser.value(name) + "'").toStdString());
    return value;
}

long longOption(const QCommandLineParser& parser, const QString& name)
{
    bool ok = false;
    const long value = parser.value(name).toLong(&ok);
    if (!ok)
        throw UsageError(("--" + name + " expects a whole number, not '" + parser.value(name) + "'").toStdString());
    return value;
}

} // namespace ss::cli
