#include "cli/SessionOutput.h"

#include <QFileInfo>

namespace ss::cli {

namespace {
SessionPlotter& plotterSlot()
{
    static SessionPlotter plotter;
    return plotter;
}
} // namespace

void setSessionPlotter(SessionPlotter plotter)
{
    plotterSlot() = std::move(plotter);
}

const SessionPlotter& sessionPlotter()
{
    return plotterSlot();
}

void addSessionOption(QCommandLineParser& parser)
{
    parser.addOption({"session", "Also write a session file (open it in the app, or render it with "
                                 "'sparsescope export').", "FILE"});
}

bool wantsSession(const QCommandLineParser& parser)
{
    return parser.isSet("session");
}

Session sessionFromRun(const DatasetRequest& request, const TrainingRun& run)
{
    Session session;
    session.dataset = describeDataset(request);
    session.architecture = run.network.architecture();
    // runTraining initialises the network from the training seed.
    session.modelSeed = run.config.seed;
    session.training = run.config;

    session.model = trainedModelOf(run);

    session.history = run.history;
    if (!run.history.empty()) {
        const TrainingReport& last = run.history.back();
        session.progress = {last.epoch, last.epochProgress, last.step, run.trainSeconds};
    }
    return session;
}

Session sessionFromModel(const DatasetRequest& request, const TrainedModel& model, const TrainingConfig& training)
{
    Session session;
    session.dataset = describeDataset(request);
    session.architecture = model.network.architecture();
    session.modelSeed = training.seed;
    session.training = training;
    session.model = model;
    return session;
}

Session sessionFromSweep(const DatasetRequest& request, const PreparedData& data, const SweepGrid& grid,
                         const SweepOptions& options, const SweepResult& result)
{
    Session session;
    session.dataset = describeDataset(request);
    session.architecture = options.architecture;
    session.architecture.inputs = data.split.train.featureCount();
    session.architecture.classes = data.split.train.classCount();
    session.modelSeed = options.training.seed;
    session.training = options.training;
    session.training.epochs = options.epochs;
    session.sweep = SessionSweep{grid, options, result};
    session.sweep->options.architecture = session.architecture;
    return session;
}

void writeSessionOption(const QCommandLineParser& parser, const Session& session, nlohmann::json& json)
{
    const std::string path = parser.value("session").toStdString();
    saveSession(path, session);
    json["session"] = QFileInfo(parser.value("session")).absoluteFilePath().toStdString();
}

} // namespace ss::cli
