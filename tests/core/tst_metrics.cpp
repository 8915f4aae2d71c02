// Metrics against hand-computed cases, including the source article's worked example.
#include "metrics/Metrics.h"
#include "nn/WeightStatistics.h"
#include "common/Error.h"

#include <QtTest>
#include <cmath>

#include "../common/WorkedConfusionExample.h"

using namespace ss;

class TestMetrics : public QObject {
    Q_OBJECT
private slots:
    void articleWorkedExample();
    void threeClassHandComputed();
    void classNeverPredictedCountsAsZero();
    void microEqualsAccuracy();
    void rejectsLabelsOutOfRange();
    void logLossHandComputed();
    void logLossClampsZeroProbability();
    void weightStatisticsHandComputed();
    void hoyerExtremes();
    void defaultPositiveClassByName_data();
    void defaultPositiveClassByName();
    void defaultPositiveClassIsTheMinority();
    void choosePositiveClass();
};

void TestMetrics::articleWorkedExample()
{
    const test::WorkedConfusionExample example = test::workedConfusionExample();
    const ClassificationReport r = classificationReport(example.truth, example.predicted, 2);
    for (const test::ConfusionCell& cell : example.cells)
        QCOMPARE(r.confusion.count(cell.truth, cell.predicted), cell.count);
    QVERIFY(r.binary);
    QCOMPARE(r.accuracy, 0.6);
    QCOMPARE(r.positive.precision, 0.5);
    QCOMPARE(r.positive.recall, 1.0);
    QVERIFY(std::abs(r.positive.f1 - 2.0 / 3.0) < 1e-12);
}

void TestMetrics::threeClassHandComputed()
{
    // Confusion (rows true, columns predicted):
    //   [3 1 0]
    //   [0 2 2]
    //   [1 0 1]
    ConfusionMatrix cm(3);
    cm.add(0, 0, 3); cm.add(0, 1, 1);
    cm.add(1, 1, 2); cm.add(1, 2, 2);
    cm.add(2, 0, 1); cm.add(2, 2, 1);
    const ClassificationReport r = classificationReport(cm);
    QCOMPARE(r.confusion.total(), 10L);
    QCOMPARE(r.accuracy, 0.6);
    // class 0: P 3/4, R 3/4; class 1: P 2/3, R 2/4; class 2: P 1/3, R 1/2
    QCOMPARE(r.perClass[0].precision, 0.75);
    QCOMPARE(r.perClass[0].recall, 0.75);
    QVERIFY(std::abs(r.perClass[1].precision - 2.0 / 3.0) < 1e-12);
    QCOMPARE(r.perClass[1].recall, 0.5);
    QVERIFY(std::abs(r.perClass[2].precision - 1.0 / 3.0) < 1e-12);
    QCOMPARE(r.perClass[2].recall, 0.5);
    const double f1_0 = 0.75, f1_1 = 2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), f1_2 = 2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5);
    QVERIFY(std::abs(r.macro.f1 - (f1_0 + f1_1 + f1_2) / 3) < 1e-12);
    QVERIFY(std::abs(r.weighted.f1 - (0.4 * f1_0 + 0.4 * f1_1 + 0.2 * f1_2)) < 1e-12);
    QVERIFY(std::abs(r.macro.precision - (0.75 + 2.0 / 3 + 1.0 / 3) / 3) < 1e-12);
    QCOMPARE(r.perClass[1].support, 4L);
    QCOMPARE(r.perClass[0].predicted, 4L);
    QVERIFY(!r.binary);
}

void TestMetrics::classNeverPredictedCountsAsZero()
{
    const Labels truth{0, 1, 2, 2};
    const Labels predicted{0, 1, 1, 0};
    const ClassificationReport r = classificationReport(truth, predicted, 3);
    QVERIFY(r.perClass[2].noPredictions);
    QCOMPARE(r.perClass[2].precision, 0.0);
    QCOMPARE(r.perClass[2].recall, 0.0);
    QCOMPARE(r.perClass[2].f1, 0.0);
    QVERIFY(!r.perClass[0].noPredictions);
    // A class absent from the data: recall 0/0 flagged.
    const ClassificationReport absent = classificationReport(Labels{0, 0}, Labels{0, 1}, 3);
    QVERIFY(absent.perClass[2].noSupport);
    QVERIFY(absent.perClass[2].noPredictions);
    QVERIFY(absent.perClass[1].noSupport);
    QVERIFY(!absent.perClass[1].noPredictions);
}

void TestMetrics::microEqualsAccuracy()
{
    const Labels truth{0, 1, 2, 2, 1, 0, 0, 2};
    const Labels predicted{0, 2, 2, 1, 1, 0, 1, 2};
    const ClassificationReport r = classificationReport(truth, predicted, 3);
    QCOMPARE(r.micro.precision, r.accuracy);
    QCOMPARE(r.micro.recall, r.accuracy);
    QVERIFY(std::abs(r.micro.f1 - r.accuracy) < 1e-12);
}

void TestMetrics::rejectsLabelsOutOfRange()
{
    QVERIFY_THROWS_EXCEPTION(ConfigError, classificationReport(Labels{0, 3}, Labels{0, 1}, 3));
    QVERIFY_THROWS_EXCEPTION(ConfigError, classificationReport(Labels{0}, Labels{0, 1}, 3));
}

void TestMetrics::logLossHandComputed()
{
    Matrix p(2, 2);
    p << 0.8f, 0.3f,
         0.2f, 0.7f;
    const double expected = -(std::log(0.8) + std::log(0.7)) / 2;
    QVERIFY(std::abs(logLoss(p, Labels{0, 1}) - expected) < 1e-6);
}

void TestMetrics::logLossClampsZeroProbability()
{
    Matrix p(2, 1);
    p << 1.0f, 0.0f;
    QVERIFY(std::abs(logLoss(p, Labels{1}) - (-std::log(1e-15))) < 1e-9);
}

void TestMetrics::weightStatisticsHandComputed()
{
    Matrix w(2, 2);
    w << 3.0f, 0.0f,
         -4.0f, 0.0f;
    const WeightStatistics s = weightStatistics(w);
    QCOMPARE(s.weights, 4L);
    QCOMPARE(s.zeroWeights, 2L);
    QCOMPARE(s.sparsity, 0.5);
    QCOMPARE(s.density, 0.5);
    QCOMPARE(s.l1Norm, 7.0);
    QCOMPARE(s.l2Norm, 5.0);
    QCOMPARE(s.meanAbsWeight, 1.75);
    QVERIFY(std::abs(s.hoyer - (2.0 - 7.0 / 5.0) / (2.0 - 1.0)) < 1e-12);
}

void TestMetrics::hoyerExtremes()
{
    Matrix oneHot = Matrix::Zero(1, 9);
    oneHot(0, 4) = -2.5f;
    QCOMPARE(weightStatistics(oneHot).hoyer, 1.0);
    const Matrix flat = Matrix::Constant(3, 3, 0.5f);
    QVERIFY(std::abs(weightStatistics(flat).hoyer) < 1e-12);
    QCOMPARE(weightStatistics(Matrix::Zero(2, 2)).hoyer, 0.0);
}

void TestMetrics::defaultPositiveClassByName_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::addColumn<int>("positive");
    // Class names as codeClasses orders them; counts make class 0 the minority, so a name
    // match is what picks the class.
    QTest::newRow("0/1") << "0" << "1" << 1;
    QTest::newRow("-1/1") << "-1" << "1" << 1;
    QTest::newRow("false/true") << "False" << "True" << 1;
    QTest::newRow("no/yes") << "no" << "yes" << 1;
    QTest::newRow("negative/positive") << "negative" << "positive" << 1;
    QTest::newRow("zheng/fu") << QString::fromUtf8("正") << QString::fromUtf8("负") << 0;
    QTest::newRow("yinxing/yangxing") << QString::fromUtf8("阴性") << QString::fromUtf8("阳性") << 1;
    QTest::newRow("padded YES") << " YES " << "no" << 0;
}

void TestMetrics::defaultPositiveClassByName()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    QFETCH(int, positive);
    const std::vector<std::string> names = {first.toStdString(), second.toStdString()};
    for (const std::vector<long>& counts : {std::vector<long>{10, 90}, std::vector<long>{90, 10}}) {
        const PositiveClassChoice choice = defaultPositiveClass(names, counts);
        QCOMPARE(choice.index, positive);
        QCOMPARE(choice.rule, PositiveClassChoice::Rule::Named);
    }
}

void TestMetrics::defaultPositiveClassIsTheMinority()
{
    // Breast cancer: 212 malignant (class 0), 357 benign.
    PositiveClassChoice choice = defaultPositiveClass({"malignant", "benign"}, {212, 357});
    QCOMPARE(choice.index, 0);
    QCOMPARE(choice.rule, PositiveClassChoice::Rule::Minority);
    // Labels 1 and 2 are not a 0/1 coding: the name "1" does not decide.
    choice = defaultPositiveClass({"1", "2"}, {30, 10});
    QCOMPARE(choice.index, 1);
    QCOMPARE(choice.rule, PositiveClassChoice::Rule::Minority);
    // Both or neither named, equal counts: class 1, as before there was a choice.
    choice = defaultPositiveClass({"cat", "dog"}, {5, 5});
    QCOMPARE(choice.index, 1);
    QCOMPARE(choice.rule, PositiveClassChoice::Rule::Second);
    choice = defaultPositiveClass({"yes", "true"}, {5, 7});
    QCOMPARE(choice.index, 0);
    QCOMPARE(choice.rule, PositiveClassChoice::Rule::Minority);
    QVERIFY(!positiveClassRuleText(PositiveClassChoice::Rule::Minority).empty());
}

void TestMetrics::choosePositiveClass()
{
    // The article's table with class 0 as its positive class: TP 40, FP 40, FN 0.
    Labels truth, predicted;
    for (int i = 1; i <= 100; ++i) {
        truth.push_back(i <= 40 ? 0 : 1);
        predicted.push_back(i <= 40 || i > 60 ? 0 : 1);
    }
    ClassificationReport r = classificationReport(truth, predicted, 2);
    QCOMPARE(r.positiveClass, 1); // unchosen: class 1, the negative class here
    QCOMPARE(r.positive.precision, 1.0);
    QVERIFY(std::abs(r.positive.recall - 1.0 / 3.0) < 1e-12);
    ss::choosePositiveClass(r, 0, PositiveClassChoice::Rule::Chosen);
    QCOMPARE(r.positiveClass, 0);
    QCOMPARE(r.positiveRule, PositiveClassChoice::Rule::Chosen);
    QCOMPARE(r.positive.precision, 0.5);
    QCOMPARE(r.positive.recall, 1.0);
    QVERIFY(std::abs(r.positive.f1 - 2.0 / 3.0) < 1e-12);
    QVERIFY_THROWS_EXCEPTION(ConfigError, ss::choosePositiveClass(r, 2, PositiveClassChoice::Rule::Chosen));
    ClassificationReport three = classificationReport(Labels{0, 1, 2}, Labels{0, 1, 2}, 3);
    QVERIFY_THROWS_EXCEPTION(ConfigError, ss::choosePositiveClass(three, 0, PositiveClassChoice::Rule::Chosen));
}

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
