#pragma once
// The loops over samples inside the coordinate-descent solver. The design matrix is stored
// in float (one contiguous column per feature: the data are float to begin with, and half
// the memory traffic of double); every product and sum accumulates in double. Each loop is
// compiled for every instruction set (kernels/Isa.h) and runs on the best one available.

namespace ss::solve {

// sum_i x[i] * r[i]
double dotFloatDouble(const float* x, const double* r, long n);

// sum_i v[i] * x[i]^2
double weightedSquareSum(const float* x, const double* v, long n);

// r[i] -= c * v[i] * x[i]
void subtractWeightedColumn(double* r, double c, const double* v, const float* x, long n);

// sum_i r[i]
double sumOfSamples(const double* r, long n);

// r[i] -= c * v[i]
void subtractScaled(double* r, double c, const double* v, long n);

// y[i] += c * x[i]
void addScaledColumn(double* y, double c, const float* x, long n);

// The multinomial Newton model (softmax Hessian diag(p) - p p^T per sample, scaled by `scale`)
// at a step whose linear predictors moved by e (this class) and s = sum over classes of p * e
// (shared): sum_i x[i] * (r[i] - scale * p[i] * (e[i] - s[i])), the model's negative gradient
// for one coefficient.
double multinomialModelDot(const float* x, const double* r, const double* p, const double* e, const double* s,
                           double scale, long n);

// The step of one coefficient by c in that model: e[i] += c * x[i]; s[i] += c * p[i] * x[i].
void multinomialModelStep(double* e, double* s, const double* p, double c, const float* x, long n);

// For features j < featureCount and predictors k < predictorCount:
//   gradient[k * gradientStride + j] += sum_{i < rows} x[j * columnStride + i] * residual[k * residualStride + i]
// The caller passes blocks of rows small enough for the residual block to stay in cache.
void accumulateColumnProducts(const float* x, long columnStride, int featureCount, const double* residual,
                              long residualStride, int predictorCount, long rows, double* gradient, long gradientStride);

// For predictors k < predictorCount and rows i < rows:
//   out[k * outStride + i] += sum_{f < featureCount} coefficients[f * predictorCount + k] * x[features[f] * columnStride + i]
// (a block of the linear predictors X B over the listed features).
void accumulateColumnCombination(const float* x, long columnStride, const int* features, int featureCount,
                                 const double* coefficients, int predictorCount, long rows, double* out, long outStride);

} // namespace ss::solve
