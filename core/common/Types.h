#pragma once
// The numeric vocabulary shared by every part of the core.
// Samples are columns: a batch X is features x samples and a layer computes W * X.

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace ss {

using Scalar = float;
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;
using MatrixRef = Eigen::Ref<Matrix>;
using ConstMatrixRef = Eigen::Ref<const Matrix>;
using Labels = std::vector<int>;

} // namespace ss
