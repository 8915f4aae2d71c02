// Compiled once per instruction set by Highway's foreach_target.h (see core/CMakeLists.txt).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "solve/CoordinateKernels.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace ss::solve {
namespace HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;
using DoubleTag = hn::ScalableTag<double>;
using FloatTag = hn::Rebind<float, DoubleTag>;

double DotFloatDouble(const float* x, const double* r, long n)
{
    const DoubleTag d;
    const FloatTag f;
    const long lanes = static_cast<long>(hn::Lanes(d));
    // Two accumulators hide the latency of the fused multiply-add chain.
    auto sum0 = hn::Zero(d);
    auto sum1 = hn::Zero(d);
    long i = 0;
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
        sum0 = hn::MulAdd(hn::PromoteTo(d, hn::LoadU(f, x + i)), hn::LoadU(d, r + i), sum0);
        sum1 = hn::MulAdd(hn::PromoteTo(d, hn::LoadU(f, x + i + lanes)), hn::LoadU(d, r + i + lanes), sum1);
    }
    double total = hn::GetLane(hn::SumOfLanes(d, hn::Add(sum0, sum1)));
    for (; i < n; ++i)
        total += static_cast<double>(x[i]) * r[i];
    return total;
}

double WeightedSquareSum(const float* x, const double* v, long n)
{
    const DoubleTag d;
    const FloatTag f;
    const long lanes = static_cast<long>(hn::Lanes(d));
    auto sum0 = hn::Zero(d);
    auto sum1 = hn::Zero(d);
    long i = 0;
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
        const auto x0 = hn::PromoteTo(d, hn::LoadU(f, x + i));
        const auto x1 = hn::PromoteTo(d, hn::LoadU(f, x + i + lanes));
        sum0 = hn::MulAdd(hn::Mul(x0, x0), hn::LoadU(d, v + i), sum0);
        sum1 = hn::MulAdd(hn::Mul(x1, x1), hn::LoadU(d, v + i + lanes), sum1);
    }
    double total = hn::GetLane(hn::SumOfLanes(d, hn::Add(sum0, sum1)));
    for (; i < n; ++i)
        total += static_cast<double>(x[i]) * x[i] * v[i];
    return total;
}

void SubtractWeightedColumn(double* r, double c, const double* v, const float* x, long n)
{
    const DoubleTag d;
    const FloatTag f;
    const long lanes = static_cast<long>(hn::Lanes(d));
    const auto scale = hn::Set(d, c);
    long i = 0;
    for (; i + lanes <= n; i += lanes) {
        const auto step = hn::Mul(hn::Mul(scale, hn::LoadU(d, v + i)), hn::PromoteTo(d, hn::LoadU(f, x + i)));
        hn::StoreU(hn::Sub(hn::LoadU(d, r + i), step), d, r + i);
    }
    for (; i < n; ++i)
        r[i] -= c * v[i] * static_cast<double>(x[i]);
}

void AddScaledColumn(double* y, double c, const float* x, long n)
{
    const DoubleTag d;
    const FloatTag f;
    const long lanes = static_cast<long>(hn::Lanes(d));
    const auto scale = hn::Set(d, c);
    long i = 0;
    for (; i + lanes <= n; i += lanes)
        hn::StoreU(hn::MulAdd(scale, hn::PromoteTo(d, hn::LoadU(f, x + i)), hn::LoadU(d, y + i)), d, y + i);
    for (; i < n; ++i)
        y[i] += c * static_cast<double>(x[i]);
}

double MultinomialModelDot(const float* x, const double* r, const double* p, const double* e, const double* s,
                           double scale, long n)
{
    const DoubleTag d;
    const FloatTag f;
    const long lanes = static_cast<long>(hn::Lanes(d));
    const auto c = hn::Set(d, -scale);
    auto sum0 = hn::Zero(d);
    auto sum1 = hn::Zero(d);
    long i = 0;
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
        const auto m0 = hn::Mul(hn::LoadU(d, p + i), hn::Sub(hn::LoadU(d, e + i), hn::LoadU(d, s + i)));
        const auto m1 = hn::Mul(hn::LoadU(d, p + i + lanes), hn::Sub(hn::LoadU(d, e + i + lanes), hn::LoadU(d, s + i + lanes)));
        const auto rho0 = hn::MulAdd(c, m0, hn::LoadU(d, r + i));
        const auto rho1 = hn::MulAdd(c, m1, hn::LoadU(d, r + i + lanes));
        sum0 = hn::MulAdd(hn::PromoteTo(d, hn::LoadU(f, x + i)), rho0, sum0);
        sum1 = hn::MulAdd(hn::PromoteTo(d, hn::LoadU(f, x + i + lanes)), rho1, sum1);
    }
    double total = hn::GetLane(hn::SumOfLanes(d, hn::Add(sum0, sum1)));
    for (; i < n; ++i)
        total += static_cast<double>(x[i]) * (r[i] - scale * p[i] * (e[i] - s[i]));
    return total;
}

void MultinomialModelStep(double* e, double* s, const double* p, double c, const float* x, long n)
{
    const DoubleTag d;
    const FloatTag f;
    const long lanes = static_cast<long>(hn::Lanes(d));
    const auto scale = hn::Set(d, c);
    long i = 0;
    for (; i + lanes <= n; i += lanes) {
        const auto step = hn::Mul(scale, hn::PromoteTo(d, hn::LoadU(f, x + i)));
        hn::StoreU(hn::Add(hn::LoadU(d, e + i), step), d, e + i);
        hn::StoreU(hn::MulAdd(step, hn::LoadU(d, p + i), hn::LoadU(d, s + i)), d, s + i);
    }
    for (; i < n; ++i) {
        const double step = c * static_cast<double>(x[i]);
        e[i] += step;
        s[i] += step * p[i];
    }
}

void AccumulateColumnProducts(const float* x, long columnStride, int featureCount, const double* residual,
                              long residualStride, int predictorCount, long rows, double* gradient, long gradientStride)
{
    const DoubleTag d;
    const FloatTag f;
    const long lanes = static_cast<long>(hn::Lanes(d));
    // Four predictors at a time share each load of the feature column.
    for (int k0 = 0; k0 < predictorCount; k0 += 4) {
        const int group = predictorCount - k0 < 4 ? predictorCount - k0 : 4;
        const double* r0 = residual + static_cast<long>(k0) * residualStride;
        const double* r1 = group > 1 ? r0 + residualStride : r0;
        const double* r2 = group > 2 ? r0 + 2 * residualStride : r0;
        const double* r3 = group > 3 ? r0 + 3 * residualStride : r0;
        for (int j = 0; j < featureCount; ++j) {
            const float* column = x + static_cast<long>(j) * columnStride;
            auto s0 = hn::Zero(d);
            auto s1 = hn::Zero(d);
            auto s2 = hn::Zero(d);
            auto s3 = hn::Zero(d);
            long i = 0;
            for (; i + lanes <= rows; i += lanes) {
                const auto xi = hn::PromoteTo(d, hn::LoadU(f, column + i));
                s0 = hn::MulAdd(xi, hn::LoadU(d, r0 + i), s0);
                s1 = hn::MulAdd(xi, hn::LoadU(d, r1 + i), s1);
                s2 = hn::MulAdd(xi, hn::LoadU(d, r2 + i), s2);
                s3 = hn::MulAdd(xi, hn::LoadU(d, r3 + i), s3);
            }
            double t[4] = {hn::GetLane(hn::SumOfLanes(d, s0)), hn::GetLane(hn::SumOfLanes(d, s1)),
                           hn::GetLane(hn::SumOfLanes(d, s2)), hn::GetLane(hn::SumOfLanes(d, s3))};
            for (; i < rows; ++i) {
                const double xi = column[i];
                t[0] += xi * r0[i];
                t[1] += xi * r1[i];
                t[2] += xi * r2[i];
                t[3] += xi * r3[i];
            }
            for (int g = 0; g < group; ++g)
                gradient[static_cast<long>(k0 + g) * gradientStride + j] += t[g];
        }
    }
}

} // namespace HWY_NAMESPACE
} // namespace ss::solve
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/Isa.h"
#include "solve/CoordinateKernels.h"

namespace ss::solve {

HWY_EXPORT(DotFloatDouble);
HWY_EXPORT(WeightedSquareSum);
HWY_EXPORT(SubtractWeightedColumn);
HWY_EXPORT(AddScaledColumn);
HWY_EXPORT(AccumulateColumnProducts);
HWY_EXPORT(MultinomialModelDot);
HWY_EXPORT(MultinomialModelStep);

double multinomialModelDot(const float* x, const double* r, const double* p, const double* e, const double* s,
                           double scale, long n)
{
    return HWY_DYNAMIC_DISPATCH(MultinomialModelDot)(x, r, p, e, s, scale, n);
}

void multinomialModelStep(double* e, double* s, const double* p, double c, const float* x, long n)
{
    HWY_DYNAMIC_DISPATCH(MultinomialModelStep)(e, s, p, c, x, n);
}

double dotFloatDouble(const float* x, const double* r, long n)
{
    return HWY_DYNAMIC_DISPATCH(DotFloatDouble)(x, r, n);
}

double weightedSquareSum(const float* x, const double* v, long n)
{
    return HWY_DYNAMIC_DISPATCH(WeightedSquareSum)(x, v, n);
}

void subtractWeightedColumn(double* r, double c, const double* v, const float* x, long n)
{
    HWY_DYNAMIC_DISPATCH(SubtractWeightedColumn)(r, c, v, x, n);
}

void addScaledColumn(double* y, double c, const float* x, long n)
{
    HWY_DYNAMIC_DISPATCH(AddScaledColumn)(y, c, x, n);
}

void accumulateColumnProducts(const float* x, long columnStride, int featureCount, const double* residual,
                              long residualStride, int predictorCount, long rows, double* gradient, long gradientStride)
{
    ensureSimdPathChosen();
    HWY_DYNAMIC_DISPATCH(AccumulateColumnProducts)(x, columnStride, featureCount, residual, residualStride,
                                                   predictorCount, rows, gradient, gradientStride);
}

} // namespace ss::solve
#endif
