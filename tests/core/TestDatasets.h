#pragma once
// Helpers the data suites share.

#include "data/Dataset.h"

#include <vector>

namespace ss::test {

// Samples per class, indexed by label.
inline std::vector<int> classCounts(const Dataset& data)
{
    std::vector<int> counts(data.classCount(), 0);
    for (int label : data.labels)
        ++counts[label];
    return counts;
}

} // namespace ss::test
