#pragma once
// Seeded synthetic 2-D datasets for teaching: small, quick to train, and drawable as a
// decision boundary. Every generator takes a sample count, a noise level and a seed, and the
// same arguments give the same points on every platform (see common/Random.h).

#include "data/Dataset.h"

#include <string>
#include <vector>

namespace ss {

// 10 million 2-D points are 80 MB of features: as many as a lecture-hall laptop trains in
// minutes. 50 spiral arms or blobs already crowd the unit square beyond recognition.
inline constexpr int kMaxGeneratedSamples = 10'000'000;
inline constexpr int kMaxGeneratedClasses = 50;

struct GeneratorOptions {
    int samples = 0;      // 0 = the generator's default
    double noise = -1.0;  // < 0 = the generator's default
    int classes = 3;      // spiral (arms) and blobs only; 2..50
    std::uint64_t seed = 42;
};

// Display order: article, moons, circles, xor, spiral, blobs.
std::vector<std::string> generatorList();
bool isGeneratorName(const std::string& name);
int defaultGeneratorSamples(const std::string& name);
double defaultGeneratorNoise(const std::string& name);
// What "noise" means for the generator, for tooltips and descriptions.
std::string generatorNoiseMeaning(const std::string& name);

// By name, with defaults filled in; ConfigError for an unknown name or bad option.
Dataset generateDataset(const std::string& name, const GeneratorOptions& options);

// The source article's example: points uniform in the unit square, label 1 when x0 > 0.5.
// noise is the probability that a label is flipped (0 = the exact rule; in [0, 1]).
// Label noise rather than jitter keeps the points uniform, as in the article, and makes
// the noise level read directly as "this fraction of labels is wrong".
Dataset generateArticle(int samples = 100, double noise = 0.0, std::uint64_t seed = 42);
// Two interleaving half circles; noise is the Gaussian standard deviation added to x and y.
Dataset generateMoons(int samples = 400, double noise = 0.2, std::uint64_t seed = 42);
// A circle of radius 0.5 inside one of radius 1; noise as for moons.
Dataset generateCircles(int samples = 400, double noise = 0.1, std::uint64_t seed = 42);
// Uniform in [-1, 1]^2, label 1 when x0 and x1 have opposite signs, then Gaussian jitter.
Dataset generateXor(int samples = 400, double noise = 0.1, std::uint64_t seed = 42);
// `arms` interleaved spiral arms (one class each) of one full turn; Gaussian jitter.
Dataset generateSpiral(int samples = 600, double noise = 0.05, int arms = 3, std::uint64_t seed = 42);
// `classes` Gaussian clouds with centres on a circle, neighbouring centres 3 apart;
// noise is each cloud's standard deviation.
Dataset generateBlobs(int samples = 300, double noise = 0.6, int classes = 3, std::uint64_t seed = 42);

} // namespace ss
