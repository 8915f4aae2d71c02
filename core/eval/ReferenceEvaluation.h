#pragma once
// The reference path: compress a copy of the model and evaluate it from scratch, the plain
// way. The instant evaluator's results must equal these (tests/core/tst_instantevaluator).

#include "data/Dataset.h"
#include "eval/Evaluation.h"
#include "nn/Network.h"

#include <vector>

namespace ss {

class ThreadTeam;

// Reference path: compress a copy of the network and evaluate it from scratch. `compressed`
// (if not null) receives the model it evaluated, so that a caller who shows it need not
// compress the network a second time. With a team, the forward pass and the decisions are
// shared among its members, a block of samples at a time (the same products per sample;
// tst_instantevaluator compares the two).
Evaluation evaluateFully(const Network& trained, const Dataset& test, const CompressionSetting& setting,
                         const EnergyTable& energy = {}, Network* compressed = nullptr, ThreadTeam* team = nullptr);

// prune() then quantize() on a copy: the model a setting describes. The model's own masks
// are applied first. Masks mark what was pruned; quantization may zero further weights.
Network compressNetwork(const Network& trained, const CompressionSetting& setting, PruningResult* pruning = nullptr);

// Weight statistics over all layers combined from the per-layer ones (as evaluate() reports).
WeightStatistics combineWeightStatistics(const std::vector<WeightStatistics>& layers);

// Throws ConfigError for a precision the evaluators do not simulate (integer bits outside 1..8).
void validatePrecision(const QuantizationSpec& precision);

// Throws ConfigError unless the network can be evaluated on the test set (features, classes,
// labels in range).
void checkEvaluable(const Network& network, const Dataset& test);

} // namespace ss
