// Compiled once per instruction set (Highway's foreach_target.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/TrainingKernels.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include "kernels/TrainingKernels.h"

#include "kernels/Isa.h"

#include <algorithm>
#include <limits>

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace ss {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <bool Masked, class D, class V = hn::Vec<D>>
HWY_INLINE V AdamVector(D d, const AdamStepScalars& s, V w, V g, V mask, V& m, V& v, hn::Mask<D>& finite)
{
    const V zero = hn::Zero(d);
    const V one = hn::Set(d, 1.0f);
    // sign(w) in {-1, 0, 1}: the L1 subgradient, 0 at 0.
    const V sign = hn::Sub(hn::IfThenElseZero(hn::Gt(w, zero), one), hn::IfThenElseZero(hn::Lt(w, zero), one));
    g = hn::MulAdd(hn::Set(d, s.l1Subgradient), sign, hn::MulAdd(hn::Set(d, s.l2), w, g));
    if constexpr (Masked)
        g = hn::IfThenZeroElse(hn::Eq(mask, zero), g); // select, not multiply: Inf * 0 would be NaN
    m = hn::MulAdd(hn::Set(d, s.beta1), m, hn::Mul(hn::Set(d, s.oneMinusBeta1), g));
    v = hn::MulAdd(hn::Set(d, s.beta2), v, hn::Mul(hn::Set(d, s.oneMinusBeta2), hn::Mul(g, g)));
    const V eta = hn::Div(hn::Set(d, s.learningRate),
                          hn::MulAdd(hn::Sqrt(v), hn::Set(d, s.secondCorrection), hn::Set(d, s.epsilon)));
    const V stepped = hn::NegMulAdd(eta, hn::Mul(m, hn::Set(d, s.firstCorrection)), w);
    // Soft threshold; "+ 0" turns the -0 of a thresholded negative into +0.
    // max(|w| - t, 0) as a select that keeps a NaN (x86's max would return the 0 instead).
    const V excess = hn::Sub(hn::Abs(stepped), hn::Mul(eta, hn::Set(d, s.l1Proximal)));
    const V shrunk = hn::IfThenZeroElse(hn::Le(excess, zero), excess);
    const V result = hn::Add(hn::CopySign(shrunk, stepped), zero);
    finite = hn::And(finite, hn::Le(hn::Abs(result), hn::Set(d, std::numeric_limits<float>::max())));
    return result;
}

template <bool Masked>
bool AdamLoop(const AdamStepScalars& s, float* HWY_RESTRICT values, const float* HWY_RESTRICT gradient,
              const float* HWY_RESTRICT mask, float* HWY_RESTRICT first, float* HWY_RESTRICT second, std::size_t count)
{
    const hn::ScalableTag<float> d;
    using V = hn::Vec<decltype(d)>;
    const std::size_t lanes = hn::Lanes(d);
    auto finite = hn::FirstN(d, lanes);
    std::size_t i = 0;
    for (; i + lanes <= count; i += lanes) {
        V m = hn::LoadU(d, first + i);
        V v = hn::LoadU(d, second + i);
        const V maskValues = Masked ? hn::LoadU(d, mask + i) : hn::Zero(d);
        const V w = AdamVector<Masked>(d, s, hn::LoadU(d, values + i), hn::LoadU(d, gradient + i), maskValues, m, v,
                                       finite);
        hn::StoreU(w, d, values + i);
        hn::StoreU(m, d, first + i);
        hn::StoreU(v, d, second + i);
    }
    if (i < count) {
        // The remainder in a padded vector, so that it gets the very same arithmetic.
        constexpr std::size_t kMaxLanes = hn::MaxLanes(hn::ScalableTag<float>());
        HWY_ALIGN float w[kMaxLanes] = {}, g[kMaxLanes] = {}, k[kMaxLanes] = {}, m[kMaxLanes] = {}, v[kMaxLanes] = {};
        const std::size_t rest = count - i;
        std::copy_n(values + i, rest, w);
        std::copy_n(gradient + i, rest, g);
        std::copy_n(first + i, rest, m);
        std::copy_n(second + i, rest, v);
        if (Masked)
            std::copy_n(mask + i, rest, k);
        V mv = hn::Load(d, m);
        V vv = hn::Load(d, v);
        auto restFinite = hn::FirstN(d, lanes);
        const V result = AdamVector<Masked>(d, s, hn::Load(d, w), hn::Load(d, g), hn::Load(d, k), mv, vv, restFinite);
        hn::Store(result, d, w);
        hn::Store(mv, d, m);
        hn::Store(vv, d, v);
        std::copy_n(w, rest, values + i);
        std::copy_n(m, rest, first + i);
        std::copy_n(v, rest, second + i);
        finite = hn::And(finite, hn::Or(restFinite, hn::Not(hn::FirstN(d, rest))));
    }
    return hn::AllTrue(d, finite);
}

bool AdamUpdate(const AdamStepScalars& s, float* values, const float* gradient, const float* mask, float* first,
                float* second, std::size_t count)
{
    return mask ? AdamLoop<true>(s, values, gradient, mask, first, second, count)
                : AdamLoop<false>(s, values, gradient, mask, first, second, count);
}

void AddBiasRelu(float* z, long rows, long columns, long columnStride, const float* bias)
{
    const hn::ScalableTag<float> d;
    const long lanes = static_cast<long>(hn::Lanes(d));
    const auto zero = hn::Zero(d);
    for (long j = 0; j < columns; ++j) {
        float* column = z + j * columnStride;
        long i = 0;
        for (; i + lanes <= rows; i += lanes)
            hn::StoreU(hn::Max(hn::Add(hn::LoadU(d, column + i), hn::LoadU(d, bias + i)), zero), d, column + i);
        for (; i < rows; ++i)
            column[i] = std::max(column[i] + bias[i], 0.0f);
    }
}

void ReluBackward(const float* a, long aStride, float* grad, long gradStride, long rows, long columns)
{
    const hn::ScalableTag<float> d;
    const long lanes = static_cast<long>(hn::Lanes(d));
    const auto zero = hn::Zero(d);
    for (long j = 0; j < columns; ++j) {
        const float* activation = a + j * aStride;
        float* column = grad + j * gradStride;
        long i = 0;
        for (; i + lanes <= rows; i += lanes)
            hn::StoreU(hn::IfThenElseZero(hn::Gt(hn::LoadU(d, activation + i), zero), hn::LoadU(d, column + i)), d,
                       column + i);
        for (; i < rows; ++i)
            column[i] = activation[i] > 0.0f ? column[i] : 0.0f;
    }
}

} // namespace HWY_NAMESPACE
} // namespace ss
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ss {

HWY_EXPORT(AdamUpdate);
HWY_EXPORT(AddBiasRelu);
HWY_EXPORT(ReluBackward);

bool adamUpdate(const AdamStepScalars& scalars, float* values, const float* gradient, const float* mask, float* first,
                float* second, std::size_t count)
{
    ensureSimdPathChosen();
    return HWY_DYNAMIC_DISPATCH(AdamUpdate)(scalars, values, gradient, mask, first, second, count);
}

void addBiasRelu(float* z, long rows, long columns, long columnStride, const float* bias)
{
    ensureSimdPathChosen();
    HWY_DYNAMIC_DISPATCH(AddBiasRelu)(z, rows, columns, columnStride, bias);
}

void reluBackward(const float* a, long aStride, float* grad, long gradStride, long rows, long columns)
{
    ensureSimdPathChosen();
    HWY_DYNAMIC_DISPATCH(ReluBackward)(a, aStride, grad, gradStride, rows, columns);
}

} // namespace ss
#endif // HWY_ONCE
