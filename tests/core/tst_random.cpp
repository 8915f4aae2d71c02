// The seeded random source: reproducible, in range, unbiased enough to trust.
#include "common/Error.h"
#include "common/Random.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using ss::Random;

class TestRandom : public QObject {
    Q_OBJECT
private slots:
    void engineIsTheStandardOne();
    void sameSeedSameSequence();
    void uniformMatchesItsDefinition();
    void uniformRange();
    void below_data();
    void below();
    void belowZeroThrows();
    void normalMoments();
    void shuffleIsPermutation();
    void shuffleUsesEveryOrder();
};

void TestRandom::engineIsTheStandardOne()
{
    // The C++ standard fixes the 10000th output of a default-seeded mt19937_64.
    Random random(5489u);
    std::uint64_t value = 0;
    for (int i = 0; i < 10000; ++i)
        value = random.next();
    QCOMPARE(value, std::uint64_t(9981545732273789042ull));
}

void TestRandom::sameSeedSameSequence()
{
    Random a(7), b(7), c(8);
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        const double x = a.normal();
        QCOMPARE(x, b.normal());
        differs = differs || x != c.normal();
    }
    QVERIFY(differs);
    a.reseed(7);
    b.reseed(7);
    QCOMPARE(a.permutation(50), b.permutation(50));
}

void TestRandom::uniformMatchesItsDefinition()
{
    // Written out so that any platform gives these exact values.
    Random random(123);
    std::mt19937_64 engine(123);
    for (int i = 0; i < 100; ++i)
        QCOMPARE(random.uniform(), static_cast<double>(engine() >> 11) / 9007199254740992.0);
}

void TestRandom::uniformRange()
{
    Random random(1);
    double low = 1.0, high = 0.0, sum = 0.0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        const double u = random.uniform();
        QVERIFY(u >= 0.0 && u < 1.0);
        low = std::min(low, u);
        high = std::max(high, u);
        sum += u;
    }
    QVERIFY(low < 1e-3);
    QVERIFY(high > 1.0 - 1e-3);
    QVERIFY(std::abs(sum / n - 0.5) < 0.01);
    for (int i = 0; i < 1000; ++i) {
        const double u = random.uniform(-3.0, 5.0);
        QVERIFY(u >= -3.0 && u < 5.0);
    }
}

void TestRandom::below_data()
{
    QTest::addColumn<quint64>("n");
    QTest::newRow("1") << quint64(1);
    QTest::newRow("2") << quint64(2);
    QTest::newRow("7") << quint64(7);
    QTest::newRow("10") << quint64(10);
    QTest::newRow("97") << quint64(97);
}

void TestRandom::below()
{
    QFETCH(quint64, n);
    Random random(99);
    std::vector<int> counts(n, 0);
    const int draws = 20000 * static_cast<int>(n);
    for (int i = 0; i < draws; ++i) {
        const std::uint64_t k = random.below(n);
        QVERIFY(k < n);
        ++counts[k];
    }
    // Chi-square against uniform; the 99.99 % quantile for <= 96 degrees of freedom is < 160.
    double chi2 = 0.0;
    const double expected = 20000.0;
    for (int c : counts)
        chi2 += (c - expected) * (c - expected) / expected;
    QVERIFY2(chi2 < 160.0, qPrintable(QString("chi2 = %1").arg(chi2)));
}

void TestRandom::belowZeroThrows()
{
    Random random(1);
    QVERIFY_THROWS_EXCEPTION(ss::ConfigError, random.below(0));
}

void TestRandom::normalMoments()
{
    Random random(2024);
    const int n = 200000;
    double sum = 0.0, sumSquares = 0.0;
    int beyond3 = 0;
    for (int i = 0; i < n; ++i) {
        const double z = random.normal(1.5, 2.0);
        QVERIFY(std::isfinite(z));
        sum += z;
        sumSquares += z * z;
        beyond3 += std::abs(z - 1.5) > 6.0;
    }
    const double mean = sum / n;
    const double variance = sumSquares / n - mean * mean;
    QVERIFY(std::abs(mean - 1.5) < 0.02);
    QVERIFY(std::abs(std::sqrt(variance) - 2.0) < 0.02);
    // P(|z| > 3) = 0.0027
    QVERIFY(std::abs(beyond3 / double(n) - 0.0027) < 0.0008);
}

void TestRandom::shuffleIsPermutation()
{
    Random random(3);
    std::vector<int> values(1000);
    for (int i = 0; i < 1000; ++i)
        values[i] = i;
    random.shuffle(values);
    std::vector<int> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(sorted[i], i);
    int fixedPoints = 0;
    for (int i = 0; i < 1000; ++i)
        fixedPoints += values[i] == i;
    QVERIFY(fixedPoints < 10);
    std::vector<int> empty;
    random.shuffle(empty);
    QVERIFY(empty.empty());
}

void TestRandom::shuffleUsesEveryOrder()
{
    // All 6 orders of 3 elements appear about equally often.
    Random random(11);
    std::map<std::vector<int>, int> counts;
    for (int i = 0; i < 60000; ++i) {
        std::vector<int> v{0, 1, 2};
        random.shuffle(v);
        ++counts[v];
    }
    QCOMPARE(int(counts.size()), 6);
    for (const auto& [order, count] : counts)
        QVERIFY(std::abs(count - 10000) < 500);
}

QTEST_APPLESS_MAIN(TestRandom)
#include "tst_random.moc"
