#include "cli/Command.h"
#include "common/AtomicFile.h"
#include "cli/TrainingRun.h"

#include "eval/Reports.h"

#include <filesystem>
#include <ostream>
#include <sstream>

namespace ss::cli {

namespace {

std::string historyCsv(const TrainingRun& run)
{
    std::ostringstream csv;
    csv << "epoch,step,train_loss,test_loss,train_accuracy,test_accuracy,test_macro_f1,sparsity,seconds\n";
    for (const TrainingReport& r : run.history)
        csv << r.epoch << ',' << r.step << ',' << r.trainLoss << ',' << r.testLoss << ',' << r.trainAccuracy << ','
            << r.testAccuracy << ',' << r.testMacroF1 << ',' << r.sparsity << ',' << r.seconds << '\n';
    return csv.str();
}

} // namespace

// The README's first command ends here on a machine without a display: it trains the same
// default the window opens on and leaves the results where the user can look at them.
int runDemo(const QStringList& arguments, CommandStreams streams)
{
    return runCommand(
        arguments, streams,
        "Train the default (two moons, MLP 16-16, Adam) and write results.json, history.csv and model.json "
        "to a folder.",
        [](QCommandLineParser& parser) {
            parser.addOption({"out", "Folder for the results (created if missing).", "DIR", "sparsescope-demo"});
            parser.addOption({"epochs", "Training epochs.", "N", "40"});
        },
        [&](const QCommandLineParser& parser) {
            const std::string folder = parser.value("out").toStdString();
            std::filesystem::create_directories(folder);
            DatasetRequest request;
            request.nameOrPath = "moons";
            TrainingConfig config;
            config.optimizer.learningRate = 0.01;
            config.epochs = static_cast<int>(longOption(parser, "epochs"));
            const TrainingRun run = runTraining(
                request,
                [](int inputs, int classes) {
                    Architecture a;
                    a.inputs = inputs;
                    a.classes = classes;
                    a.hidden = {16, 16};
                    a.hiddenActivation = Activation::Tanh;
                    return a;
                },
                config);
            const nlohmann::json json = toJson(run);
            writeFileAtomically(folder + "/results.json", json.dump(2) + "\n");
            writeFileAtomically(folder + "/history.csv", historyCsv(run));
            saveTrainedModel(folder + "/model.json", run);
            const nlohmann::json& test = json["test"];
            streams.out << "Trained " << run.network.architecture().describe() << " on "
                        << run.data.description << "\n"
                        << "Test accuracy " << test["accuracy"].get<double>() << ", macro F1 "
                        << test["macro"]["f1"].get<double>() << " after " << run.history.size() << " epochs ("
                        << run.trainSeconds << " s).\n"
                        << "Results written to " << std::filesystem::absolute(folder).string()
                        << ": results.json, history.csv, model.json\n";
            return ExitSuccess;
        });
}

} // namespace ss::cli
