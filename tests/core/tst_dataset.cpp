// Dataset basics: subsets, validation, the stratified split and the feature scaler.
#include "TestDatasets.h"
#include "common/Error.h"
#include "data/Dataset.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>

using namespace ss;
using ss::test::classCounts;

namespace {

// 3 classes of sizes 50, 30, 20; feature 0 = sample index, feature 1 = 10 * label + 1.
Dataset makeData()
{
    Dataset data;
    data.name = "toy";
    const int n = 100;
    data.features.resize(2, n);
    data.labels.resize(n);
    for (int i = 0; i < n; ++i) {
        const int label = i < 50 ? 0 : (i < 80 ? 1 : 2);
        data.labels[i] = label;
        data.features(0, i) = float(i);
        data.features(1, i) = float(10 * label + 1);
    }
    data.classNames = {"a", "b", "c"};
    data.featureNames = {"index", "label code"};
    return data;
}

} // namespace

class TestDataset : public QObject {
    Q_OBJECT
private slots:
    void subsetKeepsOrderAndMetadata();
    void subsetRejectsBadIndex();
    void validateAcceptsGood();
    void validateRejects_data();
    void validateRejects();
    void splitIsStratified_data();
    void splitIsStratified();
    void splitIsDeterministic();
    void splitRejectsBadFraction();
    void stratifiedSampleExactCount();
    void scalerStandardizesOnTrainOnly();
    void scalerConstantFeature();
    void scalerDivideBy255AndNone();
    void scalerFromParameters();
    void scalerRejectsWrongShape();
    void defaultScaling();
};

void TestDataset::subsetKeepsOrderAndMetadata()
{
    const Dataset data = makeData();
    const Dataset sub = data.subset({99, 3, 50, 3});
    QCOMPARE(sub.sampleCount(), 4);
    QCOMPARE(sub.featureCount(), 2);
    QCOMPARE(sub.features(0, 0), 99.0f);
    QCOMPARE(sub.features(0, 1), 3.0f);
    QCOMPARE(sub.features(0, 2), 50.0f);
    QCOMPARE(sub.features(0, 3), 3.0f);
    QCOMPARE(sub.labels, (Labels{2, 0, 1, 0}));
    QCOMPARE(sub.classNames, data.classNames);
    QCOMPARE(sub.featureNames, data.featureNames);
    QCOMPARE(sub.name, data.name);
    QCOMPARE(data.subset({}).sampleCount(), 0);
}

void TestDataset::subsetRejectsBadIndex()
{
    const Dataset data = makeData();
    QVERIFY_THROWS_EXCEPTION(ConfigError, data.subset({0, 100}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, data.subset({-1}));
}

void TestDataset::validateAcceptsGood()
{
    Dataset data = makeData();
    data.validate();
    data.featureNames.clear(); // unnamed features are allowed
    data.validate();
    Dataset image;
    image.features = Matrix::Zero(6, 2);
    image.labels = {0, 1};
    image.classNames = {"x", "y"};
    image.imageShape = ImageShape{2, 3};
    image.validate();
}

void TestDataset::validateRejects_data()
{
    QTest::addColumn<int>("defect");
    QTest::newRow("label count") << 0;
    QTest::newRow("label too large") << 1;
    QTest::newRow("negative label") << 2;
    QTest::newRow("feature names") << 3;
    QTest::newRow("image shape") << 4;
    QTest::newRow("NaN feature") << 5;
    QTest::newRow("no class names") << 6;
}

void TestDataset::validateRejects()
{
    QFETCH(int, defect);
    Dataset data = makeData();
    switch (defect) {
    case 0: data.labels.pop_back(); break;
    case 1: data.labels[7] = 3; break;
    case 2: data.labels[7] = -1; break;
    case 3: data.featureNames.push_back("extra"); break;
    case 4: data.imageShape = ImageShape{1, 3}; break;
    case 5: data.features(1, 4) = std::nanf(""); break;
    case 6: data.classNames.clear(); break;
    }
    QVERIFY_THROWS_EXCEPTION(ConfigError, data.validate());
}

void TestDataset::splitIsStratified_data()
{
    QTest::addColumn<double>("fraction");
    QTest::addColumn<QList<int>>("testCounts");
    // round(f * 50), round(f * 30), round(f * 20)
    QTest::newRow("0.2") << 0.2 << QList<int>{10, 6, 4};
    QTest::newRow("0.25") << 0.25 << QList<int>{13, 8, 5};
    QTest::newRow("0.5") << 0.5 << QList<int>{25, 15, 10};
    QTest::newRow("0") << 0.0 << QList<int>{0, 0, 0};
}

void TestDataset::splitIsStratified()
{
    QFETCH(double, fraction);
    QFETCH(QList<int>, testCounts);
    const Dataset data = makeData();
    const TrainTestSplit split = stratifiedSplit(data, fraction, 7);
    const std::vector<int> testClassCounts = classCounts(split.test);
    const std::vector<int> trainClassCounts = classCounts(split.train);
    const int sizes[3] = {50, 30, 20};
    for (int c = 0; c < 3; ++c) {
        QCOMPARE(testClassCounts[c], testCounts[c]);
        QCOMPARE(trainClassCounts[c], sizes[c] - testCounts[c]);
    }
    // Train and test together are exactly the original samples, each once.
    std::set<int> seen;
    for (int i = 0; i < split.train.sampleCount(); ++i)
        seen.insert(int(split.train.features(0, i)));
    for (int i = 0; i < split.test.sampleCount(); ++i)
        QVERIFY(seen.insert(int(split.test.features(0, i))).second);
    QCOMPARE(int(seen.size()), 100);
    // Indices point back at the source and are ascending.
    QCOMPARE(int(split.trainIndices.size()), split.train.sampleCount());
    QVERIFY(std::is_sorted(split.trainIndices.begin(), split.trainIndices.end()));
    for (int k = 0; k < split.test.sampleCount(); ++k) {
        QCOMPARE(split.test.features(0, k), float(split.testIndices[k]));
        QCOMPARE(split.test.labels[k], data.labels[split.testIndices[k]]);
    }
    QCOMPARE(split.train.classNames, data.classNames);
    QCOMPARE(split.test.featureNames, data.featureNames);
}

void TestDataset::splitIsDeterministic()
{
    const Dataset data = makeData();
    const TrainTestSplit a = stratifiedSplit(data, 0.2, 123);
    const TrainTestSplit b = stratifiedSplit(data, 0.2, 123);
    const TrainTestSplit c = stratifiedSplit(data, 0.2, 124);
    QCOMPARE(a.testIndices, b.testIndices);
    QCOMPARE(a.trainIndices, b.trainIndices);
    QVERIFY(a.train.features == b.train.features);
    QVERIFY(a.testIndices != c.testIndices);
}

void TestDataset::splitRejectsBadFraction()
{
    const Dataset data = makeData();
    QVERIFY_THROWS_EXCEPTION(ConfigError, stratifiedSplit(data, 1.0, 1));
    QVERIFY_THROWS_EXCEPTION(ConfigError, stratifiedSplit(data, -0.1, 1));
    QVERIFY_THROWS_EXCEPTION(ConfigError, stratifiedSplit(data, std::nan(""), 1));
}

void TestDataset::stratifiedSampleExactCount()
{
    const Dataset data = makeData();
    for (int count : {0, 1, 7, 33, 50, 99, 100}) {
        const std::vector<int> chosen = stratifiedSample(data, count, 5);
        QCOMPARE(int(chosen.size()), count);
        QVERIFY(std::is_sorted(chosen.begin(), chosen.end()));
        QVERIFY(std::adjacent_find(chosen.begin(), chosen.end()) == chosen.end());
        const std::vector<int> counts = classCounts(data.subset(chosen));
        const double sizes[3] = {50, 30, 20};
        for (int c = 0; c < 3; ++c)
            QVERIFY(std::abs(counts[c] - count * sizes[c] / 100.0) < 1.0);
    }
    QCOMPARE(stratifiedSample(data, 40, 9), stratifiedSample(data, 40, 9));
    QVERIFY_THROWS_EXCEPTION(ConfigError, stratifiedSample(data, 101, 1));
}

void TestDataset::scalerStandardizesOnTrainOnly()
{
    Dataset train;
    train.name = "train";
    train.features.resize(2, 4);
    train.features << 1, 2, 3, 4,
                      10, 10, 30, 30;
    train.labels = {0, 1, 0, 1};
    train.classNames = {"a", "b"};
    const FeatureScaler scaler = FeatureScaler::fit(train, FeatureScaler::Kind::Standardize);
    // Row 0: mean 2.5, population std sqrt(1.25); row 1: mean 20, std 10.
    QCOMPARE(scaler.offset()(0), 2.5f);
    QCOMPARE(scaler.offset()(1), 20.0f);
    QVERIFY(std::abs(scaler.factor()(0) - 1.0 / std::sqrt(1.25)) < 1e-6);
    QVERIFY(std::abs(scaler.factor()(1) - 0.1) < 1e-7);

    Matrix scaledTrain = train.features;
    scaler.apply(scaledTrain);
    for (int r = 0; r < 2; ++r) {
        QVERIFY(std::abs(scaledTrain.row(r).mean()) < 1e-6);
        QVERIFY(std::abs(scaledTrain.row(r).squaredNorm() / 4 - 1.0) < 1e-5);
    }
    // Test data is transformed with the train statistics, not its own.
    Matrix test(2, 2);
    test << 2.5, 100,
            20, 40;
    scaler.apply(test);
    QVERIFY(std::abs(test(0, 0)) < 1e-6);
    QVERIFY(std::abs(test(0, 1) - 97.5 / std::sqrt(1.25)) < 1e-3);
    QVERIFY(std::abs(test(1, 0) - 0.0) < 1e-6);
    QVERIFY(std::abs(test(1, 1) - 2.0) < 1e-6);
}

void TestDataset::scalerConstantFeature()
{
    Dataset train;
    train.features.resize(1, 3);
    train.features << 5, 5, 5;
    train.labels = {0, 1, 0};
    train.classNames = {"a", "b"};
    const FeatureScaler scaler = FeatureScaler::fit(train, FeatureScaler::Kind::Standardize);
    QCOMPARE(scaler.factor()(0), 1.0f);
    QCOMPARE(scaler.offset()(0), 5.0f);
    Matrix x(1, 2);
    x << 5, 7;
    scaler.apply(x);
    QCOMPARE(x(0, 0), 0.0f);
    QCOMPARE(x(0, 1), 2.0f);
}

void TestDataset::scalerDivideBy255AndNone()
{
    Dataset train;
    train.features = Matrix::Constant(4, 3, 255.0f);
    train.labels = {0, 1, 0};
    train.classNames = {"a", "b"};
    train.imageShape = ImageShape{2, 2};
    const FeatureScaler images = FeatureScaler::fit(train, FeatureScaler::Kind::DivideBy255);
    QCOMPARE(images.kind(), FeatureScaler::Kind::DivideBy255);
    Matrix x = train.features;
    x(2, 1) = 51.0f;
    images.apply(x);
    QVERIFY(std::abs(x(0, 0) - 1.0f) < 1e-6);
    QVERIFY(std::abs(x(2, 1) - 0.2f) < 1e-6);

    const FeatureScaler none = FeatureScaler::fit(train, FeatureScaler::Kind::None);
    Matrix y = train.features;
    none.apply(y);
    QVERIFY(y == train.features);
    FeatureScaler unfitted;
    Matrix z = Matrix::Constant(7, 2, 3.0f);
    unfitted.apply(z); // default-constructed: leaves any shape alone
    QCOMPARE(z(6, 1), 3.0f);
}

void TestDataset::scalerFromParameters()
{
    Vector offset(2), factor(2);
    offset << 1, -1;
    factor << 2, 0.5;
    const FeatureScaler scaler = FeatureScaler::fromParameters(FeatureScaler::Kind::Standardize, offset, factor);
    QCOMPARE(scaler.kind(), FeatureScaler::Kind::Standardize);
    Matrix x(2, 1);
    x << 3, 3;
    scaler.apply(x);
    QCOMPARE(x(0, 0), 4.0f);
    QCOMPARE(x(1, 0), 2.0f);
    Vector shortFactor(1);
    shortFactor << 1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, FeatureScaler::fromParameters(FeatureScaler::Kind::Standardize, offset, shortFactor));
    factor(1) = std::numeric_limits<float>::infinity();
    QVERIFY_THROWS_EXCEPTION(ConfigError, FeatureScaler::fromParameters(FeatureScaler::Kind::Standardize, offset, factor));
}

void TestDataset::scalerRejectsWrongShape()
{
    const Dataset data = makeData();
    const FeatureScaler scaler = FeatureScaler::fit(data, FeatureScaler::Kind::Standardize);
    Matrix wrong = Matrix::Zero(3, 2);
    QVERIFY_THROWS_EXCEPTION(ConfigError, scaler.apply(wrong));
}

void TestDataset::defaultScaling()
{
    Dataset data = makeData();
    QCOMPARE(defaultScalingFor(data), FeatureScaler::Kind::Standardize);
    data.imageShape = ImageShape{1, 2};
    QCOMPARE(defaultScalingFor(data), FeatureScaler::Kind::DivideBy255);
}

QTEST_APPLESS_MAIN(TestDataset)
#include "tst_dataset.moc"
