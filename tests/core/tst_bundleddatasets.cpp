// The bundled classics: sizes, classes, names, search folders and damaged copies.
#include "TestDatasets.h"
#include "common/Error.h"
#include "data/BundledDatasets.h"
#include "data/DatasetCatalog.h"

#include <QtTest>

#include <cstdlib>
#include <fstream>

using namespace ss;
using ss::test::classCounts;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

// Points the search at one folder only for the life of the object.
class OnlyFolder {
public:
    explicit OnlyFolder(const QString& folder)
    {
        qputenv("SPARSESCOPE_DATASETS", folder.toUtf8());
    }
    ~OnlyFolder() { qunsetenv("SPARSESCOPE_DATASETS"); }
};

} // namespace

class TestBundledDatasets : public QObject {
    Q_OBJECT
private slots:
    void names();
    void sizes_data();
    void sizes();
    void breastCancerFeatures();
    void irisContents();
    void digitsImages();
    void attribution();
    void searchOrder();
    void missingFile();
    void damagedFile_data();
    void damagedFile();
};

void TestBundledDatasets::names()
{
    QCOMPARE(bundledDatasetList(), (std::vector<std::string>{"breast-cancer", "digits", "iris"}));
    QCOMPARE(bundledDatasetNames(), bundledDatasetList());
    QVERIFY(isBundledDatasetName("iris"));
    QVERIFY(!isBundledDatasetName("mnist"));
    QCOMPARE(bundledDatasetFileName("digits"), std::string("digits.csv.gz"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, bundledDatasetFileName("nope"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, loadBundledDataset("nope"));
}

void TestBundledDatasets::sizes_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("features");
    QTest::addColumn<std::vector<int>>("counts");
    QTest::addColumn<QStringList>("classes");
    QTest::newRow("breast-cancer") << "breast-cancer" << 569 << 30 << std::vector<int>{212, 357}
                                   << QStringList{"malignant", "benign"};
    QTest::newRow("digits") << "digits" << 1797 << 64
                            << std::vector<int>{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}
                            << QStringList{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    QTest::newRow("iris") << "iris" << 150 << 4 << std::vector<int>{50, 50, 50}
                          << QStringList{"setosa", "versicolor", "virginica"};
}

void TestBundledDatasets::sizes()
{
    QFETCH(QString, name);
    QFETCH(int, samples);
    QFETCH(int, features);
    QFETCH(std::vector<int>, counts);
    QFETCH(QStringList, classes);
    const Dataset data = loadBundledDataset(name.toStdString());
    data.validate();
    QCOMPARE(data.name, name.toStdString());
    QCOMPARE(data.sampleCount(), samples);
    QCOMPARE(data.featureCount(), features);
    QCOMPARE(int(data.featureNames.size()), features);
    QCOMPARE(classCounts(data), counts);
    QCOMPARE(data.classCount(), int(classes.size()));
    for (int c = 0; c < classes.size(); ++c)
        QCOMPARE(QString::fromStdString(data.classNames[c]), classes[c]);
}

void TestBundledDatasets::breastCancerFeatures()
{
    const Dataset data = loadBundledDataset("breast-cancer");
    QCOMPARE(data.featureNames[0], std::string("mean radius"));
    QCOMPARE(data.featureNames[7], std::string("mean concave points"));
    QCOMPARE(data.featureNames[10], std::string("radius error"));
    QCOMPARE(data.featureNames[29], std::string("worst fractal dimension"));
    QVERIFY(!data.imageShape);
    // First row of the file: 17.99,10.38,122.8,... malignant.
    QCOMPARE(data.features(0, 0), 17.99f);
    QCOMPARE(data.features(2, 0), 122.8f);
    QCOMPARE(data.labels[0], 0);
}

void TestBundledDatasets::irisContents()
{
    const Dataset data = loadBundledDataset("iris");
    QCOMPARE(data.featureNames, (std::vector<std::string>{"sepal length (cm)", "sepal width (cm)",
                                                          "petal length (cm)", "petal width (cm)"}));
    QCOMPARE(data.features(0, 0), 5.1f);
    QCOMPARE(data.features(3, 0), 0.2f);
    QCOMPARE(data.labels[0], 0);
    QCOMPARE(data.labels[149], 2);
}

void TestBundledDatasets::digitsImages()
{
    const Dataset data = loadBundledDataset("digits");
    QVERIFY(data.imageShape.has_value());
    QCOMPARE(data.imageShape->height, 8);
    QCOMPARE(data.imageShape->width, 8);
    QCOMPARE(data.featureNames.front(), std::string("pixel 0,0"));
    QCOMPARE(data.featureNames[9], std::string("pixel 1,1"));
    QCOMPARE(data.featureNames.back(), std::string("pixel 7,7"));
    // The file's first row starts 0,0,5,13: rescaled from 0..16 to 0..255.
    QCOMPARE(data.features(2, 0), 5.0f * 255.0f / 16.0f);
    QCOMPARE(data.features(3, 0), 13.0f * 255.0f / 16.0f);
    QCOMPARE(data.labels[0], 0);
    QCOMPARE(*std::max_element(data.features.data(), data.features.data() + data.features.size()), 255.0f);
    QCOMPARE(defaultScalingFor(data), FeatureScaler::Kind::DivideBy255);
}

void TestBundledDatasets::attribution()
{
    QVERIFY(bundledDatasetAttribution("breast-cancer").find("Wolberg") != std::string::npos);
    QVERIFY(bundledDatasetAttribution("breast-cancer").find("CC BY 4.0") != std::string::npos);
    QVERIFY(bundledDatasetAttribution("digits").find("Alpaydin") != std::string::npos);
    QVERIFY(bundledDatasetAttribution("iris").find("Fisher (1936)") != std::string::npos);
}

void TestBundledDatasets::searchOrder()
{
    // A folder from SPARSESCOPE_DATASETS wins over the app's folders and the source tree.
    QTemporaryDir environmentDir, appDir;
    std::ofstream(appDir.filePath("iris.csv").toStdString()) << "3,4,a,b\n1,2,3,4,0\n5,6,7,8,1\n9,10,11,12,1\n";
    // Not a valid iris copy (counts differ): finding it proves which folder was used.
    setBundledDatasetDirectories({appDir.path().toStdString()});
    QCOMPARE(QString::fromStdString(findBundledDatasetFile("iris")), appDir.filePath("iris.csv"));
    QVERIFY_THROWS_EXCEPTION(InputError, loadBundledDataset("iris"));
    {
        OnlyFolder only(environmentDir.path() + ":" + appDir.path());
        const std::vector<std::string> folders = bundledDatasetDirectories();
        QCOMPARE(QString::fromStdString(folders[0]), environmentDir.path());
        QCOMPARE(QString::fromStdString(folders[1]), appDir.path());
        QCOMPARE(QString::fromStdString(folders[2]), appDir.path());
        QCOMPARE(QString::fromStdString(folders.back()), QString(SPARSESCOPE_SOURCE_DATASET_DIR));
        QFile::copy(QString(SPARSESCOPE_SOURCE_DATASET_DIR) + "/iris.csv", environmentDir.filePath("iris.csv"));
        QCOMPARE(QString::fromStdString(findBundledDatasetFile("iris")), environmentDir.filePath("iris.csv"));
        QCOMPARE(loadBundledDataset("iris").sampleCount(), 150);
    }
    setBundledDatasetDirectories({});
    // Without extra folders the source tree's copy is found.
    QCOMPARE(QString::fromStdString(findBundledDatasetFile("digits")),
             QString(SPARSESCOPE_SOURCE_DATASET_DIR) + "/digits.csv.gz");
}

void TestBundledDatasets::missingFile()
{
    QTemporaryDir empty;
    const std::string folder = empty.path().toStdString();
    QVERIFY(findBundledDatasetFile("iris", {folder}).empty());
    try {
        loadBundledDataset("iris", {folder});
        QFAIL("no error");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), std::string("iris.csv"));
        QVERIFY2(error.problem().find("not found; looked in: " + folder) != std::string::npos, error.what());
        QVERIFY2(error.problem().find("SPARSESCOPE_DATASETS") != std::string::npos, error.what());
    }
}

void TestBundledDatasets::damagedFile_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("problem");
    QTest::newRow("bad count") << "15x,4,a,b,c\n" << 1 << 1 << "expected a positive count";
    QTest::newRow("wrong counts") << "10,4,a,b,c\n1,2,3,4,0\n" << 1 << 0 << "expected 150,4";
    QTest::newRow("bad cell") << "150,4,a,b,c\n1,2,3,4,0\n1,2,x,4,1\n" << 3 << 3 << "not a number: 'x'";
    QTest::newRow("short") << "150,4,a,b,c\n1,2,3,4,0\n1,2,3,4,1\n1,2,3,4,2\n" << 0 << 0 << "expected 150 samples";
}

void TestBundledDatasets::damagedFile()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    const std::string path = dir.filePath("iris.csv").toStdString();
    std::ofstream(path) << text.toStdString();
    OnlyFolder only(dir.path());
    try {
        loadBundledDataset("iris");
        QFAIL("no error");
    } catch (const InputError& error) {
        QCOMPARE(error.file(), path);
        QCOMPARE(error.line(), line);
        QCOMPARE(error.column(), column);
        QVERIFY2(error.problem().find(problem.toStdString()) != std::string::npos, error.what());
    }
}

QTEST_APPLESS_MAIN(TestBundledDatasets)
#include "tst_bundleddatasets.moc"
