#include "common/Error.h"
#include "data/DatasetCatalog.h"
#include "eval/RegularizationPath.h"

#include <QtTest>

#include <atomic>
#include <fstream>
#include <sstream>

using namespace ss;

namespace {

PreparedData breastCancer(double testFraction)
{
    DatasetRequest request;
    request.nameOrPath = "breast-cancer";
    request.seed = 5;
    request.testFraction = testFraction;
    return prepareDataset(request);
}

// A short path (three lambdas down from lambda max) at mixing `alpha`.
RegularizationPath threeLambdaPath(const PreparedData& data, double alpha)
{
    RegularizationPathOptions options;
    options.lambdas = 3;
    options.alpha = alpha;
    return computeRegularizationPath(data.split.train, data.split.test, options);
}

// tests/data/glmnet_*_path.txt: "lambda count" lines after '#' comments that say how they were made.
std::vector<std::pair<double, long>> glmnetPath(const char* file)
{
    std::ifstream in(std::string(SPARSESCOPE_TEST_DATA_DIR) + "/" + file);
    std::vector<std::pair<double, long>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        double lambda = 0;
        long count = 0;
        fields >> lambda >> count;
        rows.emplace_back(lambda, count);
    }
    return rows;
}

} // namespace

class TestRegularizationPath : public QObject {
    Q_OBJECT

private slots:
    // glmnet run to convergence (thresh 1e-14) on every row of a bundled set, at its own
    // lambda sequence (tests/data/glmnet_*_path.txt say how); we fit the same rows there.
    void nonZeroCountsAreGlmnets_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<QString>("reference");
        QTest::newRow("breast cancer, binomial") << "breast-cancer" << "glmnet_breast_cancer_path.txt";
        QTest::newRow("digits, multinomial") << "digits" << "glmnet_digits_path.txt";
    }

    void nonZeroCountsAreGlmnets()
    {
        QFETCH(QString, dataset);
        QFETCH(QString, reference);
        const auto glmnet = glmnetPath(reference.toStdString().c_str());
        QVERIFY(glmnet.size() >= 90);
        DatasetRequest request;
        request.nameOrPath = dataset.toStdString();
        request.testFraction = 0.0;
        const PreparedData data = prepareDataset(request);
        QCOMPARE(data.split.test.sampleCount(), 0);
        RegularizationPathOptions options;
        for (const auto& row : glmnet)
            options.explicitLambdas.push_back(row.first);
        const RegularizationPath path = computeRegularizationPath(data.split.train, data.split.test, options);
        QCOMPARE(path.points.size(), glmnet.size());
        QVERIFY(std::abs(path.lambdaMax - glmnet.front().first) < 1e-6 * glmnet.front().first);
        for (std::size_t i = 0; i < glmnet.size(); ++i) {
            QCOMPARE(path.points[i].lambda, glmnet[i].first);
            // glmnet's first lambda is its lambda_max from double data; ours from the float
            // data may lie a hair above or below it, where one weight is a hair from zero.
            if (i == 0 && glmnet[i].first < path.lambdaMax)
                continue;
            // Every lambda, the digits path's smallest too (the softmax close to separating the
            // classes, where a KKT tolerance that does not shrink with lambda left 1-3 weights
            // on the wrong side of zero).
            QVERIFY2(path.points[i].nonZeroWeights == glmnet[i].second,
                     qPrintable(QString("lambda %1: %2 non-zero, glmnet %3").arg(glmnet[i].first).arg(path.points[i].nonZeroWeights).arg(glmnet[i].second)));
            QVERIFY(path.points[i].kktResidual <= 1e-6);
            QVERIFY(!path.points[i].tested);
        }
    }

    void pathGoesFromNoFeaturesToAll()
    {
        const PreparedData data = breastCancer(0.2);
        RegularizationPathOptions options;
        options.lambdas = 12;
        options.minRatio = 1e-3;
        int progressCalls = 0;
        const RegularizationPath path = computeRegularizationPath(data.split.train, data.split.test, options, nullptr,
                                                                  [&](double) { ++progressCalls; });
        QCOMPARE(static_cast<int>(path.points.size()), 12);
        QCOMPARE(progressCalls, 12);
        QVERIFY(!path.cancelled);
        QCOMPARE(path.lambdaMax, lassoLambdaMax(data.split.train));
        QCOMPARE(path.points.front().lambda, path.lambdaMax);
        QVERIFY(std::abs(path.points.back().lambda - path.lambdaMax * 1e-3) < 1e-9 * path.lambdaMax);
        QCOMPARE(path.points.front().nonZeroWeights, 0L);
        QVERIFY(path.points.back().nonZeroWeights >= 15);
        QVERIFY(path.points.back().tested);
        QVERIFY(path.points.back().testAccuracy > 0.9);
        for (std::size_t i = 1; i < path.points.size(); ++i) {
            QVERIFY(path.points[i].lambda < path.points[i - 1].lambda);
            // A smaller penalty never leaves a worse fit to the training data.
            QVERIFY(path.points[i].meanLogLoss <= path.points[i - 1].meanLogLoss + 1e-9);
            QVERIFY(path.points[i].kktResidual <= 1e-6);
        }
        QCOMPARE(path.points.front().weights.rows(), 1);
        QCOMPARE(path.points.front().weights.cols(), 30);
    }

    void elasticNetStartsAtLambdaMaxOverAlpha()
    {
        const PreparedData data = breastCancer(0.2);
        const RegularizationPath path = threeLambdaPath(data, 0.5);
        QVERIFY(std::abs(path.lambdaMax - 2.0 * lassoLambdaMax(data.split.train)) < 1e-12 * path.lambdaMax);
        QCOMPARE(path.points.front().nonZeroWeights, 0L);
        QVERIFY(path.points[1].nonZeroWeights > 0);
    }

    void ridgeKeepsEveryWeight()
    {
        const PreparedData data = breastCancer(0.2);
        const RegularizationPath path = threeLambdaPath(data, 0.0);
        QCOMPARE(static_cast<int>(path.points.size()), 3);
        QCOMPARE(path.points.back().nonZeroWeights, 30L);
    }

    void cancelKeepsWhatIsDone()
    {
        const PreparedData data = breastCancer(0.2);
        RegularizationPathOptions options;
        options.lambdas = 5;
        std::atomic<bool> cancel{true};
        const RegularizationPath path = computeRegularizationPath(data.split.train, data.split.test, options, &cancel);
        QVERIFY(path.cancelled);
        QVERIFY(path.points.empty());
    }

    void badOptionsAreRejected()
    {
        const PreparedData data = breastCancer(0.2);
        const Dataset& train = data.split.train;
        RegularizationPathOptions options;
        options.lambdas = 1;
        QVERIFY_THROWS_EXCEPTION(ConfigError, computeRegularizationPath(train, train, options));
        options = {};
        options.minRatio = 1.5;
        QVERIFY_THROWS_EXCEPTION(ConfigError, computeRegularizationPath(train, train, options));
        options = {};
        options.alpha = -0.1;
        QVERIFY_THROWS_EXCEPTION(ConfigError, computeRegularizationPath(train, train, options));
        options = {};
        options.kktTolerance = -1;
        QVERIFY_THROWS_EXCEPTION(ConfigError, computeRegularizationPath(train, train, options));
    }
};

QTEST_APPLESS_MAIN(TestRegularizationPath)
#include "tst_regularization_path.moc"
