#pragma once
// The element-wise loops of a training step, compiled for every SIMD path (kernels/Isa.h):
// the Adam update with its penalties, and the bias-plus-ReLU of the forward pass and its
// derivative. Eigen's element-wise code is built for the binary's baseline (SSE2 on x86-64)
// only, so these loops would otherwise run at a quarter of an AVX2 machine's width.

#include <cstddef>

namespace ss {

// The scalars of one Adam step (nn/Adam.cpp fills them): bias corrections are scalars per step.
struct AdamStepScalars {
    float learningRate, beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, firstCorrection, secondCorrection;
    float l2, l1Subgradient, l1Proximal;
};

// For i in [0, count): the penalised gradient g (zero where mask is 0, when mask is given),
// the moments m, v, and the step w - eta * m_hat soft-thresholded by eta * l1Proximal, with
// eta = lr / (sqrt(v) * secondCorrection + epsilon). Returns false when a new weight is not
// finite. Every element follows the same arithmetic whatever its position (the remainder
// goes through a padded vector), so a span split among threads gives the same bits.
bool adamUpdate(const AdamStepScalars& scalars, float* values, const float* gradient, const float* mask, float* first,
                float* second, std::size_t count);

// z(:, j) = max(z(:, j) + bias, 0) for the columns j of a column-major rows x columns block.
void addBiasRelu(float* z, long rows, long columns, long columnStride, const float* bias);

// grad = a > 0 ? grad : 0 over rows x columns blocks (column-major, each with its stride).
void reluBackward(const float* a, long aStride, float* grad, long gradStride, long rows, long columns);

} // namespace ss
