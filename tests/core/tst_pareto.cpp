// Pareto fronts of handmade points, with ties, duplicates and NaNs.
#include "common/Error.h"
#include "eval/Pareto.h"

#include <QtTest>

#include <cmath>

using namespace ss;

class TestPareto : public QObject {
    Q_OBJECT

private slots:
    void accuracyAndSparsity();
    void accuracyAndEnergy();
    void tiesAndDuplicates();
    void nanIsNeverOnTheFront();
    void indicesSortedForPlotting();
    void edgeCases();
};

void TestPareto::accuracyAndSparsity()
{
    //            0     1     2     3     4     5
    // accuracy 0.90  0.85  0.80  0.88  0.70  0.85
    // sparsity 0.10  0.50  0.90  0.40  0.95  0.30
    // 5 is dominated by 1 (same accuracy, less sparse); 3 is not dominated (0.88 > 0.85);
    // 4 is on the front (sparsest).
    const std::vector<double> accuracy = {0.90, 0.85, 0.80, 0.88, 0.70, 0.85};
    const std::vector<double> sparsity = {0.10, 0.50, 0.90, 0.40, 0.95, 0.30};
    const std::vector<bool> front = paretoFront(accuracy, sparsity, true);
    const std::vector<bool> expected = {true, true, true, true, true, false};
    QCOMPARE(front, expected);
    // Add a point that beats 1 and 3 on both: they drop off.
    std::vector<double> a2 = accuracy, s2 = sparsity;
    a2.push_back(0.89);
    s2.push_back(0.60);
    const std::vector<bool> front2 = paretoFront(a2, s2, true);
    const std::vector<bool> expected2 = {true, false, true, false, true, false, true};
    QCOMPARE(front2, expected2);
}

void TestPareto::accuracyAndEnergy()
{
    // Energy is minimised: the cheapest point and the most accurate are always on the front.
    const std::vector<double> accuracy = {0.90, 0.80, 0.85, 0.70, 0.86};
    const std::vector<double> energy = {100.0, 10.0, 50.0, 20.0, 60.0};
    const std::vector<bool> front = paretoFront(accuracy, energy, false);
    // 3 (0.70, 20) is dominated by 1 (0.80, 10); 4 (0.86, 60) is not dominated by 0 (0.90, 100).
    const std::vector<bool> expected = {true, true, true, false, true};
    QCOMPARE(front, expected);
}

void TestPareto::tiesAndDuplicates()
{
    // Two identical points: neither dominates the other, both are on the front.
    // Equal accuracy, different sparsity: only the sparser one.
    // Equal sparsity, different accuracy: only the more accurate one.
    const std::vector<double> accuracy = {0.9, 0.9, 0.9, 0.8, 0.95};
    const std::vector<double> sparsity = {0.5, 0.5, 0.4, 0.5, 0.2};
    const std::vector<bool> front = paretoFront(accuracy, sparsity, true);
    const std::vector<bool> expected = {true, true, false, false, true};
    QCOMPARE(front, expected);
    // All points equal: all on the front.
    QCOMPARE(paretoFront({0.5, 0.5, 0.5}, {1.0, 1.0, 1.0}, false), std::vector<bool>({true, true, true}));
}

void TestPareto::nanIsNeverOnTheFront()
{
    const double nan = std::nan("");
    const std::vector<double> accuracy = {nan, 0.8, 0.7};
    const std::vector<double> sparsity = {0.99, 0.5, nan};
    // The NaN-accuracy point would otherwise dominate nothing meaningful; 1 stays.
    QCOMPARE(paretoFront(accuracy, sparsity, true), std::vector<bool>({false, true, false}));
}

void TestPareto::indicesSortedForPlotting()
{
    const std::vector<double> accuracy = {0.70, 0.90, 0.80, 0.60};
    const std::vector<double> sparsity = {0.95, 0.10, 0.50, 0.20};
    QCOMPARE(paretoIndices(accuracy, sparsity, true), std::vector<int>({1, 2, 0}));
}

void TestPareto::edgeCases()
{
    QVERIFY(paretoFront({}, {}, true).empty());
    QCOMPARE(paretoFront({0.3}, {0.1}, true), std::vector<bool>({true}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, paretoFront({0.1, 0.2}, {0.1}, true));
}

QTEST_APPLESS_MAIN(TestPareto)
#include "tst_pareto.moc"
