// Simulated weight quantization: exact fp16/bf16 rounding (checked against the CPU's own
// F16C converter where available), symmetric int-k error bounds, ternary and binary codes.
#include "common/Error.h"
#include "common/Random.h"
#include "compress/Quantization.h"
#include "kernels/Isa.h"

#include <QtTest>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

#include "../common/ThresholdedValues.h"

#if defined(__F16C__)
#include <immintrin.h>
#endif

using namespace ss;

namespace {

float fromBits(std::uint32_t bits) { return std::bit_cast<float>(bits); }
std::uint32_t toBits(float value) { return std::bit_cast<std::uint32_t>(value); }

// Independent reference for normal floats: round x / ulp to nearest-even in double.
float bf16Reference(float x)
{
    if (x == 0.0f || !std::isfinite(x))
        return x;
    const int exponent = std::max(std::ilogb(x), -126);
    const double ulp = std::ldexp(1.0, exponent - 7);
    return static_cast<float>(std::nearbyint(static_cast<double>(x) / ulp) * ulp);
}

Matrix randomMatrix(int rows, int cols, std::uint64_t seed, double stddev = 0.1)
{
    Random random(seed);
    Matrix m(rows, cols);
    for (Eigen::Index c = 0; c < cols; ++c)
        for (Eigen::Index r = 0; r < rows; ++r)
            m(r, c) = static_cast<Scalar>(random.normal(0.0, stddev));
    return m;
}

} // namespace

class TestQuantization : public QObject {
    Q_OBJECT

private slots:
    // ctest runs this suite once per forced SIMD path; a path this CPU lacks is reported as
    // skipped (exit 77) rather than passed.
    void initTestCase() { ensureSimdPathChosen(); }
    void float16_data();
    void float16();
    void float16NaNAndSign();
    void float16MatchesHardwareConverter();
    void bfloat16_data();
    void bfloat16();
    void bfloat16MatchesReference();
    void floatFormatsOnMatrices();
    void integerErrorBound_data();
    void integerErrorBound();
    void integerHandComputed();
    void integerTiesToEven();
    void perRowUsesEachRowsScale();
    void zerosStayZero();
    void integerCodesOfZeroArePositiveZero();
    void ternaryHandComputed();
    void binaryHandComputed();
    void oneBitIntIsBinary();
    void parseAndLabel();
    void badSpecsThrow();
};

void TestQuantization::float16_data()
{
    QTest::addColumn<float>("input");
    QTest::addColumn<float>("expected");
    const float one = 1.0f;
    QTest::newRow("one") << one << one;
    QTest::newRow("max 65504") << 65504.0f << 65504.0f;
    QTest::newRow("just below overflow midpoint") << 65519.0f << 65504.0f;
    QTest::newRow("overflow midpoint 65520 ties up to inf") << 65520.0f << std::numeric_limits<float>::infinity();
    QTest::newRow("negative overflow") << -70000.0f << -std::numeric_limits<float>::infinity();
    QTest::newRow("far overflow") << 1e30f << std::numeric_limits<float>::infinity();
    QTest::newRow("infinity") << std::numeric_limits<float>::infinity() << std::numeric_limits<float>::infinity();
    // ulp(1) = 2^-10: 1 + 2^-11 is a tie between 1 (even) and 1 + 2^-10 (odd).
    QTest::newRow("tie to even down") << std::ldexp(1.0f, -11) + one << one;
    // 1 + 3*2^-11 lies between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
    QTest::newRow("tie to even up") << one + 3 * std::ldexp(1.0f, -11) << one + std::ldexp(1.0f, -9);
    QTest::newRow("above tie") << one + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20) << one + std::ldexp(1.0f, -10);
    QTest::newRow("below tie") << one + std::ldexp(1.0f, -11) - std::ldexp(1.0f, -20) << one;
    QTest::newRow("1/3") << 1.0f / 3.0f << 0.333251953125f;
    QTest::newRow("0.1") << 0.1f << 0.0999755859375f;
    QTest::newRow("min normal 2^-14") << std::ldexp(1.0f, -14) << std::ldexp(1.0f, -14);
    QTest::newRow("min subnormal 2^-24") << std::ldexp(1.0f, -24) << std::ldexp(1.0f, -24);
    QTest::newRow("2^-25 ties to zero") << std::ldexp(1.0f, -25) << 0.0f;
    QTest::newRow("just above 2^-25") << std::ldexp(1.0f, -25) + std::ldexp(1.0f, -40) << std::ldexp(1.0f, -24);
    QTest::newRow("3*2^-25 ties to 2^-23 (even)") << 3 * std::ldexp(1.0f, -25) << std::ldexp(1.0f, -23);
    QTest::newRow("5*2^-26 rounds to 2^-24") << 5 * std::ldexp(1.0f, -26) << std::ldexp(1.0f, -24);
    QTest::newRow("subnormal 1000*2^-24") << 1000 * std::ldexp(1.0f, -24) << 1000 * std::ldexp(1.0f, -24);
    QTest::newRow("largest subnormal tie rounds to min normal")
        << std::ldexp(1.0f, -14) - std::ldexp(1.0f, -25) << std::ldexp(1.0f, -14);
    QTest::newRow("tiny") << 1e-10f << 0.0f;
    QTest::newRow("float subnormal") << fromBits(0x00000005u) << 0.0f;
    QTest::newRow("negative") << -2.5f << -2.5f;
    QTest::newRow("negative subnormal") << -3 * std::ldexp(1.0f, -24) << -3 * std::ldexp(1.0f, -24);
}

void TestQuantization::float16()
{
    QFETCH(float, input);
    QFETCH(float, expected);
    const float actual = roundToFloat16(input);
    QCOMPARE(toBits(actual), toBits(expected));
}

void TestQuantization::float16NaNAndSign()
{
    QVERIFY(std::isnan(roundToFloat16(std::numeric_limits<float>::quiet_NaN())));
    QVERIFY(std::isnan(roundToFloat16(fromBits(0x7F800001u)))); // signalling NaN with a low payload
    QVERIFY(std::signbit(roundToFloat16(fromBits(0xFFC00000u))));
    QCOMPARE(toBits(roundToFloat16(-1e-30f)), 0x80000000u); // underflow keeps the sign: -0
    QCOMPARE(toBits(roundToFloat16(0.0f)), 0u);
    QCOMPARE(toBits(roundToFloat16(-0.0f)), 0x80000000u);
}

void TestQuantization::float16MatchesHardwareConverter()
{
#if defined(__F16C__)
    // The CPU's VCVTPS2PH with round-to-nearest-even is the IEEE reference.
    const auto hardware = [](float x) {
        const __m128i half = _mm_cvtps_ph(_mm_set_ss(x), _MM_FROUND_TO_NEAREST_INT);
        return _mm_cvtss_f32(_mm_cvtph_ps(half));
    };
    Random random(7);
    long checked = 0;
    for (int i = 0; i < 400000; ++i) {
        // Random bit patterns concentrated on the fp16 exponent range, plus raw patterns.
        std::uint32_t bits = static_cast<std::uint32_t>(random.next());
        if (i % 2 == 0)
            bits = (bits & 0x807FFFFFu) | (static_cast<std::uint32_t>(100 + random.below(50)) << 23);
        if (i % 8 == 1)
            bits = (bits & 0xFFFFE000u) | 0x1000u; // exact ties in the normal range
        const float x = fromBits(bits);
        if (std::isnan(x))
            continue;
        const float expected = hardware(x);
        if (toBits(roundToFloat16(x)) != toBits(expected))
            QFAIL(qPrintable(QStringLiteral("fp16 mismatch for bits 0x%1").arg(bits, 8, 16, QLatin1Char('0'))));
        ++checked;
    }
    QVERIFY(checked > 300000);
#else
    QSKIP("no F16C on this build target");
#endif
}

void TestQuantization::bfloat16_data()
{
    QTest::addColumn<float>("input");
    QTest::addColumn<float>("expected");
    const float one = 1.0f;
    // ulp(1) = 2^-7 in bf16.
    QTest::newRow("one") << one << one;
    QTest::newRow("tie to even down") << one + std::ldexp(1.0f, -8) << one;
    QTest::newRow("tie to even up") << one + 3 * std::ldexp(1.0f, -8) << one + std::ldexp(1.0f, -6);
    QTest::newRow("above tie") << one + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20) << one + std::ldexp(1.0f, -7);
    QTest::newRow("largest bf16") << fromBits(0x7F7F0000u) << fromBits(0x7F7F0000u);
    QTest::newRow("below the overflow tie") << fromBits(0x7F7F7FFFu) << fromBits(0x7F7F0000u);
    QTest::newRow("overflow tie rounds to inf") << fromBits(0x7F7F8000u) << std::numeric_limits<float>::infinity();
    QTest::newRow("float max rounds to inf") << std::numeric_limits<float>::max() << std::numeric_limits<float>::infinity();
    QTest::newRow("subnormal tie to zero") << fromBits(0x00008000u) << 0.0f;
    QTest::newRow("subnormal tie to even up") << fromBits(0x00018000u) << fromBits(0x00020000u);
    QTest::newRow("subnormal kept") << fromBits(0x00010000u) << fromBits(0x00010000u);
    QTest::newRow("0.1") << 0.1f << 0.10009765625f;
    QTest::newRow("negative") << -3.0f << -3.0f;
    QTest::newRow("-inf") << -std::numeric_limits<float>::infinity() << -std::numeric_limits<float>::infinity();
}

void TestQuantization::bfloat16()
{
    QFETCH(float, input);
    QFETCH(float, expected);
    QCOMPARE(toBits(roundToBFloat16(input)), toBits(expected));
}

void TestQuantization::bfloat16MatchesReference()
{
    QVERIFY(std::isnan(roundToBFloat16(fromBits(0x7F800001u)))); // would become inf if merely truncated
    QVERIFY(std::isnan(roundToBFloat16(std::numeric_limits<float>::quiet_NaN())));
    Random random(11);
    for (int i = 0; i < 200000; ++i) {
        std::uint32_t bits = static_cast<std::uint32_t>(random.next());
        bits = (bits & 0x807FFFFFu) | (static_cast<std::uint32_t>(1 + random.below(253)) << 23); // normal
        if (i % 4 == 0)
            bits = (bits & 0xFFFF0000u) | 0x8000u; // exact ties
        const float x = fromBits(bits);
        const float expected = bf16Reference(x);
        if (toBits(roundToBFloat16(x)) != toBits(expected))
            QFAIL(qPrintable(QStringLiteral("bf16 mismatch for bits 0x%1").arg(bits, 8, 16, QLatin1Char('0'))));
    }
}

void TestQuantization::floatFormatsOnMatrices()
{
    const Matrix w = randomMatrix(7, 5, 3);
    QuantizationSpec fp16 = QuantizationSpec::parse("fp16");
    QuantizationSpec bf16 = QuantizationSpec::parse("bf16");
    const Matrix h = quantize(w, fp16);
    const Matrix b = quantize(w, bf16);
    for (Eigen::Index i = 0; i < w.size(); ++i) {
        QCOMPARE(h.data()[i], roundToFloat16(w.data()[i]));
        QCOMPARE(b.data()[i], roundToBFloat16(w.data()[i]));
    }
    QCOMPARE(quantize(w, QuantizationSpec::float32()), w);
}

void TestQuantization::integerErrorBound_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("perRow");
    for (int bits = 2; bits <= 8; ++bits) {
        QTest::newRow(qPrintable(QStringLiteral("int%1 tensor").arg(bits))) << bits << false;
        QTest::newRow(qPrintable(QStringLiteral("int%1 row").arg(bits))) << bits << true;
    }
}

void TestQuantization::integerErrorBound()
{
    QFETCH(int, bits);
    QFETCH(bool, perRow);
    Matrix w = randomMatrix(16, 40, 100 + bits);
    w.row(3) *= 20; // one row with much larger weights: per-row must beat per-tensor there
    const auto granularity = perRow ? QuantizationSpec::Granularity::PerRow : QuantizationSpec::Granularity::PerTensor;
    const Matrix q = quantize(w, QuantizationSpec::integer(bits, granularity));
    const int levels = (1 << (bits - 1)) - 1;
    for (Eigen::Index r = 0; r < w.rows(); ++r) {
        const double maxAbs = perRow ? w.row(r).cwiseAbs().maxCoeff() : w.cwiseAbs().maxCoeff();
        const double scale = maxAbs / levels;
        std::set<float> values;
        for (Eigen::Index c = 0; c < w.cols(); ++c) {
            const double error = std::abs(double(w(r, c)) - double(q(r, c)));
            QVERIFY2(error <= scale / 2 * (1 + 1e-6), qPrintable(QStringLiteral("error %1 > scale/2 %2").arg(error).arg(scale / 2)));
            // Every value is an integer multiple of the scale within -levels..levels.
            const double k = double(q(r, c)) / scale;
            QVERIFY(std::abs(k - std::round(k)) < 1e-4);
            QVERIFY(std::abs(std::round(k)) <= levels);
            values.insert(q(r, c));
        }
        if (perRow)
            QVERIFY(values.size() <= std::size_t(2 * levels + 1));
    }
    // The largest |w| is represented exactly (it defines the scale).
    Eigen::Index r0 = 0, c0 = 0;
    w.cwiseAbs().maxCoeff(&r0, &c0);
    QCOMPARE(q(r0, c0), w(r0, c0));
}

void TestQuantization::integerHandComputed()
{
    // 3 bits: levels -3..3, scale = 0.9 / 3 = 0.3.
    Matrix w(1, 5);
    w << 0.9f, -0.3f, 0.05f, 0.0f, 0.46f;
    const Matrix q = quantize(w, QuantizationSpec::integer(3));
    QCOMPARE(q(0, 0), 0.9f);
    QVERIFY(std::abs(q(0, 1) + 0.3f) < 1e-7f);
    QCOMPARE(q(0, 2), 0.0f); // 0.05 / 0.3 = 0.17 rounds to 0
    QCOMPARE(q(0, 3), 0.0f);
    QVERIFY(std::abs(q(0, 4) - 0.6f) < 1e-7f); // 0.46 / 0.3 = 1.53 -> 2
}

void TestQuantization::integerTiesToEven()
{
    // 4 bits: levels -7..7, max 7 so scale 1: x.5 ties go to the even integer.
    Matrix w(1, 6);
    w << 7.0f, 0.5f, 1.5f, 2.5f, -2.5f, -3.5f;
    const Matrix q = quantize(w, QuantizationSpec::integer(4));
    QCOMPARE(q(0, 1), 0.0f);
    QCOMPARE(q(0, 2), 2.0f);
    QCOMPARE(q(0, 3), 2.0f);
    QCOMPARE(q(0, 4), -2.0f);
    QCOMPARE(q(0, 5), -4.0f);
}

void TestQuantization::perRowUsesEachRowsScale()
{
    Matrix w(2, 3);
    w << 1.0f, 0.5f, -0.25f,
        100.0f, 0.5f, 0.0f;
    // int2: levels -1..1. Per tensor: scale 100, so row 0 collapses to zero.
    const Matrix tensor = quantize(w, QuantizationSpec::integer(2));
    QCOMPARE(tensor(0, 0), 0.0f);
    QCOMPARE(tensor(1, 0), 100.0f);
    QCOMPARE(tensor(1, 1), 0.0f);
    // Per row: row 0 scale 1 -> 1, 0 (0.5 ties to even 0), -0 ; row 1 scale 100.
    const Matrix row = quantize(w, QuantizationSpec::integer(2, QuantizationSpec::Granularity::PerRow));
    QCOMPARE(row(0, 0), 1.0f);
    QCOMPARE(row(0, 1), 0.0f);
    QCOMPARE(row(0, 2), 0.0f);
    QCOMPARE(row(1, 0), 100.0f);
    // int8 per row: row 0 error bound 1/127/2, far below the per-tensor 100/127/2.
    const Matrix fine = quantize(w, QuantizationSpec::integer(8, QuantizationSpec::Granularity::PerRow));
    QVERIFY(std::abs(fine(0, 1) - 0.5f) <= 1.0f / 127 / 2 + 1e-7f);
    QVERIFY(std::abs(fine(0, 2) + 0.25f) <= 1.0f / 127 / 2 + 1e-7f);
}

void TestQuantization::zerosStayZero()
{
    Matrix w = randomMatrix(12, 30, 5);
    Random random(9);
    for (Eigen::Index i = 0; i < w.size(); ++i)
        if (random.bernoulli(0.6))
            w.data()[i] = 0;
    w.row(4).setZero(); // an all-zero row (a removed neuron) in per-row mode
    const std::vector<std::string> specs = {"fp16", "bf16", "8", "6", "4", "3", "2", "ternary", "binary",
                                            "8-row", "4-row", "2-row", "ternary-row", "binary-row"};
    for (const std::string& text : specs) {
        const Matrix q = quantize(w, QuantizationSpec::parse(text));
        QVERIFY(q.allFinite());
        for (Eigen::Index i = 0; i < w.size(); ++i)
            if (w.data()[i] == 0)
                QVERIFY2(q.data()[i] == 0, text.c_str());
    }
    // An all-zero matrix stays all zero (no division by a zero scale).
    const Matrix zero = Matrix::Zero(3, 4);
    for (const std::string& text : specs)
        QVERIFY(quantize(zero, QuantizationSpec::parse(text)).isZero(0));
}

// An integer, ternary or binary code of 0 has no sign: the weight it stands for is +0.0,
// whichever side of zero the original weight was on (fp16/bf16 keep IEEE signed zeros;
// pruning ranks both zeros alike, see tst_pruning).
void TestQuantization::integerCodesOfZeroArePositiveZero()
{
    Matrix w(2, 6);
    w << 1.0f, -0.01f, 0.01f, -0.0f, 0.0f, -1.0f,
        -0.8f, -0.001f, 0.001f, -0.0f, 0.6f, 0.9f;
    for (const char* name : {"8", "6", "4", "3", "2", "ternary", "binary", "8-row", "2-row", "ternary-row",
                             "binary-row"}) {
        const std::string text = name;
        const Matrix q = quantize(w, QuantizationSpec::parse(text));
        long zeroCount = 0;
        for (Eigen::Index i = 0; i < q.size(); ++i)
            if (q.data()[i] == 0.0f) {
                ++zeroCount;
                QVERIFY2(!std::signbit(q.data()[i]), (text + " at " + std::to_string(i)).c_str());
            }
        QVERIFY2(zeroCount >= 3, text.c_str()); // at least the exact zeros (binary keeps only those)
    }
    // int4 per tensor, scale 1/7: -0.01 and -0.001 have code 0, so become +0.
    const Matrix q4 = quantize(w, QuantizationSpec::parse("4"));
    QCOMPARE(std::bit_cast<std::uint32_t>(q4(0, 1)), 0u);
    QCOMPARE(std::bit_cast<std::uint32_t>(q4(1, 1)), 0u);
    QCOMPARE(std::bit_cast<std::uint32_t>(q4(0, 3)), 0u);
    // Ternary per tensor: mean|w| = 4.322/9 over the non-zeros, delta = 0.7 * 0.4802, so
    // -0.01 is below delta and becomes +0, not -0.
    const Matrix t = quantize(w, QuantizationSpec::parse("ternary"));
    QCOMPARE(std::bit_cast<std::uint32_t>(t(0, 1)), 0u);
    QCOMPARE(std::bit_cast<std::uint32_t>(t(1, 1)), 0u);
}

void TestQuantization::ternaryHandComputed()
{
    // Non-zero mean |w| = (0.8 + 0.6 + 0.3 + 0.1) / 4 = 0.45; delta = 0.315;
    // above it: 0.8 and 0.6, alpha = 0.7. The zero is not part of the statistics.
    Matrix w(1, 5);
    w << 0.8f, -0.6f, 0.3f, 0.1f, 0.0f;
    QuantizationSpec spec = QuantizationSpec::parse("ternary");
    QCOMPARE(spec.storageBits(), 2);
    const Matrix q = quantize(w, spec);
    const QString mismatch = test::thresholdedRowMismatch(q, 0, {0.7f, -0.7f, 0.0f, 0.0f, 0.0f}, 1e-6f);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    // Per row: each row its own delta and alpha.
    Matrix two(2, 2);
    two << 1.0f, 0.1f,
        0.01f, 0.02f;
    const Matrix r = quantize(two, QuantizationSpec::parse("ternary-row"));
    // row 0: mean 0.55, delta 0.385: only 1.0 survives, alpha 1.
    QCOMPARE(r(0, 0), 1.0f);
    QCOMPARE(r(0, 1), 0.0f);
    // row 1: mean 0.015, delta 0.0105: only 0.02 survives.
    QCOMPARE(r(1, 0), 0.0f);
    QCOMPARE(r(1, 1), 0.02f);
}

void TestQuantization::binaryHandComputed()
{
    Matrix w(1, 4);
    w << 0.5f, -0.25f, 0.0f, 1.0f;
    const Matrix q = quantize(w, QuantizationSpec::parse("binary"));
    const float alpha = 1.75f / 3.0f;
    QVERIFY(std::abs(q(0, 0) - alpha) < 1e-6f);
    QVERIFY(std::abs(q(0, 1) + alpha) < 1e-6f);
    QCOMPARE(q(0, 2), 0.0f);
    QVERIFY(std::abs(q(0, 3) - alpha) < 1e-6f);
}

void TestQuantization::oneBitIntIsBinary()
{
    const Matrix w = randomMatrix(5, 6, 21);
    QuantizationSpec oneBit;
    oneBit.format = QuantizationSpec::Format::Int;
    oneBit.bits = 1;
    QCOMPARE(quantize(w, oneBit), quantize(w, QuantizationSpec::parse("binary")));
}

void TestQuantization::parseAndLabel()
{
    using F = QuantizationSpec::Format;
    using G = QuantizationSpec::Granularity;
    QCOMPARE(QuantizationSpec::parse("32").format, F::Float32);
    QVERIFY(QuantizationSpec::parse("fp32").isIdentity());
    QCOMPARE(QuantizationSpec::parse("16").format, F::Float16);
    QCOMPARE(QuantizationSpec::parse(" FP16 ").format, F::Float16);
    QCOMPARE(QuantizationSpec::parse("bf16").format, F::BFloat16);
    const QuantizationSpec int4 = QuantizationSpec::parse("4");
    QCOMPARE(int4.format, F::Int);
    QCOMPARE(int4.bits, 4);
    QCOMPARE(int4.granularity, G::PerTensor);
    QCOMPARE(int4.storageBits(), 4);
    const QuantizationSpec int8row = QuantizationSpec::parse("int8-row");
    QCOMPARE(int8row.bits, 8);
    QCOMPARE(int8row.granularity, G::PerRow);
    QCOMPARE(QString::fromStdString(int8row.label()), QStringLiteral("int8 per row"));
    QCOMPARE(QuantizationSpec::parse("binary").storageBits(), 1);
    QCOMPARE(QuantizationSpec::parse("1").format, F::Binary);
    QCOMPARE(QString::fromStdString(QuantizationSpec::parse("ternary").label()), QStringLiteral("ternary"));
    QCOMPARE(QString::fromStdString(QuantizationSpec::parse("bf16").label()), QStringLiteral("bf16"));
    QCOMPARE(QuantizationSpec::parse("fp16").storageBits(), 16);
    QCOMPARE(QuantizationSpec::float32().storageBits(), 32);
    // Labels parse back to the same spec.
    for (const std::string& text : {"32", "fp16", "bf16", "8", "5-row", "2", "ternary", "binary-row"}) {
        const QuantizationSpec spec = QuantizationSpec::parse(text);
        QVERIFY2(QuantizationSpec::parse(spec.label()) == spec, text.c_str());
    }
    QCOMPARE(QuantizationSpec::parse("4-row").scaleCount(10), 10L);
    QCOMPARE(QuantizationSpec::parse("4").scaleCount(10), 1L);
    QCOMPARE(QuantizationSpec::parse("fp16").scaleCount(10), 0L);
}

void TestQuantization::badSpecsThrow()
{
    QVERIFY_THROWS_EXCEPTION(ConfigError, QuantizationSpec::parse("9"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, QuantizationSpec::parse("int12"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, QuantizationSpec::parse("abc"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, QuantizationSpec::parse(""));
    QVERIFY_THROWS_EXCEPTION(ConfigError, QuantizationSpec::integer(9));
    QVERIFY_THROWS_EXCEPTION(ConfigError, QuantizationSpec::integer(0));
    try {
        QuantizationSpec::parse("float8");
        QFAIL("no exception");
    } catch (const ConfigError& error) {
        QVERIFY(std::string(error.what()).find("float8") != std::string::npos);
    }
}

QTEST_APPLESS_MAIN(TestQuantization)
#include "tst_quantization.moc"
