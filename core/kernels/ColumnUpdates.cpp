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

// Asks for the input slices of the samples [begin, end) that the changes read to be brought
// into L2, the part `share` of `shares` of them, so that the requests spread over a block's
// work rather than fill every line-fill buffer at once. Each change reads another input's
// row: as many streams as there are changed inputs, more than the hardware prefetcher
// follows. Measured on the Fashion-MNIST drag (bench_drag, Xeon model 207, AVX-512), the
// column updates then went from a third of the drag's time to a fifth, most of it waiting
// on those loads before.
template <typename Input>
HWY_INLINE void PrefetchInputs(const Input* inputs, long samples, long begin, long end, const ColumnChangeList& list,
                               int share, int shares)
{
    constexpr long kLine = 64 / static_cast<long>(sizeof(Input));
    const long lines = (end - begin + kLine - 1) / kLine;
    const long total = lines * list.readInputCount;
    for (long item = total * share / shares; item < total * (share + 1) / shares; ++item) {
        const Input* row = inputs + static_cast<long>(list.readInputs[item / lines]) * samples;
        __builtin_prefetch(row + begin + item % lines * kLine, 0, 2);
    }
}

template <typename Input>
void ApplyChanges(float* z, const Input* inputs, long samples, float inputScale, long begin, long end,
                  const ColumnChangeList& list, long blockSamples)
{
    for (long blockBegin = begin; blockBegin < end; blockBegin += blockSamples) {
        const long blockEnd = std::min(blockBegin + blockSamples, end);
        // The next block of the same length: the next call's when the caller goes block by
        // block (eval/SparseTail's pass does).
        const long nextEnd = std::min(blockEnd + (blockEnd - blockBegin), samples);
        for (int i = 0; i < list.neurons; ++i) {
            if (blockEnd < nextEnd)
                PrefetchInputs(inputs, samples, blockEnd, nextEnd, list, i, list.neurons);
            const int first = list.perNeuron[i];
            const int last = list.perNeuron[i + 1];
            if (first == last)
                continue;
            float* column = z + static_cast<long>(i) * samples;
            for (long t = blockBegin; t < blockEnd; t += kColumnSlice)
                AddChangesToSlice(column + t, inputs + t, samples, list.changes + first, list.changes + last,
                                  inputScale);
        }
    }
}

void ApplyFloatChanges(float* z, const float* inputs, long samples, float inputScale, long begin, long end,
                       const ColumnChangeList& list, long blockSamples)
{
    ApplyChanges(z, inputs, samples, inputScale, begin, end, list, blockSamples);
}

void ApplyByteChanges(float* z, const std::uint8_t* inputs, long samples, float inputScale, long begin, long end,
                      const ColumnChangeList& list, long blockSamples)
{
    ApplyChanges(z, inputs, samples, inputScale, begin, end, list, blockSamples);
}

} // namespace HWY_NAMESPACE
} // namespace ss
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ss {

HWY_EXPORT(ApplyFloatChanges);
HWY_EXPORT(ApplyByteChanges);

void applyColumnChanges(float* z, const float* inputs, long samples, float inputScale, long begin, long end,
                        const ColumnChangeList& list, long blockSamples)
{
    ensureSimdPathChosen();
    HWY_DYNAMIC_DISPATCH(ApplyFloatChanges)(z, inputs, samples, inputScale, begin, end, list, blockSamples);
}

void applyColumnChanges(float* z, const std::uint8_t* inputs, long samples, float inputScale, long begin, long end,
                        const ColumnChangeList& list, long blockSamples)
{
    ensureSimdPathChosen();
    HWY_DYNAMIC_DISPATCH(ApplyByteChanges)(z, inputs, samples, inputScale, begin, end, list, blockSamples);
}

} // namespace ss
#endif // HWY_ONCE
