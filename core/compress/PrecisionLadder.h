#pragma once
// The positions of the weight-precision control, from fp32 down to binary: one list for the
// app's slider, the evaluator's precomputed bit widths and anything else that steps through
// precisions.

#include "compress/Quantization.h"

#include <string>
#include <vector>

namespace ss {

struct PrecisionStop {
    std::string label; // "fp32", "fp16", "bf16", "int8" .. "int2", "ternary", "binary"
    QuantizationSpec::Format format;
    int bits;
};

const std::vector<PrecisionStop>& precisionLadder();

// The spec at a position (clamped to the ladder). Only the integer formats have a per-row
// variant; the others stay per tensor, so that equal settings compare equal.
QuantizationSpec precisionAt(int index, QuantizationSpec::Granularity granularity);

// The position of a spec (0, fp32, for one not on the ladder).
int precisionIndexOf(const QuantizationSpec& spec);

} // namespace ss
