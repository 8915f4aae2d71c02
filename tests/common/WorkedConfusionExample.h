#pragma once
// The article's worked example of a binary confusion matrix, against which both the metrics
// suite and the help's text are checked: samples 1-40 positive and predicted positive, 41-60
// negative and predicted negative, 61-100 negative but predicted positive.

#include "common/Types.h"

#include <vector>

namespace ss::test {

struct ConfusionCell {
    int truth;
    int predicted;
    long count;
};

struct WorkedConfusionExample {
    Labels truth;
    Labels predicted;
    // TP 40, TN 20, FP 40, FN 0.
    std::vector<ConfusionCell> cells{{1, 1, 40}, {0, 0, 20}, {0, 1, 40}, {1, 0, 0}};
};

inline WorkedConfusionExample workedConfusionExample()
{
    WorkedConfusionExample example;
    for (int i = 1; i <= 100; ++i) {
        example.truth.push_back(i <= 40 ? 1 : 0);
        example.predicted.push_back(i <= 40 || i > 60 ? 1 : 0);
    }
    return example;
}

} // namespace ss::test
