// The exact prediction's fused sums (kernels/ExactSums.h) on whichever SIMD path runs
// (tests/CMakeLists.txt runs this suite once per path): bit for bit what std::fma gives.
#include "common/Random.h"
#include "kernels/ExactSums.h"
#include "kernels/Isa.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <vector>

using namespace ss;

class TestExactSums : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { ensureSimdPathChosen(); }

    // A sum whose product is not a double: one rounding (fused) keeps the 2^-75 term that a
    // multiply, then add, rounds away. Every lane position and the remainder are checked.
    void roundsOnceLikeStdFma()
    {
        const float weight = 1.0f + std::ldexp(1.0f, -23);
        const double x = 1.0 + std::ldexp(1.0, -52);
        const double fused = std::ldexp(1.0, -52) + std::ldexp(1.0, -75);
        for (int count : {1, 2, 3, 4, 7, 8, 9, 16, 17, 33}) {
            std::vector<float> column(static_cast<std::size_t>(count), weight);
            std::vector<double> sums(static_cast<std::size_t>(count), -static_cast<double>(weight));
            addColumnFused(sums.data(), column.data(), x, count);
            for (int i = 0; i < count; ++i)
                QCOMPARE(sums[static_cast<std::size_t>(i)], fused);
        }
    }

    void randomColumnsMatchStdFmaBitForBit()
    {
        Random random(11);
        for (int count : {0, 5, 10, 31, 128, 256, 1001}) {
            std::vector<float> column;
            std::vector<double> sums, expected;
            for (int i = 0; i < count; ++i) {
                column.push_back(static_cast<float>(random.normal(0.0, 1.0) * std::pow(10.0, random.uniform(-6, 3))));
                sums.push_back(random.normal(0.0, 100.0));
            }
            expected = sums;
            const double x = random.uniform(-300, 300);
            addColumnFused(sums.data(), column.data(), x, count);
            for (int i = 0; i < count; ++i)
                expected[static_cast<std::size_t>(i)] =
                    std::fma(static_cast<double>(column[static_cast<std::size_t>(i)]), x, expected[static_cast<std::size_t>(i)]);
            QVERIFY(std::memcmp(sums.data(), expected.data(), sums.size() * sizeof(double)) == 0);
        }
    }
};

QTEST_APPLESS_MAIN(TestExactSums)
#include "tst_exactsums.moc"
