#include "cli/CompressionOptions.h"

#include "cli/Command.h"
#include "cli/CommonOptions.h"
#include "common/Error.h"
#include "eval/Sweep.h"

#include <cmath>

namespace ss::cli {

void addSavedModelOptions(QCommandLineParser& parser)
{
    parser.addOption({"model", "A model saved by 'train --save'.", "FILE"});
    addDatasetOptions(parser);
}

ModelAndData loadModelAndData(const QCommandLineParser& parser)
{
    if (!parser.isSet("model"))
        throw UsageError("--model FILE is required");
    const std::string path = parser.value("model").toStdString();
    ModelAndData result{loadModel(path), {}};
    DatasetRequest request = datasetRequestFrom(parser);
    if (!parser.isSet("dataset")) {
        if (result.model.datasetName.empty())
            throw UsageError("the model does not name its dataset: give --dataset");
        request.nameOrPath = result.model.datasetName;
    }
    request.scaler = result.model.scaler;
    try {
        result.data = prepareDataset(request);
        result.request = request;
    } catch (const ConfigError& error) {
        // The model's scaler does not fit this data: the model was trained on other features.
        throw InputError(path, 0, 0, "the model's " + std::to_string(result.model.network.architecture().inputs)
                                         + " features do not fit " + request.nameOrPath + ": " + error.what());
    }
    const Dataset& test = result.data.split.test;
    const Architecture& architecture = result.model.network.architecture();
    if (test.featureCount() != architecture.inputs || test.classCount() != architecture.classes)
        throw InputError(path, 0, 0,
                         "the model expects " + std::to_string(architecture.inputs) + " features and "
                             + std::to_string(architecture.classes) + " classes, but " + request.nameOrPath + " has "
                             + std::to_string(test.featureCount()) + " features and "
                             + std::to_string(test.classCount()) + " classes");
    return result;
}

void addPrecisionOptions(QCommandLineParser& parser)
{
    parser.addOption({"bits", "Weight precision: 32, fp16, bf16, 8..2 (symmetric int), ternary or binary.", "B", "32"});
    parser.addOption({"per-row", "Integer precisions: one scale per output neuron instead of per tensor."});
}

QuantizationSpec precisionFrom(const QCommandLineParser& parser)
{
    const auto granularity =
        parser.isSet("per-row") ? QuantizationSpec::Granularity::PerRow : QuantizationSpec::Granularity::PerTensor;
    const std::vector<QuantizationSpec> specs = fromArguments([&] {
        return parsePrecisionList(parser.value("bits").toStdString(), granularity);
    });
    if (specs.size() != 1)
        throw UsageError("--bits takes one precision, not " + quotedArgument(parser.value("bits")).toStdString());
    return specs.front();
}

void addEnergyOptions(QCommandLineParser& parser)
{
    const EnergyTable defaults;
    parser.addOption({"sram-kib",
                      "On-chip SRAM assumed for the stored model, in KiB: the 32-bit words that fit are read at the "
                      "SRAM cost, the rest at the DRAM cost.",
                      "KIB", QString::number(static_cast<double>(defaults.sramCapacityBytes) / 1024.0)});
}

EnergyTable energyTableFrom(const QCommandLineParser& parser)
{
    EnergyTable table;
    const double kib = doubleOption(parser, "sram-kib");
    if (!(kib >= 0.0) || kib > 1e12)
        throw UsageError("--sram-kib must be a number of KiB >= 0, got '" + parser.value("sram-kib").toStdString() + "'");
    table.sramCapacityBytes = std::lround(kib * 1024.0);
    return table;
}

void addPositiveClassOption(QCommandLineParser& parser)
{
    parser.addOption({"positive-class",
                      "Binary tasks: the class whose precision, recall and F1 the headline reports (its name, or "
                      "its index 0 or 1). Default: a class named 1, true, yes, positive, \u6b63 or \u9633\u6027, "
                      "else the minority class.",
                      "NAME"});
}

void applyPositiveClass(const QCommandLineParser& parser, ClassificationReport& report,
                        const std::vector<std::string>& classNames)
{
    if (!parser.isSet("positive-class"))
        return;
    const std::string text = parser.value("positive-class").toStdString();
    std::string known;
    for (std::size_t c = 0; c < classNames.size(); ++c)
        known += (c ? ", '" : "'") + classNames[c] + "'";
    if (!report.binary)
        throw UsageError("--positive-class: the task has " + std::to_string(report.perClass.size())
                         + " classes (" + known + "); a positive class applies to two");
    int index = -1;
    for (std::size_t c = 0; c < classNames.size() && c < 2; ++c)
        if (classNames[c] == text)
            index = static_cast<int>(c);
    if (index < 0 && (text == "0" || text == "1"))
        index = text[0] - '0';
    if (index < 0)
        throw UsageError("--positive-class: no class '" + text + "' (the classes are " + known + ")");
    choosePositiveClass(report, index, PositiveClassChoice::Rule::Chosen);
}

} // namespace ss::cli
