// Trainer::trainSteps and Trainer::epochProgress: what the desktop app's worker thread
// trains with (short slices of mini-batches that a slider drag can interrupt).
#include "common/Error.h"
#include "data/DatasetCatalog.h"
#include "nn/Trainer.h"

#include <QtTest>

#include <atomic>

#include "../common/TrainingFixtures.h"

using namespace ss;
using ss::test::sameWeights;

namespace {

Architecture mlp(std::vector<int> hidden)
{
    return test::mlp(2, std::move(hidden), 2);
}

TrainingConfig config(int batch)
{
    TrainingConfig c = test::adam(0.01, batch, 9);
    c.regularization.l1 = 1e-3;
    c.regularization.dropout = 0.1;
    return c;
}

PreparedData moons(int samples)
{
    DatasetRequest request;
    request.nameOrPath = "moons";
    request.samples = samples;
    request.seed = 3;
    request.testFraction = 0.25;
    return prepareDataset(request);
}

} // namespace

class TestTrainerSlices : public QObject {
    Q_OBJECT

private slots:
    // Slices of any length replay exactly the same run as single steps.
    void slicesEqualSingleSteps_data()
    {
        QTest::addColumn<int>("slice");
        QTest::newRow("1") << 1;
        QTest::newRow("3") << 3;
        QTest::newRow("crosses epochs") << 17;
    }
    void slicesEqualSingleSteps()
    {
        QFETCH(int, slice);
        const PreparedData data = moons(130); // 98 train samples, batch 8: 13 steps/epoch, last one partial
        Network a(mlp({8, 8}), 4);
        Network b(mlp({8, 8}), 4);
        Trainer sliced(a, data.split.train, &data.split.test, config(8));
        Trainer single(b, data.split.train, &data.split.test, config(8));
        const long total = 60;
        long done = 0;
        while (done < total) {
            const long n = std::min<long>(slice, total - done);
            QCOMPARE(sliced.trainSteps(n).outcome, TrainingOutcome::Finished);
            done += n;
        }
        for (long i = 0; i < total; ++i)
            single.step();
        QCOMPARE(sliced.stepCount(), total);
        QCOMPARE(sliced.epochCount(), single.epochCount());
        QCOMPARE(sliced.epochCount(), 4); // 60 steps of 13 per epoch
        QVERIFY(sameWeights(a, b));
    }

    void epochProgressCountsSamples()
    {
        const PreparedData data = moons(130);
        const int n = data.split.train.sampleCount();
        Network network(mlp({4}), 1);
        Trainer trainer(network, data.split.train, nullptr, config(10));
        QCOMPARE(trainer.epochProgress(), 0.0);
        trainer.trainSteps(3);
        QCOMPARE(trainer.epochProgress(), 30.0 / n);
        const int perEpoch = (n + 9) / 10;
        trainer.trainSteps(perEpoch - 3);
        QCOMPARE(trainer.epochCount(), 1);
        QCOMPARE(trainer.epochProgress(), 1.0);
        trainer.train(1); // finishes whole epochs from where step-wise training left off
        QCOMPARE(trainer.epochProgress(), 2.0);
    }

    void cancelStopsBeforeTheNextBatch()
    {
        const PreparedData data = moons(130);
        Network network(mlp({4}), 1);
        Trainer trainer(network, data.split.train, nullptr, config(10));
        std::atomic<bool> cancel{true};
        const TrainingResult result = trainer.trainSteps(50, &cancel);
        QCOMPARE(result.outcome, TrainingOutcome::Cancelled);
        QCOMPARE(trainer.stepCount(), 0L);
        cancel = false;
        QCOMPARE(trainer.trainSteps(5, &cancel).outcome, TrainingOutcome::Finished);
        QCOMPARE(trainer.stepCount(), 5L);
        QCOMPARE(trainer.trainSteps(0).outcome, TrainingOutcome::Finished);
        QCOMPARE(trainer.stepCount(), 5L);
    }

    void negativeStepsAreRejected()
    {
        const PreparedData data = moons(60);
        Network network(mlp({}), 1);
        Trainer trainer(network, data.split.train, nullptr, config(10));
        QVERIFY_THROWS_EXCEPTION(ConfigError, trainer.trainSteps(-1));
    }

    void divergenceStopsTheSlice()
    {
        const PreparedData data = moons(200);
        Network network(mlp({16}), 1);
        TrainingConfig c = config(16);
        c.optimizer.kind = OptimizerKind::Sgd;
        c.optimizer.learningRate = 1e30;
        Trainer trainer(network, data.split.train, nullptr, c);
        const TrainingResult result = trainer.trainSteps(500);
        QCOMPARE(result.outcome, TrainingOutcome::Diverged);
        QVERIFY(trainer.stepCount() < 500);
        QVERIFY(network.isFinite());
    }
};

QTEST_APPLESS_MAIN(TestTrainerSlices)
#include "tst_trainer_slices.moc"
