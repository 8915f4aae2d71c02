#pragma once
// A seeded random source whose output is the same on every platform and compiler.
// std::mt19937_64 itself is fully specified by the standard, but the std::*_distribution
// classes and std::shuffle are not, so the draws below are written out by hand: a seed
// must reproduce a run bit for bit wherever it is replayed.

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace ss {

class Random {
public:
    explicit Random(std::uint64_t seed = 42) : m_engine(seed) {}

    void reseed(std::uint64_t seed);

    // The raw 64-bit output of the engine.
    std::uint64_t next() { return m_engine(); }
    // Uniform in [0, 1) with 53 random bits.
    double uniform();
    // Uniform in [low, high).
    double uniform(double low, double high) { return low + (high - low) * uniform(); }
    // Standard normal (Marsaglia polar method); mean + stddev * z.
    double normal(double mean = 0.0, double stddev = 1.0);
    // Uniform integer in [0, n), without modulo bias; n must be > 0.
    std::uint64_t below(std::uint64_t n);
    // True with probability p.
    bool bernoulli(double p) { return uniform() < p; }

    // Fisher-Yates shuffle of [first, last) (random-access iterators).
    template <typename Iterator>
    void shuffle(Iterator first, Iterator last)
    {
        const auto count = static_cast<std::uint64_t>(last - first);
        for (std::uint64_t i = count; i > 1; --i) {
            const std::uint64_t j = below(i);
            using std::swap;
            swap(first[static_cast<std::ptrdiff_t>(i - 1)], first[static_cast<std::ptrdiff_t>(j)]);
        }
    }
    template <typename T>
    void shuffle(std::vector<T>& values) { shuffle(values.begin(), values.end()); }

    // 0, 1, ..., n-1 in random order.
    std::vector<int> permutation(int n);

private:
    std::mt19937_64 m_engine;
    double m_spareNormal = 0.0;
    bool m_hasSpareNormal = false;
};

} // namespace ss
