#include "common/Error.h"
#include "data/DatasetCatalog.h"
#include "eval/RegularizationPath.h"

#include <QtTest>

#include <atomic>

using namespace ss;

namespace {

Dataset tiny()
{
    Dataset data;
    data.name = "tiny";
    data.features.resize(2, 4);
    data.features << 1, -1, 2, 0,
                     0, 0, 1, 1;
    data.labels = {1, 0, 1, 0};
    data.classNames = {"no", "yes"};
    data.featureNames = {"a", "b"};
    return data;
}

PreparedData breastCancer()
{
    DatasetRequest request;
    request.nameOrPath = "breast-cancer";
    request.seed = 5;
    return prepareDataset(request);
}

} // namespace

class TestRegularizationPath : public QObject {
    Q_OBJECT

private slots:
    void lambdaMaxByHand()
    {
        // Share of class 1 is 0.5; feature a: (1*(-0.5) + -1*0.5 + 2*(-0.5) + 0) / 4 = -0.5;
        // feature b: (0 + 0 + 1*(-0.5) + 1*0.5) / 4 = 0. So lambdaMax = 0.5.
        QCOMPARE(lassoLambdaMax(tiny()), 0.5);
    }

    void lambdaMaxSoftmaxByHand()
    {
        Dataset data;
        data.features.resize(1, 3);
        data.features << 1, 2, 3;
        data.labels = {0, 1, 2};
        data.classNames = {"a", "b", "c"};
        // Shares 1/3 each. Class 2: (1*(1/3) + 2*(1/3) + 3*(1/3 - 1)) / 3 = (1 + 2 + 3 - 9)/9 = -1/3;
        // class 0: (1*(1/3 - 1) + 2/3 + 1) / 3 = (-2/3 + 5/3)/3 = 1/3; class 1: 0.
        QVERIFY(std::abs(lassoLambdaMax(data) - 1.0 / 3.0) < 1e-9);
    }

    void pathGoesFromNoFeaturesToAll()
    {
        const PreparedData data = breastCancer();
        RegularizationPathOptions options;
        options.lambdas = 12;
        options.minRatio = 1e-3;
        options.epochsPerLambda = 8;
        options.training.optimizer.kind = OptimizerKind::Sgd;
        options.training.optimizer.learningRate = 0.5;
        options.training.batchSize = data.split.train.sampleCount(); // full batch: the exact proximal gradient path
        options.training.regularization.l1Mode = L1Mode::Proximal;
        int progressCalls = 0;
        const RegularizationPath path = computeRegularizationPath(data.split.train, data.split.test, options, nullptr,
                                                                  [&](double) { ++progressCalls; });
        QCOMPARE(static_cast<int>(path.points.size()), 12);
        QCOMPARE(progressCalls, 12);
        QVERIFY(!path.cancelled);
        QCOMPARE(path.points.front().lambda, path.lambdaMax);
        QVERIFY(std::abs(path.points.back().lambda - path.lambdaMax * 1e-3) < 1e-9 * path.lambdaMax);
        // At lambdaMax the zero solution is optimal: nothing (or, at the boundary, one weight) survives.
        QVERIFY2(path.points.front().nonZeroWeights <= 1, qPrintable(QString::number(path.points.front().nonZeroWeights)));
        QVERIFY(path.points.back().nonZeroWeights >= 25);
        QVERIFY(path.points.back().testAccuracy > 0.9);
        for (std::size_t i = 1; i < path.points.size(); ++i)
            QVERIFY(path.points[i].lambda < path.points[i - 1].lambda);
        QCOMPARE(path.points.front().weights.rows(), 1);
        QCOMPARE(path.points.front().weights.cols(), 30);
    }

    void ridgeKeepsEveryWeight()
    {
        const PreparedData data = breastCancer();
        RegularizationPathOptions options;
        options.lambdas = 3;
        options.epochsPerLambda = 3;
        options.alpha = 0.0;
        const RegularizationPath path = computeRegularizationPath(data.split.train, data.split.test, options);
        QCOMPARE(static_cast<int>(path.points.size()), 3);
        QCOMPARE(path.points.back().nonZeroWeights, 30L);
    }

    void cancelKeepsWhatIsDone()
    {
        const PreparedData data = breastCancer();
        RegularizationPathOptions options;
        options.lambdas = 5;
        std::atomic<bool> cancel{true};
        const RegularizationPath path = computeRegularizationPath(data.split.train, data.split.test, options, &cancel);
        QVERIFY(path.cancelled);
        QVERIFY(path.points.empty());
    }

    void badOptionsAreRejected()
    {
        const Dataset data = tiny();
        RegularizationPathOptions options;
        options.lambdas = 1;
        QVERIFY_THROWS_EXCEPTION(ConfigError, computeRegularizationPath(data, data, options));
        options = {};
        options.minRatio = 1.5;
        QVERIFY_THROWS_EXCEPTION(ConfigError, computeRegularizationPath(data, data, options));
        options = {};
        options.alpha = -0.1;
        QVERIFY_THROWS_EXCEPTION(ConfigError, computeRegularizationPath(data, data, options));
        options = {};
        options.training.optimizer.learningRate = 0;
        QVERIFY_THROWS_EXCEPTION(ConfigError, computeRegularizationPath(data, data, options));
    }
};

QTEST_APPLESS_MAIN(TestRegularizationPath)
#include "tst_regularization_path.moc"
