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

// The README's first command ends here on a machine without a display: it trains two moons
// (the core's default dataset and training settings, a 16-16 tanh MLP) and leaves the results
// where the user can look at them.
int runDemo(const QStringList& arguments, CommandStreams streams)
{
    return runCommand(
        arguments, streams,
        "Train two moons (MLP 16-16, Adam), write results.json, history.csv and model.json to a folder and print "
        "results.json; a summary on stderr.",
        [](QCommandLineParser& parser) {
            parser.addOption({"out-dir", "Folder for the results (created if missing).", "DIR", "sparsescope-demo"});
            parser.addOption({"out", "Deprecated spelling of --out-dir here (--out names a file).", "DIR"});
            parser.addOption({"epochs", "Training epochs.", "N", "40"});
        },
        [&](const QCommandLineParser& parser) {
            const std::string folder = parser.value(renamedOption(parser, "out-dir", "out", streams.err)).toStdString();
            std::filesystem::create_directories(folder);
            const DatasetRequest request;
            TrainingConfig config;
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
            nlohmann::json json = toJson(run);
            writeFileAtomically(folder + "/results.json", json.dump(2) + "\n");
            writeFileAtomically(folder + "/history.csv", historyCsv(run));
            saveTrainedModel(folder + "/model.json", run);
            const std::string absolute = std::filesystem::absolute(folder).string();
            json["files"] = {absolute + "/results.json", absolute + "/history.csv", absolute + "/model.json"};
            streams.out << json.dump(2) << '\n';
            const nlohmann::json& test = json["test"];
            streams.err << "Trained " << run.network.architecture().describe() << " on "
                        << run.data.description << "\n"
                        << "Test accuracy " << test["accuracy"].get<double>() << ", macro F1 "
                        << test["macro"]["f1"].get<double>() << " after " << run.history.size() << " epochs ("
                        << run.trainSeconds << " s).\n"
                        << "Results written to " << absolute << ": results.json, history.csv, model.json\n";
            return ExitSuccess;
        });
}

} // namespace ss::cli
