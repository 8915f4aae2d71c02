// The kernels of eval/Decisions on whichever SIMD path runs (tests/CMakeLists.txt runs this
// suite once per path): the exact prediction's fused sums (kernels/ExactSums.h), bit for bit
// what std::fma gives, and the per-sample scores of a block of logits
// (kernels/DecisionKernels.h) against a plain double-precision reference.
#include "common/Random.h"
#include "kernels/DecisionKernels.h"
#include "kernels/ExactSums.h"
#include "kernels/Isa.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace ss;

class TestDecisionKernels : public QObject {
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
            // Bit for bit (an empty vector's data() may be null: no memcmp of nothing).
            for (std::size_t i = 0; i < sums.size(); ++i)
                QVERIFY(std::memcmp(&sums[i], &expected[i], sizeof(double)) == 0);
        }
    }
    // Ties (the first class wins, the runner-up equals the top), +-infinite and NaN logits,
    // a true class far below the top (the 1e-15 floor) and blocks that end inside a vector.
    void blockScoresMatchAReference()
    {
        Random random(12);
        const float inf = std::numeric_limits<float>::infinity();
        for (const int classes : {2, 3, 10, 17}) {
            for (const int count : {1, 5, 16, 37, 256}) {
                const long stride = (count + kDecisionLanes - 1) / kDecisionLanes * kDecisionLanes;
                std::vector<float> logits(static_cast<std::size_t>(stride * classes), 0.0f);
                std::vector<int> truth(static_cast<std::size_t>(count));
                const auto at = [&](int c, int s) -> float& { return logits[static_cast<std::size_t>(c * stride + s)]; };
                for (int s = 0; s < count; ++s) {
                    for (int c = 0; c < classes; ++c)
                        at(c, s) = static_cast<float>(random.normal(0.0, 3.0));
                    truth[static_cast<std::size_t>(s)] = static_cast<int>(random.below(static_cast<std::uint64_t>(classes)));
                }
                if (count > 3) {
                    at(classes - 1, 0) = at(0, 0) = 9.0f;         // a tie at the top
                    at(1, 1) = inf;                                // infinite
                    at(0, 2) = std::numeric_limits<float>::quiet_NaN();
                    at(0, 3) = 80.0f;                              // p of another class below 1e-15
                    truth[3] = 1;
                    at(1, 3) = -5.0f;
                }
                if (count > 4 && classes > 2) {
                    at(2, 4) = -inf; // adds nothing to the softmax; the sample is decided exactly
                    truth[4] = 0;
                }
                std::vector<float> top(static_cast<std::size_t>(stride)), second(top), largest(top);
                std::vector<int> label(static_cast<std::size_t>(stride)), finite(label);
                const LogitColumns block{logits.data(), stride, classes, count, truth.data()};
                const double loss = scoreLogitColumns(block, top.data(), second.data(), largest.data(), label.data(),
                                                      finite.data());
                double expectedLoss = 0.0;
                for (int s = 0; s < count; ++s) {
                    const auto j = static_cast<std::size_t>(s);
                    double highest = -std::numeric_limits<double>::infinity(), sum = 0.0;
                    for (int c = 0; c < classes; ++c)
                        highest = std::max(highest, static_cast<double>(at(c, s)));
                    for (int c = 0; c < classes; ++c)
                        sum += std::exp(static_cast<double>(at(c, s)) - highest);
                    const double p = std::exp(static_cast<double>(at(truth[j], s)) - highest) / sum;
                    expectedLoss -= std::log(std::max(p, 1e-15)); // NaN stays NaN: std::max keeps its first
                    bool allFinite = true;
                    for (int c = 0; c < classes; ++c)
                        allFinite = allFinite && std::isfinite(at(c, s));
                    QCOMPARE(finite[j], allFinite ? 1 : 0);
                    if (!allFinite)
                        continue;
                    int best = 0;
                    float big = 0.0f;
                    for (int c = 0; c < classes; ++c) {
                        if (at(c, s) > at(best, s))
                            best = c;
                        big = std::max(big, std::abs(at(c, s)));
                    }
                    float runnerUp = -inf;
                    for (int c = 0; c < classes; ++c)
                        if (c != best)
                            runnerUp = std::max(runnerUp, at(c, s));
                    QCOMPARE(label[j], best);
                    QCOMPARE(top[j], at(best, s));
                    QCOMPARE(second[j], runnerUp);
                    QCOMPARE(largest[j], big);
                }
                if (std::isnan(expectedLoss))
                    QVERIFY(std::isnan(loss));
                else
                    QVERIFY2(std::abs(loss - expectedLoss) <= 1e-5 * std::max(1.0, expectedLoss),
                             qPrintable(QStringLiteral("%1 classes, %2 samples: %3 against %4")
                                            .arg(classes).arg(count).arg(loss).arg(expectedLoss)));
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestDecisionKernels)
#include "tst_decisionkernels.moc"
