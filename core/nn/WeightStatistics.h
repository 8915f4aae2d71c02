#pragma once
// Sparsity and size measures over a network's weight matrices (biases reported apart).

#include "nn/Network.h"

#include <vector>

namespace ss {

struct WeightStatistics {
    long weights = 0;          // weight-matrix entries
    long zeroWeights = 0;      // exactly 0
    long biases = 0;
    long zeroBiases = 0;
    double sparsity = 0;       // zeroWeights / weights
    double density = 1;        // 1 - sparsity
    double l1Norm = 0;         // sum |w|
    double l2Norm = 0;         // sqrt(sum w^2)
    double hoyer = 0;          // (sqrt(n) - l1/l2) / (sqrt(n) - 1); 0 for n <= 1 or all zero
    double meanAbsWeight = 0;  // the source article's "sparsity ratio" sum|w|/n, under its real name
};

WeightStatistics weightStatistics(const ConstMatrixRef& weights);
// The statistics of `count` weights from their zero count, sum of |w| and sum of w^2 (the
// biases left at 0), for callers that keep these sums up to date themselves.
WeightStatistics statisticsFromSums(long count, long zeros, double absSum, double squareSum);
WeightStatistics weightStatistics(const Network& network);                  // all layers together
std::vector<WeightStatistics> layerWeightStatistics(const Network& network); // one per layer

} // namespace ss
