#pragma once
// Session files from the headless commands: `train`, `prune` and `sweep` take
// `--session FILE` and write everything the desktop app (and `sparsescope export`) needs to
// reopen the run: the dataset request, architecture, training settings, the trained model
// with its masks, the per-epoch history and the compression setting.
//
// Use from a command:
//     addSessionOption(parser);
//     ...
//     if (wantsSession(parser)) {
//         Session session = sessionFromRun(request, run);
//         session.compression = ...;            // prune: the setting it applied
//         writeSessionOption(parser, session, json);  // saves atomically, notes it in json
//     }

#include "cli/TrainingRun.h"
#include "eval/Sweep.h"
#include "session/Session.h"

#include <QCommandLineParser>

#include <nlohmann/json.hpp>

#include <QString>
#include <QStringList>

#include <functional>

namespace ss::cli {

void addSessionOption(QCommandLineParser& parser);
bool wantsSession(const QCommandLineParser& parser);

// The run as a session: request (with the checksum of its files, or the text of a small
// CSV), the architecture the run built, its training configuration and seeds, the trained
// model (weights, masks, scaler, class names), the per-epoch history and the progress.
// The compression setting is left at "none": commands that prune or quantize set it.
Session sessionFromRun(const DatasetRequest& request, const TrainingRun& run);

// A saved model on its data (prune, scan): the model as it is now, with its masks; no
// history. modelSeed is training.seed.
Session sessionFromModel(const DatasetRequest& request, const TrainedModel& model, const TrainingConfig& training);

// A sweep: the data, the architecture and training settings it used, its grid, options and
// results; no trained model (the app initialises one from the seed and shows the sweep).
Session sessionFromSweep(const DatasetRequest& request, const PreparedData& data, const SweepGrid& grid,
                         const SweepOptions& options, const SweepResult& result);

// Saves to the path given by --session (atomically) and records it as json["session"].
// Throws InputError when the file cannot be written (the command then exits with 1).
void writeSessionOption(const QCommandLineParser& parser, const Session& session, nlohmann::json& json);

// Renders the plots of a session file into a folder and returns the files written (empty
// with *error on failure). The plots live in the desktop app: its build installs a plotter
// (ss::gui::runWithPlots) before running a command with --plots; a build without the GUI
// has none, and the commands say so.
using SessionPlotter = std::function<QStringList(const QString& sessionFile, const QString& folder, QString* error)>;
void setSessionPlotter(SessionPlotter plotter);
const SessionPlotter& sessionPlotter();

} // namespace ss::cli
