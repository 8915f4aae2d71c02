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
            parser.addOption({"save", "Write the trained model (architecture, scaler, weights, masks) as JSON.", "FILE"});
            addSessionOption(parser);
        },
        [&](const QCommandLineParser& parser) {
            const DatasetRequest request = datasetRequestFrom(parser);
            const TrainingConfig config = trainingConfigFrom(parser);
            const TrainingRun run = runTraining(
                request, [&](int inputs, int classes) { return architectureFrom(parser, inputs, classes); }, config);
            nlohmann::json json = toJson(run);
            if (parser.isSet("save")) {
                saveTrainedModel(parser.value("save").toStdString(), run);
                json["saved"] = parser.value("save").toStdString();
            }
            if (wantsSession(parser) && run.network.isFinite())
                writeSessionOption(parser, sessionFromRun(request, run), json);
            streams.out << json.dump(2) << '\n';
            return run.result.outcome == TrainingOutcome::Diverged ? ExitFailure : ExitSuccess;
        });
}

} // namespace ss::cli
