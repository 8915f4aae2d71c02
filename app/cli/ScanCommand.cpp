#include "cli/Command.h"
#include "cli/CompressionOptions.h"
#include "cli/SessionOutput.h"

#include "eval/PruneScan.h"
#include "eval/Reports.h"

#include <ostream>

namespace ss::cli {

int runScan(const QStringList& arguments, CommandStreams streams)
{
    return runCommand(
        arguments, streams,
        "Evaluate a saved model at about 100 sparsity levels (global magnitude pruning, denser near the top) and "
        "write the accuracy/F1-vs-sparsity curve as CSV; prints a JSON summary.",
        [](QCommandLineParser& parser) {
            addSavedModelOptions(parser);
            parser.addOption({"seed", "Seed of the data split (the one the model was trained with).", "S", "42"});
            parser.addOption({"out", "CSV file for the scan.", "FILE"});
            parser.addOption({"levels", "Number of sparsity levels (2 to " + QString::number(kMaxScanLevels) + ").", "N", "100"});
            parser.addOption({"max-sparsity", "Highest sparsity scanned.", "S", "0.999"});
            parser.addOption({"per-layer", "Prune each layer to the level separately instead of globally."});
            parser.addOption({"sensitivity", "Also scan each layer pruned alone (per-layer sensitivity)."});
            addPrecisionOptions(parser);
            addEnergyOptions(parser);
            addSessionOption(parser);
        },
        [&](const QCommandLineParser& parser) {
            if (!parser.isSet("out"))
                throw UsageError("--out FILE is required");
            // The options are checked before the model and its data are read.
            PruneScanOptions options;
            options.levels = static_cast<int>(longOption(parser, "levels", 2, kMaxScanLevels));
            options.maxSparsity = doubleOption(parser, "max-sparsity");
            options.scope = parser.isSet("per-layer") ? PruningSpec::Scope::PerLayer : PruningSpec::Scope::Global;
            options.perLayerSensitivity = parser.isSet("sensitivity");
            options.precision = precisionFrom(parser);
            options.energy = energyTableFrom(parser);
            fromArguments([&] { options.validate(); });
            const ModelAndData loaded = loadModelAndData(parser);
            const PruneScanResult scan = runPruneScan(loaded.model.network, loaded.data.split.test, options);
            writeScanCsv(parser.value("out").toStdString(), scan);
            nlohmann::json json = toJson(scan);
            json["csv"] = parser.value("out").toStdString();
            json["dataset"] = loaded.data.description;
            if (wantsSession(parser)) {
                TrainingConfig training;
                training.seed = loaded.request.seed;
                Session session = sessionFromModel(loaded.request, loaded.model, training);
                session.compression.precision = options.precision;
                session.pruneScan = scan;
                if (parser.isSet("sram-kib"))
                    session.app["energy"] = toJson(options.energy); // the efficiency view's table, as the app saves it
                writeSessionOption(parser, session, json);
            }
            streams.out << json.dump(2) << '\n';
            return ExitSuccess;
        });
}

} // namespace ss::cli
