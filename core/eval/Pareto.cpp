#include "eval/Pareto.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace ss {

std::vector<bool> paretoFront(const std::vector<double>& accuracy, const std::vector<double>& second,
                              bool maximizeSecond)
{
    if (accuracy.size() != second.size())
        throw ConfigError("paretoFront: " + std::to_string(accuracy.size()) + " accuracies but "
                          + std::to_string(second.size()) + " second objectives");
    const std::size_t n = accuracy.size();
    // Work with "larger is better" on both axes.
    std::vector<double> goodness(n);
    for (std::size_t i = 0; i < n; ++i)
        goodness[i] = maximizeSecond ? second[i] : -second[i];
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isnan(accuracy[i]) && !std::isnan(goodness[i]))
            order.push_back(i);
    // By accuracy, best first; within equal accuracy, best second objective first.
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (accuracy[a] != accuracy[b])
            return accuracy[a] > accuracy[b];
        return goodness[a] > goodness[b];
    });
    std::vector<bool> front(n, false);
    // bestAbove: the best second objective among points of strictly higher accuracy. A point
    // is on the front iff it has the best second objective of its accuracy group and beats
    // bestAbove strictly (equal would mean a more accurate point is at least as good).
    double bestAbove = -std::numeric_limits<double>::infinity();
    std::size_t start = 0;
    while (start < order.size()) {
        std::size_t end = start;
        while (end < order.size() && accuracy[order[end]] == accuracy[order[start]])
            ++end;
        const double groupBest = goodness[order[start]];
        for (std::size_t k = start; k < end && goodness[order[k]] == groupBest; ++k)
            if (groupBest > bestAbove)
                front[order[k]] = true;
        bestAbove = std::max(bestAbove, groupBest);
        start = end;
    }
    return front;
}

std::vector<int> paretoIndices(const std::vector<double>& accuracy, const std::vector<double>& second,
                               bool maximizeSecond)
{
    const std::vector<bool> front = paretoFront(accuracy, second, maximizeSecond);
    std::vector<int> indices;
    for (std::size_t i = 0; i < front.size(); ++i)
        if (front[i])
            indices.push_back(static_cast<int>(i));
    std::stable_sort(indices.begin(), indices.end(), [&](int a, int b) {
        return second[static_cast<std::size_t>(a)] < second[static_cast<std::size_t>(b)];
    });
    return indices;
}

} // namespace ss
