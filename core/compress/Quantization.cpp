#include "compress/Quantization.h"

#include "common/Error.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ss {

namespace {

std::uint32_t bitsOf(float value) { return std::bit_cast<std::uint32_t>(value); }
float floatOf(std::uint32_t bits) { return std::bit_cast<float>(bits); }

constexpr std::uint32_t kSignBit = 0x80000000u;
constexpr std::uint32_t kExponentMask = 0x7F800000u;
constexpr std::uint32_t kQuietBit = 0x00400000u;
// The largest finite fp16 value, 65504 = (2 - 2^-10) * 2^15, as float bits.
constexpr std::uint32_t kFloat16MaxBits = 0x477FE000u;
// Float biased exponent of 2^-14, the smallest normal fp16 value.
constexpr std::uint32_t kFloat16MinNormalExponent = 127 - 14;

bool isNaNBits(std::uint32_t magnitude) { return magnitude > kExponentMask; }

std::string lowerTrimmed(const std::string& text)
{
    std::string out;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Integer, ternary and binary codes, for a whole tensor (one group) or per output row (one
// group per row). The statistics (max|w|, mean|w|) are taken over each group's NON-ZERO
// entries: the survivors of pruning, so that "prune, then quantize" quantizes what is left
// rather than letting the pruned zeros shrink the scale, and zeros map to zero in every
// format. A zero code is written as +0.0 whatever the weight's sign. Written as whole-matrix array expressions over column-major data so they
// vectorise; per-tensor is the same computation with one group.
void quantizeCoded(const ConstMatrixRef& weights, const QuantizationSpec& spec, Matrix& out)
{
    using Column = Eigen::Array<double, Eigen::Dynamic, 1>;
    const bool perRow = spec.granularity == QuantizationSpec::Granularity::PerRow;
    const Eigen::Index rows = weights.rows();
    if (spec.format == QuantizationSpec::Format::Int && spec.bits > 1) {
        // Symmetric uniform: levels -q..q with q = 2^(k-1) - 1 and scale = max|w| / q, so the
        // largest weight is represented exactly and |w - w_hat| <= scale / 2. Rounding is to
        // nearest with ties to even (what torch.round and numpy.round do). One pass without
        // the statistics the other formats need: this runs on every bit-width slider step.
        const double levels = (1 << (spec.bits - 1)) - 1;
        Column scale(perRow ? rows : 1);
        if (perRow)
            scale = weights.cwiseAbs().rowwise().maxCoeff().cast<double>().array();
        else
            scale(0) = weights.size() ? static_cast<double>(weights.cwiseAbs().maxCoeff()) : 0.0;
        scale = (scale > 0.0).select(scale / levels, 1.0);
        out.resize(rows, weights.cols());
        for (Eigen::Index j = 0; j < weights.cols(); ++j)
            for (Eigen::Index i = 0; i < rows; ++i) {
                const double step = scale(perRow ? i : 0);
                const double code = std::clamp(std::rint(static_cast<double>(weights(i, j)) / step), -levels, levels);
                // rint of a small negative weight is -0.0; the code 0 has no sign, so + 0.0
                // makes the weight +0.0 (-0.0 + 0.0 = +0.0 under round-to-nearest).
                out(i, j) = static_cast<Scalar>(code * step + 0.0);
            }
        return;
    }
    const Eigen::Index groups = perRow ? rows : 1;
    const Eigen::ArrayXXd w = weights.cast<double>().array();
    const Eigen::ArrayXXd magnitude = w.abs();

    // Per group: largest |w|, sum of |w| and count of non-zeros.
    Column maxAbs(groups), absSum(groups), nonZero(groups);
    if (perRow) {
        maxAbs = magnitude.rowwise().maxCoeff();
        absSum = magnitude.rowwise().sum();
        nonZero = (magnitude > 0.0).cast<double>().rowwise().sum();
    } else {
        maxAbs(0) = magnitude.size() ? magnitude.maxCoeff() : 0.0;
        absSum(0) = magnitude.sum();
        nonZero(0) = (magnitude > 0.0).count();
    }
    // Broadcasts a per-group value to the matrix shape.
    const auto expand = [&](const Column& perGroup) -> Eigen::ArrayXXd {
        if (perRow)
            return perGroup.replicate(1, weights.cols());
        return Eigen::ArrayXXd::Constant(rows, weights.cols(), perGroup(0));
    };
    const Eigen::ArrayXXd sign = (w > 0.0).cast<double>() - (w < 0.0).cast<double>();
    // An all-zero group stays zero whatever its (meaningless) statistics.
    const Column groupMean = (nonZero > 0.0).select(absSum / nonZero.max(1.0), 0.0);

    const bool binary = spec.format == QuantizationSpec::Format::Binary
                        || (spec.format == QuantizationSpec::Format::Int && spec.bits == 1);
    if (binary) {
        // sign(w) * mean|w|, the mean rounded to float as the stored scale is.
        const Column alpha = groupMean.cast<float>().cast<double>();
        out = (sign * expand(alpha) + 0.0).cast<Scalar>().matrix(); // + 0.0: a zero code is +0.0
        return;
    }
    if (spec.format == QuantizationSpec::Format::Ternary) {
        // Li & Liu (2016), Ternary Weight Networks: delta = 0.7 E|w|, alpha = E(|w| : |w| > delta).
        const Eigen::ArrayXXd delta = expand(0.7 * groupMean);
        const Eigen::ArrayXXd above = (magnitude > delta).cast<double>();
        Column aboveSum(groups), aboveCount(groups);
        if (perRow) {
            aboveSum = (magnitude * above).rowwise().sum();
            aboveCount = above.rowwise().sum();
        } else {
            aboveSum(0) = (magnitude * above).sum();
            aboveCount(0) = above.sum();
        }
        // aboveCount >= 1 in a non-zero group: its largest |w| exceeds 0.7 of the mean.
        const Column alpha = (aboveCount > 0.0).select(aboveSum / aboveCount.max(1.0), 0.0).cast<float>().cast<double>();
        // -1 * 0 is -0.0 for a negative weight below delta; + 0.0 makes every zero code +0.0.
        out = (sign * above * expand(alpha) + 0.0).cast<Scalar>().matrix();
        return;
    }
}

void validate(const QuantizationSpec& spec)
{
    using F = QuantizationSpec::Format;
    if (spec.format == F::Int && (spec.bits < 1 || spec.bits > 8))
        throw ConfigError("QuantizationSpec: integer bits must be 1..8, got " + std::to_string(spec.bits));
}

} // namespace

float roundToFloat16(float value)
{
    const std::uint32_t bits = bitsOf(value);
    const std::uint32_t sign = bits & kSignBit;
    const std::uint32_t magnitude = bits & ~kSignBit;
    if (isNaNBits(magnitude))
        return floatOf(bits | kQuietBit); // NaN stays NaN (quietened), sign and payload kept
    const std::uint32_t exponent = magnitude >> 23;
    if (exponent >= kFloat16MinNormalExponent) {
        // Normal fp16 range: keep 10 of the 23 mantissa bits, rounding the 13 dropped bits
        // to nearest, ties to even. A carry out of the mantissa correctly bumps the exponent.
        std::uint32_t rounded = magnitude + 0x0FFFu + ((magnitude >> 13) & 1u);
        rounded &= ~0x1FFFu;
        // IEEE 754 overflow: anything that rounds above 65504 (i.e. |x| >= 65520) becomes
        // infinity, as a real fp16 cast does. We do not saturate: the simulation should show
        // what the format would really do (weights this large never occur in practice).
        if (rounded > kFloat16MaxBits)
            return floatOf(sign | kExponentMask);
        return floatOf(sign | rounded);
    }
    // fp16 subnormal range (|x| < 2^-14): the grid is k * 2^-24, k = 0..1023. With the
    // float's 24-bit significand m (implicit bit included), |x| = m * 2^(e-23) and
    // k = m * 2^(e+1) = m >> shift with shift = -(e + 1) = 126 - exponent >= 14.
    if (exponent == 0)
        return floatOf(sign); // float subnormals are far below 2^-25: they round to zero
    const std::uint32_t shift = 126 - exponent;
    if (shift > 24)
        return floatOf(sign); // below 2^-25: rounds to (signed) zero
    const std::uint32_t significand = (magnitude & 0x007FFFFFu) | 0x00800000u;
    std::uint32_t k = significand >> shift;
    const std::uint32_t remainder = significand & ((1u << shift) - 1u);
    const std::uint32_t half = 1u << (shift - 1);
    if (remainder > half || (remainder == half && (k & 1u)))
        ++k; // k may reach 1024 = 2^-14, the smallest normal: still exact below
    const float result = std::ldexp(static_cast<float>(k), -24);
    return sign ? -result : result;
}

float roundToBFloat16(float value)
{
    const std::uint32_t bits = bitsOf(value);
    if (isNaNBits(bits & ~kSignBit))
        return floatOf((bits | kQuietBit) & 0xFFFF0000u); // the quiet bit keeps it a NaN after truncation
    // bf16 is the top half of a float: round the low 16 bits to nearest, ties to even.
    // Overflow past the largest bf16 carries into the exponent and yields infinity, and
    // float subnormals round within the same exponent range: both as IEEE 754 specifies.
    const std::uint32_t rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
    return floatOf(rounded);
}

QuantizationSpec QuantizationSpec::integer(int bits, Granularity granularity)
{
    QuantizationSpec spec;
    spec.format = Format::Int;
    spec.bits = bits;
    spec.granularity = granularity;
    validate(spec);
    return spec;
}

QuantizationSpec QuantizationSpec::parse(const std::string& text)
{
    std::string t = lowerTrimmed(text);
    Granularity granularity = Granularity::PerTensor;
    for (const std::string suffix : {"perrow", "-row", ":row", "/row", "row"}) {
        if (t.size() > suffix.size() && t.compare(t.size() - suffix.size(), suffix.size(), suffix) == 0) {
            t.erase(t.size() - suffix.size());
            granularity = Granularity::PerRow;
            break;
        }
    }
    QuantizationSpec spec;
    spec.granularity = granularity;
    if (t == "32" || t == "fp32" || t == "float32" || t == "float") {
        spec = float32();
    } else if (t == "16" || t == "fp16" || t == "float16" || t == "half") {
        spec.format = Format::Float16;
        spec.bits = 16;
    } else if (t == "bf16" || t == "bfloat16") {
        spec.format = Format::BFloat16;
        spec.bits = 16;
    } else if (t == "ternary" || t == "twn") {
        spec.format = Format::Ternary;
        spec.bits = 2;
    } else if (t == "binary" || t == "1" || t == "int1") {
        spec.format = Format::Binary;
        spec.bits = 1;
    } else {
        std::string digits = t.rfind("int", 0) == 0 ? t.substr(3) : t;
        if (digits.size() == 1 && digits[0] >= '2' && digits[0] <= '8') {
            spec.format = Format::Int;
            spec.bits = digits[0] - '0';
        } else {
            throw ConfigError("precision: unknown value '" + text
                              + "' (expected 32, 16, fp16, bf16, 8..2, ternary or binary, optionally with '-row')");
        }
    }
    // Float formats round each weight on its own: granularity has no meaning there.
    if (spec.format == Format::Float32 || spec.format == Format::Float16 || spec.format == Format::BFloat16)
        spec.granularity = Granularity::PerTensor;
    return spec;
}

std::string nameOf(QuantizationSpec::Format format)
{
    return enumToString(kQuantizationFormatNames, format, "quantization format");
}

std::string nameOf(QuantizationSpec::Granularity granularity)
{
    return enumToString(kGranularityNames, granularity, "quantization granularity");
}

std::string QuantizationSpec::label() const
{
    std::string text;
    switch (format) {
    case Format::Float32: return "fp32";
    case Format::Float16: return "fp16";
    case Format::BFloat16: return "bf16";
    case Format::Int: text = bits == 1 ? "binary" : "int" + std::to_string(bits); break;
    case Format::Ternary: text = "ternary"; break;
    case Format::Binary: text = "binary"; break;
    }
    return granularity == Granularity::PerRow ? text + " per row" : text;
}

int QuantizationSpec::storageBits() const
{
    switch (format) {
    case Format::Float32: return 32;
    case Format::Float16:
    case Format::BFloat16: return 16;
    case Format::Int: return bits;
    case Format::Ternary: return 2;
    case Format::Binary: return 1;
    }
    return 32;
}

long QuantizationSpec::scaleCount(long rows) const
{
    switch (format) {
    case Format::Float32:
    case Format::Float16:
    case Format::BFloat16: return 0;
    case Format::Int:
    case Format::Ternary:
    case Format::Binary: return granularity == Granularity::PerRow ? rows : 1;
    }
    return 0;
}

Matrix quantize(const ConstMatrixRef& weights, const QuantizationSpec& spec)
{
    Matrix out;
    quantizeInto(weights, spec, out);
    return out;
}

void quantizeInto(const ConstMatrixRef& weights, const QuantizationSpec& spec, Matrix& out)
{
    validate(spec);
    switch (spec.format) {
    case QuantizationSpec::Format::Float32:
        out = weights;
        return;
    case QuantizationSpec::Format::Float16:
        out = weights.unaryExpr([](Scalar w) { return roundToFloat16(w); });
        return;
    case QuantizationSpec::Format::BFloat16:
        out = weights.unaryExpr([](Scalar w) { return roundToBFloat16(w); });
        return;
    case QuantizationSpec::Format::Int:
    case QuantizationSpec::Format::Ternary:
    case QuantizationSpec::Format::Binary:
        break;
    }
    quantizeCoded(weights, spec, out);
}

} // namespace ss
