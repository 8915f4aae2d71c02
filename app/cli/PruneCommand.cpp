#include "cli/Command.h"
#include "cli/CommonOptions.h"
#include "cli/CompressionOptions.h"
#include "cli/SessionOutput.h"

#include "eval/ReferenceEvaluation.h"
#include "eval/Reports.h"
#include "nn/Trainer.h"

#include <ostream>

namespace ss::cli {

int runPrune(const QStringList& arguments, CommandStreams streams)
{
    return runCommand(
        arguments, streams,
        "Prune a saved model (magnitude by threshold or target sparsity, global or per layer, or whole neurons), "
        "optionally fine-tune with the mask fixed, quantize, and print metrics, sparsity and efficiency as JSON.",
        [](QCommandLineParser& parser) {
            addSavedModelOptions(parser);
            parser.addOption({"sparsity", "Target fraction of zero weights in [0, 1) (or of neurons with --structured).",
                              "S"});
            parser.addOption({"threshold", "Prune weights with |w| below T.", "T"});
            parser.addOption({"per-layer", "Apply the target to every layer separately instead of globally."});
            parser.addOption({"structured", "Remove whole hidden neurons by the L2 norm of their incoming weights (every layer's norms taken "
                              "before any neuron is removed)."});
            addPrecisionOptions(parser);
            addPositiveClassOption(parser);
            addEnergyOptions(parser);
            parser.addOption({"finetune-epochs", "Epochs of training after pruning, with the mask fixed.", "N", "0"});
            addTrainingOptions(parser);
            parser.addOption({"save", "Write the pruned (and quantized) model as JSON.", "FILE"});
            addSessionOption(parser);
        },
        [&](const QCommandLineParser& parser) {
            if (parser.isSet("sparsity") == parser.isSet("threshold"))
                throw UsageError("give exactly one of --sparsity S and --threshold T");
            if (parser.isSet("structured") && !parser.isSet("sparsity"))
                throw UsageError("--structured takes --sparsity (the fraction of hidden neurons to remove)");
            ModelAndData loaded = loadModelAndData(parser);
            const QuantizationSpec precision = precisionFrom(parser);
            const EnergyTable energy = energyTableFrom(parser);
            const long fineTuneEpochs = longOption(parser, "finetune-epochs");
            if (fineTuneEpochs < 0)
                throw UsageError("--finetune-epochs must be >= 0");
            Network& network = loaded.model.network;
            const Network original = network;
            nlohmann::json pruning;
            if (parser.isSet("structured")) {
                const double sparsity = doubleOption(parser, "sparsity");
                pruning = toJson(fromArguments([&] { return pruneNeurons(network, sparsity); }));
            } else {
                PruningSpec spec;
                if (parser.isSet("threshold")) {
                    spec.criterion = PruningSpec::Criterion::Threshold;
                    spec.threshold = doubleOption(parser, "threshold");
                } else {
                    spec.targetSparsity = doubleOption(parser, "sparsity");
                }
                spec.scope = parser.isSet("per-layer") ? PruningSpec::Scope::PerLayer : PruningSpec::Scope::Global;
                pruning = toJson(fromArguments([&] { return prune(network, spec); }));
            }
            const Dataset& train = loaded.data.split.train;
            const Dataset& test = loaded.data.split.test;
            if (fineTuneEpochs > 0) {
                TrainingConfig config = trainingConfigFrom(parser);
                Trainer trainer(network, train, &test, config);
                const TrainingResult result = trainer.train(static_cast<int>(fineTuneEpochs));
                if (result.outcome == TrainingOutcome::Diverged)
                    streams.err << "prune: fine-tuning diverged: " << result.message << '\n';
            }
            CompressionSetting setting;
            setting.precision = precision;
            // The ratios are against evaluateFully's dense fp32 baseline of this architecture
            // (every weight counted, whatever zeros the loaded model had); "trained_fp32" is
            // the model as loaded, its own zeros counted, before this command pruned it.
            Evaluation evaluation = evaluateFully(network, test, setting, energy);
            evaluation.trainedFp32 = estimateEfficiency(original, QuantizationSpec::float32(), energy);
            applyPositiveClass(parser, evaluation.report, test.classNames);
            nlohmann::json evaluationJson = toJson(evaluation, test.classNames);
            // The evaluation's own pruning block describes its setting, which prunes nothing
            // here: the pruning this command did is the top-level block.
            evaluationJson.erase("pruning");
            nlohmann::json json = {{"model", parser.value("model").toStdString()},
                                   {"dataset", loaded.data.description},
                                   {"pruning", pruning},
                                   {"finetune_epochs", fineTuneEpochs},
                                   {"evaluation", evaluationJson}};
            if (parser.isSet("save")) {
                TrainedModel compressed = loaded.model;
                // Pruned above: only the precision is left to apply, no evaluator needed.
                compressed.network = compressNetwork(network, setting);
                compressed.metadata["pruning"] = pruning;
                compressed.metadata["precision"] = precision.label();
                saveModel(parser.value("save").toStdString(), compressed);
                json["saved"] = parser.value("save").toStdString();
            }
            if (wantsSession(parser)) {
                // The pruning is in the model's masks; the precision stays a setting, as in the app.
                Session session = sessionFromModel(loaded.request, loaded.model, trainingConfigFrom(parser));
                session.compression.precision = precision;
                if (parser.isSet("sram-kib"))
                    session.app["energy"] = toJson(energy); // the efficiency view's table, as the app saves it
                writeSessionOption(parser, session, json);
            }
            streams.out << json.dump(2) << '\n';
            return ExitSuccess;
        });
}

} // namespace ss::cli
