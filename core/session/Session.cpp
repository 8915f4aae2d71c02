#include "session/Session.h"

#include "common/AtomicFile.h"
#include "common/Checksum.h"
#include "common/Error.h"
#include "common/JsonReader.h"
#include "data/BundledDatasets.h"
#include "data/Generators.h"
#include "data/IdxReader.h"
#include "eval/Reports.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

namespace ss {

namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kFormatName = "sparsescope-session";

// ---------------------------------------------------------------- small readers

using JR = JsonReader;

std::uint64_t readSeed(const JsonReader& reader, const Json& value, const std::string& path)
{
    if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<long long>() >= 0))
        reader.fail(path, "expected a whole number >= 0, got " + JsonReader::describe(value));
    return value.get<std::uint64_t>();
}

int readInt(const JsonReader& reader, const Json& object, const std::string& key, const std::string& path, long minimum,
            long maximum = std::numeric_limits<int>::max())
{
    return static_cast<int>(reader.integer(reader.field(object, key, path), JR::join(path, key), minimum, maximum));
}

double readNumber(const JsonReader& reader, const Json& object, const std::string& key, const std::string& path,
                  double minimum = -std::numeric_limits<double>::max(),
                  double maximum = std::numeric_limits<double>::max())
{
    return reader.number(reader.field(object, key, path), JR::join(path, key), minimum, maximum);
}

std::string readString(const JsonReader& reader, const Json& object, const std::string& key, const std::string& path)
{
    return reader.string(reader.field(object, key, path), JR::join(path, key));
}

// Runs a core validation and reports its ConfigError as an InputError at `path`.
template <typename Check>
void validated(const JsonReader& reader, const std::string& path, Check&& check)
{
    try {
        check();
    } catch (const ConfigError& error) {
        reader.fail(path, error.what());
    }
}

// ---------------------------------------------------------------- sections

DatasetRequest requestFromJson(const JsonReader& reader, const Json& json, const std::string& path)
{
    reader.object(json, path);
    DatasetRequest request;
    request.nameOrPath = readString(reader, json, "name", path);
    if (request.nameOrPath.empty())
        reader.fail(JR::join(path, "name"), "empty dataset name");
    request.samples = readInt(reader, json, "samples", path, 0, 10'000'000);
    request.noise = readNumber(reader, json, "noise", path, -1.0, 1e6);
    request.classes = readInt(reader, json, "classes", path, 2, 1000);
    request.seed = readSeed(reader, reader.field(json, "seed", path), JR::join(path, "seed"));
    request.testFraction = readNumber(reader, json, "test_fraction", path, 0.0, 1.0);
    if (!(request.testFraction > 0.0 && request.testFraction < 1.0))
        reader.fail(JR::join(path, "test_fraction"), "must be between 0 and 1 (exclusive), got "
                                                          + reader.field(json, "test_fraction", path).dump());
    request.labelColumn = readString(reader, json, "label_column", path);
    request.fashionMnistDir = readString(reader, json, "fashion_mnist_dir", path);
    request.maxTrainSamples = readInt(reader, json, "max_train_samples", path, 0);
    return request;
}

SessionDataset datasetFromJson(const JsonReader& reader, const Json& json)
{
    const std::string path = "dataset";
    reader.object(json, path);
    SessionDataset dataset;
    dataset.request = requestFromJson(reader, reader.field(json, "request", path), "dataset.request");
    dataset.source = reader.enumChoice(reader.field(json, "source", path), JR::join(path, "source"), kDatasetSourceNames);
    dataset.checksum = readString(reader, json, "checksum", path);
    dataset.bytes = static_cast<std::uint64_t>(
        reader.integer(reader.field(json, "bytes", path), "dataset.bytes", 0, std::numeric_limits<long>::max()));
    const bool byReference = dataset.source == SessionDataset::Source::FashionMnist
                             || dataset.source == SessionDataset::Source::IdxFolder
                             || dataset.source == SessionDataset::Source::CsvFile;
    if (byReference && dataset.checksum.rfind("fnv1a64:", 0) != 0)
        reader.fail("dataset.checksum", "expected \"fnv1a64:\" and 16 hex digits for data kept by reference, got \""
                                            + JsonReader::excerpt(dataset.checksum) + "\"");
    if (const Json* embedded = reader.optionalField(json, "embedded_csv")) {
        if (dataset.source != SessionDataset::Source::CsvFile)
            reader.fail("dataset.embedded_csv", "only CSV files are embedded, but the source is "
                                                    + toString(dataset.source));
        dataset.request.csvText = reader.string(*embedded, "dataset.embedded_csv");
        if (dataset.request.csvText.empty())
            reader.fail("dataset.embedded_csv", "empty text");
        Fnv1a64 hash;
        hash.add(dataset.request.csvText);
        if (hash.text() != dataset.checksum)
            reader.fail("dataset.embedded_csv", "its checksum " + hash.text() + " differs from dataset.checksum "
                                                    + dataset.checksum + " (the file was edited by hand?)");
    }
    // The source must agree with the name: a generator session cannot point at a CSV file.
    const std::string& name = dataset.request.nameOrPath;
    const bool consistent = dataset.source == SessionDataset::Source::Generator ? isGeneratorName(name)
                            : dataset.source == SessionDataset::Source::Bundled ? isBundledDatasetName(name)
                            : dataset.source == SessionDataset::Source::FashionMnist ? name == "fashion-mnist"
                            : !isGeneratorName(name) && !isBundledDatasetName(name) && name != "fashion-mnist";
    if (!consistent)
        reader.fail("dataset.source", "'" + toString(dataset.source) + "' does not fit the dataset name '" + JsonReader::excerpt(name) + "'");
    return dataset;
}

Architecture architectureFromJson(const JsonReader& reader, const Json& json)
{
    const std::string path = "architecture";
    reader.object(json, path);
    Architecture architecture;
    architecture.inputs = readInt(reader, json, "inputs", path, 1, 100'000'000);
    const Json& hidden = reader.array(reader.field(json, "hidden", path), "architecture.hidden");
    for (std::size_t i = 0; i < hidden.size(); ++i)
        architecture.hidden.push_back(
            static_cast<int>(reader.integer(hidden[i], JR::index("architecture.hidden", i), 1, 1'000'000)));
    const std::string activation = readString(reader, json, "activation", path);
    validated(reader, "architecture.activation",
              [&] { architecture.hiddenActivation = activationFromString(activation); });
    architecture.classes = readInt(reader, json, "classes", path, 2, 1'000'000);
    return architecture;
}

TrainingConfig trainingFromJson(const JsonReader& reader, const Json& json)
{
    const std::string path = "training";
    reader.object(json, path);
    TrainingConfig config;
    const std::string o = "training.optimizer";
    const Json& optimizer = reader.object(reader.field(json, "optimizer", path), o);
    const std::string kind = readString(reader, optimizer, "kind", o);
    validated(reader, o + ".kind", [&] { config.optimizer.kind = optimizerFromString(kind); });
    config.optimizer.learningRate = readNumber(reader, optimizer, "learning_rate", o);
    config.optimizer.momentum = readNumber(reader, optimizer, "momentum", o);
    config.optimizer.beta1 = readNumber(reader, optimizer, "beta1", o);
    config.optimizer.beta2 = readNumber(reader, optimizer, "beta2", o);
    config.optimizer.epsilon = readNumber(reader, optimizer, "epsilon", o);

    const std::string r = "training.regularization";
    const Json& regularization = reader.object(reader.field(json, "regularization", path), r);
    config.regularization.l1 = readNumber(reader, regularization, "l1", r);
    config.regularization.l2 = readNumber(reader, regularization, "l2", r);
    const std::string mode = readString(reader, regularization, "l1_mode", r);
    validated(reader, r + ".l1_mode", [&] { config.regularization.l1Mode = l1ModeFromString(mode); });
    config.regularization.dropout = readNumber(reader, regularization, "dropout", r);

    config.batchSize = readInt(reader, json, "batch_size", path, 1);
    config.epochs = readInt(reader, json, "epochs", path, 0);
    config.seed = readSeed(reader, reader.field(json, "seed", path), "training.seed");
    config.reportEverySteps = reader.integer(reader.field(json, "report_every_steps", path), "training.report_every_steps",
                                             0, std::numeric_limits<long>::max());
    validated(reader, path, [&] { config.validate(); });
    return config;
}

QuantizationSpec precisionFromJson(const JsonReader& reader, const Json& json, const std::string& path)
{
    reader.object(json, path);
    QuantizationSpec spec;
    spec.format = reader.enumChoice(reader.field(json, "format", path), JR::join(path, "format"), kQuantizationFormatNames);
    const int bits = readInt(reader, json, "bits", path, 1, 32);
    spec.granularity =
        reader.enumChoice(reader.field(json, "granularity", path), JR::join(path, "granularity"), kGranularityNames);
    spec.bits = bits;
    const std::string format = nameOf(spec.format);
    // The bit count must be the one the format stores (Int: 1..8).
    const bool bitsFit = spec.format == QuantizationSpec::Format::Int ? bits >= 1 && bits <= 8 : bits == spec.storageBits();
    if (!bitsFit)
        reader.fail(JR::join(path, "bits"), std::to_string(bits) + " bits do not fit the format " + format
                                                + (spec.format == QuantizationSpec::Format::Int
                                                       ? " (1..8)"
                                                       : " (" + std::to_string(spec.storageBits()) + ")"));
    return spec;
}

CompressionSetting compressionFromJson(const JsonReader& reader, const Json& json, int layerCount)
{
    const std::string path = "compression";
    reader.object(json, path);
    CompressionSetting setting;
    const std::string p = "compression.pruning";
    const Json& pruning = reader.object(reader.field(json, "pruning", path), p);
    setting.pruning.criterion =
        reader.enumChoice(reader.field(pruning, "criterion", p), JR::join(p, "criterion"), kPruningCriterionNames);
    setting.pruning.scope = reader.enumChoice(reader.field(pruning, "scope", p), JR::join(p, "scope"), kPruningScopeNames);
    setting.pruning.threshold = readNumber(reader, pruning, "threshold", p);
    setting.pruning.targetSparsity = readNumber(reader, pruning, "target_sparsity", p);
    const Json& perLayer = reader.array(reader.field(pruning, "per_layer", p), p + ".per_layer");
    for (std::size_t i = 0; i < perLayer.size(); ++i)
        setting.pruning.perLayerTargets.push_back(reader.number(perLayer[i], JR::index(p + ".per_layer", i),
                                                                -std::numeric_limits<double>::max(),
                                                                std::numeric_limits<double>::max()));
    // Kept for a later switch to per-layer scope, so they must fit the layers in any scope.
    if (!setting.pruning.perLayerTargets.empty() && static_cast<int>(perLayer.size()) != layerCount)
        reader.fail(p + ".per_layer", std::to_string(perLayer.size()) + " targets for " + std::to_string(layerCount)
                                          + " layers");
    validated(reader, p, [&] { setting.pruning.validate(layerCount); });
    setting.precision = precisionFromJson(reader, reader.field(json, "precision", path), "compression.precision");
    return setting;
}

SessionProgress progressFromJson(const JsonReader& reader, const Json& json)
{
    const std::string path = "progress";
    reader.object(json, path);
    SessionProgress progress;
    progress.epoch = readInt(reader, json, "epoch", path, 0);
    progress.epochProgress = readNumber(reader, json, "epoch_progress", path, 0.0);
    progress.steps = reader.integer(reader.field(json, "steps", path), "progress.steps", 0, std::numeric_limits<long>::max());
    progress.seconds = readNumber(reader, json, "seconds", path, 0.0);
    return progress;
}

} // namespace

EnergyTable energyTableFromJson(const Json& json, const JsonReader& reader, const std::string& path)
{
    reader.object(json, path);
    EnergyTable table;
    const double big = std::numeric_limits<double>::max();
    table.addInt8 = readNumber(reader, json, "add_int8_pj", path, 0.0, big);
    table.addInt32 = readNumber(reader, json, "add_int32_pj", path, 0.0, big);
    table.addFp16 = readNumber(reader, json, "add_fp16_pj", path, 0.0, big);
    table.addFp32 = readNumber(reader, json, "add_fp32_pj", path, 0.0, big);
    table.multInt8 = readNumber(reader, json, "mult_int8_pj", path, 0.0, big);
    table.multInt32 = readNumber(reader, json, "mult_int32_pj", path, 0.0, big);
    table.multFp16 = readNumber(reader, json, "mult_fp16_pj", path, 0.0, big);
    table.multFp32 = readNumber(reader, json, "mult_fp32_pj", path, 0.0, big);
    table.sramRead32 = readNumber(reader, json, "sram_read32_pj", path, 0.0, big);
    table.dramRead32 = readNumber(reader, json, "dram_read32_pj", path, 0.0, big);
    table.sramCapacityBytes = reader.integer(reader.field(json, "sram_capacity_bytes", path),
                                             JR::join(path, "sram_capacity_bytes"), 0, std::numeric_limits<long>::max());
    return table;
}

namespace {

std::vector<double> numbersFromJson(const JsonReader& reader, const Json& json, const std::string& path)
{
    reader.array(json, path);
    std::vector<double> values;
    for (std::size_t i = 0; i < json.size(); ++i)
        values.push_back(reader.number(json[i], JR::index(path, i), -std::numeric_limits<double>::max(),
                                       std::numeric_limits<double>::max()));
    return values;
}

SessionSweep sweepFromJsonSection(const JsonReader& reader, const Json& json, const Architecture& sessionArchitecture)
{
    const std::string path = "sweep";
    reader.object(json, path);
    SessionSweep sweep;

    const std::string g = "sweep.grid";
    const Json& grid = reader.object(reader.field(json, "grid", path), g);
    sweep.grid.l1 = numbersFromJson(reader, reader.field(grid, "l1", g), g + ".l1");
    sweep.grid.l2 = numbersFromJson(reader, reader.field(grid, "l2", g), g + ".l2");
    sweep.grid.sparsities = numbersFromJson(reader, reader.field(grid, "sparsities", g), g + ".sparsities");
    const Json& precisions = reader.array(reader.field(grid, "precisions", g), g + ".precisions");
    sweep.grid.precisions.clear();
    for (std::size_t i = 0; i < precisions.size(); ++i)
        sweep.grid.precisions.push_back(precisionFromJson(reader, precisions[i], JR::index(g + ".precisions", i)));
    validated(reader, g, [&] { sweep.grid.validate(); });

    const std::string o = "sweep.options";
    const Json& options = reader.object(reader.field(json, "options", path), o);
    const Json& hidden = reader.array(reader.field(options, "hidden", o), o + ".hidden");
    sweep.options.architecture = sessionArchitecture;
    sweep.options.architecture.hidden.clear();
    for (std::size_t i = 0; i < hidden.size(); ++i)
        sweep.options.architecture.hidden.push_back(
            static_cast<int>(reader.integer(hidden[i], JR::index(o + ".hidden", i), 1, 1'000'000)));
    const std::string activation = readString(reader, options, "activation", o);
    validated(reader, o + ".activation", [&] { sweep.options.architecture.hiddenActivation = activationFromString(activation); });
    // The sweep's training section has the session training section's form and checks.
    try {
        sweep.options.training = trainingFromJson(reader, reader.field(options, "training", o));
    } catch (const InputError& error) {
        throw InputError(reader.fileName(), 0, 0, "sweep.options." + error.problem());
    }
    validated(reader, o + ".hidden",
              [&] { checkNetworkSize(sweep.options.architecture, sweep.options.training.batchSize); });
    sweep.options.epochs = readInt(reader, options, "epochs", o, 0);
    sweep.options.fineTuneEpochs = readInt(reader, options, "fine_tune_epochs", o, 0);
    sweep.options.folds = readInt(reader, options, "folds", o, 0, 1000);
    sweep.options.scope = reader.enumChoice(reader.field(options, "scope", o), JR::join(o, "scope"), kPruningScopeNames);
    sweep.options.energy = energyTableFromJson(reader.field(options, "energy", o), reader, o + ".energy");
    validated(reader, o, [&] { sweep.options.validate(); });

    sweep.result = sweepFromJson(reader.field(json, "result", path), reader, "sweep.result");
    return sweep;
}

// Field by field, so the message names what differs.
void checkSameArchitecture(const JsonReader& reader, const Architecture& session, const Architecture& model)
{
    const auto differ = [&](const std::string& field, const std::string& a, const std::string& b) {
        reader.fail("model.architecture." + field, "the model has " + b + " but the session's architecture." + field
                                                       + " is " + a);
    };
    if (session.inputs != model.inputs)
        differ("inputs", std::to_string(session.inputs), std::to_string(model.inputs));
    if (session.classes != model.classes)
        differ("classes", std::to_string(session.classes), std::to_string(model.classes));
    if (session.hidden != model.hidden)
        differ("hidden", session.describe(), model.describe());
    if (!session.hidden.empty() && session.hiddenActivation != model.hiddenActivation)
        differ("activation", toString(session.hiddenActivation), toString(model.hiddenActivation));
}

Json architectureJson(const Architecture& architecture)
{
    return {{"inputs", architecture.inputs},
            {"hidden", architecture.hidden},
            {"activation", toString(architecture.hiddenActivation)},
            {"classes", architecture.classes}};
}

// ---------------------------------------------------------------- files

bool isRegularFile(const std::string& path)
{
    std::error_code error;
    return !path.empty() && fs::is_regular_file(path, error);
}

bool isFolder(const std::string& path)
{
    std::error_code error;
    return !path.empty() && fs::is_directory(path, error);
}

// The four IDX files of an MNIST-format folder, gzip-compressed or plain, as the readers take them.
std::vector<std::string> idxFiles(const std::string& folder)
{
    std::vector<std::string> files;
    for (const char* base : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                             "t10k-labels-idx1-ubyte"}) {
        const fs::path gz = fs::path(folder) / (std::string(base) + ".gz");
        files.push_back(isRegularFile(gz.string()) ? gz.string() : (fs::path(folder) / base).string());
    }
    return files;
}

std::string readFileText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path, 0, 0, "cannot open the file");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        throw InputError(path, 0, 0, "cannot read the file");
    return buffer.str();
}

// JSON strings must be UTF-8: only such files can be embedded as text. nlohmann's own
// encoder is the judge, so whatever passes here also saves.
bool isUtf8(const std::string& text)
{
    try {
        (void)Json(text).dump();
        return true;
    } catch (const Json::type_error&) {
        return false;
    }
}

std::string fashionFolder(const DatasetRequest& request)
{
    return request.fashionMnistDir.empty() ? activeFashionMnistDirectory() : request.fashionMnistDir;
}

// Where a referenced file or folder might be now: as saved, relative to the session's
// folder, then by its name next to the session file (a session moved with its data).
std::vector<std::string> candidatePaths(const std::string& saved, const std::string& sessionFile)
{
    std::vector<std::string> candidates{saved};
    const fs::path sessionFolder = fs::path(sessionFile).parent_path();
    const fs::path original(saved);
    if (original.is_relative())
        candidates.push_back((sessionFolder / original).string());
    if (original.has_filename())
        candidates.push_back((sessionFolder / original.filename()).string());
    return candidates;
}

// Messages about an embedded CSV name the session and the field, not a file that may be gone.
std::string embeddedSource(const std::string& sessionFile, const std::string& csvName)
{
    return sessionFile + " (dataset.embedded_csv, the copy of " + csvName + ")";
}

// The shape of data the session's request makes without reading files: generators (2 inputs,
// the requested classes), Fashion-MNIST (784 inputs, its ten classes) and the bundled sets.
// Checked against the architecture and the model's class names on load, so that a session
// edited to 5 classes of moons is refused with the field named.
void checkKnownDataShape(const JsonReader& reader, const Session& session)
{
    const DatasetRequest& request = session.dataset.request;
    std::optional<Dataset> sample;
    try {
        if (session.dataset.source == SessionDataset::Source::Generator) {
            GeneratorOptions options;
            options.classes = request.classes;
            options.samples = std::max(request.classes, 2) * 2;
            sample = generateDataset(request.nameOrPath, options);
        } else if (session.dataset.source == SessionDataset::Source::Bundled) {
            sample = loadBundledDataset(request.nameOrPath);
        }
    } catch (const std::exception& error) {
        reader.fail("dataset.request", error.what());
    }
    int inputs = 0;
    std::vector<std::string> classNames;
    if (sample) {
        inputs = sample->featureCount();
        classNames = sample->classNames;
    } else if (session.dataset.source == SessionDataset::Source::FashionMnist) {
        inputs = 28 * 28;
        classNames = fashionMnistClassNames();
    } else {
        return;
    }
    const std::string data = "the data " + request.nameOrPath;
    if (session.architecture.inputs != inputs)
        reader.fail("architecture.inputs", std::to_string(session.architecture.inputs) + " inputs but " + data + " has "
                                               + std::to_string(inputs) + " features");
    if (session.architecture.classes != static_cast<int>(classNames.size()))
        reader.fail("architecture.classes", std::to_string(session.architecture.classes) + " classes but " + data
                                                + " has " + std::to_string(classNames.size()));
    if (session.model && session.model->classNames != classNames)
        reader.fail("model.classNames", "the model's class names differ from those of " + data);
}

// The figures of the curves that a session keeps, each with the field of the training
// report that holds it: one list for both directions of the history conversion.
struct KeptFigure {
    double HistoryPoint::*point;
    double TrainingReport::*report;
};
constexpr KeptFigure kKeptFigures[] = {
    {&HistoryPoint::epoch, &TrainingReport::epochProgress},
    {&HistoryPoint::trainLoss, &TrainingReport::trainLoss},
    {&HistoryPoint::trainAccuracy, &TrainingReport::trainAccuracy},
    {&HistoryPoint::testLoss, &TrainingReport::testLoss},
    {&HistoryPoint::testAccuracy, &TrainingReport::testAccuracy},
    {&HistoryPoint::testMacroF1, &TrainingReport::testMacroF1},
    {&HistoryPoint::sparsity, &TrainingReport::sparsity},
};

} // namespace

// ---------------------------------------------------------------- public

std::string toString(SessionDataset::Source source)
{
    return enumToString(kDatasetSourceNames, source, "dataset source");
}

Json toJson(const DatasetRequest& r)
{
    return {{"name", r.nameOrPath},
            {"samples", r.samples},
            {"noise", r.noise},
            {"classes", r.classes},
            {"seed", r.seed},
            {"test_fraction", r.testFraction},
            {"label_column", r.labelColumn},
            {"fashion_mnist_dir", r.fashionMnistDir},
            {"max_train_samples", r.maxTrainSamples}};
}

Json toJson(const TrainingConfig& c)
{
    return {{"optimizer",
             {{"kind", toString(c.optimizer.kind)},
              {"learning_rate", c.optimizer.learningRate},
              {"momentum", c.optimizer.momentum},
              {"beta1", c.optimizer.beta1},
              {"beta2", c.optimizer.beta2},
              {"epsilon", c.optimizer.epsilon}}},
            {"regularization",
             {{"l1", c.regularization.l1},
              {"l2", c.regularization.l2},
              {"l1_mode", toString(c.regularization.l1Mode)},
              {"dropout", c.regularization.dropout}}},
            {"batch_size", c.batchSize},
            {"epochs", c.epochs},
            {"seed", c.seed},
            {"report_every_steps", c.reportEverySteps}};
}

Json toJson(const QuantizationSpec& spec)
{
    return {{"format", nameOf(spec.format)}, {"bits", spec.bits}, {"granularity", nameOf(spec.granularity)}};
}

Json toJson(const PruningSpec& spec)
{
    return {{"criterion", nameOf(spec.criterion)},
            {"scope", nameOf(spec.scope)},
            {"threshold", spec.threshold},
            {"target_sparsity", spec.targetSparsity},
            {"per_layer", spec.perLayerTargets}};
}

Json toJson(const CompressionSetting& setting)
{
    return {{"pruning", toJson(setting.pruning)}, {"precision", toJson(setting.precision)}};
}

Json toJson(const EnergyTable& t)
{
    return {{"add_int8_pj", t.addInt8},       {"add_int32_pj", t.addInt32},   {"add_fp16_pj", t.addFp16},
            {"add_fp32_pj", t.addFp32},       {"mult_int8_pj", t.multInt8},   {"mult_int32_pj", t.multInt32},
            {"mult_fp16_pj", t.multFp16},     {"mult_fp32_pj", t.multFp32},   {"sram_read32_pj", t.sramRead32},
            {"dram_read32_pj", t.dramRead32}, {"sram_capacity_bytes", t.sramCapacityBytes}};
}

Json toJson(const SweepGrid& grid)
{
    Json precisions = Json::array();
    for (const QuantizationSpec& spec : grid.precisions)
        precisions.push_back(toJson(spec));
    return {{"l1", grid.l1}, {"l2", grid.l2}, {"sparsities", grid.sparsities}, {"precisions", precisions}};
}

Json toJson(const SweepOptions& options)
{
    return {{"hidden", options.architecture.hidden},
            {"activation", toString(options.architecture.hiddenActivation)},
            {"training", toJson(options.training)},
            {"epochs", options.epochs},
            {"fine_tune_epochs", options.fineTuneEpochs},
            {"folds", options.folds},
            {"scope", nameOf(options.scope)},
            {"energy", toJson(options.energy)}};
}

SessionDataset describeDataset(const DatasetRequest& request)
{
    SessionDataset dataset;
    dataset.request = request;
    const std::string& name = request.nameOrPath;
    if (isGeneratorName(name)) {
        dataset.source = SessionDataset::Source::Generator;
    } else if (isBundledDatasetName(name)) {
        dataset.source = SessionDataset::Source::Bundled;
    } else if (name == "fashion-mnist") {
        dataset.source = SessionDataset::Source::FashionMnist;
        const FileChecksum sum = checksumFiles(idxFiles(fashionFolder(request)));
        dataset.checksum = sum.text;
        dataset.bytes = sum.bytes;
    } else if (isFolder(name)) {
        dataset.source = SessionDataset::Source::IdxFolder;
        const FileChecksum sum = checksumFiles(idxFiles(name));
        dataset.checksum = sum.text;
        dataset.bytes = sum.bytes;
    } else {
        dataset.source = SessionDataset::Source::CsvFile;
        std::string bytes = request.csvText;
        if (bytes.empty()) {
            if (!isRegularFile(name))
                throw InputError(name, 0, 0, "the dataset file does not exist or is not a file");
            bytes = readFileText(name);
        }
        Fnv1a64 hash;
        hash.add(bytes);
        dataset.checksum = hash.text();
        dataset.bytes = bytes.size();
        const bool gzip = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f
                          && static_cast<unsigned char>(bytes[1]) == 0x8b;
        dataset.request.csvText = !gzip && !bytes.empty() && bytes.size() <= kEmbedCsvLimit && isUtf8(bytes)
                                      ? std::move(bytes)
                                      : std::string();
    }
    if (dataset.source != SessionDataset::Source::CsvFile)
        dataset.request.csvText.clear();
    // The scaler belongs to the model, which the session keeps.
    dataset.request.scaler.reset();
    return dataset;
}

ResolvedDataset resolveDataset(const Session& session, const std::string& sessionFile)
{
    ResolvedDataset resolved = resolveDataset(session.dataset, sessionFile);
    if (session.model)
        resolved.request.scaler = session.model->scaler;
    return resolved;
}

ResolvedDataset resolveDataset(const SessionDataset& dataset, const std::string& sessionFile)
{
    const JsonReader reader(sessionFile);
    ResolvedDataset resolved;
    resolved.request = dataset.request;
    resolved.request.csvText.clear();
    switch (dataset.source) {
    case SessionDataset::Source::Generator:
    case SessionDataset::Source::Bundled:
        return resolved;
    case SessionDataset::Source::FashionMnist: {
        const std::string folder = fashionFolder(dataset.request);
        if (!hasFashionMnist(folder))
            reader.fail("dataset", "the session uses Fashion-MNIST, which is not in " + folder
                                       + " (install the Debian package dataset-fashion-mnist)");
        const FileChecksum sum = checksumFiles(idxFiles(folder));
        if (sum.text != dataset.checksum)
            reader.fail("dataset.checksum", "the Fashion-MNIST files in " + folder + " (" + sum.text
                                                + ") are not the ones the session was saved with (" + dataset.checksum + ")");
        return resolved;
    }
    case SessionDataset::Source::IdxFolder: {
        for (const std::string& candidate : candidatePaths(dataset.request.nameOrPath, sessionFile)) {
            if (!isFolder(candidate) || !hasFashionMnist(candidate))
                continue;
            const FileChecksum sum = checksumFiles(idxFiles(candidate));
            if (sum.text != dataset.checksum)
                reader.fail("dataset.checksum", "the IDX files in " + candidate + " (" + sum.text
                                                    + ") are not the ones the session was saved with (" + dataset.checksum
                                                    + ")");
            resolved.request.nameOrPath = candidate;
            return resolved;
        }
        reader.fail("dataset.request.name", "the IDX folder " + dataset.request.nameOrPath
                                                + " was not found (also looked next to the session file)");
    }
    case SessionDataset::Source::CsvFile: {
        const bool embedded = !dataset.request.csvText.empty();
        for (const std::string& candidate : candidatePaths(dataset.request.nameOrPath, sessionFile)) {
            if (!isRegularFile(candidate))
                continue;
            const FileChecksum sum = checksumFiles({candidate});
            if (sum.text == dataset.checksum) {
                resolved.request.nameOrPath = candidate;
                if (candidate != dataset.request.nameOrPath)
                    resolved.note = "The data file was found at " + candidate + ".";
                return resolved;
            }
            if (!embedded)
                reader.fail("dataset.checksum", "the CSV file " + candidate + " has changed since the session was saved ("
                                                    + sum.text + ", saved " + dataset.checksum
                                                    + ") and the session holds no copy of it");
            resolved.request.csvText = dataset.request.csvText;
            resolved.request.csvTextSource = embeddedSource(sessionFile, dataset.request.nameOrPath);
            resolved.note = candidate + " has changed since the session was saved; the copy kept in the session is used.";
            return resolved;
        }
        if (!embedded)
            reader.fail("dataset.request.name", "the CSV file " + dataset.request.nameOrPath
                                                    + " was not found (also looked next to the session file)");
        resolved.request.csvText = dataset.request.csvText;
        resolved.request.csvTextSource = embeddedSource(sessionFile, dataset.request.nameOrPath);
        resolved.note = dataset.request.nameOrPath + " was not found; the copy kept in the session is used.";
        return resolved;
    }
    }
    reader.fail("dataset.source", "unknown source");
}

ModelSpec modelSpecOf(const Session& session)
{
    ModelSpec model;
    model.hidden = session.architecture.hidden;
    model.activation = session.architecture.hiddenActivation;
    model.seed = session.modelSeed;
    return model;
}

std::vector<HistoryPoint> historyFromReports(const std::vector<TrainingReport>& reports)
{
    std::vector<HistoryPoint> history;
    history.reserve(reports.size());
    for (const TrainingReport& report : reports) {
        HistoryPoint& point = history.emplace_back();
        for (const KeptFigure& figure : kKeptFigures)
            point.*figure.point = report.*figure.report;
    }
    return history;
}

std::vector<TrainingReport> reportsFromHistory(const std::vector<HistoryPoint>& history)
{
    std::vector<TrainingReport> reports;
    reports.reserve(history.size());
    for (const HistoryPoint& point : history) {
        TrainingReport& report = reports.emplace_back();
        report.epoch = static_cast<int>(std::floor(point.epoch));
        for (const KeptFigure& figure : kKeptFigures)
            report.*figure.report = point.*figure.point;
    }
    return reports;
}

Json sessionToJson(const Session& session)
{
    Json json;
    json["format"] = kFormatName;
    json["version"] = kSessionFormatVersion;

    Json dataset = {{"request", toJson(session.dataset.request)},
                    {"source", toString(session.dataset.source)},
                    {"checksum", session.dataset.checksum},
                    {"bytes", session.dataset.bytes}};
    if (!session.dataset.request.csvText.empty())
        dataset["embedded_csv"] = session.dataset.request.csvText;
    json["dataset"] = std::move(dataset);

    json["architecture"] = architectureJson(session.architecture);
    json["model_seed"] = session.modelSeed;
    json["training"] = toJson(session.training);
    json["compression"] = toJson(session.compression);
    if (session.model) {
        if (!(session.model->network.architecture().inputs == session.architecture.inputs
              && session.model->network.architecture().classes == session.architecture.classes
              && session.model->network.architecture().hidden == session.architecture.hidden))
            throw ConfigError("saveSession: the model (" + session.model->network.architecture().describe()
                              + ") does not match the session's architecture (" + session.architecture.describe() + ")");
        json["model"] = modelToJson(*session.model);
    } else {
        json["model"] = nullptr;
    }
    json["progress"] = {{"epoch", session.progress.epoch},
                        {"epoch_progress", session.progress.epochProgress},
                        {"steps", session.progress.steps},
                        {"seconds", session.progress.seconds}};
    Json history = Json::array();
    for (const TrainingReport& report : session.history)
        history.push_back(toJson(report));
    json["history"] = std::move(history);
    Json markers = Json::array();
    for (const ParameterMarker& marker : session.markers)
        markers.push_back({{"epoch", marker.epoch}, {"text", marker.text}});
    json["markers"] = std::move(markers);
    json["prune_scan"] = session.pruneScan ? toJson(*session.pruneScan) : Json();
    json["sweep"] = session.sweep ? Json{{"grid", toJson(session.sweep->grid)},
                                         {"options", toJson(session.sweep->options)},
                                         {"result", toJson(session.sweep->result)}}
                                  : Json();
    json["app"] = session.app.is_object() ? session.app : Json::object();
    return json;
}

Session sessionFromJson(const Json& json, const std::string& fileName)
{
    const JsonReader reader(fileName);
    if (!json.is_object())
        reader.fail("", std::string("expected a JSON object, got ") + json.type_name());
    const std::string format = reader.string(reader.field(json, "format", ""), "format");
    if (format == "sparsescope-model")
        reader.fail("format", "this is a model file, not a session (sessions are written by Save Session or `train --session`)");
    if (format != kFormatName)
        reader.fail("format", "expected \"" + std::string(kFormatName) + "\", got \"" + JsonReader::excerpt(format) + "\"");
    const long version = reader.integer(reader.field(json, "version", ""), "version", std::numeric_limits<long>::min(),
                                        std::numeric_limits<long>::max());
    if (version != kSessionFormatVersion)
        reader.fail("version", "unsupported session format version " + std::to_string(version)
                                   + " (this build reads version " + std::to_string(kSessionFormatVersion) + ")");

    Session session;
    session.dataset = datasetFromJson(reader, reader.field(json, "dataset", ""));
    session.architecture = architectureFromJson(reader, reader.field(json, "architecture", ""));
    session.modelSeed = readSeed(reader, reader.field(json, "model_seed", ""), "model_seed");
    session.training = trainingFromJson(reader, reader.field(json, "training", ""));
    // Before anything is built from the sizes: a 10 KB file may ask for gigabytes.
    validated(reader, "architecture", [&] { checkNetworkSize(session.architecture, session.training.batchSize); });
    const int layerCount = static_cast<int>(session.architecture.hidden.size()) + 1;
    session.compression = compressionFromJson(reader, reader.field(json, "compression", ""), layerCount);

    const Json& model = reader.field(json, "model", "");
    if (!model.is_null()) {
        reader.object(model, "model");
        try {
            session.model = modelFromJson(model, fileName);
        } catch (const InputError& error) {
            // The model reader names fields from its own root: put them under "model.".
            throw InputError(fileName, 0, 0, "model." + error.problem());
        } catch (const ConfigError& error) {
            reader.fail("model", error.what());
        }
        checkSameArchitecture(reader, session.architecture, session.model->network.architecture());
    }
    checkKnownDataShape(reader, session);

    session.progress = progressFromJson(reader, reader.field(json, "progress", ""));
    const Json& history = reader.array(reader.field(json, "history", ""), "history");
    session.history.reserve(history.size());
    for (std::size_t i = 0; i < history.size(); ++i)
        session.history.push_back(trainingReportFromJson(history[i], reader, JR::index("history", i)));
    const Json& markers = reader.array(reader.field(json, "markers", ""), "markers");
    for (std::size_t i = 0; i < markers.size(); ++i) {
        const std::string path = JR::index("markers", i);
        reader.object(markers[i], path);
        session.markers.push_back({readNumber(reader, markers[i], "epoch", path, 0.0), readString(reader, markers[i], "text", path)});
    }
    if (const Json* scan = reader.optionalField(json, "prune_scan"))
        session.pruneScan = pruneScanFromJson(*scan, reader, "prune_scan", layerCount);
    if (const Json* sweep = reader.optionalField(json, "sweep"))
        session.sweep = sweepFromJsonSection(reader, *sweep, session.architecture);
    if (const Json* app = reader.optionalField(json, "app"))
        session.app = reader.object(*app, "app");
    return session;
}

void saveSession(const std::string& path, const Session& session)
{
    writeFileAtomically(path, sessionToJson(session).dump(1) + "\n");
}

Session loadSession(const std::string& path)
{
    return sessionFromJson(readJsonFile(path, "a SparseScope session"), path);
}

void checkSessionFitsData(const Session& session, const PreparedData& data, const std::string& fileName)
{
    const JsonReader reader(fileName);
    const Dataset& train = data.split.train;
    if (train.featureCount() != session.architecture.inputs)
        reader.fail("architecture.inputs", "the session's model takes " + std::to_string(session.architecture.inputs)
                                               + " inputs but the data " + train.name + " has "
                                               + std::to_string(train.featureCount()) + " features");
    if (train.classCount() != session.architecture.classes)
        reader.fail("architecture.classes", "the session's model has " + std::to_string(session.architecture.classes)
                                                + " classes but the data " + train.name + " has "
                                                + std::to_string(train.classCount()));
    if (session.model && session.model->classNames != train.classNames)
        reader.fail("model.classNames", "the model's class names differ from those of the data " + train.name);
}

} // namespace ss
