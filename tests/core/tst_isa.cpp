// The SIMD path chooser: SPARSESCOPE_ISA forces the path the kernels really run on.
#include "kernels/Gemm.h"
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

    void everyPathHasAGemmTile()
    {
        // The training step allocates nothing only with the own kernel (Eigen's GEMM allocates).
        QVERIFY(gemmUsesOwnKernel());
    }
};

QTEST_APPLESS_MAIN(TestIsa)
#include "tst_isa.moc"
