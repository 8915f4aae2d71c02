// Gradual magnitude pruning during training: pruned at the schedule's steps to the
// schedule's sparsity, masks held in between, the trainer's configuration restored.
#include "common/Error.h"
#include "compress/GradualPruning.h"
#include "data/Generators.h"

#include <QtTest>

#include <cmath>
#include <map>

using namespace ss;

class TestGradualPruning : public QObject {
    Q_OBJECT

private slots:
    void followsTheSchedule();
    void unalignedScheduleAndBadSchedule();
    void lotteryTicketRetrains();
};

namespace {

Network blobNetwork(const Dataset& data)
{
    Architecture architecture;
    architecture.inputs = 2;
    architecture.hidden = {16, 16};
    architecture.classes = data.classCount();
    return Network(architecture, 7);
}

TrainingConfig config(long reportEvery)
{
    TrainingConfig c;
    c.optimizer.kind = OptimizerKind::Adam;
    c.optimizer.learningRate = 0.01;
    c.batchSize = 10;
    c.reportEverySteps = reportEvery;
    return c;
}

long zeros(const Network& network)
{
    long count = 0;
    for (const DenseLayer& layer : network.layers())
        count += static_cast<long>((layer.weights.array() == 0.0f).count());
    return count;
}

} // namespace

void TestGradualPruning::followsTheSchedule()
{
    const Dataset data = generateBlobs(300, 0.5, 3, 1); // 30 steps per epoch
    Network network = blobNetwork(data);
    Trainer trainer(network, data, nullptr, config(10));
    GradualPruningSchedule schedule;
    schedule.initialSparsity = 0.2;
    schedule.finalSparsity = 0.8;
    schedule.beginStep = 0;
    schedule.endStep = 100;
    schedule.frequency = 20;
    std::map<long, double> seen;
    const TrainingResult result = trainWithGradualPruning(trainer, network, schedule, PruningSpec::Scope::Global, 5,
                                                          nullptr, [&](const TrainingReport& r) { seen[r.step] = r.sparsity; });
    QCOMPARE(result.outcome, TrainingOutcome::Finished);
    const double n = static_cast<double>(network.weightCount());
    // Reports every 10 steps as the trainer was configured; each shows the sparsity of the
    // most recent pruning step before it (the report is made before that step's pruning).
    QVERIFY(seen.count(10) && seen.count(30) && seen.count(150));
    const auto pruned = [&](long step) { return std::lround(schedule.sparsityAt(step) * n) / n; };
    QCOMPARE(seen[10], pruned(0));
    QCOMPARE(seen[30], pruned(20));
    QCOMPARE(seen[50], pruned(40));
    QCOMPARE(seen[90], pruned(80));
    QCOMPARE(seen[150], pruned(100));
    QCOMPARE(zeros(network), std::lround(0.8 * n));
    QCOMPARE(trainer.config().reportEverySteps, 10L);
    // Fine-tuning with the mask fixed keeps the sparsity.
    trainer.train(2);
    QCOMPARE(zeros(network), std::lround(0.8 * n));
    QVERIFY(trainer.evaluateNow().trainAccuracy > 0.8);
}

void TestGradualPruning::unalignedScheduleAndBadSchedule()
{
    const Dataset data = generateBlobs(200, 0.5, 3, 2); // 20 steps per epoch
    Network network = blobNetwork(data);
    Trainer trainer(network, data, nullptr, config(0));
    trainer.train(1); // start at step 20
    GradualPruningSchedule schedule;
    schedule.initialSparsity = 0.0;
    schedule.finalSparsity = 0.6;
    schedule.beginStep = 25;
    schedule.endStep = 95; // not on the 30-step grid: pruned at 25, 55, 85 and 95
    schedule.frequency = 30;
    trainWithGradualPruning(trainer, network, schedule, PruningSpec::Scope::PerLayer, 5);
    for (const DenseLayer& layer : network.layers())
        QCOMPARE(static_cast<long>((layer.weights.array() == 0.0f).count()), std::lround(0.6 * layer.weights.size()));
    QCOMPARE(trainer.config().reportEverySteps, 0L);

    schedule.frequency = 0;
    QVERIFY_THROWS_EXCEPTION(ConfigError, trainWithGradualPruning(trainer, network, schedule, PruningSpec::Scope::Global, 1));
}

void TestGradualPruning::lotteryTicketRetrains()
{
    // Train, prune 70 %, rewind the survivors to their initial values, retrain: the ticket
    // keeps its mask and learns the task again.
    const Dataset data = generateBlobs(300, 0.5, 3, 3);
    Network network = blobNetwork(data);
    const Network initial = network;
    {
        Trainer trainer(network, data, nullptr, config(0));
        trainer.train(5);
    }
    prune(network, PruningSpec::sparsity(0.7));
    rewindToEarlyWeights(network, initial);
    const long masked = zeros(network);
    Trainer retrain(network, data, nullptr, config(0));
    retrain.train(5);
    QCOMPARE(zeros(network), masked);
    QVERIFY(retrain.evaluateNow().trainAccuracy > 0.8);
}

QTEST_APPLESS_MAIN(TestGradualPruning)
#include "tst_gradualpruning.moc"
