#include "data/BundledDatasets.h"

#include "common/Error.h"
#include "data/CsvReader.h"
#include "data/DatasetCatalog.h"
#include "data/Gzip.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#ifndef SPARSESCOPE_SOURCE_DATASET_DIR
#define SPARSESCOPE_SOURCE_DATASET_DIR ""
#endif

namespace ss {

namespace {

std::mutex directoriesMutex;
std::vector<std::string> extraDirectories;

struct BundledInfo {
    const char* name;
    const char* file;
    int samples;
    int features;
};

constexpr BundledInfo bundled[] = {
    {"breast-cancer", "breast_cancer.csv", 569, 30},
    {"digits", "digits.csv.gz", 1797, 64},
    {"iris", "iris.csv", 150, 4},
};

const BundledInfo& infoFor(const std::string& name)
{
    for (const BundledInfo& info : bundled)
        if (name == info.name)
            return info;
    std::string known;
    for (const BundledInfo& info : bundled)
        known += (known.empty() ? "" : ", ") + std::string(info.name);
    throw ConfigError("unknown bundled dataset '" + name + "'; bundled: " + known);
}

std::vector<std::string> breastCancerFeatureNames()
{
    static const char* const measures[] = {"radius",      "texture",   "perimeter",      "area",     "smoothness",
                                           "compactness", "concavity", "concave points", "symmetry", "fractal dimension"};
    std::vector<std::string> names;
    for (const char* m : measures)
        names.push_back(std::string("mean ") + m);
    for (const char* m : measures)
        names.push_back(std::string(m) + " error");
    for (const char* m : measures)
        names.push_back(std::string("worst ") + m);
    return names;
}

// "569,30,malignant,benign": sample count, feature count, class names in label order.
struct CountsHeader {
    int samples = 0;
    int features = 0;
    std::vector<std::string> classNames;
};

CountsHeader parseCountsHeader(std::string_view line, const std::string& path)
{
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        parts.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    CountsHeader header;
    const auto toInt = [&](std::string_view text, int column) {
        int value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size() || value <= 0)
            throw InputError(path, 1, column, "expected a positive count, found '" + std::string(text) + "'");
        return value;
    };
    if (parts.size() < 4)
        throw InputError(path, 1, 0, "expected a first line 'samples,features,class names...'");
    header.samples = toInt(parts[0], 1);
    header.features = toInt(parts[1], 2);
    for (std::size_t k = 2; k < parts.size(); ++k) {
        std::string name(parts[k]);
        while (!name.empty() && (name.back() == '\r' || name.back() == ' '))
            name.pop_back();
        if (name.empty())
            throw InputError(path, 1, static_cast<int>(k + 1), "empty class name");
        header.classNames.push_back(name);
    }
    return header;
}

void checkShape(const Dataset& data, int samples, int features, const std::string& path)
{
    if (data.sampleCount() != samples || data.featureCount() != features)
        throw InputError(path, 0, 0, "expected " + std::to_string(samples) + " samples of " + std::to_string(features)
                                         + " features, found " + std::to_string(data.sampleCount()) + " of "
                                         + std::to_string(data.featureCount()));
}

// Labels must be exactly the indices 0..k-1 (the CSV reader names numeric classes by value).
void checkIndexLabels(const Dataset& data, std::size_t classCount, const std::string& path)
{
    bool ok = data.classNames.size() == classCount;
    for (std::size_t c = 0; ok && c < classCount; ++c)
        ok = data.classNames[c] == std::to_string(c);
    if (!ok)
        throw InputError(path, 0, 0, "expected class indices 0.." + std::to_string(classCount - 1)
                                         + " in the last column, found " + std::to_string(data.classNames.size())
                                         + " distinct labels");
}

} // namespace

void setBundledDatasetDirectories(std::vector<std::string> directories)
{
    std::lock_guard lock(directoriesMutex);
    extraDirectories = std::move(directories);
}

std::vector<std::string> bundledDatasetList()
{
    std::vector<std::string> names;
    for (const BundledInfo& info : bundled)
        names.emplace_back(info.name);
    return names;
}

bool isBundledDatasetName(const std::string& name)
{
    return std::any_of(std::begin(bundled), std::end(bundled), [&](const BundledInfo& info) { return name == info.name; });
}

std::string bundledDatasetFileName(const std::string& name)
{
    return infoFor(name).file;
}

std::vector<std::string> bundledDatasetDirectories()
{
    std::vector<std::string> directories;
    if (const char* environment = std::getenv("SPARSESCOPE_DATASETS")) {
        std::string_view list(environment);
        while (!list.empty()) {
            const std::size_t colon = list.find(':');
            const std::string_view entry = list.substr(0, colon);
            if (!entry.empty())
                directories.emplace_back(entry);
            if (colon == std::string_view::npos)
                break;
            list.remove_prefix(colon + 1);
        }
    }
    {
        std::lock_guard lock(directoriesMutex);
        directories.insert(directories.end(), extraDirectories.begin(), extraDirectories.end());
    }
    const std::string sourceTree = SPARSESCOPE_SOURCE_DATASET_DIR;
    if (!sourceTree.empty())
        directories.push_back(sourceTree);
    return directories;
}

std::string findBundledDatasetFile(const std::string& name)
{
    return findBundledDatasetFile(name, bundledDatasetDirectories());
}

std::string findBundledDatasetFile(const std::string& name, const std::vector<std::string>& directories)
{
    const std::string file = bundledDatasetFileName(name);
    for (const std::string& directory : directories) {
        const std::filesystem::path path = std::filesystem::path(directory) / file;
        std::error_code error;
        if (std::filesystem::is_regular_file(path, error))
            return path.string();
    }
    return {};
}

Dataset loadBundledDataset(const std::string& name)
{
    return loadBundledDataset(name, bundledDatasetDirectories());
}

Dataset loadBundledDataset(const std::string& name, const std::vector<std::string>& directories)
{
    const BundledInfo& info = infoFor(name);
    const std::string path = findBundledDatasetFile(name, directories);
    if (path.empty()) {
        std::string searched;
        for (const std::string& directory : directories)
            searched += (searched.empty() ? "" : ", ") + directory;
        throw InputError(info.file, 0, 0, "bundled dataset '" + name + "' not found; looked in: "
                                              + (searched.empty() ? std::string("(no folders)") : searched)
                                              + ". Set SPARSESCOPE_DATASETS to the folder that holds " + info.file + ".");
    }

    Dataset data;
    if (name == "digits") {
        CsvOptions options;
        options.header = CsvOptions::Header::Absent;
        data = readCsvFile(path, options);
        checkShape(data, info.samples, info.features, path);
        checkIndexLabels(data, 10, path);
        // std::minmax_element rather than Eigen's minCoeff: GCC 12 warns spuriously on the latter's AVX-512 code.
        const Scalar* pixels = data.features.data();
        const auto [low, high] = std::minmax_element(pixels, pixels + data.features.size());
        if (*low < 0.0f || *high > 16.0f)
            throw InputError(path, 0, 0, "digits pixels must lie in 0..16");
        data.features *= Scalar(255) / Scalar(16);
        data.imageShape = ImageShape{8, 8};
        data.featureNames.clear();
        for (int r = 0; r < 8; ++r)
            for (int c = 0; c < 8; ++c)
                data.featureNames.push_back("pixel " + std::to_string(r) + "," + std::to_string(c));
    } else {
        // First line: counts and class names. Blank it (keeping its line end) so that the
        // CSV reader's line numbers still match the file.
        const Bytes bytes = readMaybeGzippedFile(path);
        std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        const std::size_t lineEnd = text.find('\n');
        const CountsHeader header = parseCountsHeader(std::string_view(text).substr(0, lineEnd), path);
        if (header.samples != info.samples || header.features != info.features)
            throw InputError(path, 1, 0, "expected " + std::to_string(info.samples) + "," + std::to_string(info.features)
                                             + " on the first line");
        text.replace(0, lineEnd == std::string::npos ? text.size() : lineEnd, "");
        CsvOptions options;
        options.header = CsvOptions::Header::Absent;
        options.delimiter = ',';
        data = readCsvText(text, path, options);
        checkShape(data, header.samples, header.features, path);
        checkIndexLabels(data, header.classNames.size(), path);
        data.classNames = header.classNames;
        data.featureNames = name == "iris"
                                ? std::vector<std::string>{"sepal length (cm)", "sepal width (cm)", "petal length (cm)",
                                                           "petal width (cm)"}
                                : breastCancerFeatureNames();
    }
    data.name = name;
    data.validate();
    return data;
}

std::string bundledDatasetAttribution(const std::string& name)
{
    if (name == "breast-cancer")
        return "Breast Cancer Wisconsin (Diagnostic), W. H. Wolberg, W. N. Street, O. L. Mangasarian; "
               "UCI Machine Learning Repository, CC BY 4.0";
    if (name == "digits")
        return "Optical Recognition of Handwritten Digits, E. Alpaydin, C. Kaynak (1998), test part; "
               "UCI Machine Learning Repository, CC BY 4.0";
    if (name == "iris")
        return "Iris, R. A. Fisher (1936), public domain; via the UCI Machine Learning Repository";
    throw ConfigError("unknown bundled dataset '" + name + "'");
}

} // namespace ss
