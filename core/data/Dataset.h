#pragma once
// A labelled dataset held in memory, its train/test split and the feature scaling that
// is fitted on the training part and kept with the model.

#include "common/Types.h"

#include <optional>
#include <string>
#include <vector>

namespace ss {

struct ImageShape {
    int height = 0;
    int width = 0;
    int pixelCount() const { return height * width; }
};

struct Dataset {
    std::string name;
    Matrix features;                      // featureCount x sampleCount (samples as columns)
    Labels labels;                        // one class index in [0, classCount) per sample
    std::vector<std::string> classNames;  // classCount entries
    std::vector<std::string> featureNames;
    std::optional<ImageShape> imageShape; // set for image data (pixels row-major)

    int sampleCount() const { return static_cast<int>(features.cols()); }
    int featureCount() const { return static_cast<int>(features.rows()); }
    int classCount() const { return static_cast<int>(classNames.size()); }

    // The samples at the given column indices, in that order, with all metadata.
    Dataset subset(const std::vector<int>& indices) const;
    // Throws ConfigError when shapes, labels and names disagree.
    void validate() const;
};

// Seeded, stratified: each class contributes round(testFraction * its count) test samples.
struct TrainTestSplit {
    Dataset train;
    Dataset test;
    std::vector<int> trainIndices; // column of each train sample in the source, ascending
    std::vector<int> testIndices;  // column of each test sample in the source, ascending
};
// Throws ConfigError for a fraction outside [0, 1) or an invalid dataset. Classes are
// drawn in class order from one Random(seed), so the split is the same on every platform.
TrainTestSplit stratifiedSplit(const Dataset& data, double testFraction, std::uint64_t seed);

// Exactly `count` sample indices (ascending), each class in proportion to its size
// (largest remainder), chosen at random from the seed: a smaller set for quick runs.
std::vector<int> stratifiedSample(const Dataset& data, int count, std::uint64_t seed);

// Feature scaling fitted on training data only and applied unchanged to any later data.
class FeatureScaler {
public:
    enum class Kind { None, Standardize, DivideBy255 };

    FeatureScaler() = default;
    static FeatureScaler fit(const Dataset& train, Kind kind);
    static FeatureScaler fromParameters(Kind kind, Vector offset, Vector factor);

    // x' = (x - offset) * factor, row-wise. Constant features get factor 1.
    void apply(Matrix& features) const;
    Kind kind() const { return m_kind; }
    const Vector& offset() const { return m_offset; }
    const Vector& factor() const { return m_factor; }

private:
    Kind m_kind = Kind::None;
    Vector m_offset;
    Vector m_factor;
};

// Image data is divided by 255, everything else standardised.
FeatureScaler::Kind defaultScalingFor(const Dataset& data);

} // namespace ss
