#include "data/Generators.h"

#include "common/Error.h"
#include "common/Random.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

namespace ss {

namespace {

constexpr int maxSamples = kMaxGeneratedSamples;
constexpr int maxClasses = kMaxGeneratedClasses;

void checkOptions(const char* generator, int samples, double noise, int classes)
{
    const std::string name(generator);
    if (classes < 2 || classes > maxClasses)
        throw ConfigError(name + ": class count must be in [2, " + std::to_string(maxClasses) + "], got "
                          + std::to_string(classes));
    if (samples < classes || samples > maxSamples)
        throw ConfigError(name + ": sample count must be in [" + std::to_string(classes) + ", "
                          + std::to_string(maxSamples) + "], got " + std::to_string(samples));
    if (!std::isfinite(noise) || noise < 0.0)
        throw ConfigError(name + ": noise must be finite and >= 0, got " + std::to_string(noise));
}

Dataset makeTwoD(const std::string& name, int samples, std::vector<std::string> classNames)
{
    Dataset data;
    data.name = name;
    data.features.resize(2, samples);
    data.labels.resize(static_cast<std::size_t>(samples));
    data.classNames = std::move(classNames);
    data.featureNames = {"x0", "x1"};
    return data;
}

// Samples per class as even as possible, the first classes taking the remainder.
int classSize(int samples, int classes, int c)
{
    return samples / classes + (c < samples % classes ? 1 : 0);
}

// Generators fill classes in blocks; a seeded shuffle interleaves them so that the first
// k samples are a fair sample too.
void shuffleSamples(Dataset& data, Random& random)
{
    const std::vector<int> order = random.permutation(data.sampleCount());
    data = data.subset(order);
}

void addJitter(Dataset& data, double noise, Random& random)
{
    if (noise <= 0.0)
        return;
    for (int i = 0; i < data.sampleCount(); ++i) {
        data.features(0, i) += static_cast<Scalar>(random.normal(0.0, noise));
        data.features(1, i) += static_cast<Scalar>(random.normal(0.0, noise));
    }
}

} // namespace

std::vector<std::string> generatorList()
{
    return {"article", "moons", "circles", "xor", "spiral", "blobs"};
}

bool isGeneratorName(const std::string& name)
{
    const auto names = generatorList();
    return std::find(names.begin(), names.end(), name) != names.end();
}

int defaultGeneratorSamples(const std::string& name)
{
    if (name == "article") return 100;
    if (name == "moons" || name == "circles" || name == "xor") return 400;
    if (name == "spiral") return 600;
    if (name == "blobs") return 300;
    throw ConfigError("unknown generator '" + name + "'");
}

double defaultGeneratorNoise(const std::string& name)
{
    if (name == "article") return 0.0;
    if (name == "moons") return 0.2;
    if (name == "circles" || name == "xor") return 0.1;
    if (name == "spiral") return 0.05;
    if (name == "blobs") return 0.6;
    throw ConfigError("unknown generator '" + name + "'");
}

std::string generatorNoiseMeaning(const std::string& name)
{
    if (name == "article") return "probability that a label is flipped";
    if (name == "blobs") return "standard deviation of each cloud";
    if (isGeneratorName(name)) return "standard deviation of the Gaussian jitter added to x0 and x1";
    throw ConfigError("unknown generator '" + name + "'");
}

Dataset generateDataset(const std::string& name, const GeneratorOptions& options)
{
    if (!isGeneratorName(name)) {
        std::string known;
        for (const std::string& g : generatorList())
            known += (known.empty() ? "" : ", ") + g;
        throw ConfigError("unknown generator '" + name + "'; known: " + known);
    }
    const int samples = options.samples > 0 ? options.samples : defaultGeneratorSamples(name);
    if (std::isnan(options.noise))
        throw ConfigError(name + ": noise must be a number (< 0 = default), got NaN");
    const double noise = options.noise >= 0.0 ? options.noise : defaultGeneratorNoise(name);
    if (options.samples < 0)
        throw ConfigError(name + ": sample count must be positive (0 = default), got " + std::to_string(options.samples));
    if (name == "article") return generateArticle(samples, noise, options.seed);
    if (name == "moons") return generateMoons(samples, noise, options.seed);
    if (name == "circles") return generateCircles(samples, noise, options.seed);
    if (name == "xor") return generateXor(samples, noise, options.seed);
    if (name == "spiral") return generateSpiral(samples, noise, options.classes, options.seed);
    return generateBlobs(samples, noise, options.classes, options.seed);
}

Dataset generateArticle(int samples, double noise, std::uint64_t seed)
{
    checkOptions("article", samples, noise, 2);
    if (noise > 1.0)
        throw ConfigError("article: noise is a label-flip probability and must be in [0, 1], got " + std::to_string(noise));
    Random random(seed);
    Dataset data = makeTwoD("article", samples, {"x0 <= 0.5", "x0 > 0.5"});
    for (int i = 0; i < samples; ++i) {
        const auto x0 = static_cast<Scalar>(random.uniform());
        const auto x1 = static_cast<Scalar>(random.uniform());
        data.features(0, i) = x0;
        data.features(1, i) = x1;
        int label = x0 > Scalar(0.5) ? 1 : 0;
        // Always draw, so that noise 0 and noise > 0 see the same points.
        if (random.uniform() < noise)
            label = 1 - label;
        data.labels[static_cast<std::size_t>(i)] = label;
    }
    return data;
}

namespace {

// One class after another, the k-th of class c's `count` points at pointAt(c, k, count,
// random) = {x, y}; then jittered by `jitter` (addJitter, 0: none) and shuffled. The caller has checked
// the options (before building class names from a class count).
template <typename PointAt>
Dataset placeClasses(const char* name, int samples, std::vector<std::string> classNames, double jitter, Random& random,
                     PointAt&& pointAt)
{
    const int classes = static_cast<int>(classNames.size());
    Dataset data = makeTwoD(name, samples, std::move(classNames));
    int i = 0;
    for (int c = 0; c < classes; ++c) {
        const int count = classSize(samples, classes, c);
        for (int k = 0; k < count; ++k, ++i) {
            const auto [x, y] = pointAt(c, k, count, random);
            data.features(0, i) = static_cast<Scalar>(x);
            data.features(1, i) = static_cast<Scalar>(y);
            data.labels[static_cast<std::size_t>(i)] = c;
        }
    }
    addJitter(data, jitter, random);
    shuffleSamples(data, random);
    return data;
}

std::vector<std::string> numberedNames(const std::string& prefix, int count)
{
    std::vector<std::string> names;
    for (int c = 0; c < count; ++c)
        names.push_back(prefix + " " + std::to_string(c + 1));
    return names;
}

} // namespace

Dataset generateMoons(int samples, double noise, std::uint64_t seed)
{
    checkOptions("moons", samples, noise, 2);
    Random random(seed);
    const double pi = std::numbers::pi;
    return placeClasses("moons", samples, {"upper moon", "lower moon"}, noise, random, [&](int c, int k, int count, Random&) {
        // Evenly spaced along each half circle (as scikit-learn's make_moons).
        const double t = count > 1 ? pi * k / (count - 1) : pi / 2;
        return std::pair(c == 0 ? std::cos(t) : 1.0 - std::cos(t), c == 0 ? std::sin(t) : 0.5 - std::sin(t));
    });
}

Dataset generateCircles(int samples, double noise, std::uint64_t seed)
{
    checkOptions("circles", samples, noise, 2);
    Random random(seed);
    const double radius[2] = {1.0, 0.5};
    return placeClasses("circles", samples, {"outer circle", "inner circle"}, noise, random,
                        [&](int c, int k, int count, Random&) {
                            const double t = 2.0 * std::numbers::pi * k / count;
                            return std::pair(radius[c] * std::cos(t), radius[c] * std::sin(t));
                        });
}

Dataset generateXor(int samples, double noise, std::uint64_t seed)
{
    checkOptions("xor", samples, noise, 2);
    Random random(seed);
    Dataset data = makeTwoD("xor", samples, {"same sign", "opposite signs"});
    for (int i = 0; i < samples; ++i) {
        const double x0 = random.uniform(-1.0, 1.0);
        const double x1 = random.uniform(-1.0, 1.0);
        data.features(0, i) = static_cast<Scalar>(x0);
        data.features(1, i) = static_cast<Scalar>(x1);
        data.labels[static_cast<std::size_t>(i)] = (x0 > 0.0) != (x1 > 0.0) ? 1 : 0;
    }
    // Labels follow the clean points; jitter then blurs the quadrant borders.
    addJitter(data, noise, random);
    return data;
}

Dataset generateSpiral(int samples, double noise, int arms, std::uint64_t seed)
{
    checkOptions("spiral", samples, noise, arms);
    Random random(seed);
    const double twoPi = 2.0 * std::numbers::pi;
    return placeClasses("spiral", samples, numberedNames("arm", arms), noise, random, [&](int c, int k, int count, Random&) {
        // Radius from near the centre to 1; one full turn per arm, arms rotated evenly.
        const double r = 0.05 + 0.95 * (count > 1 ? double(k) / (count - 1) : 1.0);
        const double t = twoPi * r + twoPi * c / arms;
        return std::pair(r * std::cos(t), r * std::sin(t));
    });
}

Dataset generateBlobs(int samples, double noise, int classes, std::uint64_t seed)
{
    checkOptions("blobs", samples, noise, classes);
    Random random(seed);
    // Centres on a circle whose radius puts neighbours 3 units apart, whatever the count.
    const double pi = std::numbers::pi;
    const double radius = 1.5 / std::sin(pi / classes);
    // The noise is each point's own spread around its centre, not a jitter added after.
    return placeClasses("blobs", samples, numberedNames("blob", classes), 0.0, random,
                        [&](int c, int, int, Random& draw) {
                            const double angle = 2.0 * pi * c / classes + pi / 2;
                            const double x = radius * std::cos(angle) + draw.normal(0.0, noise);
                            const double y = radius * std::sin(angle) + draw.normal(0.0, noise);
                            return std::pair(x, y);
                        });
}

} // namespace ss
