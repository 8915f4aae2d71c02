#include "common/Error.h"
#include "data/DatasetCatalog.h"
#include "data/Generators.h"
#include "nn/Trainer.h"

#include <QtTest>

#include <omp.h>

#include <atomic>
#include <chrono>
#include <cmath>

#include "../common/TrainingFixtures.h"

using namespace ss;
using ss::test::adam;
using ss::test::mlp;
using ss::test::sameWeights;

namespace {

PreparedData prepare(const std::string& name, int samples = 0, double noise = -1.0)
{
    DatasetRequest request;
    request.nameOrPath = name;
    request.samples = samples;
    request.noise = noise;
    request.seed = 7;
    return prepareDataset(request);
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private slots:
    void resumeContinuesTheCounters()
    {
        // A reopened session continues numbering epochs and steps where it was saved.
        const PreparedData data = prepare("moons", 200, 0.2);
        Network network(mlp(2, {8}, 2), 3);
        Trainer trainer(network, data.split.train, &data.split.test, adam(0.01, 20));
        trainer.step();
        trainer.resumeAt(12, 480, 2.5);
        QCOMPARE(trainer.epochCount(), 12);
        QCOMPARE(trainer.stepCount(), 480L);
        QCOMPARE(trainer.epochProgress(), 12.0);
        const Network before = network;
        trainer.step();
        QCOMPARE(trainer.stepCount(), 481L);
        QVERIFY(trainer.epochProgress() > 12.0 && trainer.epochProgress() < 13.0);
        QVERIFY(!sameWeights(before, network));
        std::vector<TrainingReport> reports;
        trainer.train(1, nullptr, [&](const TrainingReport& r) { reports.push_back(r); });
        QCOMPARE(trainer.epochCount(), 13);
        QCOMPARE(reports.back().epoch, 13);
        QVERIFY(reports.back().seconds >= 2.5);
        QCOMPARE(reports.back().step, 480L + 8L); // 160 training samples in batches of 20
        QVERIFY_THROWS_EXCEPTION(ConfigError, trainer.resumeAt(-1, 0, 0));
        QVERIFY_THROWS_EXCEPTION(ConfigError, trainer.resumeAt(0, -5, 0));
    }

    void deterministic()
    {
        const PreparedData data = prepare("moons", 300, 0.2);
        TrainingConfig config = adam(0.01, 16, 5);
        config.regularization.l1 = 1e-3;
        config.regularization.l2 = 1e-3;
        config.regularization.dropout = 0.2;
        Network a(mlp(2, {16, 16}, 2), 3);
        Network b(mlp(2, {16, 16}, 2), 3);
        Trainer first(a, data.split.train, &data.split.test, config);
        Trainer second(b, data.split.train, &data.split.test, config);
        first.train(5);
        second.train(5);
        QVERIFY(sameWeights(a, b));
        // Another seed shuffles (and drops) differently.
        Network c(mlp(2, {16, 16}, 2), 3);
        config.seed = 6;
        Trainer third(c, data.split.train, &data.split.test, config);
        third.train(5);
        QVERIFY(!sameWeights(a, c));
    }

    void deterministicLargeLayers()
    {
        // Layers big enough for Eigen's multithreaded GEMM and the parallel optimiser update.
        const Dataset data = test::randomDataset(300, 512, 4);
        Network a(mlp(300, {256}, 4), 1);
        Network b(mlp(300, {256}, 4), 1);
        TrainingConfig config = adam(1e-3, 128);
        config.regularization.dropout = 0.3;
        config.regularization.l1 = 1e-4;
        Trainer first(a, data, nullptr, config);
        Trainer second(b, data, nullptr, config);
        first.train(2);
        second.train(2);
        QVERIFY(sameWeights(a, b));
    }

    void threadCountChangesOnlyRounding()
    {
        // Big enough that two threads share each mini-batch: the parts' gradients must add
        // up to the whole batch's, so one and two threads agree up to rounding.
        Dataset data;
        data.name = "random";
        data.features = Matrix::Random(300, 384);
        for (int j = 0; j < 384; ++j)
            data.labels.push_back((data.features(0, j) > 0) + 2 * (data.features(1, j) > 0));
        data.classNames = {"a", "b", "c", "d"};
        const int saved = omp_get_max_threads();
        Network one(mlp(300, {256}, 4), 1);
        Network two(mlp(300, {256}, 4), 1);
        // SGD: its step is linear in the gradient, so rounding differences stay rounding-sized
        // (Adam's g/sqrt(v) would blow up the rounding of near-zero gradients to full steps).
        TrainingConfig config = adam(0.1, 128);
        config.optimizer.kind = OptimizerKind::Sgd;
        omp_set_num_threads(1);
        Trainer(one, data, nullptr, config).train(2);
        omp_set_num_threads(2);
        Trainer(two, data, nullptr, config).train(2);
        omp_set_num_threads(saved);
        for (std::size_t l = 0; l < one.layers().size(); ++l) {
            const float difference = (one.layers()[l].weights - two.layers()[l].weights).cwiseAbs().maxCoeff();
            const float change = (one.layers()[l].weights - Network(mlp(300, {256}, 4), 1).layers()[l].weights).cwiseAbs().maxCoeff();
            QVERIFY2(difference < 1e-4f * change, qPrintable(QString("layer %1: %2 vs step size %3").arg(l).arg(difference).arg(change)));
            QVERIFY((one.layers()[l].bias - two.layers()[l].bias).cwiseAbs().maxCoeff() < 1e-5f);
        }
    }

    void warmStartContinues()
    {
        const PreparedData data = prepare("moons", 300, 0.2);
        const TrainingConfig config = adam(0.01, 20);
        // Six epochs in one go ...
        Network straight(mlp(2, {8}, 2, Activation::Tanh), 1);
        Trainer one(straight, data.split.train, nullptr, config);
        one.train(6);
        // ... equal three, a setConfig with the same settings, and three more: the optimiser
        // state, step count and shuffling stream all carry over.
        Network split(mlp(2, {8}, 2, Activation::Tanh), 1);
        Trainer two(split, data.split.train, nullptr, config);
        two.train(3);
        two.setConfig(config);
        two.train(3);
        QVERIFY(sameWeights(straight, split));
        QCOMPARE(two.stepCount(), one.stepCount());
        QCOMPARE(two.epochCount(), 6);

        // A changed learning rate continues from the current weights: the first epoch after it
        // starts near the last loss, far below the loss of a fresh network.
        Network fresh(mlp(2, {8}, 2, Activation::Tanh), 1);
        const double initialLoss = Trainer(fresh, data.split.train, nullptr, config).evaluateNow().trainLoss;
        const double before = two.evaluateNow().trainLoss;
        TrainingConfig slower = config;
        slower.optimizer.learningRate = 0.001;
        two.setConfig(slower);
        double after = 0;
        two.train(1, nullptr, [&](const TrainingReport& report) { after = report.trainLoss; });
        QVERIFY2(before < 0.6 * initialLoss, qPrintable(QString("%1 vs %2").arg(before).arg(initialLoss)));
        QVERIFY2(std::abs(after - before) < 0.25 * before, qPrintable(QString("%1 vs %2").arg(after).arg(before)));
        QCOMPARE(two.epochCount(), 7);

        // Switching the optimiser keeps the weights too.
        TrainingConfig sgd = config;
        sgd.optimizer.kind = OptimizerKind::Sgd;
        sgd.optimizer.learningRate = 0.05;
        two.setConfig(sgd);
        QVERIFY(two.train(1).outcome == TrainingOutcome::Finished);
        QVERIFY(two.evaluateNow().trainLoss < 0.6 * initialLoss);
    }

    void reports()
    {
        const PreparedData data = prepare("blobs", 300);
        TrainingConfig config = adam(0.01, 32);
        config.reportEverySteps = 4;
        Network network(mlp(2, {8}, 3), 2);
        Trainer trainer(network, data.split.train, &data.split.test, config);
        std::vector<TrainingReport> reports;
        QVERIFY(trainer.train(3, nullptr, [&](const TrainingReport& r) { reports.push_back(r); }).outcome
                == TrainingOutcome::Finished);
        const long stepsPerEpoch = (data.split.train.sampleCount() + 31) / 32; // 240 samples: 8 steps
        QCOMPARE(trainer.stepCount(), 3 * stepsPerEpoch);
        // Every 4 steps (steps 4 and 8 of each epoch), the epoch ends coinciding with step 8:
        // 2 reports per epoch.
        QCOMPARE(int(reports.size()), 6);
        QCOMPARE(reports.back().epoch, 3);
        QCOMPARE(reports.back().step, 3 * stepsPerEpoch);
        QCOMPARE(reports.front().epochProgress, 128.0 / 240.0);
        double lastSeconds = -1;
        for (const TrainingReport& r : reports) {
            QVERIFY(r.trainLoss > 0 && std::isfinite(r.trainLoss));
            QVERIFY(r.testLoss > 0 && std::isfinite(r.testLoss));
            QVERIFY(r.testAccuracy > 0 && r.testAccuracy <= 1);
            QVERIFY(r.testMacroF1 > 0 && r.testMacroF1 <= 1);
            QVERIFY(r.trainAccuracy > 0 && r.trainAccuracy <= 1);
            QVERIFY(r.seconds >= lastSeconds);
            lastSeconds = r.seconds;
        }
        QVERIFY2(reports.back().testAccuracy > 0.6, qPrintable(QString::number(reports.back().testAccuracy))); // 3 blobs, 24 steps
        const TrainingReport now = trainer.evaluateNow();
        QCOMPARE(now.testAccuracy, reports.back().testAccuracy);
        QCOMPARE(now.sparsity, 0.0);
    }

    void stepByStep()
    {
        const PreparedData data = prepare("xor", 100);
        Network network(mlp(2, {8}, 2), 4);
        Trainer trainer(network, data.split.train, nullptr, adam(0.01, 30));
        // 80 training samples, batches of 30: steps of 30, 30, 20 make an epoch.
        const Matrix before = network.layers()[0].weights;
        QVERIFY(trainer.step().outcome == TrainingOutcome::Finished);
        QCOMPARE(trainer.stepCount(), 1L);
        QCOMPARE(trainer.epochCount(), 0);
        QVERIFY(network.layers()[0].weights != before);
        trainer.step();
        trainer.step();
        QCOMPARE(trainer.epochCount(), 1);
        trainer.step();
        QCOMPARE(trainer.epochCount(), 1);
        // train(1) finishes the epoch in progress.
        trainer.train(1);
        QCOMPARE(trainer.epochCount(), 2);
        QCOMPARE(trainer.stepCount(), 6L);
    }

    void cancel()
    {
        const PreparedData data = prepare("moons", 400, 0.2);
        Network network(mlp(2, {8}, 2), 4);
        Trainer trainer(network, data.split.train, nullptr, adam(0.01, 10));
        std::atomic<bool> stop{false};
        int reports = 0;
        const TrainingResult result = trainer.train(50, &stop, [&](const TrainingReport& report) {
            ++reports;
            if (report.epoch == 2)
                stop = true;
        });
        QVERIFY(result.outcome == TrainingOutcome::Cancelled);
        QCOMPARE(trainer.epochCount(), 2);
        QCOMPARE(trainer.stepCount(), 2L * 32);
        QCOMPARE(reports, 2);
        // Polled before the first mini-batch too.
        QVERIFY(trainer.train(5, &stop).outcome == TrainingOutcome::Cancelled);
        QCOMPARE(trainer.stepCount(), 2L * 32);
    }

    void divergenceKeepsFiniteWeights_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("sgd") << int(OptimizerKind::Sgd);
        QTest::newRow("momentum") << int(OptimizerKind::Momentum);
        QTest::newRow("adam") << int(OptimizerKind::Adam);
    }
    void divergenceKeepsFiniteWeights()
    {
        QFETCH(int, kind);
        const PreparedData data = prepare("moons", 200, 0.2);
        Network network(mlp(2, {16}, 2), 4);
        TrainingConfig config = adam(1e6, 16);
        config.optimizer.kind = OptimizerKind(kind);
        config.optimizer.learningRate = kind == int(OptimizerKind::Adam) ? 1e37 : 1e30;
        Trainer trainer(network, data.split.train, &data.split.test, config);
        const TrainingResult result = trainer.train(20);
        QVERIFY(result.outcome == TrainingOutcome::Diverged);
        QVERIFY2(result.message.find("diverged") != std::string::npos, result.message.c_str());
        QVERIFY2(result.message.find("last good weights") != std::string::npos, result.message.c_str());
        QVERIFY(network.isFinite());
        QVERIFY(trainer.stepCount() < 20L * 10);
        // With a sane learning rate training carries on from the kept weights.
        config.optimizer.learningRate = 0.01;
        trainer.setConfig(config);
        QVERIFY(trainer.train(1).outcome == TrainingOutcome::Finished);
        QVERIFY(network.isFinite());
    }

    // Divergence whose loss stays finite: the loss explodes by orders of magnitude (weights of
    // 1e16 and more) without a NaN. Training stops, says so, and keeps weights whose loss was
    // in range.
    void divergenceWithAFiniteLossIsDetected_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("learningRate");
        QTest::newRow("adam lr 1e3 moons") << "moons" << int(OptimizerKind::Adam) << 1e3;
        QTest::newRow("rmsprop lr 1e3 moons") << "moons" << int(OptimizerKind::RmsProp) << 1e3;
        QTest::newRow("adam lr 1e3 iris") << "iris" << int(OptimizerKind::Adam) << 1e3;
        QTest::newRow("rmsprop lr 1e3 digits") << "digits" << int(OptimizerKind::RmsProp) << 1e3;
        QTest::newRow("sgd lr 30 digits") << "digits" << int(OptimizerKind::Sgd) << 30.0;
        QTest::newRow("momentum lr 30 digits") << "digits" << int(OptimizerKind::Momentum) << 30.0;
    }
    void divergenceWithAFiniteLossIsDetected()
    {
        QFETCH(QString, dataset);
        QFETCH(int, kind);
        QFETCH(double, learningRate);
        const PreparedData data = prepare(dataset.toStdString());
        const int classes = data.split.train.classCount();
        Network network(mlp(data.split.train.featureCount(), {32}, classes), 4);
        TrainingConfig config = adam(learningRate, 32);
        config.optimizer.kind = OptimizerKind(kind);
        Trainer trainer(network, data.split.train, &data.split.test, config);
        const TrainingResult result = trainer.train(20);
        QVERIFY2(result.outcome == TrainingOutcome::Diverged, "reported as finished");
        QVERIFY2(result.message.find("times the best seen") != std::string::npos, result.message.c_str());
        QVERIFY2(result.message.find("last good weights") != std::string::npos, result.message.c_str());
        // The kept model is one whose loss was in range, not one with weights of 1e16.
        QVERIFY(network.isFinite());
        const double kept = trainer.evaluateNow().trainLoss;
        QVERIFY2(kept <= kDivergenceLossFactor * std::log(double(classes)), std::to_string(kept).c_str());
    }

    // Divergence neither the loss nor a NaN shows: two clusters any large weight separates, so
    // the logits saturate and the loss stays at 0 while Adam (at lr 3e5) moves every weight by
    // about its learning rate per step. The weight bound stops it after a few steps and keeps
    // weights within the bound. With 4096 features and batches of 512 the step is split among
    // the thread team, whose members check their own share of the parameters.
    void divergenceBeyondTheWeightBound_data()
    {
        QTest::addColumn<int>("features");
        QTest::addColumn<int>("batch");
        QTest::newRow("one thread") << 2 << 16;
        QTest::newRow("thread team") << 4096 << 512;
    }
    void divergenceBeyondTheWeightBound()
    {
        QFETCH(int, features);
        QFETCH(int, batch);
        Dataset data;
        data.name = "clusters";
        data.classNames = {"minus", "plus"};
        const int samples = 2 * batch;
        data.features.resize(features, samples);
        for (int j = 0; j < samples; ++j) {
            data.labels.push_back(j % 2);
            data.features.col(j).setConstant(j % 2 ? Scalar(1) : Scalar(-1));
        }
        Network network(mlp(features, {}, 2), 4);
        Trainer trainer(network, data, nullptr, adam(3e5, batch));
        const TrainingResult result = trainer.train(50);
        QVERIFY2(result.outcome == TrainingOutcome::Diverged, "reported as finished");
        QVERIFY2(result.message.find("beyond the bound") != std::string::npos, result.message.c_str());
        QVERIFY2(result.message.find("last good weights") != std::string::npos, result.message.c_str());
        // Not at the first step: the weights grew for a while with the loss at 0.
        QVERIFY2(trainer.stepCount() >= 2, std::to_string(trainer.stepCount()).c_str());
        QVERIFY(trainer.evaluateNow().trainLoss < 1e-3);
        const DenseLayer& layer = network.layers().front();
        QVERIFY(network.isFinite());
        QVERIFY(layer.weights.cwiseAbs().maxCoeff() <= kDivergenceWeightBound);
        QVERIFY(layer.weights.cwiseAbs().maxCoeff() > kDivergenceWeightBound / 10); // the last good step, not the start
        QVERIFY(layer.bias.cwiseAbs().maxCoeff() <= kDivergenceWeightBound);
        // With a sane learning rate training carries on from the kept weights.
        trainer.setConfig(adam(0.01, batch));
        QVERIFY(trainer.train(1).outcome == TrainingOutcome::Finished);
    }

    void networkBeyondTheWeightBoundIsNotTrained()
    {
        const PreparedData data = prepare("moons", 100, 0.2);
        Network network(mlp(2, {4}, 2), 4);
        network.layers()[0].weights(1, 1) = Scalar(-2 * kDivergenceWeightBound);
        const Network before = network;
        Trainer trainer(network, data.split.train, nullptr, adam(0.01, 10));
        const TrainingResult result = trainer.train(1);
        QVERIFY(result.outcome == TrainingOutcome::Diverged);
        QVERIFY2(result.message.find("before training") != std::string::npos, result.message.c_str());
        QCOMPARE(trainer.stepCount(), 0L);
        QVERIFY(sameWeights(network, before));
    }

    void healthyTrainingIsNotCalledDivergent()
    {
        // Long unregularised training on separable data drives the loss towards 0 and makes
        // single mini-batches relatively costly: no false alarm.
        const PreparedData data = prepare("article", 100);
        Network network(mlp(2, {}, 2), 4);
        TrainingConfig config = adam(0.5, 1);
        Trainer trainer(network, data.split.train, &data.split.test, config);
        QVERIFY(trainer.train(300).outcome == TrainingOutcome::Finished);
    }

    void nonFiniteNetworkRejected()
    {
        const PreparedData data = prepare("moons", 100, 0.2);
        Network network(mlp(2, {4}, 2), 4);
        network.layers()[1].bias(0) = std::numeric_limits<float>::quiet_NaN();
        Trainer trainer(network, data.split.train, nullptr, adam(0.01, 10));
        const TrainingResult result = trainer.train(1);
        QVERIFY(result.outcome == TrainingOutcome::Diverged);
        QCOMPARE(trainer.stepCount(), 0L);
    }

    void masksSurviveTraining()
    {
        const PreparedData data = prepare("circles", 300);
        Network network(mlp(2, {16, 16}, 2), 4);
        TrainingConfig config = adam(0.01, 16);
        config.regularization.l2 = 1e-3;
        Trainer trainer(network, data.split.train, nullptr, config);
        trainer.train(2); // optimiser state is non-zero everywhere now
        // Prune every other weight of the middle layer and one column of the first.
        DenseLayer& middle = network.layers()[1];
        for (Eigen::Index i = 0; i < middle.mask.size(); i += 2)
            middle.mask.data()[i] = 0;
        network.layers()[0].mask.col(1).setZero();
        network.applyMasks();
        trainer.train(3);
        for (Eigen::Index i = 0; i < middle.mask.size(); ++i) {
            if (middle.mask.data()[i] == 0)
                QCOMPARE(middle.weights.data()[i], 0.0f);
            else
                QVERIFY(middle.weights.data()[i] != 0.0f);
        }
        QVERIFY(network.layers()[0].weights.col(1).isZero(0));
        QVERIFY(!network.layers()[0].weights.col(0).isZero(0));
        // A mask set without applyMasks is applied by the trainer itself.
        network.layers()[2].mask(0, 0) = 0;
        trainer.step();
        QCOMPARE(network.layers()[2].weights(0, 0), 0.0f);
        const double expected = double(middle.mask.size() / 2 + 16 + 1) / double(network.weightCount());
        QVERIFY(std::abs(trainer.evaluateNow().sparsity - expected) < 1e-12);
    }

    void shapeChangeBetweenCalls()
    {
        // Structured pruning removes neurons: the trainer lays itself out again.
        const PreparedData data = prepare("moons", 200, 0.2);
        Network network(mlp(2, {8}, 2), 4);
        Trainer trainer(network, data.split.train, nullptr, adam(0.01, 16));
        trainer.train(1);
        DenseLayer& hidden = network.layers()[0];
        DenseLayer& output = network.layers()[1];
        hidden.weights.conservativeResize(6, Eigen::NoChange);
        hidden.bias.conservativeResize(6);
        hidden.mask.conservativeResize(6, Eigen::NoChange);
        output.weights.conservativeResize(Eigen::NoChange, 6);
        output.mask.conservativeResize(Eigen::NoChange, 6);
        QVERIFY(trainer.train(2).outcome == TrainingOutcome::Finished);
        QVERIFY(network.isFinite());
        // An inconsistent network is rejected with the sizes named.
        output.weights.conservativeResize(Eigen::NoChange, 5);
        try {
            trainer.train(1);
            QFAIL("inconsistent shapes accepted");
        } catch (const ConfigError& error) {
            QVERIFY2(std::string(error.what()).find("layer 2") != std::string::npos, error.what());
        }
    }

    void badSetupRejected()
    {
        const PreparedData data = prepare("moons", 100, 0.2);
        Network network(mlp(3, {4}, 2), 4);
        try {
            Trainer trainer(network, data.split.train, nullptr, adam(0.01, 10));
            QFAIL("mismatched inputs accepted");
        } catch (const ConfigError& error) {
            QVERIFY2(std::string(error.what()).find("expects 3 inputs") != std::string::npos, error.what());
            QVERIFY2(std::string(error.what()).find("2 features") != std::string::npos, error.what());
        }
        Network good(mlp(2, {4}, 2), 4);
        TrainingConfig config = adam(-1, 10);
        QVERIFY_THROWS_EXCEPTION(ConfigError, Trainer(good, data.split.train, nullptr, config));
        Trainer trainer(good, data.split.train, nullptr, adam(0.01, 10));
        config = adam(0.01, 0);
        QVERIFY_THROWS_EXCEPTION(ConfigError, trainer.setConfig(config));
        QVERIFY_THROWS_EXCEPTION(ConfigError, trainer.train(-1));
        Network threeClasses(mlp(2, {4}, 3), 4);
        Dataset labels = data.split.train;
        labels.labels[0] = 3;
        QVERIFY_THROWS_EXCEPTION(ConfigError, Trainer(threeClasses, labels, nullptr, adam(0.01, 10)));
    }

    // Accuracy bars of issue 2, seeded and quick.
    void accuracyBars_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("samples");
        QTest::addColumn<double>("noise");
        QTest::addColumn<int>("epochs");
        QTest::addColumn<int>("batch");
        QTest::addColumn<double>("learningRate");
        QTest::addColumn<double>("bar");
        QTest::newRow("article, logistic") << "article" << "logistic" << 0 << -1.0 << 200 << 16 << 0.05 << 0.97;
        QTest::newRow("moons 0.2, MLP 16-16") << "moons" << "16,16" << 1000 << 0.2 << 60 << 32 << 0.01 << 0.95;
        QTest::newRow("breast-cancer, logistic") << "breast-cancer" << "logistic" << 0 << -1.0 << 50 << 32 << 0.01 << 0.95;
        QTest::newRow("digits, MLP 64") << "digits" << "64" << 0 << -1.0 << 30 << 32 << 0.003 << 0.95;
    }
    void accuracyBars()
    {
        QFETCH(QString, dataset);
        QFETCH(QString, model);
        QFETCH(int, samples);
        QFETCH(double, noise);
        QFETCH(int, epochs);
        QFETCH(int, batch);
        QFETCH(double, learningRate);
        QFETCH(double, bar);
        const auto start = std::chrono::steady_clock::now();
        const PreparedData data = prepare(dataset.toStdString(), samples, noise);
        Architecture architecture;
        architecture.inputs = data.split.train.featureCount();
        architecture.hidden = parseHiddenSizes(model.toStdString());
        architecture.classes = data.split.train.classCount();
        Network network(architecture, 1);
        Trainer trainer(network, data.split.train, &data.split.test, adam(learningRate, batch));
        QVERIFY(trainer.train(epochs).outcome == TrainingOutcome::Finished);
        const TrainingReport report = trainer.evaluateNow();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        qInfo("%s: test accuracy %.4f (bar %.2f), macro-F1 %.4f, %d test samples, %.2f s", qPrintable(dataset),
              report.testAccuracy, bar, report.testMacroF1, data.split.test.sampleCount(), seconds);
        QVERIFY2(report.testAccuracy >= bar, qPrintable(QString("test accuracy %1 < %2").arg(report.testAccuracy).arg(bar)));
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
