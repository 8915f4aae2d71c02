#pragma once
// Simulated weight quantization: weights are rounded to what the format can hold and
// kept as float, so accuracy can be measured at any precision. Zeros stay zero.

#include "common/EnumNames.h"
#include "common/Types.h"

#include <string>

namespace ss {

struct QuantizationSpec {
    enum class Format { Float32, Float16, BFloat16, Int, Ternary, Binary };
    enum class Granularity { PerTensor, PerRow };  // PerRow = per output neuron

    Format format = Format::Float32;
    int bits = 32;   // Int: 1..8 (1 behaves as Binary); Float16/BFloat16: 16; Float32: 32; Ternary: 2; Binary: 1
    Granularity granularity = Granularity::PerTensor;

    static QuantizationSpec float32() { return {}; }
    static QuantizationSpec integer(int bits, Granularity granularity = Granularity::PerTensor);
    // Parses 32, 16/fp16, bf16, 8..2 (int), ternary, binary; throws ConfigError otherwise.
    static QuantizationSpec parse(const std::string& text);
    std::string label() const;      // "fp32", "fp16", "bf16", "int4 per row", "ternary", "binary"
    int storageBits() const;        // bits per stored weight value
    // fp32 scales stored beside the values of a matrix with `rows` rows: 0 for float
    // formats, 1 per tensor or 1 per row for Int, Ternary (alpha) and Binary (alpha).
    long scaleCount(long rows) const;
    bool isIdentity() const { return format == Format::Float32; }
    bool operator==(const QuantizationSpec&) const = default;
};

// The names of the format and granularity alone, as session files store them (label() and
// parse() read and write the user's spelling of a whole spec).
inline constexpr EnumName<QuantizationSpec::Format> kQuantizationFormatNames[] = {
    {QuantizationSpec::Format::Float32, "fp32"}, {QuantizationSpec::Format::Float16, "fp16"},
    {QuantizationSpec::Format::BFloat16, "bf16"}, {QuantizationSpec::Format::Int, "int"},
    {QuantizationSpec::Format::Ternary, "ternary"}, {QuantizationSpec::Format::Binary, "binary"}};
inline constexpr EnumName<QuantizationSpec::Granularity> kGranularityNames[] = {
    {QuantizationSpec::Granularity::PerTensor, "per-tensor"}, {QuantizationSpec::Granularity::PerRow, "per-row"}};
// nameOf as for PruningSpec's enums (compress/Pruning.h).
std::string nameOf(QuantizationSpec::Format format);
std::string nameOf(QuantizationSpec::Granularity granularity);

// Returns the quantized copy of `weights` (outputs x inputs; a row is one output neuron).
// Int/Ternary/Binary statistics (max|w|, mean|w|) are taken over the non-zero entries of the
// tensor or row, i.e. over the survivors of pruning; zeros stay exactly zero in every format.
// Int, Ternary and Binary write a zero code as +0.0; Float16 and BFloat16 keep IEEE signed
// zeros (a tiny negative weight rounds to -0.0), which pruningOrderKey ranks as zeros too.
// Int rounds w/scale to nearest, ties to even. Throws ConfigError for Int bits outside 1..8.
Matrix quantize(const ConstMatrixRef& weights, const QuantizationSpec& spec);
// The same into a preallocated matrix (resized if needed), for hot paths.
void quantizeInto(const ConstMatrixRef& weights, const QuantizationSpec& spec, Matrix& out);

// Round-to-nearest-even conversions, exposed for tests and the UI's explanations.
// IEEE 754 behaviour, done on the bits: ties to even, subnormals kept, NaN stays NaN, and
// values beyond the largest finite number (fp16: |x| >= 65520) become +-infinity, exactly
// what a hardware cast does (no saturation).
float roundToFloat16(float value);
float roundToBFloat16(float value);

} // namespace ss
