// The training step loop must not allocate: every buffer is sized once per batch size. This
// suite replaces malloc and friends for the whole process (the executable's definitions take
// precedence over glibc's) and counts the calls made while the trainer runs steps. Under
// AddressSanitizer, which owns malloc itself, the suite is skipped.
#include "data/Generators.h"
#include "nn/Trainer.h"

#include <QtTest>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <omp.h>

#include "../common/TrainingFixtures.h"
#include "AllocationCounter.h"

using namespace ss;

namespace {

long allocationsDuring(Trainer& trainer, long steps)
{
    g_allocations = 0;
    g_counting = true;
    const TrainingResult result = trainer.trainSteps(steps);
    g_counting = false;
    if (result.outcome != TrainingOutcome::Finished)
        return -1;
    return g_allocations.load();
}

} // namespace

class TestTrainerAllocation : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!kCounting)
            QSKIP("AddressSanitizer replaces malloc: allocations cannot be counted here");
        QVERIFY(allocationsOfAProbe() >= 2); // the counter itself works
    }

    void tinyNetSteps()
    {
        const Dataset data = generateMoons(1000, 0.2, 1);
        Architecture architecture;
        architecture.hidden = {8, 8};
        architecture.hiddenActivation = Activation::Tanh;
        Network network(architecture, 1);
        TrainingConfig config;
        config.batchSize = 10;
        config.regularization.l1 = 1e-4;
        config.regularization.l2 = 1e-4;
        config.regularization.dropout = 0.1;
        Trainer trainer(network, data, nullptr, config);
        QVERIFY(trainer.trainSteps(150).outcome == TrainingOutcome::Finished); // warm up
        // 250 steps cross two epoch boundaries (100 steps an epoch): reshuffles included.
        QCOMPARE(allocationsDuring(trainer, 250), 0L);
    }

    void largeNetStepsOnTwoThreads()
    {
        const Dataset data = test::randomDataset(300, 600, 4);
        Network network(test::mlp(300, {256}, 4), 1);
        network.layers()[0].mask(3, 3) = 0; // a pruned weight: the masked update path
        TrainingConfig config;
        config.batchSize = 128;
        config.regularization.l1 = 1e-4;
        const int saved = omp_get_max_threads();
        omp_set_num_threads(2);
        Trainer trainer(network, data, nullptr, config);
        QVERIFY(trainer.trainSteps(10).outcome == TrainingOutcome::Finished); // warm up (last batch 88)
        const long allocations = allocationsDuring(trainer, 15);
        omp_set_num_threads(saved);
        QCOMPARE(allocations, 0L);
    }
};

QTEST_APPLESS_MAIN(TestTrainerAllocation)
#include "tst_trainer_allocation.moc"
