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

// sum_i term(i) for i < n: `chunk(i, sum)` adds the lanes from sample i on to `sum`, `single(i)`
// is one sample's term for the tail. Two accumulators hide the latency of the fused
// multiply-add chain.
template <class Chunk, class Single>
HWY_INLINE double SumOverSamples(long n, const Chunk& chunk, const Single& single)
{
    const DoubleTag d;
    const long lanes = static_cast<long>(hn::Lanes(d));
    auto sum0 = hn::Zero(d);
    auto sum1 = hn::Zero(d);
    long i = 0;
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
        sum0 = chunk(i, sum0);
        sum1 = chunk(i + lanes, sum1);
    }
    double total = hn::GetLane(hn::SumOfLanes(d, hn::Add(sum0, sum1)));
    for (; i < n; ++i)
        total += single(i);
    return total;
}

// `chunk(i)` for the lanes from sample i on, `single(i)` for each sample of the tail.
template <class Chunk, class Single>
HWY_INLINE void ForEachSample(long n, const Chunk& chunk, const Single& single)
{
    const long lanes = static_cast<long>(hn::Lanes(DoubleTag()));
    long i = 0;
    for (; i + lanes <= n; i += lanes)
        chunk(i);
    for (; i < n; ++i)
        single(i);
}

HWY_INLINE auto LoadColumn(const float* x, long i)
{
    return hn::PromoteTo(DoubleTag(), hn::LoadU(FloatTag(), x + i));
}

double DotFloatDouble(const float* x, const double* r, long n)
{
    const DoubleTag d;
    return SumOverSamples(
        n, [&](long i, auto sum) HWY_ATTR { return hn::MulAdd(LoadColumn(x, i), hn::LoadU(d, r + i), sum); },
        [&](long i) { return static_cast<double>(x[i]) * r[i]; });
}

double WeightedSquareSum(const float* x, const double* v, long n)
{
    const DoubleTag d;
    return SumOverSamples(
        n,
        [&](long i, auto sum) HWY_ATTR {
            const auto xi = LoadColumn(x, i);
            return hn::MulAdd(hn::Mul(xi, xi), hn::LoadU(d, v + i), sum);
        },
        [&](long i) { return static_cast<double>(x[i]) * x[i] * v[i]; });
}

void SubtractWeightedColumn(double* r, double c, const double* v, const float* x, long n)
{
    const DoubleTag d;
    const auto scale = hn::Set(d, c);
    ForEachSample(
        n,
        [&](long i) HWY_ATTR {
            const auto step = hn::Mul(hn::Mul(scale, hn::LoadU(d, v + i)), LoadColumn(x, i));
            hn::StoreU(hn::Sub(hn::LoadU(d, r + i), step), d, r + i);
        },
        [&](long i) { r[i] -= c * v[i] * static_cast<double>(x[i]); });
}

void AddScaledColumn(double* y, double c, const float* x, long n)
{
    const DoubleTag d;
    const auto scale = hn::Set(d, c);
    ForEachSample(
        n, [&](long i) HWY_ATTR { hn::StoreU(hn::MulAdd(scale, LoadColumn(x, i), hn::LoadU(d, y + i)), d, y + i); },
        [&](long i) { y[i] += c * static_cast<double>(x[i]); });
}

double SumOfSamples(const double* r, long n)
{
    const DoubleTag d;
    return SumOverSamples(
        n, [&](long i, auto sum) HWY_ATTR { return hn::Add(hn::LoadU(d, r + i), sum); }, [&](long i) { return r[i]; });
}

void SubtractScaled(double* r, double c, const double* v, long n)
{
    const DoubleTag d;
    const auto scale = hn::Set(d, c);
    ForEachSample(
        n, [&](long i) HWY_ATTR { hn::StoreU(hn::NegMulAdd(scale, hn::LoadU(d, v + i), hn::LoadU(d, r + i)), d, r + i); },
        [&](long i) { r[i] -= c * v[i]; });
}

double MultinomialModelDot(const float* x, const double* r, const double* p, const double* e, const double* s,
                           double scale, long n)
{
    const DoubleTag d;
    const auto c = hn::Set(d, -scale);
    return SumOverSamples(
        n,
        [&](long i, auto sum) HWY_ATTR {
            const auto model = hn::Mul(hn::LoadU(d, p + i), hn::Sub(hn::LoadU(d, e + i), hn::LoadU(d, s + i)));
            return hn::MulAdd(LoadColumn(x, i), hn::MulAdd(c, model, hn::LoadU(d, r + i)), sum);
        },
        [&](long i) { return static_cast<double>(x[i]) * (r[i] - scale * p[i] * (e[i] - s[i])); });
}

void MultinomialModelStep(double* e, double* s, const double* p, double c, const float* x, long n)
{
    const DoubleTag d;
    const auto scale = hn::Set(d, c);
    ForEachSample(
        n,
        [&](long i) HWY_ATTR {
            const auto step = hn::Mul(scale, LoadColumn(x, i));
            hn::StoreU(hn::Add(hn::LoadU(d, e + i), step), d, e + i);
            hn::StoreU(hn::MulAdd(step, hn::LoadU(d, p + i), hn::LoadU(d, s + i)), d, s + i);
        },
        [&](long i) {
            const double step = c * static_cast<double>(x[i]);
            e[i] += step;
            s[i] += step * p[i];
        });
}

void AccumulateColumnCombination(const float* x, long columnStride, const int* features, int featureCount,
                                 const double* coefficients, int predictorCount, long rows, double* out, long outStride)
{
    const DoubleTag d;
    const long lanes = static_cast<long>(hn::Lanes(d));
    // Four predictors at a time keep their sums in registers while the columns stream past.
    for (int k0 = 0; k0 < predictorCount; k0 += 4) {
        const int group = predictorCount - k0 < 4 ? predictorCount - k0 : 4;
        double* o[4];
        const double* c[4];
        for (int g = 0; g < 4; ++g) {
            const int k = k0 + (g < group ? g : 0);
            o[g] = out + static_cast<long>(k) * outStride;
            c[g] = coefficients + k;
        }
        long i = 0;
        for (; i + lanes <= rows; i += lanes) {
            auto s0 = hn::LoadU(d, o[0] + i);
            auto s1 = hn::LoadU(d, o[1] + i);
            auto s2 = hn::LoadU(d, o[2] + i);
            auto s3 = hn::LoadU(d, o[3] + i);
            for (int f = 0; f < featureCount; ++f) {
                const auto xi = LoadColumn(x + static_cast<long>(features[f]) * columnStride, i);
                const long row = static_cast<long>(f) * predictorCount;
                s0 = hn::MulAdd(hn::Set(d, c[0][row]), xi, s0);
                s1 = hn::MulAdd(hn::Set(d, c[1][row]), xi, s1);
                s2 = hn::MulAdd(hn::Set(d, c[2][row]), xi, s2);
                s3 = hn::MulAdd(hn::Set(d, c[3][row]), xi, s3);
            }
            // Duplicated predictors of a short group store the same sum twice.
            hn::StoreU(s3, d, o[3] + i);
            hn::StoreU(s2, d, o[2] + i);
            hn::StoreU(s1, d, o[1] + i);
            hn::StoreU(s0, d, o[0] + i);
        }
        for (; i < rows; ++i)
            for (int g = 0; g < group; ++g) {
                double sum = o[g][i];
                for (int f = 0; f < featureCount; ++f)
                    sum += c[g][static_cast<long>(f) * predictorCount] * x[static_cast<long>(features[f]) * columnStride + i];
                o[g][i] = sum;
            }
    }
}

void AccumulateColumnProducts(const float* x, long columnStride, int featureCount, const double* residual,
                              long residualStride, int predictorCount, long rows, double* gradient, long gradientStride)
{
    const DoubleTag d;
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
                const auto xi = LoadColumn(column, i);
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
HWY_EXPORT(AccumulateColumnCombination);
HWY_EXPORT(SumOfSamples);
HWY_EXPORT(SubtractScaled);

double sumOfSamples(const double* r, long n)
{
    return HWY_DYNAMIC_DISPATCH(SumOfSamples)(r, n);
}

void subtractScaled(double* r, double c, const double* v, long n)
{
    HWY_DYNAMIC_DISPATCH(SubtractScaled)(r, c, v, n);
}

void accumulateColumnCombination(const float* x, long columnStride, const int* features, int featureCount,
                                 const double* coefficients, int predictorCount, long rows, double* out, long outStride)
{
    HWY_DYNAMIC_DISPATCH(AccumulateColumnCombination)(x, columnStride, features, featureCount, coefficients,
                                                      predictorCount, rows, out, outStride);
}

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
