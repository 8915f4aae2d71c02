// Synthetic 2-D generators: shapes, labels, class balance, determinism and geometry.
#include "TestDatasets.h"
#include "common/Error.h"
#include "data/Generators.h"

#include <QtTest>

#include <cmath>

using namespace ss;
using ss::test::classCounts;

Q_DECLARE_METATYPE(std::string)

class TestGenerators : public QObject {
    Q_OBJECT
private slots:
    void shapes_data();
    void shapes();
    void defaults_data();
    void defaults();
    void deterministic_data();
    void deterministic();
    void articleRuleIsExact();
    void articleNoiseFlipsLabels();
    void moonsGeometry();
    void circlesRadii();
    void xorRule();
    void spiralArms();
    void blobsCentres();
    void badOptions();
};

void TestGenerators::shapes_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("expectedClasses");
    QTest::newRow("article") << "article" << 100 << 3 << 2;
    QTest::newRow("moons odd") << "moons" << 401 << 3 << 2;
    QTest::newRow("circles") << "circles" << 50 << 3 << 2;
    QTest::newRow("xor") << "xor" << 400 << 3 << 2;
    QTest::newRow("spiral 3") << "spiral" << 600 << 3 << 3;
    QTest::newRow("spiral 5") << "spiral" << 101 << 5 << 5;
    QTest::newRow("blobs 2") << "blobs" << 30 << 2 << 2;
    QTest::newRow("blobs 10") << "blobs" << 1000 << 10 << 10;
}

void TestGenerators::shapes()
{
    QFETCH(QString, name);
    QFETCH(int, samples);
    QFETCH(int, classes);
    QFETCH(int, expectedClasses);
    GeneratorOptions options;
    options.samples = samples;
    options.classes = classes;
    options.seed = 3;
    const Dataset data = generateDataset(name.toStdString(), options);
    data.validate();
    QCOMPARE(data.name, name.toStdString());
    QCOMPARE(data.featureCount(), 2);
    QCOMPARE(data.sampleCount(), samples);
    QCOMPARE(int(data.labels.size()), samples);
    QCOMPARE(data.classCount(), expectedClasses);
    QCOMPARE(data.featureNames, (std::vector<std::string>{"x0", "x1"}));
    QVERIFY(!data.imageShape);
    for (const std::string& className : data.classNames)
        QVERIFY(!className.empty());
    QVERIFY(data.features.allFinite());
    const std::vector<int> counts = classCounts(data);
    for (int c = 0; c < expectedClasses; ++c)
        QVERIFY(counts[c] > 0);
    if (name != "article" && name != "xor") {
        // Designed balanced: counts differ by at most one.
        const auto [low, high] = std::minmax_element(counts.begin(), counts.end());
        QVERIFY(*high - *low <= 1);
    }
}

void TestGenerators::defaults_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("samples");
    QTest::addColumn<double>("noise");
    QTest::newRow("article") << "article" << 100 << 0.0;
    QTest::newRow("moons") << "moons" << 400 << 0.2;
    QTest::newRow("circles") << "circles" << 400 << 0.1;
    QTest::newRow("xor") << "xor" << 400 << 0.1;
    QTest::newRow("spiral") << "spiral" << 600 << 0.05;
    QTest::newRow("blobs") << "blobs" << 300 << 0.6;
}

void TestGenerators::defaults()
{
    QFETCH(QString, name);
    QFETCH(int, samples);
    QFETCH(double, noise);
    const std::string n = name.toStdString();
    QVERIFY(isGeneratorName(n));
    QCOMPARE(defaultGeneratorSamples(n), samples);
    QCOMPARE(defaultGeneratorNoise(n), noise);
    QVERIFY(!generatorNoiseMeaning(n).empty());
    const Dataset data = generateDataset(n, GeneratorOptions{});
    QCOMPARE(data.sampleCount(), samples);
    // Explicit defaults give the same data as "0 / < 0 = default".
    GeneratorOptions explicitOptions;
    explicitOptions.samples = samples;
    explicitOptions.noise = noise;
    QVERIFY(generateDataset(n, explicitOptions).features == data.features);
}

void TestGenerators::deterministic_data()
{
    QTest::addColumn<QString>("name");
    for (const std::string& name : generatorList())
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestGenerators::deterministic()
{
    QFETCH(QString, name);
    GeneratorOptions options;
    options.seed = 77;
    const Dataset a = generateDataset(name.toStdString(), options);
    const Dataset b = generateDataset(name.toStdString(), options);
    QVERIFY(a.features == b.features);
    QCOMPARE(a.labels, b.labels);
    options.seed = 78;
    const Dataset c = generateDataset(name.toStdString(), options);
    QVERIFY(a.features != c.features);
}

void TestGenerators::articleRuleIsExact()
{
    const Dataset data = generateArticle(100, 0.0, 1);
    QCOMPARE(data.sampleCount(), 100);
    QCOMPARE(data.classNames, (std::vector<std::string>{"x0 <= 0.5", "x0 > 0.5"}));
    int positives = 0;
    for (int i = 0; i < 100; ++i) {
        const float x0 = data.features(0, i);
        const float x1 = data.features(1, i);
        QVERIFY(x0 >= 0.0f && x0 <= 1.0f);
        QVERIFY(x1 >= 0.0f && x1 <= 1.0f);
        QCOMPARE(data.labels[i], x0 > 0.5f ? 1 : 0);
        positives += data.labels[i];
    }
    // Uniform: about half positive (binomial sd 5).
    QVERIFY(positives > 30 && positives < 70);
    // Uniform spread over the square: each quadrant of 10000 points holds ~2500.
    const Dataset big = generateArticle(10000, 0.0, 2);
    int quadrant[4] = {0, 0, 0, 0};
    for (int i = 0; i < big.sampleCount(); ++i)
        ++quadrant[(big.features(0, i) > 0.5f ? 1 : 0) + (big.features(1, i) > 0.5f ? 2 : 0)];
    for (int q : quadrant)
        QVERIFY(std::abs(q - 2500) < 200);
}

void TestGenerators::articleNoiseFlipsLabels()
{
    const Dataset clean = generateArticle(10000, 0.0, 9);
    const Dataset noisy = generateArticle(10000, 0.1, 9);
    // Same points, about 10 % of the labels flipped.
    QVERIFY(clean.features == noisy.features);
    int flipped = 0;
    for (int i = 0; i < clean.sampleCount(); ++i)
        flipped += clean.labels[i] != noisy.labels[i];
    QVERIFY2(std::abs(flipped - 1000) < 150, qPrintable(QString::number(flipped)));
    QVERIFY_THROWS_EXCEPTION(ConfigError, generateArticle(100, 1.5, 1));
}

void TestGenerators::moonsGeometry()
{
    // Without noise every point lies on its half circle.
    const Dataset data = generateMoons(200, 0.0, 4);
    for (int i = 0; i < data.sampleCount(); ++i) {
        const double x = data.features(0, i), y = data.features(1, i);
        if (data.labels[i] == 0) {
            QVERIFY(std::abs(x * x + y * y - 1.0) < 1e-5);
            QVERIFY(y >= -1e-6);
        } else {
            QVERIFY(std::abs((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5) - 1.0) < 1e-5);
            QVERIFY(y <= 0.5 + 1e-6);
        }
    }
    // Noise is Gaussian jitter with the given standard deviation.
    const Dataset noisy = generateMoons(20000, 0.2, 4);
    double sumSquares = 0.0;
    for (int i = 0; i < noisy.sampleCount(); ++i) {
        const double x = noisy.features(0, i), y = noisy.features(1, i);
        const double r = noisy.labels[i] == 0 ? std::hypot(x, y) : std::hypot(x - 1, y - 0.5);
        sumSquares += (r - 1.0) * (r - 1.0);
    }
    const double rms = std::sqrt(sumSquares / noisy.sampleCount());
    QVERIFY2(rms > 0.15 && rms < 0.25, qPrintable(QString::number(rms)));
}

void TestGenerators::circlesRadii()
{
    const Dataset data = generateCircles(100, 0.0, 5);
    for (int i = 0; i < data.sampleCount(); ++i) {
        const double r = std::hypot(data.features(0, i), data.features(1, i));
        QVERIFY(std::abs(r - (data.labels[i] == 0 ? 1.0 : 0.5)) < 1e-5);
    }
}

void TestGenerators::xorRule()
{
    const Dataset data = generateXor(1000, 0.0, 6);
    int ones = 0;
    for (int i = 0; i < data.sampleCount(); ++i) {
        const float x0 = data.features(0, i), x1 = data.features(1, i);
        QVERIFY(std::abs(x0) <= 1.0f && std::abs(x1) <= 1.0f);
        QCOMPARE(data.labels[i], (x0 > 0) != (x1 > 0) ? 1 : 0);
        ones += data.labels[i];
    }
    QVERIFY(ones > 420 && ones < 580);
}

void TestGenerators::spiralArms()
{
    const int arms = 4;
    const Dataset data = generateSpiral(400, 0.0, arms, 8);
    QCOMPARE(data.classCount(), 4);
    for (int i = 0; i < data.sampleCount(); ++i) {
        const double x = data.features(0, i), y = data.features(1, i);
        const double r = std::hypot(x, y);
        QVERIFY(r >= 0.05 - 1e-5 && r <= 1.0 + 1e-5);
        // Angle = 2 pi r + 2 pi arm / arms (mod 2 pi).
        const double expected = 2 * M_PI * r + 2 * M_PI * data.labels[i] / arms;
        const double diff = std::remainder(std::atan2(y, x) - expected, 2 * M_PI);
        QVERIFY2(std::abs(diff) < 1e-3, qPrintable(QString::number(diff)));
    }
}

void TestGenerators::blobsCentres()
{
    const int classes = 4;
    const Dataset data = generateBlobs(40000, 0.5, classes, 10);
    std::vector<double> cx(classes, 0.0), cy(classes, 0.0), sq(classes, 0.0);
    const std::vector<int> counts = classCounts(data);
    for (int i = 0; i < data.sampleCount(); ++i) {
        cx[data.labels[i]] += data.features(0, i);
        cy[data.labels[i]] += data.features(1, i);
    }
    for (int c = 0; c < classes; ++c) {
        cx[c] /= counts[c];
        cy[c] /= counts[c];
    }
    for (int i = 0; i < data.sampleCount(); ++i) {
        const int c = data.labels[i];
        sq[c] += std::pow(data.features(0, i) - cx[c], 2) + std::pow(data.features(1, i) - cy[c], 2);
    }
    for (int c = 0; c < classes; ++c) {
        // Neighbouring centres 3 apart; each cloud's per-axis std is the noise.
        const int next = (c + 1) % classes;
        QVERIFY(std::abs(std::hypot(cx[c] - cx[next], cy[c] - cy[next]) - 3.0) < 0.05);
        QVERIFY(std::abs(std::sqrt(sq[c] / counts[c] / 2) - 0.5) < 0.02);
    }
}

void TestGenerators::badOptions()
{
    GeneratorOptions options;
    QVERIFY_THROWS_EXCEPTION(ConfigError, generateDataset("nonsense", options));
    options.noise = std::nan("");
    QVERIFY_THROWS_EXCEPTION(ConfigError, generateDataset("moons", options));
    options.noise = 0.1;
    options.samples = 1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, generateDataset("moons", options));
    options.samples = -5;
    QVERIFY_THROWS_EXCEPTION(ConfigError, generateDataset("moons", options));
    options.samples = 100;
    options.classes = 1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, generateDataset("blobs", options));
    QVERIFY_THROWS_EXCEPTION(ConfigError, generateDataset("spiral", options));
    options.classes = 51;
    QVERIFY_THROWS_EXCEPTION(ConfigError, generateDataset("blobs", options));
}

QTEST_APPLESS_MAIN(TestGenerators)
#include "tst_generators.moc"
