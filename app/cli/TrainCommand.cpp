#include "cli/Command.h"
#include "cli/CommonOptions.h"
#include "cli/SessionOutput.h"
#include "cli/TrainingRun.h"

#include <ostream>

namespace ss::cli {

int runTrain(const QStringList& arguments, CommandStreams streams)
{
    return runCommand(
        arguments, streams,
        "Train a model and print one JSON object: the per-epoch history and the final test metrics.",
        [](QCommandLineParser& parser) {
            addDatasetOptions(parser);
            addModelOptions(parser);
            addTrainingOptions(parser);
            parser.addOption({"solver", "exact (coordinate descent, the L1 / elastic-net optimum; logistic models with "
                                        "--l1 > 0 only) or optimizer (--optimizer, epochs). Default: exact for logistic "
                                        "with --l1 > 0 and no dropout, else optimizer.", "S"});
            addExactSolverOptions(parser, false);
            parser.addOption({"save", "Write the trained model (architecture, scaler, weights, masks) as JSON.", "FILE"});
            addSessionOption(parser);
        },
        [&](const QCommandLineParser& parser) {
            const QString hidden = renamedOption(parser, "hidden", "model", streams.err);
            const DatasetRequest request = datasetRequestFrom(parser, true);
            const TrainingConfig config = trainingConfigFrom(parser);
            const ExactSolverChoice exact = exactSolverChoiceFrom(parser, false);
            const bool logistic = hiddenSizesFrom(parser, hidden).empty();
            const QString solver = parser.isSet("solver") ? parser.value("solver")
                                   : logistic && config.regularization.l1 > 0.0 && config.regularization.dropout == 0.0
                                       ? QStringLiteral("exact")
                                       : QStringLiteral("optimizer");
            if (solver != "exact" && solver != "optimizer")
                throw UsageError(("--solver expects exact or optimizer, not '" + solver + "'").toStdString());
            if (solver == "exact" && !logistic)
                throw UsageError("--solver exact fits logistic regression only (--hidden logistic)");
            const TrainingRun run =
                solver == "exact"
                    ? runExactTraining(request, exact.testDataset, config, exact.kktTolerance, exact.threads)
                    : runTraining(
                          request,
                          [&](int inputs, int classes) { return architectureFrom(parser, inputs, classes, hidden); },
                          config, exact.testDataset);
            nlohmann::json json = toJson(run);
            if (parser.isSet("save")) {
                saveTrainedModel(parser.value("save").toStdString(), run);
                json["saved"] = parser.value("save").toStdString();
            }
            if (wantsSession(parser) && run.network.isFinite())
                writeSessionOption(parser, sessionFromRun(request, run), json);
            streams.out << json.dump(2) << '\n';
            if (run.result.outcome != TrainingOutcome::Diverged)
                return ExitSuccess;
            // Said where errors go too: the JSON's outcome is easy to miss in a script.
            streams.err << arguments.value(0).toStdString() << ": " << run.result.message << '\n';
            return ExitFailure;
        });
}

} // namespace ss::cli
