#include "cli/Command.h"
#include "cli/CommonOptions.h"
#include "cli/CompressionOptions.h"
#include "cli/SessionOutput.h"
#include "cli/TrainingRun.h"

#include "eval/Reports.h"
#include "eval/Sweep.h"

#include <filesystem>
#include <ostream>

namespace ss::cli {

int runSweep(const QStringList& arguments, CommandStreams streams)
{
    return runCommand(
        arguments, streams,
        "Train and measure a grid of regularisation strengths, target sparsities and precisions (optionally "
        "k-fold cross-validated); write DIR/results.csv and DIR/results.json with Pareto flags and print a JSON "
        "summary. Progress on stderr.",
        [](QCommandLineParser& parser) {
            addDatasetOptions(parser);
            addModelOptions(parser);
            addTrainingOptions(parser, false);
            parser.addOption({"l1", "L1 strengths: A:B:N (log-spaced) or a list (commas or spaces).", "LIST"});
            parser.addOption({"l2", "L2 strengths: A:B:N (log-spaced) or a list (commas or spaces).", "LIST"});
            parser.addOption({"sparsity", "Target sparsities, a list of fractions or percentages (0,0.5,90%).", "LIST", "0"});
            parser.addOption({"bits", "Precisions, a list (32, fp16, bf16, 8..2, ternary, binary).", "LIST", "32"});
            parser.addOption({"per-row", "Integer precisions: one scale per output neuron."});
            parser.addOption({"folds", "k-fold cross-validation on the training part (0 = test set).", "K", "0"});
            parser.addOption({"finetune-epochs", "Epochs of fine-tuning after pruning, mask fixed.", "N", "0"});
            parser.addOption({"out-dir", "Folder for results.csv and results.json (created if missing).", "DIR"});
            parser.addOption({"out", "Deprecated spelling of --out-dir here (--out names a file).", "DIR"});
            addSessionOption(parser);
            parser.addOption({"plots", "Also draw the sweep with its Pareto fronts: accuracy against sparsity as "
                                       "DIR/tradeoff-sweep.png and .pdf, against estimated energy as "
                                       "DIR/tradeoff-sweep-energy.png and .pdf, through a session file (--session, or "
                                       "DIR/session.json)."});
        },
        [&](const QCommandLineParser& parser) {
            const QString out = renamedOption(parser, "out-dir", "out", streams.err);
            const QString hidden = renamedOption(parser, "hidden", "model", streams.err);
            if (!parser.isSet(out))
                throw UsageError("--out-dir DIR is required");
            if (parser.isSet("plots") && !sessionPlotter())
                throw UsageError("--plots needs the desktop build of sparsescope (this one was built without the GUI)");
            SweepGrid grid;
            const auto list = [&](const QString& option, const auto& parse) {
                try {
                    return parse(parser.value(option).toStdString());
                } catch (const ConfigError& error) {
                    throw UsageError("--" + option.toStdString() + ": " + error.what());
                }
            };
            if (parser.isSet("l1"))
                grid.l1 = list("l1", parseLambdaList);
            if (parser.isSet("l2"))
                grid.l2 = list("l2", parseLambdaList);
            grid.sparsities = list("sparsity", parseSparsityList);
            const auto granularity =
                parser.isSet("per-row") ? QuantizationSpec::Granularity::PerRow : QuantizationSpec::Granularity::PerTensor;
            grid.precisions = list("bits", [&](const std::string& text) { return parsePrecisionList(text, granularity); });
            SweepOptions options;
            const TrainingConfig training = trainingConfigFrom(parser, false);
            options.training = training;
            options.epochs = training.epochs;
            options.fineTuneEpochs = static_cast<int>(longOption(parser, "finetune-epochs", 0, kMaxEpochs));
            options.folds = static_cast<int>(longOption(parser, "folds", 0, kMaxSweepFolds));
            // The grid's size is refused before any data is read.
            fromArguments([&] { checkSweepSize(grid, options); });

            const DatasetRequest request = datasetRequestFrom(parser);
            const PreparedData data = prepareData(request, {});
            const Dataset& train = data.split.train;
            options.architecture = architectureFrom(parser, train.featureCount(), train.classCount(), hidden);

            const int total = grid.configurations();
            const SweepResult result = runSweep(train, &data.split.test, options, grid, nullptr, [&](double fraction) {
                streams.err << "sweep: " << static_cast<int>(fraction * total + 0.5) << "/" << total
                            << " configurations\n";
                streams.err.flush();
            });
            const std::string folder = parser.value(out).toStdString();
            std::filesystem::create_directories(folder);
            writeSweepCsv(folder + "/results.csv", result);
            writeSweepJson(folder + "/results.json", result);
            nlohmann::json summary = {{"dataset", data.description},
                                      {"configurations", result.rows.size()},
                                      {"results_csv", folder + "/results.csv"},
                                      {"results_json", folder + "/results.json"}};
            nlohmann::json front = nlohmann::json::array();
            for (const SweepRow& row : result.rows)
                if (row.paretoSparsity)
                    front.push_back({{"penalty", row.penalty},
                                     {"lambda", row.lambda},
                                     {"target_sparsity", row.targetSparsity},
                                     {"precision", row.precision.label()},
                                     {"accuracy", row.accuracy},
                                     {"sparsity", row.sparsity}});
            summary["pareto_accuracy_sparsity"] = front;
            if (wantsSession(parser) || parser.isSet("plots")) {
                const Session session = sessionFromSweep(request, data, grid, options, result);
                QString sessionFile = parser.value("session");
                if (wantsSession(parser)) {
                    writeSessionOption(parser, session, summary);
                } else {
                    sessionFile = QString::fromStdString(folder + "/session.json");
                    saveSession(sessionFile.toStdString(), session);
                    summary["session"] = sessionFile.toStdString();
                }
                if (parser.isSet("plots")) {
                    QString error;
                    const QStringList plots = sessionPlotter()(sessionFile, QString::fromStdString(folder), &error);
                    if (plots.isEmpty())
                        throw std::runtime_error("the plots were not drawn: " + error.toStdString());
                    nlohmann::json files = nlohmann::json::array();
                    for (const QString& file : plots)
                        files.push_back(file.toStdString());
                    summary["plots"] = files;
                }
            }
            streams.out << summary.dump(2) << '\n';
            return ExitSuccess;
        });
}

} // namespace ss::cli
