#pragma once
// Pareto fronts of sweep results: the configurations no other configuration beats on both
// objectives at once.

#include <vector>

namespace ss {

// One flag per point: true when no other point is at least as good on both objectives and
// strictly better on one. Accuracy is maximised; the second objective is maximised
// (sparsity) or minimised (energy, bytes). Ties and duplicates are explicit: points with
// equal values do not dominate each other, so identical points on the front are all
// flagged; a point with equal accuracy but a worse second objective is dominated. Points
// with a NaN in either objective are never on the front and dominate nothing.
std::vector<bool> paretoFront(const std::vector<double>& accuracy, const std::vector<double>& second,
                              bool maximizeSecond);

// The indices of the flagged points, ordered by increasing second objective (a curve to plot).
std::vector<int> paretoIndices(const std::vector<double>& accuracy, const std::vector<double>& second,
                               bool maximizeSecond);

} // namespace ss
