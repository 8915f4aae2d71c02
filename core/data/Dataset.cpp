#include "data/Dataset.h"

#include "common/Error.h"
#include "common/Random.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace ss {

namespace {

std::vector<std::vector<int>> indicesByClass(const Dataset& data)
{
    std::vector<std::vector<int>> byClass(static_cast<std::size_t>(data.classCount()));
    for (int i = 0; i < data.sampleCount(); ++i)
        byClass[static_cast<std::size_t>(data.labels[static_cast<std::size_t>(i)])].push_back(i);
    return byClass;
}

std::string kindName(FeatureScaler::Kind kind)
{
    switch (kind) {
    case FeatureScaler::Kind::None: return "None";
    case FeatureScaler::Kind::Standardize: return "Standardize";
    case FeatureScaler::Kind::DivideBy255: return "DivideBy255";
    }
    return "unknown";
}

} // namespace

Dataset Dataset::subset(const std::vector<int>& indices) const
{
    Dataset result;
    result.name = name;
    result.classNames = classNames;
    result.featureNames = featureNames;
    result.imageShape = imageShape;
    result.features.resize(features.rows(), static_cast<Eigen::Index>(indices.size()));
    result.labels.resize(indices.size());
    for (std::size_t k = 0; k < indices.size(); ++k) {
        const int i = indices[k];
        if (i < 0 || i >= sampleCount())
            throw ConfigError("Dataset::subset: index " + std::to_string(i) + " outside [0, "
                              + std::to_string(sampleCount()) + ") in dataset '" + name + "'");
        result.features.col(static_cast<Eigen::Index>(k)) = features.col(i);
        result.labels[k] = labels[static_cast<std::size_t>(i)];
    }
    return result;
}

void Dataset::validate() const
{
    const std::string where = "dataset '" + name + "': ";
    if (static_cast<std::size_t>(features.cols()) != labels.size())
        throw ConfigError(where + std::to_string(features.cols()) + " samples but "
                          + std::to_string(labels.size()) + " labels");
    if (classNames.empty() && !labels.empty())
        throw ConfigError(where + "labelled samples but no class names");
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || labels[i] >= classCount())
            throw ConfigError(where + "sample " + std::to_string(i) + " has label " + std::to_string(labels[i])
                              + " outside [0, " + std::to_string(classCount()) + ")");
    }
    // Feature names are optional (empty = unnamed), but when given there is one per feature.
    if (!featureNames.empty() && static_cast<int>(featureNames.size()) != featureCount())
        throw ConfigError(where + std::to_string(featureNames.size()) + " feature names for "
                          + std::to_string(featureCount()) + " features");
    if (imageShape) {
        if (imageShape->height <= 0 || imageShape->width <= 0 || imageShape->pixelCount() != featureCount())
            throw ConfigError(where + "image shape " + std::to_string(imageShape->height) + "x"
                              + std::to_string(imageShape->width) + " does not match "
                              + std::to_string(featureCount()) + " features");
    }
    if (!features.allFinite())
        throw ConfigError(where + "features contain NaN or infinity");
}

TrainTestSplit stratifiedSplit(const Dataset& data, double testFraction, std::uint64_t seed)
{
    if (!(testFraction >= 0.0 && testFraction < 1.0))
        throw ConfigError("stratifiedSplit: test fraction must be in [0, 1), got " + std::to_string(testFraction));
    data.validate();

    Random random(seed);
    std::vector<int> trainIndices;
    std::vector<int> testIndices;
    for (std::vector<int>& members : indicesByClass(data)) {
        random.shuffle(members);
        const auto testCount = static_cast<std::size_t>(std::lround(testFraction * static_cast<double>(members.size())));
        testIndices.insert(testIndices.end(), members.begin(), members.begin() + static_cast<std::ptrdiff_t>(testCount));
        trainIndices.insert(trainIndices.end(), members.begin() + static_cast<std::ptrdiff_t>(testCount), members.end());
    }
    // Keep the original order inside each part: the split is then independent of how the
    // classes happened to be grouped, and sample numbers stay easy to relate to the source.
    std::sort(trainIndices.begin(), trainIndices.end());
    std::sort(testIndices.begin(), testIndices.end());

    TrainTestSplit split;
    split.train = data.subset(trainIndices);
    split.test = data.subset(testIndices);
    split.trainIndices = std::move(trainIndices);
    split.testIndices = std::move(testIndices);
    return split;
}

std::vector<int> stratifiedSample(const Dataset& data, int count, std::uint64_t seed)
{
    data.validate();
    if (count < 0 || count > data.sampleCount())
        throw ConfigError("stratifiedSample: cannot take " + std::to_string(count) + " of "
                          + std::to_string(data.sampleCount()) + " samples of '" + data.name + "'");
    std::vector<std::vector<int>> byClass = indicesByClass(data);
    // Largest-remainder apportionment: exactly `count` samples, each class in proportion.
    const double n = data.sampleCount() > 0 ? static_cast<double>(data.sampleCount()) : 1.0;
    std::vector<std::size_t> take(byClass.size());
    std::vector<std::pair<double, std::size_t>> remainders;
    std::size_t taken = 0;
    for (std::size_t c = 0; c < byClass.size(); ++c) {
        const double exact = static_cast<double>(count) * static_cast<double>(byClass[c].size()) / n;
        take[c] = static_cast<std::size_t>(std::floor(exact));
        taken += take[c];
        remainders.emplace_back(exact - static_cast<double>(take[c]), c);
    }
    // Larger remainder first; ties by class index so that the result is platform-independent.
    std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (std::size_t k = 0; taken < static_cast<std::size_t>(count) && k < remainders.size(); ++k) {
        const std::size_t c = remainders[k].second;
        if (take[c] < byClass[c].size()) {
            ++take[c];
            ++taken;
        }
    }

    Random random(seed);
    std::vector<int> chosen;
    chosen.reserve(static_cast<std::size_t>(count));
    for (std::size_t c = 0; c < byClass.size(); ++c) {
        random.shuffle(byClass[c]);
        chosen.insert(chosen.end(), byClass[c].begin(), byClass[c].begin() + static_cast<std::ptrdiff_t>(take[c]));
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

FeatureScaler FeatureScaler::fit(const Dataset& train, Kind kind)
{
    const Eigen::Index rows = train.features.rows();
    FeatureScaler scaler;
    scaler.m_kind = kind;
    scaler.m_offset = Vector::Zero(rows);
    scaler.m_factor = Vector::Ones(rows);
    switch (kind) {
    case Kind::None:
        break;
    case Kind::DivideBy255:
        scaler.m_factor.setConstant(Scalar(1) / Scalar(255));
        break;
    case Kind::Standardize: {
        const Eigen::Index n = train.features.cols();
        if (n == 0)
            throw ConfigError("FeatureScaler::fit: cannot standardise '" + train.name + "': no training samples");
        // Two passes in double: float sums over 60k samples lose digits that matter here.
        for (Eigen::Index r = 0; r < rows; ++r) {
            double sum = 0.0;
            for (Eigen::Index c = 0; c < n; ++c)
                sum += static_cast<double>(train.features(r, c));
            const double mean = sum / static_cast<double>(n);
            double squares = 0.0;
            for (Eigen::Index c = 0; c < n; ++c) {
                const double d = static_cast<double>(train.features(r, c)) - mean;
                squares += d * d;
            }
            const double stddev = std::sqrt(squares / static_cast<double>(n));
            scaler.m_offset(r) = static_cast<Scalar>(mean);
            // A (numerically) constant feature carries no information; dividing by ~0 would
            // only blow up rounding noise, so it is merely centred.
            const bool constant = !(stddev > 1e-12 * std::max(1.0, std::abs(mean)));
            scaler.m_factor(r) = constant ? Scalar(1) : static_cast<Scalar>(1.0 / stddev);
        }
        break;
    }
    }
    return scaler;
}

FeatureScaler FeatureScaler::fromParameters(Kind kind, Vector offset, Vector factor)
{
    if (offset.size() != factor.size())
        throw ConfigError("FeatureScaler::fromParameters: " + std::to_string(offset.size()) + " offsets but "
                          + std::to_string(factor.size()) + " factors for kind " + kindName(kind));
    if (!offset.allFinite() || !factor.allFinite())
        throw ConfigError("FeatureScaler::fromParameters: offsets and factors must be finite (kind "
                          + kindName(kind) + ")");
    if (kind != Kind::None && kind != Kind::Standardize && kind != Kind::DivideBy255)
        throw ConfigError("FeatureScaler::fromParameters: unknown kind " + std::to_string(static_cast<int>(kind)));
    FeatureScaler scaler;
    scaler.m_kind = kind;
    scaler.m_offset = std::move(offset);
    scaler.m_factor = std::move(factor);
    return scaler;
}

void FeatureScaler::apply(Matrix& features) const
{
    // An unfitted scaler of kind None leaves data alone whatever its shape.
    if (m_kind == Kind::None && m_offset.size() == 0)
        return;
    if (features.rows() != m_offset.size())
        throw ConfigError("FeatureScaler::apply: scaler fitted on " + std::to_string(m_offset.size())
                          + " features, data has " + std::to_string(features.rows()));
    features.array().colwise() -= m_offset.array();
    features.array().colwise() *= m_factor.array();
}

FeatureScaler::Kind defaultScalingFor(const Dataset& data)
{
    return data.imageShape ? FeatureScaler::Kind::DivideBy255 : FeatureScaler::Kind::Standardize;
}

} // namespace ss
