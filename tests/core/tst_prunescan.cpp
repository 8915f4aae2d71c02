// Prune scan: levels, agreement with direct evaluation, per-layer sensitivity, cancel and
// progress.
#include "common/Error.h"
#include "eval/PruneScan.h"

#include <QtTest>

#include <atomic>
#include <limits>

#include "../common/TrainingFixtures.h"

using namespace ss;

namespace {

using Model = test::SelfLabelledModel;

Model makeModel()
{
    return test::selfLabelledModel(test::mlp(12, {10, 6}, 3), 3, 300, 4);
}

} // namespace

class TestPruneScan : public QObject {
    Q_OBJECT

private slots:
    void levels();
    void scanMatchesDirectEvaluation();
    void sensitivityPrunesOneLayer();
    void cancelAndProgress();
    void badOptions();
    void negativeZerosCountAsPruned();
};

void TestPruneScan::levels()
{
    const std::vector<double> levels = scanSparsityLevels(100, 0.999);
    QCOMPARE(levels.size(), std::size_t(100));
    QCOMPARE(levels.front(), 0.0);
    QCOMPARE(levels.back(), 0.999);
    for (std::size_t i = 1; i < levels.size(); ++i)
        QVERIFY(levels[i] > levels[i - 1]);
    // Denser near the top: the gaps shrink.
    QVERIFY(levels[99] - levels[98] < levels[1] - levels[0]);
    // Lower half evenly spaced on [0, 0.9); upper half evenly spaced in log density.
    QVERIFY(std::abs(levels[1] - 0.018) < 1e-12);
    QVERIFY(std::abs(levels[50] - 0.9) < 1e-12);
    const double ratio = (1 - levels[51]) / (1 - levels[50]);
    QVERIFY(std::abs((1 - levels[80]) / (1 - levels[79]) - ratio) < 1e-9);
    const auto above90 = std::count_if(levels.begin(), levels.end(), [](double s) { return s >= 0.9 - 1e-12; });
    QCOMPARE(above90, 50L);
    const std::vector<double> full = scanSparsityLevels(6, 1.0);
    QCOMPARE(full.back(), 1.0);
    const std::vector<double> low = scanSparsityLevels(5, 0.8);
    QCOMPARE(low.size(), std::size_t(5));
    for (int i = 0; i < 5; ++i)
        QVERIFY(std::abs(low[static_cast<std::size_t>(i)] - 0.2 * i) < 1e-12);
}

void TestPruneScan::scanMatchesDirectEvaluation()
{
    const Model model = makeModel();
    PruneScanOptions options;
    options.levels = 30;
    options.precision = QuantizationSpec::parse("6");
    const PruneScanResult scan = runPruneScan(model.network, model.test, options);
    QCOMPARE(scan.points.size(), std::size_t(30));
    QVERIFY(scan.layers.empty());
    QVERIFY(!scan.cancelled);
    QCOMPARE(scan.points.front().accuracy, evaluateFully(model.network, model.test,
                                                         {PruningSpec::sparsity(0.0), options.precision})
                                               .report.accuracy);
    for (const ScanPoint& p : scan.points) {
        const Evaluation e = evaluateFully(model.network, model.test, {PruningSpec::sparsity(p.targetSparsity), options.precision});
        QCOMPARE(p.accuracy, e.report.accuracy);
        QCOMPARE(p.macroF1, e.report.macro.f1);
        QCOMPARE(p.achievedSparsity, e.pruning.achievedSparsity);
        QCOMPARE(p.bytes, e.efficiency.bytesSmallest);
        QVERIFY(std::abs(p.achievedSparsity - p.targetSparsity) <= 1.0 / model.network.weightCount());
    }
    QVERIFY(scan.points.back().accuracy < scan.points.front().accuracy);
}

void TestPruneScan::sensitivityPrunesOneLayer()
{
    const Model model = makeModel();
    PruneScanOptions options;
    options.levels = 8;
    options.perLayerSensitivity = true;
    const PruneScanResult scan = runPruneScan(model.network, model.test, options);
    QCOMPARE(scan.layers.size(), std::size_t(3));
    for (const LayerSensitivity& layer : scan.layers) {
        QCOMPARE(layer.points.size(), std::size_t(8));
        const long n = model.network.layers()[static_cast<std::size_t>(layer.layer)].weights.size();
        QCOMPARE(layer.weights, n);
        for (const ScanPoint& p : layer.points) {
            QCOMPARE(p.layerSparsity, double(std::lround(p.targetSparsity * n)) / double(n));
            // Only that layer is pruned: overall sparsity = its zeros / all weights.
            QCOMPARE(p.achievedSparsity, double(std::lround(p.targetSparsity * n)) / double(model.network.weightCount()));
        }
    }
    // Pruning the small output layer to 99.9 % hurts more than pruning the first layer that far? Not
    // necessarily; but every series starts at the unpruned accuracy.
    for (const LayerSensitivity& layer : scan.layers)
        QCOMPARE(layer.points.front().accuracy, scan.points.front().accuracy);
}

void TestPruneScan::cancelAndProgress()
{
    const Model model = makeModel();
    PruneScanOptions options;
    options.levels = 20;
    options.perLayerSensitivity = true;
    std::vector<double> progress;
    std::atomic<bool> cancel = false;
    InstantEvaluator evaluator(model.network, model.test);
    const PruneScanResult full = runPruneScan(evaluator, options, &cancel, [&](double f) { progress.push_back(f); });
    QCOMPARE(progress.size(), std::size_t(80));
    QCOMPARE(progress.back(), 1.0);
    for (std::size_t i = 1; i < progress.size(); ++i)
        QVERIFY(progress[i] > progress[i - 1]);
    QVERIFY(!full.cancelled);

    // Cancel after 5 points: the 5 are kept.
    int calls = 0;
    const PruneScanResult partial = runPruneScan(evaluator, options, &cancel, [&](double) {
        if (++calls == 5)
            cancel = true;
    });
    QVERIFY(partial.cancelled);
    QCOMPARE(partial.points.size(), std::size_t(5));
    QVERIFY(partial.layers.empty());
}

void TestPruneScan::badOptions()
{
    const Model model = makeModel();
    PruneScanOptions options;
    options.levels = 1;
    QVERIFY_THROWS_EXCEPTION(ConfigError, runPruneScan(model.network, model.test, options));
    options.levels = 10;
    options.maxSparsity = 1.5;
    QVERIFY_THROWS_EXCEPTION(ConfigError, runPruneScan(model.network, model.test, options));
    QVERIFY_THROWS_EXCEPTION(ConfigError, scanSparsityLevels(10, 0.0));
    // The stated limit on levels, named in the message, checked before anything is allocated
    // (2^31 - 1 levels would reserve 16 GB).
    options.maxSparsity = 0.999;
    options.levels = kMaxScanLevels;
    QVERIFY_THROWS_NO_EXCEPTION(options.validate());
    QCOMPARE(scanSparsityLevels(kMaxScanLevels, 0.999).size(), std::size_t(kMaxScanLevels));
    for (const int levels : {kMaxScanLevels + 1, std::numeric_limits<int>::max()}) {
        options.levels = levels;
        try {
            runPruneScan(model.network, model.test, options);
            QFAIL("accepted too many levels");
        } catch (const ConfigError& error) {
            const std::string message = error.what();
            QVERIFY2(message.find("from 2 to " + std::to_string(kMaxScanLevels)) != std::string::npos, error.what());
            QVERIFY2(message.find(std::to_string(levels)) != std::string::npos, error.what());
        }
        QVERIFY_THROWS_EXCEPTION(ConfigError, scanSparsityLevels(levels, 0.999));
    }
}

// A model whose weights are 60 % zeros, half of them -0.0 (what an fp16 model of tiny
// weights holds): levels up to 60 % prune nothing that is non-zero, and the curve does not
// jump to full sparsity; above, the achieved sparsity follows the target.
void TestPruneScan::negativeZerosCountAsPruned()
{
    Model model = makeModel();
    long total = 0;
    for (DenseLayer& layer : model.network.layers())
        for (Eigen::Index i = 0; i < layer.weights.size(); ++i, ++total)
            if (total % 5 < 3)
                layer.weights.data()[i] = (total % 2) ? -0.0f : 0.0f;
    long zeros = 0;
    for (const DenseLayer& layer : model.network.layers())
        zeros += static_cast<long>((layer.weights.array() == 0.0f).count());
    const double own = static_cast<double>(zeros) / static_cast<double>(total);
    QVERIFY(own > 0.59 && own < 0.61);
    PruneScanOptions options;
    options.levels = 11;
    options.maxSparsity = 0.9;
    const PruneScanResult scan = runPruneScan(model.network, model.test, options);
    const Evaluation unpruned = evaluateFully(model.network, model.test, CompressionSetting{});
    for (const ScanPoint& p : scan.points) {
        const QByteArray at = QByteArray::number(p.targetSparsity);
        if (p.targetSparsity <= own) {
            QVERIFY2(p.achievedSparsity == own, at.constData());
            QVERIFY2(p.threshold == 0.0, at.constData());
            QVERIFY2(p.accuracy == unpruned.report.accuracy, at.constData());
        } else {
            QVERIFY2(std::abs(p.achievedSparsity - p.targetSparsity) <= 1.0 / double(total), at.constData());
        }
    }
}

QTEST_APPLESS_MAIN(TestPruneScan)
#include "tst_prunescan.moc"
