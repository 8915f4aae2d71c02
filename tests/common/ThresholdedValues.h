#pragma once
// Checks of the operations that threshold weights (ternary quantization, the proximal L1
// step): the surviving values to within a tolerance, the thresholded ones exactly zero.

#include "common/Types.h"

#include <QString>

#include <cmath>
#include <cstddef>
#include <vector>

namespace ss::test {

// Empty when row `row` of m holds `expected` (its zeros exactly, the other values within
// tolerance); else names the first entry that does not.
inline QString thresholdedRowMismatch(const Matrix& m, Eigen::Index row, const std::vector<float>& expected,
                                      float tolerance)
{
    if (m.cols() != static_cast<Eigen::Index>(expected.size()))
        return QStringLiteral("%1 columns, expected %2").arg(m.cols()).arg(expected.size());
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
        const float value = m(row, c);
        const float want = expected[static_cast<std::size_t>(c)];
        if (want == 0.0f ? value != 0.0f : !(std::abs(value - want) < tolerance))
            return QStringLiteral("(%1, %2) is %3, expected %4").arg(row).arg(c).arg(value, 0, 'g', 9).arg(want, 0, 'g', 9);
    }
    return {};
}

} // namespace ss::test
