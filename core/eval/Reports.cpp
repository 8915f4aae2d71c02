#include "eval/Reports.h"

#include "common/AtomicFile.h"
#include "common/Error.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

namespace ss {

namespace {

nlohmann::json toJson(const AveragedScores& scores)
{
    return {{"precision", scores.precision}, {"recall", scores.recall}, {"f1", scores.f1}};
}

std::string className(const std::vector<std::string>& names, int index)
{
    return index < static_cast<int>(names.size()) ? names[static_cast<std::size_t>(index)] : std::to_string(index);
}

} // namespace

nlohmann::json toJson(const ClassificationReport& report, const std::vector<std::string>& classNames)
{
    const ConfusionMatrix& cm = report.confusion;
    nlohmann::json matrix = nlohmann::json::array();
    for (int t = 0; t < cm.classCount(); ++t) {
        nlohmann::json row = nlohmann::json::array();
        for (int p = 0; p < cm.classCount(); ++p)
            row.push_back(cm.count(t, p));
        matrix.push_back(row);
    }
    nlohmann::json perClass = nlohmann::json::array();
    nlohmann::json names = nlohmann::json::array();
    for (int c = 0; c < cm.classCount(); ++c) {
        const ClassScores& s = report.perClass[static_cast<std::size_t>(c)];
        names.push_back(className(classNames, c));
        perClass.push_back({{"class", className(classNames, c)},
                            {"precision", s.precision},
                            {"recall", s.recall},
                            {"f1", s.f1},
                            {"support", s.support},
                            {"predicted", s.predicted},
                            {"no_predictions", s.noPredictions}});
    }
    nlohmann::json json = {{"samples", cm.total()},
                           {"accuracy", report.accuracy},
                           {"classes", names},
                           {"confusion_matrix", matrix},
                           {"per_class", perClass},
                           {"macro", toJson(report.macro)},
                           {"weighted", toJson(report.weighted)},
                           {"micro", toJson(report.micro)}};
    if (report.binary) {
        // A report nobody chose a class for quotes the sensible default, not whichever
        // class sorts second.
        PositiveClassChoice choice{report.positiveClass, report.positiveRule};
        if (report.positiveRule == PositiveClassChoice::Rule::Second) {
            std::vector<std::string> names;
            std::vector<long> counts;
            for (int c = 0; c < 2; ++c) {
                names.push_back(className(classNames, c));
                counts.push_back(report.perClass[static_cast<std::size_t>(c)].support);
            }
            choice = defaultPositiveClass(names, counts);
        }
        const ClassScores& positive = report.perClass[static_cast<std::size_t>(choice.index)];
        json["positive_class"] = className(classNames, choice.index);
        json["positive_class_index"] = choice.index;
        json["positive_class_rule"] = positiveClassRuleName(choice.rule);
        json["precision"] = positive.precision;
        json["recall"] = positive.recall;
        json["f1"] = positive.f1;
    }
    return json;
}

nlohmann::json toJson(const WeightStatistics& s)
{
    return {{"weights", s.weights},
            {"zero_weights", s.zeroWeights},
            {"biases", s.biases},
            {"zero_biases", s.zeroBiases},
            {"sparsity", s.sparsity},
            {"density", s.density},
            {"l1_norm", s.l1Norm},
            {"l2_norm", s.l2Norm},
            {"hoyer", s.hoyer},
            {"mean_abs_weight", s.meanAbsWeight}};
}

nlohmann::json toJson(const TrainingReport& r)
{
    return {{"epoch", r.epoch},
            {"epoch_progress", r.epochProgress},
            {"step", r.step},
            {"train_loss", r.trainLoss},
            {"test_loss", r.testLoss},
            {"train_accuracy", r.trainAccuracy},
            {"test_accuracy", r.testAccuracy},
            {"test_macro_f1", r.testMacroF1},
            {"sparsity", r.sparsity},
            {"seconds", r.seconds}};
}

TrainingReport trainingReportFromJson(const nlohmann::json& json, const JsonReader& reader, const std::string& path)
{
    reader.object(json, path);
    const auto figure = [&](const char* key) {
        const nlohmann::json& value = reader.field(json, key, path);
        // nlohmann writes NaN and infinities as null: a diverged epoch's loss reads back as NaN.
        if (value.is_null())
            return std::numeric_limits<double>::quiet_NaN();
        if (!value.is_number())
            reader.fail(JsonReader::join(path, key), "expected a number or null, got " + JsonReader::describe(value));
        return value.get<double>();
    };
    TrainingReport report;
    report.epoch = static_cast<int>(reader.integer(reader.field(json, "epoch", path), JsonReader::join(path, "epoch"), 0,
                                                   std::numeric_limits<int>::max()));
    report.step = reader.integer(reader.field(json, "step", path), JsonReader::join(path, "step"), 0,
                                 std::numeric_limits<long>::max());
    report.epochProgress = reader.number(reader.field(json, "epoch_progress", path), JsonReader::join(path, "epoch_progress"),
                                         0.0, std::numeric_limits<double>::max());
    report.trainLoss = figure("train_loss");
    report.testLoss = figure("test_loss");
    report.trainAccuracy = figure("train_accuracy");
    report.testAccuracy = figure("test_accuracy");
    report.testMacroF1 = figure("test_macro_f1");
    report.sparsity = figure("sparsity");
    report.seconds = reader.number(reader.field(json, "seconds", path), JsonReader::join(path, "seconds"), 0.0,
                                   std::numeric_limits<double>::max());
    return report;
}

namespace {

// A figure of a result: a number, or null for one that was not finite (nlohmann writes NaN
// and infinities as null).
double figureFromJson(const nlohmann::json& object, const char* key, const JsonReader& reader, const std::string& path)
{
    const nlohmann::json& value = reader.field(object, key, path);
    if (value.is_null())
        return std::numeric_limits<double>::quiet_NaN();
    if (!value.is_number())
        reader.fail(JsonReader::join(path, key), "expected a number or null, got " + JsonReader::describe(value));
    return value.get<double>();
}

long countFromJson(const nlohmann::json& object, const char* key, const JsonReader& reader, const std::string& path)
{
    return reader.integer(reader.field(object, key, path), JsonReader::join(path, key), 0, std::numeric_limits<long>::max());
}

QuantizationSpec precisionFromJson(const nlohmann::json& object, const JsonReader& reader, const std::string& path)
{
    const std::string label = reader.string(reader.field(object, "precision", path), JsonReader::join(path, "precision"));
    try {
        return quantizationFromLabel(label);
    } catch (const ConfigError& error) {
        reader.fail(JsonReader::join(path, "precision"), error.what());
    }
}

ScanPoint scanPointFromJson(const nlohmann::json& json, const JsonReader& reader, const std::string& path)
{
    reader.object(json, path);
    ScanPoint p;
    p.targetSparsity = figureFromJson(json, "target_sparsity", reader, path);
    p.achievedSparsity = figureFromJson(json, "achieved_sparsity", reader, path);
    p.layerSparsity = figureFromJson(json, "layer_sparsity", reader, path);
    p.threshold = figureFromJson(json, "threshold", reader, path);
    p.accuracy = figureFromJson(json, "accuracy", reader, path);
    p.macroF1 = figureFromJson(json, "macro_f1", reader, path);
    p.weightedF1 = figureFromJson(json, "weighted_f1", reader, path);
    p.logLoss = figureFromJson(json, "log_loss", reader, path);
    p.nonZeroWeights = countFromJson(json, "non_zero_weights", reader, path);
    p.bytes = countFromJson(json, "bytes", reader, path);
    p.energyPj = figureFromJson(json, "energy_pj", reader, path);
    return p;
}

std::vector<ScanPoint> scanPointsFromJson(const nlohmann::json& json, const JsonReader& reader, const std::string& path)
{
    reader.array(json, path);
    std::vector<ScanPoint> points;
    points.reserve(json.size());
    for (std::size_t i = 0; i < json.size(); ++i)
        points.push_back(scanPointFromJson(json[i], reader, JsonReader::index(path, i)));
    return points;
}

} // namespace

QuantizationSpec quantizationFromLabel(const std::string& label)
{
    const std::string perRow = " per row";
    const bool rows = label.size() > perRow.size() && label.compare(label.size() - perRow.size(), perRow.size(), perRow) == 0;
    const std::string base = rows ? label.substr(0, label.size() - perRow.size()) : label;
    QuantizationSpec spec = QuantizationSpec::parse(base);
    if (base != spec.label())
        throw ConfigError("precision: '" + label + "' is not a precision label (expected e.g. fp32, fp16, bf16, int8, "
                          "int4 per row, ternary or binary)");
    if (rows) {
        if (spec.format == QuantizationSpec::Format::Float32 || spec.format == QuantizationSpec::Format::Float16
            || spec.format == QuantizationSpec::Format::BFloat16)
            throw ConfigError("precision: float formats have no per-row scale, got '" + label + "'");
        spec.granularity = QuantizationSpec::Granularity::PerRow;
    }
    return spec;
}

PruneScanResult pruneScanFromJson(const nlohmann::json& json, const JsonReader& reader, const std::string& path,
                                  int layerCount)
{
    reader.object(json, path);
    PruneScanResult scan;
    scan.precision = precisionFromJson(json, reader, path);
    scan.scope = reader.enumChoice(reader.field(json, "scope", path), JsonReader::join(path, "scope"), kPruningScopeNames);
    scan.cancelled = reader.boolean(reader.field(json, "cancelled", path), JsonReader::join(path, "cancelled"));
    scan.points = scanPointsFromJson(reader.field(json, "points", path), reader, JsonReader::join(path, "points"));
    const std::string layersPath = JsonReader::join(path, "layer_sensitivity");
    const nlohmann::json& layers = reader.array(reader.field(json, "layer_sensitivity", path), layersPath);
    const long maxLayer = layerCount >= 0 ? layerCount : std::numeric_limits<int>::max();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::string layerPath = JsonReader::index(layersPath, i);
        reader.object(layers[i], layerPath);
        LayerSensitivity layer;
        layer.layer = static_cast<int>(
            reader.integer(reader.field(layers[i], "layer", layerPath), JsonReader::join(layerPath, "layer"), 1, maxLayer)) - 1;
        layer.weights = countFromJson(layers[i], "weights", reader, layerPath);
        layer.points = scanPointsFromJson(reader.field(layers[i], "points", layerPath), reader,
                                          JsonReader::join(layerPath, "points"));
        scan.layers.push_back(std::move(layer));
    }
    return scan;
}

SweepResult sweepFromJson(const nlohmann::json& json, const JsonReader& reader, const std::string& path)
{
    reader.object(json, path);
    SweepResult sweep;
    sweep.cancelled = reader.boolean(reader.field(json, "cancelled", path), JsonReader::join(path, "cancelled"));
    const std::string rowsPath = JsonReader::join(path, "rows");
    const nlohmann::json& rows = reader.array(reader.field(json, "rows", path), rowsPath);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string p = JsonReader::index(rowsPath, i);
        const nlohmann::json& r = reader.object(rows[i], p);
        SweepRow row;
        row.penalty = reader.choice(reader.field(r, "penalty", p), JsonReader::join(p, "penalty"), {"none", "l1", "l2"});
        row.lambda = figureFromJson(r, "lambda", reader, p);
        row.targetSparsity = figureFromJson(r, "target_sparsity", reader, p);
        row.precision = precisionFromJson(r, reader, p);
        row.folds = static_cast<int>(reader.integer(reader.field(r, "folds", p), JsonReader::join(p, "folds"), 1, 1000));
        row.accuracy = figureFromJson(r, "accuracy", reader, p);
        row.accuracyStd = figureFromJson(r, "accuracy_std", reader, p);
        row.macroF1 = figureFromJson(r, "macro_f1", reader, p);
        row.macroF1Std = figureFromJson(r, "macro_f1_std", reader, p);
        row.sparsity = figureFromJson(r, "sparsity", reader, p);
        row.parameters = countFromJson(r, "parameters", reader, p);
        row.nonZeroParameters = countFromJson(r, "non_zero_parameters", reader, p);
        row.bytes = countFromJson(r, "bytes", reader, p);
        row.energyPj = figureFromJson(r, "energy_pj", reader, p);
        row.seconds = figureFromJson(r, "seconds", reader, p);
        row.diverged = reader.boolean(reader.field(r, "diverged", p), JsonReader::join(p, "diverged"));
        row.paretoSparsity = reader.boolean(reader.field(r, "pareto_accuracy_sparsity", p),
                                            JsonReader::join(p, "pareto_accuracy_sparsity"));
        row.paretoEnergy = reader.boolean(reader.field(r, "pareto_accuracy_energy", p),
                                          JsonReader::join(p, "pareto_accuracy_energy"));
        sweep.rows.push_back(std::move(row));
    }
    return sweep;
}


namespace {

std::string csvNumber(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    return std::string(buffer, end);
}

std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

double fraction(double part, double whole) { return whole == 0.0 ? 0.0 : part / whole; }

nlohmann::json toJson(const ScanPoint& p)
{
    return {{"target_sparsity", p.targetSparsity},
            {"achieved_sparsity", p.achievedSparsity},
            {"layer_sparsity", p.layerSparsity},
            {"threshold", p.threshold},
            {"accuracy", p.accuracy},
            {"macro_f1", p.macroF1},
            {"weighted_f1", p.weightedF1},
            {"log_loss", p.logLoss},
            {"non_zero_weights", p.nonZeroWeights},
            {"bytes", p.bytes},
            {"energy_pj", p.energyPj}};
}

} // namespace

nlohmann::json toJson(const EfficiencyEstimate& e)
{
    return {{"parameters", e.parameters},
            {"non_zero_parameters", e.nonZeroParameters},
            {"weights", e.weights},
            {"non_zero_weights", e.nonZeroWeights},
            {"macs_dense", e.macsDense},
            {"macs_sparse", e.macsSparse},
            {"bytes_dense", e.bytesDense},
            {"bytes_csr", e.bytesCsr},
            {"bytes_bitmask", e.bytesBitmask},
            {"bytes_smallest", e.bytesSmallest},
            {"smallest_format", e.smallestFormat},
            {"memory", e.dramReads == 0 ? "SRAM" : e.sramReads == 0 ? "DRAM" : "SRAM+DRAM"},
            {"sram_capacity_bytes", e.sramCapacityBytes},
            {"sram_reads", e.sramReads},
            {"dram_reads", e.dramReads},
            {"energy_compute_pj", e.energyComputePj},
            {"energy_memory_pj", e.energyMemoryPj},
            {"energy_total_pj", e.energyTotalPj},
            {"assumptions", e.assumptions}};
}

nlohmann::json toJson(const PruningResult& r)
{
    return {{"achieved_sparsity", r.achievedSparsity},
            {"layer_sparsity", r.layerSparsity},
            {"threshold", r.thresholdUsed},
            {"layer_thresholds", r.layerThresholds},
            {"pruned_weights", r.prunedWeights},
            {"total_weights", r.totalWeights}};
}

nlohmann::json toJson(const StructuredPruningResult& r)
{
    return {{"neurons_removed", r.neuronsRemoved},
            {"neurons_kept", r.neuronsKept},
            {"achieved_sparsity", r.achievedSparsity}};
}

nlohmann::json toJson(const Evaluation& e, const std::vector<std::string>& classNames)
{
    nlohmann::json layers = nlohmann::json::array();
    for (const WeightStatistics& layer : e.layers)
        layers.push_back(toJson(layer));
    return {{"metrics", toJson(e.report, classNames)},
            {"log_loss", e.logLoss},
            {"precision", e.precision.label()},
            {"pruning", toJson(e.pruning)},
            {"weights", toJson(e.weights)},
            {"layers", layers},
            {"efficiency", toJson(e.efficiency)},
            {"dense_fp32", toJson(e.denseFp32)},
            {"trained_fp32", toJson(e.trainedFp32)},
            {"versus_dense_fp32",
             {{"size_fraction", fraction(static_cast<double>(e.efficiency.bytesSmallest),
                                         static_cast<double>(e.denseFp32.bytesDense))},
              {"energy_fraction", fraction(e.efficiency.energyTotalPj, e.denseFp32.energyTotalPj)},
              {"macs_fraction", fraction(static_cast<double>(e.efficiency.macsSparse),
                                         static_cast<double>(e.denseFp32.macsDense))}}},
            {"exactly_recomputed_samples", e.exactlyRecomputed}};
}

nlohmann::json toJson(const PruneScanResult& scan)
{
    nlohmann::json points = nlohmann::json::array();
    for (const ScanPoint& p : scan.points)
        points.push_back(toJson(p));
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerSensitivity& layer : scan.layers) {
        nlohmann::json series = nlohmann::json::array();
        for (const ScanPoint& p : layer.points)
            series.push_back(toJson(p));
        layers.push_back({{"layer", layer.layer + 1}, {"weights", layer.weights}, {"points", series}});
    }
    return {{"precision", scan.precision.label()},
            {"scope", nameOf(scan.scope)},
            {"cancelled", scan.cancelled},
            {"points", points},
            {"layer_sensitivity", layers}};
}

nlohmann::json toJson(const SweepResult& sweep)
{
    nlohmann::json rows = nlohmann::json::array();
    for (const SweepRow& r : sweep.rows)
        rows.push_back({{"penalty", r.penalty},
                        {"lambda", r.lambda},
                        {"target_sparsity", r.targetSparsity},
                        {"precision", r.precision.label()},
                        {"folds", r.folds},
                        {"accuracy", r.accuracy},
                        {"accuracy_std", r.accuracyStd},
                        {"macro_f1", r.macroF1},
                        {"macro_f1_std", r.macroF1Std},
                        {"sparsity", r.sparsity},
                        {"parameters", r.parameters},
                        {"non_zero_parameters", r.nonZeroParameters},
                        {"bytes", r.bytes},
                        {"energy_pj", r.energyPj},
                        {"seconds", r.seconds},
                        {"diverged", r.diverged},
                        {"pareto_accuracy_sparsity", r.paretoSparsity},
                        {"pareto_accuracy_energy", r.paretoEnergy}});
    return {{"cancelled", sweep.cancelled}, {"rows", rows}};
}

std::string scanCsv(const PruneScanResult& scan)
{
    std::string out = "series,target_sparsity,achieved_sparsity,layer_sparsity,threshold,accuracy,macro_f1,"
                      "weighted_f1,log_loss,non_zero_weights,bytes,energy_pj\n";
    const auto line = [&](const std::string& series, const ScanPoint& p) {
        out += csvField(series);
        for (double v : {p.targetSparsity, p.achievedSparsity, p.layerSparsity, p.threshold, p.accuracy, p.macroF1,
                         p.weightedF1, p.logLoss})
            out += "," + csvNumber(v);
        out += "," + std::to_string(p.nonZeroWeights) + "," + std::to_string(p.bytes) + "," + csvNumber(p.energyPj)
               + "\n";
    };
    for (const ScanPoint& p : scan.points)
        line("all", p);
    for (const LayerSensitivity& layer : scan.layers)
        for (const ScanPoint& p : layer.points)
            line("layer " + std::to_string(layer.layer + 1), p);
    return out;
}

std::string sweepCsv(const SweepResult& sweep)
{
    std::string out = "penalty,lambda,target_sparsity,precision,folds,accuracy,accuracy_std,macro_f1,macro_f1_std,"
                      "sparsity,parameters,non_zero_parameters,bytes,energy_pj,seconds,diverged,"
                      "pareto_accuracy_sparsity,pareto_accuracy_energy\n";
    for (const SweepRow& r : sweep.rows) {
        out += csvField(r.penalty) + "," + csvNumber(r.lambda) + "," + csvNumber(r.targetSparsity) + ","
               + csvField(r.precision.label()) + "," + std::to_string(r.folds);
        for (double v : {r.accuracy, r.accuracyStd, r.macroF1, r.macroF1Std, r.sparsity})
            out += "," + csvNumber(v);
        out += "," + std::to_string(r.parameters) + "," + std::to_string(r.nonZeroParameters) + ","
               + std::to_string(r.bytes) + "," + csvNumber(r.energyPj) + "," + csvNumber(r.seconds) + ","
               + (r.diverged ? "1" : "0") + "," + (r.paretoSparsity ? "1" : "0") + ","
               + (r.paretoEnergy ? "1" : "0") + "\n";
    }
    return out;
}

void writeScanCsv(const std::string& path, const PruneScanResult& scan)
{
    writeFileAtomically(path, scanCsv(scan));
}

void writeSweepCsv(const std::string& path, const SweepResult& sweep)
{
    writeFileAtomically(path, sweepCsv(sweep));
}

void writeSweepJson(const std::string& path, const SweepResult& sweep)
{
    writeFileAtomically(path, toJson(sweep).dump(2) + "\n");
}

} // namespace ss
