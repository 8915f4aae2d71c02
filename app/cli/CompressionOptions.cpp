#include "cli/CompressionOptions.h"

#include "cli/Command.h"
#include "cli/CommonOptions.h"
#include "common/Error.h"

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
    QuantizationSpec spec = QuantizationSpec::parse(parser.value("bits").toStdString());
    if (parser.isSet("per-row"))
        spec.granularity = QuantizationSpec::Granularity::PerRow;
    return spec;
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

std::vector<double> parseNumberRange(const QString& text, const QString& option)
{
    const auto number = [&](const QString& item) {
        bool ok = false;
        const double value = item.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(value))
            throw UsageError(("--" + option + ": '" + item + "' is not a number").toStdString());
        return value;
    };
    std::vector<double> values;
    const QStringList range = text.split(':');
    if (range.size() == 3) {
        const double from = number(range[0]), to = number(range[1]);
        bool ok = false;
        const int count = range[2].toInt(&ok);
        if (!ok || count < 1 || count > 1000 || from <= 0 || to <= 0)
            throw UsageError(("--" + option + " A:B:N needs A, B > 0 and 1 <= N <= 1000, not '" + text + "'").toStdString());
        for (int i = 0; i < count; ++i) {
            const double t = count == 1 ? 0.0 : static_cast<double>(i) / (count - 1);
            values.push_back(std::exp(std::log(from) + t * (std::log(to) - std::log(from))));
        }
        return values;
    }
    if (range.size() != 1)
        throw UsageError(("--" + option + " expects A:B:N or a comma list, not '" + text + "'").toStdString());
    for (const QString& item : text.split(','))
        values.push_back(number(item));
    return values;
}

std::vector<QuantizationSpec> parsePrecisionList(const QString& text, bool perRow)
{
    std::vector<QuantizationSpec> specs;
    for (const QString& item : text.split(',')) {
        QuantizationSpec spec = QuantizationSpec::parse(item.trimmed().toStdString());
        if (perRow)
            spec.granularity = QuantizationSpec::Granularity::PerRow;
        specs.push_back(spec);
    }
    return specs;
}

} // namespace ss::cli
