#pragma once
// The double-precision sums of the exact prediction (eval/Decisions.h), compiled for every
// SIMD path (kernels/Isa.h). Each element is one fused multiply-add, rounded once, as
// std::fma rounds it: on paths with fused multiply-add instructions the vector form gives
// the same bits, and the others call std::fma element by element, so a prediction is the
// same on every CPU.

namespace ss {

// sums[i] = fma(double(column[i]), x, sums[i]) for i in [0, count).
void addColumnFused(double* sums, const float* column, double x, int count);

} // namespace ss
