#include "nn/ModelFile.h"

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonReader.h"
#include "nn/TrainingConfig.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace ss {

namespace {

constexpr const char* kFormatName = "sparsescope-model";

using Json = nlohmann::json;

// The shortest decimal that reads back to exactly this float, held as the double nearest to
// it: nlohmann prints that double in its shortest form, which is the same short decimal, so a
// 235k-weight model takes ~10 characters a weight instead of 17 and still round-trips bit for
// bit. If double rounding ever made the float differ, the float's exact value is kept instead.
Json floatJson(float value)
{
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
    double shortest = 0.0;
    std::from_chars(buffer, written.ptr, shortest);
    if (static_cast<float>(shortest) != value || std::signbit(shortest) != std::signbit(value))
        shortest = static_cast<double>(value);
    return shortest;
}

Json matrixJson(const Matrix& matrix)
{
    Json rows = Json::array();
    for (Eigen::Index r = 0; r < matrix.rows(); ++r) {
        Json row = Json::array();
        for (Eigen::Index c = 0; c < matrix.cols(); ++c)
            row.push_back(floatJson(matrix(r, c)));
        rows.push_back(std::move(row));
    }
    return rows;
}

Json vectorJson(const Vector& vector)
{
    Json values = Json::array();
    for (Eigen::Index i = 0; i < vector.size(); ++i)
        values.push_back(floatJson(vector(i)));
    return values;
}

Json maskJson(const Matrix& mask)
{
    Json rows = Json::array();
    for (Eigen::Index r = 0; r < mask.rows(); ++r) {
        Json row = Json::array();
        for (Eigen::Index c = 0; c < mask.cols(); ++c)
            row.push_back(mask(r, c) != 0 ? 1 : 0);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string scalerKindName(FeatureScaler::Kind kind)
{
    switch (kind) {
    case FeatureScaler::Kind::None: return "none";
    case FeatureScaler::Kind::Standardize: return "standardize";
    case FeatureScaler::Kind::DivideBy255: return "divide-by-255";
    }
    throw ConfigError("saveModel: unknown feature scaler kind " + std::to_string(static_cast<int>(kind)));
}

// Dense reads on top of the shared JsonReader: a vector of finite floats and a matrix of
// floats or 0/1 mask flags, each entry's path named on error.
Vector readVector(const JsonReader& reader, const Json& value, const std::string& path, Eigen::Index size)
{
    reader.array(value, path, static_cast<std::size_t>(size));
    Vector result(size);
    for (Eigen::Index i = 0; i < size; ++i)
        result(i) = reader.finiteFloat(value[static_cast<std::size_t>(i)], JsonReader::index(path, static_cast<std::size_t>(i)));
    return result;
}

Matrix readMatrix(const JsonReader& reader, const Json& value, const std::string& path, Eigen::Index rows,
                  Eigen::Index cols, bool mask)
{
    reader.array(value, path, static_cast<std::size_t>(rows));
    Matrix result(rows, cols);
    for (Eigen::Index r = 0; r < rows; ++r) {
        const std::string rowPath = JsonReader::index(path, static_cast<std::size_t>(r));
        const Json& row = reader.array(value[static_cast<std::size_t>(r)], rowPath, static_cast<std::size_t>(cols));
        for (Eigen::Index c = 0; c < cols; ++c) {
            const Json& entry = row[static_cast<std::size_t>(c)];
            const std::string entryPath = JsonReader::index(rowPath, static_cast<std::size_t>(c));
            result(r, c) = mask ? static_cast<Scalar>(reader.integer(entry, entryPath, 0, 1))
                                : reader.finiteFloat(entry, entryPath);
        }
    }
    return result;
}

} // namespace

Json modelToJson(const TrainedModel& model)
{
    const Network& network = model.network;
    const Architecture& architecture = network.architecture();
    if (network.layers().empty())
        throw ConfigError("saveModel: the network has no layers");
    if (!network.isFinite())
        throw ConfigError("saveModel: the network has NaN or infinite weights; nothing was saved");
    if (static_cast<int>(model.classNames.size()) != architecture.classes)
        throw ConfigError("saveModel: " + std::to_string(model.classNames.size()) + " class names for "
                          + std::to_string(architecture.classes) + " classes");
    Json json;
    json["format"] = kFormatName;
    json["version"] = kModelFormatVersion;
    json["dataset"] = model.datasetName;
    json["architecture"] = {{"inputs", architecture.inputs},
                            {"hidden", architecture.hidden},
                            {"activation", toString(architecture.hiddenActivation)},
                            {"classes", architecture.classes},
                            {"description", architecture.describe()}};
    json["classNames"] = model.classNames;
    json["featureNames"] = model.featureNames;
    if (model.imageShape)
        json["imageShape"] = {{"height", model.imageShape->height}, {"width", model.imageShape->width}};
    else
        json["imageShape"] = nullptr;
    json["scaler"] = {{"kind", scalerKindName(model.scaler.kind())},
                      {"offset", vectorJson(model.scaler.offset())},
                      {"factor", vectorJson(model.scaler.factor())}};
    Json layers = Json::array();
    for (const DenseLayer& layer : network.layers())
        layers.push_back({{"weights", matrixJson(layer.weights)}, {"bias", vectorJson(layer.bias)}, {"mask", maskJson(layer.mask)}});
    json["layers"] = std::move(layers);
    json["metadata"] = model.metadata.is_null() ? Json::object() : model.metadata;
    return json;
}

TrainedModel modelFromJson(const Json& json, const std::string& fileName)
{
    const JsonReader reader(fileName);
    if (!json.is_object())
        reader.fail("(top level)", std::string("expected a JSON object, got ") + json.type_name());
    if (const Json* format = reader.optionalField(json, "format"))
        if (reader.string(*format, "format") != kFormatName)
            reader.fail("format", "expected \"" + std::string(kFormatName) + "\", got " + JsonReader::describe(*format));
    const long version = reader.integer(reader.field(json, "version", ""), "version", std::numeric_limits<long>::min(),
                                        std::numeric_limits<long>::max());
    if (version != kModelFormatVersion)
        reader.fail("version", "unsupported model format version " + std::to_string(version) + " (this build reads version "
                                   + std::to_string(kModelFormatVersion) + ")");

    const Json& architectureJson = reader.field(json, "architecture", "");
    Architecture architecture;
    architecture.inputs = static_cast<int>(
        reader.integer(reader.field(architectureJson, "inputs", "architecture"), "architecture.inputs", 1, 100'000'000));
    const Json& hidden = reader.field(architectureJson, "hidden", "architecture");
    if (!hidden.is_array())
        reader.fail("architecture.hidden", std::string("expected an array, got ") + hidden.type_name());
    for (std::size_t i = 0; i < hidden.size(); ++i)
        architecture.hidden.push_back(static_cast<int>(
            reader.integer(hidden[i], JsonReader::index("architecture.hidden", i), 1, 1'000'000)));
    const std::string activation = reader.string(reader.field(architectureJson, "activation", "architecture"),
                                                 "architecture.activation");
    try {
        architecture.hiddenActivation = activationFromString(activation);
    } catch (const ConfigError& error) {
        reader.fail("architecture.activation", error.what());
    }
    architecture.classes = static_cast<int>(
        reader.integer(reader.field(architectureJson, "classes", "architecture"), "architecture.classes", 2, 1'000'000));

    // Before the layers are allocated from these sizes.
    try {
        checkNetworkSize(architecture);
    } catch (const ConfigError& error) {
        reader.fail("architecture", error.what());
    }

    TrainedModel model;
    if (const Json* dataset = reader.optionalField(json, "dataset"))
        model.datasetName = reader.string(*dataset, "dataset");
    model.classNames = reader.strings(reader.field(json, "classNames", ""), "classNames",
                                      static_cast<std::size_t>(architecture.classes));
    if (const Json* features = reader.optionalField(json, "featureNames")) {
        if (features->is_array() && features->empty())
            model.featureNames.clear();
        else
            model.featureNames = reader.strings(*features, "featureNames", static_cast<std::size_t>(architecture.inputs));
    }
    if (const Json* image = reader.optionalField(json, "imageShape")) {
        ImageShape shape;
        shape.height = static_cast<int>(reader.integer(reader.field(*image, "height", "imageShape"), "imageShape.height", 1, 100'000));
        shape.width = static_cast<int>(reader.integer(reader.field(*image, "width", "imageShape"), "imageShape.width", 1, 100'000));
        if (static_cast<long>(shape.height) * shape.width != architecture.inputs)
            reader.fail("imageShape", std::to_string(shape.height) + "x" + std::to_string(shape.width) + " pixels but "
                                          + std::to_string(architecture.inputs) + " inputs");
        model.imageShape = shape;
    }

    const Json& scalerJson = reader.field(json, "scaler", "");
    const std::string kindName = reader.string(reader.field(scalerJson, "kind", "scaler"), "scaler.kind");
    FeatureScaler::Kind kind = FeatureScaler::Kind::None;
    if (kindName == "none")
        kind = FeatureScaler::Kind::None;
    else if (kindName == "standardize")
        kind = FeatureScaler::Kind::Standardize;
    else if (kindName == "divide-by-255")
        kind = FeatureScaler::Kind::DivideBy255;
    else
        reader.fail("scaler.kind", "unknown scaler '" + JsonReader::excerpt(kindName) + "' (expected none, standardize or divide-by-255)");
    const Json& offsetJson = reader.field(scalerJson, "offset", "scaler");
    // An unfitted "none" scaler has no parameters; every other scaler has one per input.
    const Eigen::Index scalerSize = (kind == FeatureScaler::Kind::None && offsetJson.is_array() && offsetJson.empty())
        ? 0
        : architecture.inputs;
    Vector offset = readVector(reader, offsetJson, "scaler.offset", scalerSize);
    Vector factor = readVector(reader, reader.field(scalerJson, "factor", "scaler"), "scaler.factor", scalerSize);
    model.scaler = FeatureScaler::fromParameters(kind, std::move(offset), std::move(factor));

    const Json& layersJson = reader.array(reader.field(json, "layers", ""), "layers", architecture.hidden.size() + 1);
    std::vector<DenseLayer> layers;
    int fanIn = architecture.inputs;
    for (std::size_t l = 0; l < layersJson.size(); ++l) {
        const std::string path = JsonReader::index("layers", l);
        const int fanOut = l + 1 == layersJson.size() ? architecture.outputs() : architecture.hidden[l];
        const Json& layerJson = layersJson[l];
        DenseLayer layer;
        layer.weights = readMatrix(reader, reader.field(layerJson, "weights", path), path + ".weights", fanOut, fanIn, false);
        layer.bias = readVector(reader, reader.field(layerJson, "bias", path), path + ".bias", fanOut);
        if (const Json* mask = reader.optionalField(layerJson, "mask"))
            layer.mask = readMatrix(reader, *mask, path + ".mask", fanOut, fanIn, true);
        else
            layer.mask = Matrix::Ones(fanOut, fanIn);
        layers.push_back(std::move(layer));
        fanIn = fanOut;
    }
    model.network = Network::fromLayers(architecture, std::move(layers));
    if (const Json* metadata = reader.optionalField(json, "metadata"))
        model.metadata = *metadata;
    return model;
}

void saveModel(const std::string& path, const TrainedModel& model)
{
    writeFileAtomically(path, modelToJson(model).dump() + "\n");
}

TrainedModel loadModel(const std::string& path)
{
    return modelFromJson(readJsonFile(path, "a SparseScope model"), path);
}

} // namespace ss
