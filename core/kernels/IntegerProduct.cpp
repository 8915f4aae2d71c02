// Compiled once per instruction set (Highway's foreach_target.h); the x86 kernels use the
// instructions their target region enables.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/IntegerProduct.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include "kernels/IntegerProduct.h"

#include "common/Error.h"
#include "kernels/Isa.h"

#include <algorithm>
#include <cstring>

#include <hwy/highway.h>

#if HWY_ARCH_X86
#include <immintrin.h>
#endif

HWY_BEFORE_NAMESPACE();
namespace ss {
namespace HWY_NAMESPACE {

#if HWY_TARGET == HWY_AVX3_DL

// accumulator += the dot products of 4 unsigned bytes (x) with 4 signed bytes (codes) in
// each 32-bit lane. In assembly: with the intrinsic, GCC 12 copies every accumulator to
// another register and back around each instruction (measured 15 % slower).
HWY_INLINE __m512i DotProductAccumulate(__m512i accumulator, __m512i x, __m512i codes)
{
    asm("vpdpbusd %2, %1, %0" : "+v"(accumulator) : "v"(x), "v"(codes));
    return accumulator;
}

// 32 samples x T outputs: 2T accumulators, 4 inputs per instruction. The accumulators are
// separate arrays indexed only by unrolled constants: indexed by a run-time variable anywhere,
// GCC keeps them in memory and the loop runs 3x slower.
template <int T>
HWY_INLINE void Block(const std::uint8_t* packed, long paddedSamples, long samples, const std::int8_t* codeRows,
                      long groups, const float* scales, float* z1t, long firstSample, long firstOutput)
{
    __m512i low[T], high[T]; // samples firstSample + [0, 16) and + [16, 32)
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t)
        low[t] = high[t] = _mm512_setzero_si512();
    for (long g = 0; g < groups; ++g) {
        const std::uint8_t* x = packed + (g * paddedSamples + firstSample) * 4;
        const __m512i x0 = _mm512_loadu_si512(x);
        const __m512i x1 = _mm512_loadu_si512(x + 64);
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
            std::int32_t quad = 0;
            std::memcpy(&quad, codeRows + (t * groups + g) * 4, sizeof quad);
            const __m512i q = _mm512_set1_epi32(quad);
            low[t] = DotProductAccumulate(low[t], x0, q);
            high[t] = DotProductAccumulate(high[t], x1, q);
        }
    }
    const auto store = [&](__m512i accumulator, int t, long begin) {
        const long count = std::min<long>(16, samples - begin);
        const __mmask16 mask = count == 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << count) - 1u);
        const __m512 factor = _mm512_set1_ps(scales[firstOutput + t]);
        _mm512_mask_storeu_ps(z1t + (firstOutput + t) * samples + begin, mask,
                              _mm512_mul_ps(_mm512_cvtepi32_ps(accumulator), factor));
    };
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t)
        store(low[t], t, firstSample);
    if (firstSample + 16 < samples) {
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t)
            store(high[t], t, firstSample + 16);
    }
}
constexpr int kOutputsPerBlock = 8;
constexpr int kMaxAbsCode = 127;
// 2G multiply-adds in 7 ms against 17 ms in float on 2 cores (Fashion-MNIST first layer).
constexpr double kSpeedup = 2.5;

#elif HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2

// 16 samples x T outputs in 256-bit registers: vpmaddubsw multiplies the 32 byte pairs of a
// register and adds neighbours into 16-bit lanes (exact for |code| <= 63), vpmaddwd with ones
// adds those pairs into 32-bit lanes. 2T accumulators, 2 input registers, the broadcast codes,
// the ones and a temporary: 13 of the 16 registers for T = 4.
template <int T>
HWY_INLINE void Half(const std::uint8_t* packed, long paddedSamples, long samples, const std::int8_t* codeRows,
                     long groups, const float* scales, float* z1t, long firstSample, long firstOutput)
{
    __m256i low[T], high[T]; // samples firstSample + [0, 8) and + [8, 16)
#pragma GCC unroll 8
    for (int t = 0; t < T; ++t)
        low[t] = high[t] = _mm256_setzero_si256();
    const __m256i ones = _mm256_set1_epi16(1);
    for (long g = 0; g < groups; ++g) {
        const std::uint8_t* x = packed + (g * paddedSamples + firstSample) * 4;
        const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
        const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 32));
#pragma GCC unroll 8
        for (int t = 0; t < T; ++t) {
            std::int32_t quad = 0;
            std::memcpy(&quad, codeRows + (t * groups + g) * 4, sizeof quad);
            const __m256i q = _mm256_set1_epi32(quad);
            low[t] = _mm256_add_epi32(low[t], _mm256_madd_epi16(_mm256_maddubs_epi16(x0, q), ones));
            high[t] = _mm256_add_epi32(high[t], _mm256_madd_epi16(_mm256_maddubs_epi16(x1, q), ones));
        }
    }
    alignas(32) float buffer[8];
    const auto store = [&](__m256i accumulator, int t, long begin) {
        const long count = std::min<long>(8, samples - begin);
        const __m256 values = _mm256_mul_ps(_mm256_cvtepi32_ps(accumulator), _mm256_set1_ps(scales[firstOutput + t]));
        float* target = z1t + (firstOutput + t) * samples + begin;
        if (count == 8) {
            _mm256_storeu_ps(target, values);
        } else {
            _mm256_store_ps(buffer, values);
            std::copy(buffer, buffer + count, target);
        }
    };
#pragma GCC unroll 8
    for (int t = 0; t < T; ++t) {
        if (firstSample < samples)
            store(low[t], t, firstSample);
        if (firstSample + 8 < samples)
            store(high[t], t, firstSample + 8);
    }
}

template <int T>
HWY_INLINE void Block(const std::uint8_t* packed, long paddedSamples, long samples, const std::int8_t* codeRows,
                      long groups, const float* scales, float* z1t, long firstSample, long firstOutput)
{
    Half<T>(packed, paddedSamples, samples, codeRows, groups, scales, z1t, firstSample, firstOutput);
    Half<T>(packed, paddedSamples, samples, codeRows, groups, scales, z1t, firstSample + 16, firstOutput);
}
constexpr int kOutputsPerBlock = 4;
constexpr int kMaxAbsCode = 63;
// Measured on this project's development machine under SPARSESCOPE_ISA=avx2 (bench_drag's bit
// steps): see integerProductSpeedup's callers.
constexpr double kSpeedup = 1.6;

#else

// No integer product on this path: the float product serves it.
template <int T>
HWY_INLINE void Block(const std::uint8_t*, long, long, const std::int8_t*, long, const float*, float*, long, long)
{
}
constexpr int kOutputsPerBlock = 1;
constexpr int kMaxAbsCode = -1;
constexpr double kSpeedup = 0;

#endif

double Speedup(int maxAbsCode)
{
    return maxAbsCode <= kMaxAbsCode ? kSpeedup : 0.0;
}

void Product(const std::uint8_t* packed, long paddedSamples, long samples, const std::int8_t* codes, long groups,
             long outputs, const float* scales, float* z1t, long firstBlock, long lastBlock)
{
    for (long b = firstBlock; b < lastBlock; ++b) {
        const long firstSample = b * kIntegerSampleBlock;
        long o = 0;
        for (; o + kOutputsPerBlock <= outputs; o += kOutputsPerBlock)
            Block<kOutputsPerBlock>(packed, paddedSamples, samples, codes + o * groups * 4, groups, scales, z1t,
                                    firstSample, o);
        for (; o < outputs; ++o)
            Block<1>(packed, paddedSamples, samples, codes + o * groups * 4, groups, scales, z1t, firstSample, o);
    }
}

} // namespace HWY_NAMESPACE
} // namespace ss
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ss {

HWY_EXPORT(Speedup);
HWY_EXPORT(Product);

double integerProductSpeedup(int maxAbsCode)
{
    ensureSimdPathChosen();
    return HWY_DYNAMIC_DISPATCH(Speedup)(maxAbsCode);
}

void integerProduct(const std::uint8_t* packedInputs, long paddedSamples, long samples, const std::int8_t* codes,
                    long groups, long outputs, const float* outputScale, float* z1t, long firstBlock, long lastBlock)
{
    ensureSimdPathChosen();
    if (paddedSamples % kIntegerSampleBlock != 0 || paddedSamples < samples)
        throw ConfigError("integerProduct: samples must be padded to whole blocks");
    HWY_DYNAMIC_DISPATCH(Product)(packedInputs, paddedSamples, samples, codes, groups, outputs, outputScale, z1t,
                                  firstBlock, lastBlock);
}

} // namespace ss
#endif // HWY_ONCE
