#include "compress/PrecisionLadder.h"

#include <algorithm>

namespace ss {

const std::vector<PrecisionStop>& precisionLadder()
{
    using F = QuantizationSpec::Format;
    static const std::vector<PrecisionStop> ladder = {
        {"fp32", F::Float32, 32}, {"fp16", F::Float16, 16}, {"bf16", F::BFloat16, 16}, {"int8", F::Int, 8},
        {"int7", F::Int, 7},      {"int6", F::Int, 6},      {"int5", F::Int, 5},       {"int4", F::Int, 4},
        {"int3", F::Int, 3},      {"int2", F::Int, 2},      {"ternary", F::Ternary, 2}, {"binary", F::Binary, 1},
    };
    return ladder;
}

QuantizationSpec precisionAt(int index, QuantizationSpec::Granularity granularity)
{
    const std::vector<PrecisionStop>& ladder = precisionLadder();
    const PrecisionStop& stop = ladder[static_cast<std::size_t>(std::clamp(index, 0, static_cast<int>(ladder.size()) - 1))];
    QuantizationSpec spec;
    spec.format = stop.format;
    spec.bits = stop.bits;
    spec.granularity = stop.format == QuantizationSpec::Format::Int ? granularity : QuantizationSpec::Granularity::PerTensor;
    return spec;
}

int precisionIndexOf(const QuantizationSpec& spec)
{
    const std::vector<PrecisionStop>& ladder = precisionLadder();
    for (std::size_t i = 0; i < ladder.size(); ++i)
        if (ladder[i].format == spec.format && (spec.format != QuantizationSpec::Format::Int || ladder[i].bits == spec.bits))
            return static_cast<int>(i);
    return 0;
}

} // namespace ss
