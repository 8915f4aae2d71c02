#include "compress/GradualPruning.h"

#include <numeric>

namespace ss {

TrainingResult trainWithGradualPruning(Trainer& trainer, Network& network, const GradualPruningSchedule& schedule,
                                       PruningSpec::Scope scope, int epochs, const std::atomic<bool>* cancel,
                                       const Trainer::ReportCallback& onReport)
{
    schedule.validate();
    const auto pruneAt = [&](long step) {
        prune(network, PruningSpec::sparsity(schedule.sparsityAt(step), scope));
    };
    // Every pruning step is a multiple of this many steps from zero: reports land on all of them.
    long interval = std::gcd(schedule.frequency, std::gcd(schedule.beginStep, schedule.endStep));
    if (interval <= 0)
        interval = schedule.frequency;
    const TrainingConfig original = trainer.config();
    TrainingConfig config = original;
    config.reportEverySteps = original.reportEverySteps > 0 ? std::gcd(interval, original.reportEverySteps) : interval;
    trainer.setConfig(config);

    // A schedule that starts at the current step prunes before the first update.
    if (schedule.shouldPruneAt(trainer.stepCount()))
        pruneAt(trainer.stepCount());
    long lastPruned = trainer.stepCount();
    const auto report = [&](const TrainingReport& entry) {
        if (entry.step != lastPruned && schedule.shouldPruneAt(entry.step)) {
            pruneAt(entry.step);
            lastPruned = entry.step;
        }
        if (onReport && (original.reportEverySteps <= 0 ? false : entry.step % original.reportEverySteps == 0))
            onReport(entry);
        else if (onReport && entry.epochProgress == static_cast<double>(entry.epoch))
            onReport(entry); // epoch ends
    };
    TrainingResult result;
    try {
        result = trainer.train(epochs, cancel, report);
    } catch (...) {
        trainer.setConfig(original);
        throw;
    }
    trainer.setConfig(original);
    return result;
}

} // namespace ss
