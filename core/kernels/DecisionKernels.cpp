// Compiled once per instruction set (Highway's foreach_target.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/DecisionKernels.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include "kernels/DecisionKernels.h"

#include "kernels/Isa.h"

#include <limits>

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

HWY_BEFORE_NAMESPACE();
namespace ss {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

double ScoreLogitColumns(const LogitColumns& block, float* HWY_RESTRICT topOut, float* HWY_RESTRICT secondOut,
                         float* HWY_RESTRICT largestOut, int* HWY_RESTRICT labelOut, int* HWY_RESTRICT finiteOut)
{
    const hn::ScalableTag<float> d;
    const hn::RebindToSigned<decltype(d)> di;
    using VI = hn::Vec<decltype(di)>;
    const int lanes = static_cast<int>(hn::Lanes(d));
    const auto negativeInfinity = hn::Set(d, -std::numeric_limits<float>::infinity());
    const auto floor = hn::Set(d, 1e-15f);
    const auto zero = hn::Zero(d);
    double loss = 0.0;
    for (int first = 0; first < block.count; first += lanes) {
        const float* z0 = block.logits + first;
        const auto column = [&](int c) { return hn::LoadU(d, z0 + static_cast<long>(c) * block.stride); };
        auto top = column(0);
        auto largest = hn::Abs(top);
        auto finite = hn::IsFinite(top);
        for (int c = 1; c < block.classes; ++c) {
            const auto z = column(c);
            top = hn::Max(top, z);
            largest = hn::Max(largest, hn::Abs(z));
            finite = hn::And(finite, hn::IsFinite(z));
        }
        // The first class reaching the top, and the largest of the others.
        VI label = hn::Zero(di);
        for (int c = block.classes - 1; c >= 0; --c)
            label = hn::IfThenElse(hn::RebindMask(di, hn::Eq(column(c), top)), hn::Set(di, c), label);
        auto second = negativeInfinity;
        for (int c = 0; c < block.classes; ++c)
            second = hn::Max(second, hn::IfThenElse(hn::RebindMask(d, hn::Eq(label, hn::Set(di, c))),
                                                    negativeInfinity, column(c)));
        // Softmax shifted by the top logit, and the true class's shifted logit.
        const int valid = HWY_MIN(lanes, block.count - first);
        alignas(64) int truthLanes[64] = {};
        for (int j = 0; j < valid; ++j)
            truthLanes[j] = block.truth[first + j];
        const VI truth = hn::LoadU(di, truthLanes);
        // Shifted logits below -100 add nothing a float sum of at least 1 can hold (e^-100);
        // clamping them keeps -infinity out of Exp, which expects finite arguments.
        const auto lowest = hn::Set(d, -100.0f);
        auto sum = zero;
        auto truthLogit = zero;
        auto undefined = hn::Eq(top, hn::Set(d, std::numeric_limits<float>::infinity()));
        for (int c = 0; c < block.classes; ++c) {
            const auto raw = column(c);
            undefined = hn::Or(undefined, hn::Ne(raw, raw));
            const auto z = hn::Max(hn::Sub(raw, top), lowest);
            sum = hn::Add(sum, hn::Exp(d, z));
            truthLogit = hn::IfThenElse(hn::RebindMask(d, hn::Eq(truth, hn::Set(di, c))), z, truthLogit);
        }
        const auto p = hn::Div(hn::Exp(d, truthLogit), sum);
        const auto clamped = hn::Max(p, floor);
        // A NaN logit or an infinite top makes the softmax NaN (infinity - infinity).
        const auto sampleLoss = hn::IfThenElseZero(
            hn::FirstN(d, static_cast<size_t>(valid)),
            hn::IfThenElse(undefined, hn::Set(d, std::numeric_limits<float>::quiet_NaN()), hn::Neg(hn::Log(d, clamped))));
        alignas(64) float losses[64];
        hn::StoreU(sampleLoss, d, losses);
        for (int j = 0; j < valid; ++j)
            loss += static_cast<double>(losses[j]);
        hn::StoreU(top, d, topOut + first);
        hn::StoreU(second, d, secondOut + first);
        hn::StoreU(largest, d, largestOut + first);
        hn::StoreU(label, di, labelOut + first);
        hn::StoreU(hn::IfThenElseZero(hn::RebindMask(di, finite), hn::Set(di, 1)), di, finiteOut + first);
    }
    return loss;
}

} // namespace HWY_NAMESPACE
} // namespace ss
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ss {

HWY_EXPORT(ScoreLogitColumns);

double scoreLogitColumns(const LogitColumns& block, float* top, float* second, float* largest, int* label,
                         int* finite)
{
    ensureSimdPathChosen();
    return HWY_DYNAMIC_DISPATCH(ScoreLogitColumns)(block, top, second, largest, label, finite);
}

} // namespace ss
#endif // HWY_ONCE
