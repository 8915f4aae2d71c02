#pragma once
// The first-layer product of integer-coded weights (int-k, ternary, binary: |code| <= 127)
// with byte-coded inputs (images: 256 levels), in exact 32-bit integer arithmetic, for the
// InstantEvaluator's bit-width changes. Per path (kernels/Isa.h): AVX-512 VNNI multiplies four
// byte pairs per 32-bit lane in one instruction; AVX2 (and AVX-512 without VNNI) multiplies
// byte pairs into 16-bit sums and widens them, which is exact only for |code| <= 63 (two
// 255 x 63 products fit in 16 bits), so 7-bit codes at most there; other paths have none and
// the float product serves them.

#include <cstdint>

namespace ss {

// Inputs packed as [input group of 4][sample][4 bytes], samples padded to a multiple of
// kIntegerSampleBlock with zero bytes, and inputs to a multiple of 4.
inline constexpr long kIntegerSampleBlock = 32;

// How much faster than the float product the active path multiplies codes up to
// maxAbsCode: 0 when it has no integer product for them. Measured ratios (see the .cpp).
double integerProductSpeedup(int maxAbsCode);

// For the sample blocks [firstBlock, lastBlock) (kIntegerSampleBlock samples each):
// z1t(sample, output) = outputScale[output] * sum_j code(output, j) * byte(j, sample), for
// the samples that exist (z1t is samples x outputs, column-major). codes are row-major per
// output, groups * 4 bytes each (zero past the inputs). Only for a maxAbsCode the active
// path accepts (integerProductSpeedup > 0).
void integerProduct(const std::uint8_t* packedInputs, long paddedSamples, long samples, const std::int8_t* codes,
                    long groups, long outputs, const float* outputScale, float* z1t, long firstBlock, long lastBlock);

} // namespace ss
