#pragma once
// The small classic datasets shipped in resources/datasets/ (breast cancer, digits, iris),
// found at run time in: $SPARSESCOPE_DATASETS (one folder, or several separated by ':'),
// then the folders given to setBundledDatasetDirectories (DatasetCatalog.h; the app adds
// its own), then the source tree's resources/datasets (compile-time fallback).

#include "data/Dataset.h"

#include <string>
#include <vector>

namespace ss {

// breast-cancer, digits, iris.
std::vector<std::string> bundledDatasetList();
bool isBundledDatasetName(const std::string& name);
std::string bundledDatasetFileName(const std::string& name); // e.g. "iris.csv"

// The folders searched, in order.
std::vector<std::string> bundledDatasetDirectories();
// Full path of the dataset's file, or empty when no folder has it.
std::string findBundledDatasetFile(const std::string& name);
std::string findBundledDatasetFile(const std::string& name, const std::vector<std::string>& directories);

// Reads and checks the bundled file (InputError when missing or damaged). Digits pixels
// (0..16 in the UCI data) are rescaled to 0..255 so that every image set in SparseScope
// shares the same "divide by 255" scaling.
Dataset loadBundledDataset(const std::string& name);
// The same, searching only the given folders.
Dataset loadBundledDataset(const std::string& name, const std::vector<std::string>& directories);

// Source and licence, for descriptions and the About box.
std::string bundledDatasetAttribution(const std::string& name);

} // namespace ss
