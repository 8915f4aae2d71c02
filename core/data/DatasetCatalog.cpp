#include "data/DatasetCatalog.h"

#include "common/Error.h"
#include "data/BundledDatasets.h"
#include "data/CsvReader.h"
#include "data/Generators.h"
#include "data/IdxReader.h"

#include <cstdio>
#include <filesystem>
#include <utility>
#include <numeric>

namespace ss {

namespace {

// The split draws from its own stream, so changing how a generator consumes randoms
// never shifts which samples land in the test set, and vice versa.
constexpr std::uint64_t splitSeedOffset = 0x9E3779B97F4A7C15ull;

std::string formatDouble(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::vector<int> allIndices(int count)
{
    std::vector<int> indices(static_cast<std::size_t>(count));
    std::iota(indices.begin(), indices.end(), 0);
    return indices;
}

// A folder of MNIST-format files with the standard names (MNIST, Fashion-MNIST, KMNIST...).
bool isIdxFolder(const std::string& path)
{
    std::error_code error;
    return std::filesystem::is_directory(path, error) && hasFashionMnist(path);
}

std::string knownNames()
{
    std::string names;
    for (const std::string& n : generatorNames())
        names += n + ", ";
    for (const std::string& n : bundledDatasetNames())
        names += n + ", ";
    return names + "fashion-mnist";
}

} // namespace

std::vector<std::string> generatorNames()
{
    return generatorList();
}

std::vector<std::string> bundledDatasetNames()
{
    return bundledDatasetList();
}

const std::vector<NamedDataset>& namedDatasets()
{
    static const std::vector<NamedDataset> datasets = [] {
        // In display order; tst_datasetcatalog checks that every generator and bundled set is here.
        const std::vector<std::pair<std::string, std::string>> titles = {
            {"article", "Article example (x\u2080 > 0.5)"}, {"moons", "Two moons"},
            {"circles", "Circles"}, {"xor", "XOR"}, {"spiral", "Spiral"}, {"blobs", "Gaussian blobs"},
            {"iris", "Iris (150 \u00d7 4)"}, {"breast-cancer", "Breast cancer (569 \u00d7 30)"},
            {"digits", "Digits 8\u00d78 (1797)"}, {"fashion-mnist", "Fashion-MNIST (70k \u00d7 784)"}};
        std::vector<NamedDataset> list;
        for (const auto& [name, title] : titles) {
            const bool generator = isGeneratorName(name);
            list.push_back({name, title, generator, name == "spiral" || name == "blobs"});
        }
        return list;
    }();
    return datasets;
}

PreparedData prepareDataset(const DatasetRequest& request, const std::atomic<bool>* cancel)
{
    const std::string& name = request.nameOrPath;
    // 0 puts every row in the training part (an exact fit on all data, checked elsewhere).
    if (!(request.testFraction >= 0.0 && request.testFraction < 1.0))
        throw ConfigError("test fraction must be in [0, 1), got " + formatDouble(request.testFraction));
    if (request.maxTrainSamples < 0)
        throw ConfigError("maxTrainSamples must be >= 0 (0 = all), got " + std::to_string(request.maxTrainSamples));

    PreparedData prepared;
    TrainTestSplit& split = prepared.split;
    std::string source;
    bool officialSplit = false;

    if (isGeneratorName(name)) {
        GeneratorOptions options;
        options.samples = request.samples;
        options.noise = request.noise;
        options.classes = request.classes;
        options.seed = request.seed;
        const Dataset data = generateDataset(name, options);
        const double noise = request.noise >= 0.0 ? request.noise : defaultGeneratorNoise(name);
        source = "synthetic, noise " + formatDouble(noise) + " (" + generatorNoiseMeaning(name) + "), seed "
                 + std::to_string(request.seed);
        split = stratifiedSplit(data, request.testFraction, request.seed + splitSeedOffset);
    } else if (isBundledDatasetName(name)) {
        const Dataset data = loadBundledDataset(name);
        source = bundledDatasetAttribution(name);
        if (name == "digits")
            source += "; pixels 0..16 rescaled to 0..255";
        split = stratifiedSplit(data, request.testFraction, request.seed + splitSeedOffset);
    } else if (name == "fashion-mnist" || isIdxFolder(name)) {
        const bool fashion = name == "fashion-mnist";
        const std::string folder = fashion ? request.fashionMnistDir : name;
        FashionMnist data;
        std::string trainImages = folder, testImages = folder, trainLabels = folder;
        if (fashion) {
            data = loadFashionMnist(folder, cancel);
        } else {
            // Any MNIST-format folder; classes named by their label values.
            namespace fs = std::filesystem;
            const auto file = [&](const char* base) {
                const fs::path gz = fs::path(folder) / (std::string(base) + ".gz");
                std::error_code error;
                return fs::is_regular_file(gz, error) ? gz.string() : (fs::path(folder) / base).string();
            };
            const std::string label = fs::path(folder).filename().string();
            trainImages = file("train-images-idx3-ubyte");
            testImages = file("t10k-images-idx3-ubyte");
            trainLabels = file("train-labels-idx1-ubyte");
            data.train = readIdxDataset(trainImages, trainLabels, label, {}, cancel);
            data.test = readIdxDataset(testImages, file("t10k-labels-idx1-ubyte"), label, {}, cancel);
            // Both parts must agree on the classes even if one lacks the highest label.
            const auto& longer = data.train.classCount() >= data.test.classCount() ? data.train : data.test;
            data.train.classNames = data.test.classNames = longer.classNames;
        }
        // The model sees the test images as the training images were: same shape, not just
        // the same pixel count (14x56 is not 28x28).
        const auto shapeText = [](const Dataset& d) {
            return d.imageShape ? std::to_string(d.imageShape->height) + "x" + std::to_string(d.imageShape->width)
                                : std::to_string(d.featureCount()) + " features";
        };
        if (shapeText(data.train) != shapeText(data.test))
            throw InputError(testImages, 0, 0, "the test images are " + shapeText(data.test) + " but the training images ("
                                                   + trainImages + ") are " + shapeText(data.train));
        if (data.train.classCount() < 2)
            throw InputError(trainLabels, 0, 0, "only one class in the labels: a classifier needs at least two");
        source = fashion ? "Fashion-MNIST, H. Xiao, K. Rasul, R. Vollgraf (2017), Zalando Research, MIT licence; "
                           "official split"
                         : "IDX files in " + folder + "; official split";
        split.trainIndices = allIndices(data.train.sampleCount());
        split.testIndices = allIndices(data.test.sampleCount());
        split.train = std::move(data.train);
        split.test = std::move(data.test);
        officialSplit = true;
    } else if (std::error_code folderError; request.csvText.empty() && std::filesystem::is_directory(name, folderError)) {
        // A folder is an IDX folder missing some of its parts.
        std::string missing;
        for (const char* base : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                 "t10k-labels-idx1-ubyte"}) {
            const std::filesystem::path plain = std::filesystem::path(name) / base;
            if (!std::filesystem::is_regular_file(plain, folderError)
                && !std::filesystem::is_regular_file(plain.string() + ".gz", folderError))
                missing += (missing.empty() ? "" : ", ") + std::string(base) + "[.gz]";
        }
        throw InputError(name, 0, 0, "is a folder but not an IDX dataset: missing " + missing);
    } else {
        std::error_code error;
        const bool exists = std::filesystem::exists(name, error);
        const bool looksLikePath = name.find('/') != std::string::npos || name.find('.') != std::string::npos;
        if (!exists && !looksLikePath && request.csvText.empty())
            throw ConfigError("unknown dataset '" + name + "': expected one of " + knownNames()
                              + ", or the path of a CSV file");
        CsvOptions options;
        options.labelColumn = request.labelColumn;
        Dataset data = request.csvText.empty()
                           ? readCsvFile(name, options)
                           : readCsvText(request.csvText, request.csvTextSource.empty() ? name : request.csvTextSource, options);
        // Named after the file it is a copy of, whatever the messages call it.
        if (!request.csvText.empty() && !request.csvTextSource.empty())
            data.name = std::filesystem::path(name).stem().string();
        source = "CSV file " + name + (request.csvText.empty() ? "" : " (copy kept in the session)")
                 + (request.labelColumn.empty() ? ", label in the last column"
                                                                   : ", label column '" + request.labelColumn + "'");
        split = stratifiedSplit(data, request.testFraction, request.seed + splitSeedOffset);
    }

    throwIfCancelled(cancel);
    if (request.maxTrainSamples > 0 && request.maxTrainSamples < split.train.sampleCount()) {
        const std::vector<int> chosen = stratifiedSample(split.train, request.maxTrainSamples, request.seed);
        std::vector<int> original;
        original.reserve(chosen.size());
        for (int k : chosen)
            original.push_back(split.trainIndices[static_cast<std::size_t>(k)]);
        split.train = split.train.subset(chosen);
        split.trainIndices = std::move(original);
        source += "; training part limited to " + std::to_string(request.maxTrainSamples) + " samples (stratified)";
    }

    // Metrics of an empty test set would read as 0 % accuracy; training on nothing fails later.
    // A test fraction of exactly 0 asks for no test part (every row fits the model).
    const bool noTestPartAsked = request.testFraction == 0.0;
    if ((split.test.sampleCount() == 0 && !noTestPartAsked) || split.train.sampleCount() == 0)
        throw ConfigError(std::string(split.test.sampleCount() == 0 ? "no test samples" : "no training samples") + ": "
                          + std::to_string(split.train.sampleCount() + split.test.sampleCount())
                          + " samples split with test fraction " + formatDouble(request.testFraction)
                          + " leave none; use more samples or another test fraction");
    const FeatureScaler::Kind kind = request.scaler ? request.scaler->kind() : defaultScalingFor(split.train);
    prepared.scaler = request.scaler ? *request.scaler : FeatureScaler::fit(split.train, kind);
    throwIfCancelled(cancel);
    prepared.scaler.apply(split.train.features);
    throwIfCancelled(cancel);
    prepared.scaler.apply(split.test.features);

    const Dataset& train = split.train;
    std::string shape = std::to_string(train.featureCount()) + " features";
    if (train.imageShape)
        shape = std::to_string(train.imageShape->height) + "x" + std::to_string(train.imageShape->width) + " images";
    prepared.description = train.name + ": " + std::to_string(train.sampleCount()) + " train / "
                           + std::to_string(split.test.sampleCount()) + " test samples"
                           + (officialSplit ? "" : " (stratified " + formatDouble(100.0 * request.testFraction) + " % test)")
                           + ", " + shape + ", " + std::to_string(train.classCount()) + " classes; " + source + "; "
                           + (kind == FeatureScaler::Kind::DivideBy255 ? "pixels divided by 255"
                              : request.scaler                          ? "scaled as the model's training data"
                                                                        : "standardised with training statistics");
    return prepared;
}

} // namespace ss
