#include "common/Random.h"

#include <cmath>
#include <numeric>
#include "common/Error.h"

namespace ss {

void Random::reseed(std::uint64_t seed)
{
    m_engine.seed(seed);
    m_hasSpareNormal = false;
}

double Random::uniform()
{
    // The top 53 bits fill a double's mantissa exactly, so every value is a multiple of 2^-53.
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double Random::normal(double mean, double stddev)
{
    if (m_hasSpareNormal) {
        m_hasSpareNormal = false;
        return mean + stddev * m_spareNormal;
    }
    // Polar method: needs only log and sqrt (correctly rounded sqrt, deterministic glibc log),
    // no sin/cos, and produces two independent normals per accepted pair.
    double u = 0.0;
    double v = 0.0;
    double s = 0.0;
    do {
        u = 2.0 * uniform() - 1.0;
        v = 2.0 * uniform() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    m_spareNormal = v * factor;
    m_hasSpareNormal = true;
    return mean + stddev * u * factor;
}

std::uint64_t Random::below(std::uint64_t n)
{
    if (n == 0)
        throw ConfigError("Random::below: n must be positive, got 0");
    // Reject the lowest (2^64 mod n) raw values so that every residue is equally likely.
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
        const std::uint64_t r = next();
        if (r >= threshold)
            return r % n;
    }
}

std::vector<int> Random::permutation(int n)
{
    std::vector<int> order(static_cast<std::size_t>(n > 0 ? n : 0));
    std::iota(order.begin(), order.end(), 0);
    shuffle(order);
    return order;
}

} // namespace ss
