#pragma once
// Cross-entropy losses computed from logits, so that no probability is ever rounded to 0
// or 1 before its logarithm is taken: sigmoid + binary cross-entropy through softplus,
// softmax + categorical cross-entropy through log-sum-exp. Both are exact at logits of
// +-1000 where the naive formulas give NaN or Inf.

#include "common/Types.h"

#include <span>

namespace ss {

// Binary: logits is 1 x n, labels are 0 or 1. Per sample
//   loss = softplus(z) - y*z = max(z, 0) - y*z + log1p(exp(-|z|)),  dloss/dz = sigmoid(z) - y.
// Categorical: logits is k x n, labels in [0, k). Per sample
//   loss = logsumexp(z) - z_y,  dloss/dz = softmax(z) - onehot(y).
// Each returns the MEAN loss over the n samples (accumulated in double). The overloads with
// a gradient also write d(mean loss)/d(logits) (the per-sample gradient divided by n) into
// `gradient`, which must have the logits' shape. Labels out of range throw ConfigError.
double binaryCrossEntropy(const ConstMatrixRef& logits, std::span<const int> labels);
double binaryCrossEntropy(const ConstMatrixRef& logits, std::span<const int> labels, MatrixRef gradient);
double categoricalCrossEntropy(const ConstMatrixRef& logits, std::span<const int> labels);
double categoricalCrossEntropy(const ConstMatrixRef& logits, std::span<const int> labels, MatrixRef gradient);

// The loss that goes with an output layer: binary for one logit row, categorical otherwise.
double crossEntropy(bool binary, const ConstMatrixRef& logits, std::span<const int> labels);
double crossEntropy(bool binary, const ConstMatrixRef& logits, std::span<const int> labels, MatrixRef gradient);

// SUM (not mean) of the per-sample losses, for accumulating over chunks of a large set.
double crossEntropySum(bool binary, const ConstMatrixRef& logits, std::span<const int> labels);

} // namespace ss
