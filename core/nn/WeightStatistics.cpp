#include "nn/WeightStatistics.h"

#include <cmath>

namespace ss {

namespace {

// Sums kept in double: a 200k-weight layer summed in float loses digits the UI shows.
struct Accumulator {
    long count = 0;
    long zeros = 0;
    double absSum = 0;
    double squareSum = 0;

    // Eight partial sums per quantity, which the compiler turns into vector registers: a
    // single running double sum waits on every add (a third of a millisecond for 200k
    // weights, on the slider's critical path).
    void add(const ConstMatrixRef& values)
    {
        count += values.size();
        double abs[8] = {}, squares[8] = {};
        long zeroCounts[8] = {};
        for (Eigen::Index j = 0; j < values.cols(); ++j) {
            const Scalar* column = values.data() + j * values.outerStride();
            const Eigen::Index rows = values.rows();
            Eigen::Index i = 0;
            for (; i + 8 <= rows; i += 8)
                for (int k = 0; k < 8; ++k) {
                    const double v = column[i + k];
                    abs[k] += std::abs(v);
                    squares[k] += v * v;
                    zeroCounts[k] += v == 0.0;
                }
            for (; i < rows; ++i) {
                const double v = column[i];
                abs[0] += std::abs(v);
                squares[0] += v * v;
                zeroCounts[0] += v == 0.0;
            }
        }
        for (int k = 0; k < 8; ++k) {
            absSum += abs[k];
            squareSum += squares[k];
            zeros += zeroCounts[k];
        }
    }

    WeightStatistics finish() const { return statisticsFromSums(count, zeros, absSum, squareSum); }
};

long countZeros(const Vector& values)
{
    return static_cast<long>((values.array() == 0.0f).count());
}

} // namespace

WeightStatistics statisticsFromSums(long count, long zeros, double absSum, double squareSum)
{
    WeightStatistics s;
    s.weights = count;
    s.zeroWeights = zeros;
    s.sparsity = count == 0 ? 0.0 : static_cast<double>(zeros) / static_cast<double>(count);
    s.density = 1.0 - s.sparsity;
    s.l1Norm = absSum;
    s.l2Norm = std::sqrt(squareSum);
    s.meanAbsWeight = count == 0 ? 0.0 : absSum / static_cast<double>(count);
    const double rootN = std::sqrt(static_cast<double>(count));
    if (count > 1 && s.l2Norm > 0.0)
        s.hoyer = (rootN - s.l1Norm / s.l2Norm) / (rootN - 1.0);
    return s;
}

WeightStatistics weightStatistics(const ConstMatrixRef& weights)
{
    Accumulator accumulator;
    accumulator.add(weights);
    return accumulator.finish();
}

WeightStatistics weightStatistics(const Network& network)
{
    Accumulator accumulator;
    long biases = 0, zeroBiases = 0;
    for (const DenseLayer& layer : network.layers()) {
        accumulator.add(layer.weights);
        biases += layer.bias.size();
        zeroBiases += countZeros(layer.bias);
    }
    WeightStatistics s = accumulator.finish();
    s.biases = biases;
    s.zeroBiases = zeroBiases;
    return s;
}

std::vector<WeightStatistics> layerWeightStatistics(const Network& network)
{
    std::vector<WeightStatistics> result;
    result.reserve(network.layers().size());
    for (const DenseLayer& layer : network.layers()) {
        WeightStatistics s = weightStatistics(layer.weights);
        s.biases = layer.bias.size();
        s.zeroBiases = countZeros(layer.bias);
        result.push_back(s);
    }
    return result;
}

} // namespace ss
