#pragma once
// The per-sample work of a multi-class decision (eval/Decisions.h) over a block of samples,
// compiled for every SIMD path (kernels/Isa.h): the largest logit, the first class that
// reaches it, the runner-up, the largest magnitude, finiteness and the log loss. Eigen's
// element-wise code runs at the binary's baseline (SSE2 on x86-64) only.

#include <cstdint>

namespace ss {

// Lanes a block's columns are padded to (the widest vector, AVX-512's 16 floats).
inline constexpr int kDecisionLanes = 16;

struct LogitColumns {
    const float* logits; // column c (class c) of the block at logits + c * stride
    long stride;         // a multiple of kDecisionLanes, at least count
    int classes;         // at least 2
    int count;           // samples in the block
    const int* truth;    // [count] the true classes, each in [0, classes)
};

// Per sample s of the block (outputs padded like the columns): top[s], the first class
// reaching it label[s], the largest of the other classes second[s], the largest magnitude
// largest[s], finite[s] (1 when every logit is finite). Returns the sum over the samples of
// -log(max(p, 1e-15)), p the softmax probability of the true class, in float (NaN when a
// sample's logits are not finite, as the softmax is).
double scoreLogitColumns(const LogitColumns& block, float* top, float* second, float* largest, int* label,
                         int* finite);

} // namespace ss
