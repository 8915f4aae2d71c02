// Compiled once per instruction set (Highway's foreach_target.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/ExactSums.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include "kernels/ExactSums.h"

#include "kernels/Isa.h"

#include <cmath>

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace ss {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void AddColumnFused(double* HWY_RESTRICT sums, const float* HWY_RESTRICT column, double x, int count)
{
    int i = 0;
#if HWY_NATIVE_FMA && HWY_HAVE_FLOAT64 && HWY_TARGET != HWY_SCALAR
    // Floats widen to double exactly; MulAdd is then the fused instruction, one rounding.
    const hn::ScalableTag<double> d;
    const hn::Rebind<float, decltype(d)> df;
    const int lanes = static_cast<int>(hn::Lanes(d));
    const auto scale = hn::Set(d, x);
    for (; i + lanes <= count; i += lanes) {
        const auto weights = hn::PromoteTo(d, hn::LoadU(df, column + i));
        hn::StoreU(hn::MulAdd(weights, scale, hn::LoadU(d, sums + i)), d, sums + i);
    }
#endif
    for (; i < count; ++i)
        sums[i] = std::fma(static_cast<double>(column[i]), x, sums[i]);
}

} // namespace HWY_NAMESPACE
} // namespace ss
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ss {

HWY_EXPORT(AddColumnFused);

void addColumnFused(double* sums, const float* column, double x, int count)
{
    ensureSimdPathChosen();
    HWY_DYNAMIC_DISPATCH(AddColumnFused)(sums, column, x, count);
}

} // namespace ss
#endif // HWY_ONCE
