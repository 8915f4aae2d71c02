// prepareDataset: every kind of source becomes a scaled, stratified train/test split.
#include "TestDatasets.h"
#include "common/Error.h"
#include "data/DatasetCatalog.h"
#include "data/Generators.h"
#include "data/Gzip.h"
#include "data/IdxReader.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>

using namespace ss;
using ss::test::classCounts;

namespace {

double rowMean(const Matrix& m, int row)
{
    double sum = 0.0;
    for (Eigen::Index c = 0; c < m.cols(); ++c)
        sum += m(row, c);
    return sum / double(m.cols());
}

void putBigEndian(Bytes& bytes, std::uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes.push_back(static_cast<std::uint8_t>(value >> shift));
}

void writeIdx(const QTemporaryDir& dir, const QString& prefix, std::uint32_t count)
{
    Bytes images, labels;
    putBigEndian(images, idxImagesMagic);
    putBigEndian(images, count);
    putBigEndian(images, 2);
    putBigEndian(images, 2);
    putBigEndian(labels, idxLabelsMagic);
    putBigEndian(labels, count);
    for (std::uint32_t i = 0; i < count; ++i) {
        for (int p = 0; p < 4; ++p)
            images.push_back(static_cast<std::uint8_t>((i * 13 + p * 50) % 256));
        labels.push_back(static_cast<std::uint8_t>(i % 3));
    }
    const auto write = [&](const QString& name, const Bytes& bytes) {
        std::ofstream out(dir.filePath(name).toStdString(), std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    };
    write(prefix + "-images-idx3-ubyte.gz", gzip(images));
    write(prefix + "-labels-idx1-ubyte", labels);
}

} // namespace

class TestDatasetCatalog : public QObject {
    Q_OBJECT
private slots:
    void namedDatasetsAreEveryKnownName();
    void names();
    void generators_data();
    void generators();
    void scalerFittedOnTrainOnly();
    void givenScalerReplacesFitting();
    void deterministic();
    void bundled_data();
    void bundled();
    void csvPath();
    void idxFolder();
    void maxTrainSamples();
    void errors();
    void fashionMnist();
};

void TestDatasetCatalog::givenScalerReplacesFitting()
{
    DatasetRequest request;
    request.nameOrPath = "breast-cancer";
    const PreparedData fitted = prepareDataset(request);
    // An identity scaler leaves the raw values; applying the fitted scaler to them must give
    // exactly what the fitting path produced.
    request.scaler = FeatureScaler::fromParameters(FeatureScaler::Kind::Standardize, Vector::Zero(30), Vector::Ones(30));
    const PreparedData raw = prepareDataset(request);
    Matrix rescaled = raw.split.test.features;
    fitted.scaler.apply(rescaled);
    QVERIFY(rescaled == fitted.split.test.features);
    QVERIFY(raw.split.test.labels == fitted.split.test.labels);
    request.scaler = FeatureScaler::fromParameters(FeatureScaler::Kind::Standardize, Vector::Zero(4), Vector::Ones(4));
    QVERIFY_THROWS_EXCEPTION(ConfigError, prepareDataset(request));
}

void TestDatasetCatalog::names()
{
    QCOMPARE(generatorNames(), (std::vector<std::string>{"article", "moons", "circles", "xor", "spiral", "blobs"}));
    QCOMPARE(bundledDatasetNames(), (std::vector<std::string>{"breast-cancer", "digits", "iris"}));
}

void TestDatasetCatalog::generators_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("samples");
    for (const std::string& name : generatorNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name) << 0;
    QTest::newRow("moons 1000") << "moons" << 1000;
}

void TestDatasetCatalog::generators()
{
    QFETCH(QString, name);
    QFETCH(int, samples);
    DatasetRequest request;
    request.nameOrPath = name.toStdString();
    request.samples = samples;
    const PreparedData prepared = prepareDataset(request);
    const TrainTestSplit& split = prepared.split;
    split.train.validate();
    split.test.validate();
    const int total = split.train.sampleCount() + split.test.sampleCount();
    if (samples > 0)
        QCOMPARE(total, samples);
    // 20 % per class, rounded.
    const std::vector<int> trainCounts = classCounts(split.train);
    const std::vector<int> testCounts = classCounts(split.test);
    for (int c = 0; c < split.train.classCount(); ++c)
        QCOMPARE(testCounts[c], int(std::lround(0.2 * (trainCounts[c] + testCounts[c]))));
    QCOMPARE(prepared.scaler.kind(), FeatureScaler::Kind::Standardize);
    QVERIFY(prepared.description.rfind(name.toStdString() + ": ", 0) == 0);
    QVERIFY(prepared.description.find("seed 42") != std::string::npos);
    QVERIFY(prepared.description.find("standardised") != std::string::npos);
}

void TestDatasetCatalog::scalerFittedOnTrainOnly()
{
    DatasetRequest request;
    request.nameOrPath = "blobs";
    request.samples = 500;
    const PreparedData prepared = prepareDataset(request);
    // Train features are standardised exactly; the test part only approximately, with the
    // training statistics (its own mean is not forced to zero).
    for (int r = 0; r < 2; ++r) {
        QVERIFY(std::abs(rowMean(prepared.split.train.features, r)) < 1e-5);
        const double testMean = rowMean(prepared.split.test.features, r);
        QVERIFY(std::abs(testMean) > 1e-5);
        QVERIFY(std::abs(testMean) < 0.5);
    }
    // The scaler's statistics are those of the raw training samples, not of all samples.
    GeneratorOptions options;
    options.samples = 500;
    const Dataset raw = generateDataset("blobs", options);
    const Dataset rawTrain = raw.subset(prepared.split.trainIndices);
    const FeatureScaler& scaler = prepared.scaler;
    for (int r = 0; r < 2; ++r) {
        QVERIFY(std::abs(scaler.offset()(r) - rowMean(rawTrain.features, r)) < 1e-4);
        QVERIFY(std::abs(scaler.offset()(r) - rowMean(raw.features, r)) > 1e-4);
    }
    // And every test sample is its raw self, scaled with those statistics.
    for (int k = 0; k < prepared.split.test.sampleCount(); ++k) {
        const int source = prepared.split.testIndices[k];
        for (int r = 0; r < 2; ++r) {
            const float expected = (raw.features(r, source) - scaler.offset()(r)) * scaler.factor()(r);
            QVERIFY(std::abs(prepared.split.test.features(r, k) - expected) < 1e-5);
        }
        QCOMPARE(prepared.split.test.labels[k], raw.labels[source]);
    }
}

void TestDatasetCatalog::deterministic()
{
    DatasetRequest request;
    request.nameOrPath = "spiral";
    request.seed = 5;
    const PreparedData a = prepareDataset(request);
    const PreparedData b = prepareDataset(request);
    QVERIFY(a.split.train.features == b.split.train.features);
    QCOMPARE(a.split.test.labels, b.split.test.labels);
    QCOMPARE(a.description, b.description);
    request.seed = 6;
    const PreparedData c = prepareDataset(request);
    QVERIFY(a.split.train.features != c.split.train.features);
}

void TestDatasetCatalog::bundled_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("train");
    QTest::addColumn<int>("test");
    QTest::addColumn<QString>("attribution");
    // round(0.2 * 212) + round(0.2 * 357) = 42 + 71
    QTest::newRow("breast-cancer") << "breast-cancer" << 456 << 113 << "Wolberg";
    QTest::newRow("iris") << "iris" << 120 << 30 << "Fisher";
    // per class round(0.2 * n): 36+36+35+37+36+36+36+36+35+36 = 359
    QTest::newRow("digits") << "digits" << 1438 << 359 << "Alpaydin";
}

void TestDatasetCatalog::bundled()
{
    QFETCH(QString, name);
    QFETCH(int, train);
    QFETCH(int, test);
    QFETCH(QString, attribution);
    DatasetRequest request;
    request.nameOrPath = name.toStdString();
    const PreparedData prepared = prepareDataset(request);
    QCOMPARE(prepared.split.train.sampleCount(), train);
    QCOMPARE(prepared.split.test.sampleCount(), test);
    QVERIFY2(prepared.description.find(attribution.toStdString()) != std::string::npos, prepared.description.c_str());
    if (name == "digits") {
        QCOMPARE(prepared.scaler.kind(), FeatureScaler::Kind::DivideBy255);
        const Matrix& x = prepared.split.train.features;
        const auto [low, high] = std::minmax_element(x.data(), x.data() + x.size());
        QCOMPARE(*low, 0.0f);
        QVERIFY(std::abs(*high - 1.0f) < 1e-6);
        QVERIFY(prepared.description.find("pixels divided by 255") != std::string::npos);
    } else {
        QCOMPARE(prepared.scaler.kind(), FeatureScaler::Kind::Standardize);
    }
}

void TestDatasetCatalog::csvPath()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("mine.csv").toStdString();
    {
        std::ofstream out(path);
        out << "a,kind,b\n";
        for (int i = 0; i < 50; ++i)
            out << i << "," << (i % 2 ? "odd" : "even") << "," << i * i << "\n";
    }
    DatasetRequest request;
    request.nameOrPath = path;
    request.labelColumn = "kind";
    request.testFraction = 0.3;
    const PreparedData prepared = prepareDataset(request);
    QCOMPARE(prepared.split.test.sampleCount(), 16); // round(0.3 * 25) twice
    QCOMPARE(prepared.split.train.sampleCount(), 34);
    QCOMPARE(prepared.split.train.classNames, (std::vector<std::string>{"even", "odd"}));
    QCOMPARE(prepared.split.train.featureNames, (std::vector<std::string>{"a", "b"}));
    QVERIFY(prepared.description.find("label column 'kind'") != std::string::npos);
    // The test indices lead back to the file's rows: feature a is the row number.
    const int k = 2;
    const int row = prepared.split.testIndices[k];
    const float a = prepared.split.test.features(0, k) / prepared.scaler.factor()(0) + prepared.scaler.offset()(0);
    QVERIFY(std::abs(a - float(row)) < 1e-3);
}

void TestDatasetCatalog::idxFolder()
{
    QTemporaryDir dir;
    writeIdx(dir, "train", 30);
    writeIdx(dir, "t10k", 9);
    DatasetRequest request;
    request.nameOrPath = dir.path().toStdString();
    const PreparedData prepared = prepareDataset(request);
    QCOMPARE(prepared.split.train.sampleCount(), 30); // official split kept
    QCOMPARE(prepared.split.test.sampleCount(), 9);
    QCOMPARE(prepared.split.train.classNames, (std::vector<std::string>{"0", "1", "2"}));
    QCOMPARE(prepared.scaler.kind(), FeatureScaler::Kind::DivideBy255);
    QCOMPARE(prepared.split.train.features(1, 1), float((13 + 50) % 256) / 255.0f);
}

void TestDatasetCatalog::maxTrainSamples()
{
    DatasetRequest request;
    request.nameOrPath = "iris";
    request.maxTrainSamples = 30;
    const PreparedData prepared = prepareDataset(request);
    QCOMPARE(prepared.split.train.sampleCount(), 30);
    QCOMPARE(classCounts(prepared.split.train), (std::vector<int>{10, 10, 10}));
    QCOMPARE(prepared.split.test.sampleCount(), 30);
    QCOMPARE(int(prepared.split.trainIndices.size()), 30);
    QVERIFY(prepared.description.find("limited to 30") != std::string::npos);
}

void TestDatasetCatalog::errors()
{
    DatasetRequest request;
    request.nameOrPath = "no-such-set";
    try {
        prepareDataset(request);
        QFAIL("no error");
    } catch (const ConfigError& error) {
        QVERIFY(std::string(error.what()).find("moons") != std::string::npos);
        QVERIFY(std::string(error.what()).find("fashion-mnist") != std::string::npos);
    }
    request.nameOrPath = "/no/such/file.csv";
    QVERIFY_THROWS_EXCEPTION(InputError, prepareDataset(request));
    request.nameOrPath = "moons";
    request.testFraction = -0.1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, prepareDataset(request));
    request.testFraction = 0.0; // every row trains (exact fits on all data)
    QCOMPARE(prepareDataset(request).split.test.sampleCount(), 0);
    request.testFraction = 1.0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, prepareDataset(request));
    request.testFraction = 0.2;
    request.noise = std::nan("");
    QVERIFY_THROWS_EXCEPTION(ConfigError, prepareDataset(request));
    QTemporaryDir empty;
    request.nameOrPath = "fashion-mnist";
    request.fashionMnistDir = empty.path().toStdString();
    try {
        prepareDataset(request);
        QFAIL("no error");
    } catch (const InputError& error) {
        QVERIFY(error.problem().find("dataset-fashion-mnist") != std::string::npos);
    }
}

void TestDatasetCatalog::fashionMnist()
{
    if (!hasFashionMnist())
        QSKIP("Fashion-MNIST is not installed (sudo apt-get install dataset-fashion-mnist)");
    DatasetRequest request;
    request.nameOrPath = "fashion-mnist";
    request.maxTrainSamples = 2000;
    const PreparedData prepared = prepareDataset(request);
    QCOMPARE(prepared.split.train.sampleCount(), 2000);
    QCOMPARE(classCounts(prepared.split.train), std::vector<int>(10, 200));
    QCOMPARE(prepared.split.test.sampleCount(), 10000);
    QCOMPARE(prepared.split.train.classNames[0], std::string("T-shirt/top"));
    QCOMPARE(prepared.scaler.kind(), FeatureScaler::Kind::DivideBy255);
    const Matrix& x = prepared.split.test.features;
    const auto [low, high] = std::minmax_element(x.data(), x.data() + x.size());
    QCOMPARE(*low, 0.0f);
    QCOMPARE(*high, 1.0f);
    QVERIFY(prepared.description.find("Xiao") != std::string::npos);
    QVERIFY(prepared.description.find("official split") != std::string::npos);
}

// The app's dataset menu and --help read namedDatasets(): it must hold every name
// prepareDataset knows, once, and say which are generators.
void TestDatasetCatalog::namedDatasetsAreEveryKnownName()
{
    const std::vector<std::string> generators = generatorNames();
    std::vector<std::string> expected = generators;
    for (const std::string& name : bundledDatasetNames())
        expected.push_back(name);
    expected.push_back("fashion-mnist");
    std::vector<std::string> names;
    for (const NamedDataset& dataset : namedDatasets()) {
        names.push_back(dataset.name);
        QVERIFY2(!dataset.title.empty(), dataset.name.c_str());
        QCOMPARE(dataset.generator,
                 std::find(generators.begin(), generators.end(), dataset.name) != generators.end());
    }
    std::sort(expected.begin(), expected.end());
    std::sort(names.begin(), names.end());
    QCOMPARE(names, expected);
}

QTEST_APPLESS_MAIN(TestDatasetCatalog)
#include "tst_datasetcatalog.moc"
