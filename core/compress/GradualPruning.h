#pragma once
// Gradual magnitude pruning during training (Zhu & Gupta 2017): the network is pruned to the
// schedule's sparsity at its pruning steps while it trains, so it can recover in between.

#include "compress/Pruning.h"
#include "nn/Trainer.h"

#include <atomic>

namespace ss {

// Trains `epochs` more epochs with `trainer` (which must train `network`). At every trainer
// step t (the trainer's own step count) where schedule.shouldPruneAt(t), the network is
// pruned by magnitude to schedule.sparsityAt(t), globally or per layer; masks keep pruned
// weights and their optimiser state at zero in between and afterwards (fine-tuning with
// the mask fixed is simply more training). Pruning happens in the trainer's report
// callback: the trainer reports every gcd(frequency, begin, end) steps meanwhile (its
// configuration is restored afterwards); `onReport` receives the reports the trainer's own
// configuration asks for (every reportEverySteps steps and at epoch ends).
// Throws ConfigError for an invalid schedule.
TrainingResult trainWithGradualPruning(Trainer& trainer, Network& network, const GradualPruningSchedule& schedule,
                                       PruningSpec::Scope scope, int epochs,
                                       const std::atomic<bool>* cancel = nullptr,
                                       const Trainer::ReportCallback& onReport = {});

} // namespace ss
