// The SIMD path chooser: SPARSESCOPE_ISA forces the path the kernels really run on.
#include "kernels/Gemm.h"
#include "kernels/IntegerProduct.h"
#include "kernels/Isa.h"

#include <QtTest>

#include <cstdlib>

using namespace ss;

class TestIsa : public QObject {
    Q_OBJECT

private slots:
    void forcedPathIsTheActiveOne()
    {
        const char* forced = std::getenv("SPARSESCOPE_ISA");
        const std::string active = activeSimdPath();
        const std::vector<std::string> available = availableSimdPaths();
        QVERIFY(!available.empty());
        QCOMPARE(available.back(), std::string("scalar")); // the portable path is always there
        if (forced == nullptr || *forced == '\0') {
            // Unforced: the best path the CPU offers.
            const std::string best = available.front();
            QVERIFY2(active.rfind(best == "baseline" ? std::string("sse4") : best, 0) == 0
                         || (best == "baseline" && active == "neon"),
                     (active + " is not the best of " + available.front()).c_str());
            return;
        }
        const std::string path = forced;
        if (path == "avx512")
            QVERIFY(active == "avx512" || active == "avx512-vnni");
        else if (path == "baseline")
            QVERIFY(active == "sse4" || active == "neon");
        else
            QCOMPARE(active, path);
    }

    void integerProductWhereTheInstructionsAre()
    {
        const std::string active = activeSimdPath();
        if (active == "avx512-vnni") {
            QVERIFY(integerProductSpeedup(127) > 1); // int8 codes too
        } else if (active == "avx512" || active == "avx2") {
            QVERIFY(integerProductSpeedup(63) > 1); // 16-bit pair sums: up to 7-bit codes
            QCOMPARE(integerProductSpeedup(64), 0.0);
        } else {
            QCOMPARE(integerProductSpeedup(1), 0.0);
        }
    }

    void integerProductMatchesTheDefinition()
    {
        // 3 outputs x 10 inputs (3 groups of 4, zero padded) x 37 samples (2 blocks).
        const long samples = 37, padded = 64, inputs = 10, groups = 3, outputs = 3;
        const int limit = integerProductSpeedup(127) > 0 ? 127 : 63;
        if (integerProductSpeedup(1) == 0)
            QSKIP("no integer product on this path");
        std::vector<std::uint8_t> bytes(static_cast<std::size_t>(inputs * samples));
        std::vector<std::uint8_t> packed(static_cast<std::size_t>(groups * padded * 4), 0);
        std::vector<std::int8_t> codes(static_cast<std::size_t>(outputs * groups * 4), 0);
        for (long j = 0; j < inputs; ++j)
            for (long s = 0; s < samples; ++s) {
                const auto value = static_cast<std::uint8_t>((j * 37 + s * 11) % 256 == 0 ? 255 : (j * 37 + s * 11) % 256);
                bytes[static_cast<std::size_t>(j * samples + s)] = value;
                packed[static_cast<std::size_t>(((j / 4) * padded + s) * 4 + j % 4)] = value;
            }
        for (long o = 0; o < outputs; ++o)
            for (long j = 0; j < inputs; ++j)
                codes[static_cast<std::size_t>(o * groups * 4 + j)] =
                    static_cast<std::int8_t>(((o + 1) * (j + 3) * 7) % (2 * limit + 1) - limit);
        const float scale[3] = {1.0f, 0.5f, 0.25f};
        std::vector<float> z(static_cast<std::size_t>(samples * outputs), -1.0f);
        integerProduct(packed.data(), padded, samples, codes.data(), groups, outputs, scale, z.data(), 0, padded / 32);
        for (long o = 0; o < outputs; ++o)
            for (long s = 0; s < samples; ++s) {
                long sum = 0;
                for (long j = 0; j < inputs; ++j)
                    sum += long(codes[static_cast<std::size_t>(o * groups * 4 + j)]) * bytes[static_cast<std::size_t>(j * samples + s)];
                QCOMPARE(z[static_cast<std::size_t>(o * samples + s)], static_cast<float>(sum) * scale[o]);
            }
    }

    void everyPathHasAGemmTile()
    {
        // The training step allocates nothing only with the own kernel (Eigen's GEMM allocates).
        QVERIFY(gemmUsesOwnKernel());
    }
};

QTEST_APPLESS_MAIN(TestIsa)
#include "tst_isa.moc"
