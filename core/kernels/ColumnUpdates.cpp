// Compiled once per instruction set (Highway's foreach_target.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/ColumnUpdates.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include "kernels/ColumnUpdates.h"

#include "kernels/Isa.h"

#include <algorithm>
#include <type_traits>

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace ss {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// A 64-sample slice is 64 / lanes vectors; up to eight accumulate at once (half the registers
// of AVX2 and SSE4), so narrow vectors take the changes in two passes.
constexpr int kLanes = static_cast<int>(hn::MaxLanes(hn::ScalableTag<float>()));
constexpr int kAccumulators = std::min(static_cast<int>(kColumnSlice) / kLanes, 8);
constexpr int kPasses = static_cast<int>(kColumnSlice) / (kLanes * kAccumulators);
static_assert(kPasses * kAccumulators * kLanes == kColumnSlice, "slices must split into whole vectors");

template <typename Input>
HWY_INLINE hn::Vec<hn::ScalableTag<float>> LoadInputs(const Input* x)
{
    const hn::ScalableTag<float> d;
    if constexpr (std::is_same_v<Input, std::uint8_t>) {
        // Bytes widen to 32-bit lanes (exact), then convert to float.
        const hn::Rebind<std::int32_t, decltype(d)> d32;
        const hn::Rebind<std::uint8_t, decltype(d)> d8;
        return hn::ConvertTo(d, hn::PromoteTo(d32, hn::LoadU(d8, x)));
    } else {
        return hn::LoadU(d, x);
    }
}

// slice[0 .. 64) += sum over the changes of delta * inputScale * the input's slice.
template <typename Input>
HWY_INLINE void AddChangesToSlice(float* HWY_RESTRICT slice, const Input* HWY_RESTRICT inputs, long samples,
                                  const WeightChange* first, const WeightChange* last, float inputScale)
{
    const hn::ScalableTag<float> d;
    using V = hn::Vec<decltype(d)>;
    for (int pass = 0; pass < kPasses; ++pass) {
        const int offset = pass * kAccumulators * kLanes;
        V accumulators[kAccumulators];
#pragma GCC unroll 8
        for (int a = 0; a < kAccumulators; ++a)
            accumulators[a] = hn::LoadU(d, slice + offset + a * kLanes);
        for (const WeightChange* c = first; c != last; ++c) {
            const Input* x = inputs + static_cast<long>(c->input) * samples + offset;
            const V delta = hn::Set(d, c->delta * inputScale);
#pragma GCC unroll 8
            for (int a = 0; a < kAccumulators; ++a)
                accumulators[a] = hn::MulAdd(delta, LoadInputs(x + a * kLanes), accumulators[a]);
        }
#pragma GCC unroll 8
        for (int a = 0; a < kAccumulators; ++a)
            hn::StoreU(accumulators[a], d, slice + offset + a * kLanes);
    }
}

template <typename Input>
void ApplyChanges(float* z, const Input* inputs, long samples, float inputScale, long begin, long end,
                  const int* perNeuron, int neurons, const WeightChange* changes, long blockSamples)
{
    for (long blockBegin = begin; blockBegin < end; blockBegin += blockSamples) {
        const long blockEnd = std::min(blockBegin + blockSamples, end);
        for (int i = 0; i < neurons; ++i) {
            const int first = perNeuron[i];
            const int last = perNeuron[i + 1];
            if (first == last)
                continue;
            float* column = z + static_cast<long>(i) * samples;
            for (long t = blockBegin; t < blockEnd; t += kColumnSlice)
                AddChangesToSlice(column + t, inputs + t, samples, changes + first, changes + last, inputScale);
        }
    }
}

void ApplyFloatChanges(float* z, const float* inputs, long samples, float inputScale, long begin, long end,
                       const int* perNeuron, int neurons, const WeightChange* changes, long blockSamples)
{
    ApplyChanges(z, inputs, samples, inputScale, begin, end, perNeuron, neurons, changes, blockSamples);
}

void ApplyByteChanges(float* z, const std::uint8_t* inputs, long samples, float inputScale, long begin, long end,
                      const int* perNeuron, int neurons, const WeightChange* changes, long blockSamples)
{
    ApplyChanges(z, inputs, samples, inputScale, begin, end, perNeuron, neurons, changes, blockSamples);
}

} // namespace HWY_NAMESPACE
} // namespace ss
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ss {

HWY_EXPORT(ApplyFloatChanges);
HWY_EXPORT(ApplyByteChanges);

void applyColumnChanges(float* z, const float* inputs, long samples, float inputScale, long begin, long end,
                        const int* perNeuron, int neurons, const WeightChange* changes, long blockSamples)
{
    ensureSimdPathChosen();
    HWY_DYNAMIC_DISPATCH(ApplyFloatChanges)(z, inputs, samples, inputScale, begin, end, perNeuron, neurons, changes,
                                            blockSamples);
}

void applyColumnChanges(float* z, const std::uint8_t* inputs, long samples, float inputScale, long begin, long end,
                        const int* perNeuron, int neurons, const WeightChange* changes, long blockSamples)
{
    ensureSimdPathChosen();
    HWY_DYNAMIC_DISPATCH(ApplyByteChanges)(z, inputs, samples, inputScale, begin, end, perNeuron, neurons, changes,
                                           blockSamples);
}

} // namespace ss
#endif // HWY_ONCE
