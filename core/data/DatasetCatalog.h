#pragma once
// One entry point that turns a dataset name or path into a scaled train/test split:
// the generators, the bundled classics, Fashion-MNIST (IDX) and user CSV files.

#include "data/Dataset.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace ss {

struct DatasetRequest {
    // A generator (article, moons, circles, xor, spiral, blobs), a bundled set
    // (breast-cancer, digits, iris), fashion-mnist, or a path to a .csv file.
    std::string nameOrPath = "moons";
    int samples = 0;              // generators: 0 = the generator's default
    double noise = -1.0;          // generators: < 0 = the generator's default
    int classes = 3;              // blobs and spiral only
    std::uint64_t seed = 42;
    double testFraction = 0.2;
    std::string labelColumn;      // CSV: header name or 0-based index; empty = last column
    std::string fashionMnistDir;  // empty = activeFashionMnistDirectory() (data/IdxReader.h)
    int maxTrainSamples = 0;      // 0 = all (lets tests use a slice of Fashion-MNIST)
    // A saved model's scaler, applied instead of fitting a new one, so data meets the model
    // scaled exactly as in training.
    std::optional<FeatureScaler> scaler;
    // CSV only: when not empty, the file's contents, read instead of the file at nameOrPath
    // (which then only names the data). Sessions carry small CSV files this way, so they
    // reopen where the original file is gone.
    std::string csvText;
    // What messages about csvText name instead of nameOrPath (which may not exist), e.g.
    // "s.json (dataset.embedded_csv, the copy of iris.csv)"; empty = nameOrPath.
    std::string csvTextSource;
};

struct PreparedData {
    TrainTestSplit split;      // already scaled
    FeatureScaler scaler;      // fitted on split.train before scaling
    std::string description;   // one line: source, sizes, attribution
};

// Throws InputError for unreadable or malformed files (an IDX folder whose parts disagree on
// the image shape, a single class), ConfigError for unknown names and for a split that
// leaves the training or the test set empty. Cancelled (common/Error.h) soon after `cancel`
// is set: a Fashion-MNIST load stops within a few milliseconds.
PreparedData prepareDataset(const DatasetRequest& request, const std::atomic<bool>* cancel = nullptr);

// Names offered in the UI and in --help, in display order.
std::vector<std::string> generatorNames();
std::vector<std::string> bundledDatasetNames();

// Every dataset known by name (generators, bundled sets, fashion-mnist) in display order,
// with the title the app's menu shows: the one list, so that a new dataset appears in the
// app, in --help and in prepareDataset at once.
struct NamedDataset {
    std::string name;          // what DatasetRequest::nameOrPath takes
    std::string title;         // what the user reads
    bool generator = false;
    bool hasClasses = false;   // blobs and spiral take a class count
};
const std::vector<NamedDataset>& namedDatasets();

// Where bundled datasets are looked for: $SPARSESCOPE_DATASETS, then the paths given by
// setBundledDatasetDirectories (the app adds its own), then the source tree's resources/.
void setBundledDatasetDirectories(std::vector<std::string> directories);

} // namespace ss
