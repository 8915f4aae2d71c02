#pragma once
// Predictions, the classification report and the log loss from float logits, decided exactly:
// a sample whose top two logits are closer than kExactMarginTolerance (eval/Evaluation.h) is
// recomputed by exactPrediction, in double precision and a fixed order, so that every path
// that produces the logits (the instant evaluator's, the reference's) predicts the same.

#include "data/Dataset.h"
#include "eval/Evaluation.h"
#include "nn/Network.h"

namespace ss {

class ThreadTeam;

// The deterministic double-precision prediction for one sample (features = one column):
// every dot product summed in input order, so the same weights give the same answer in
// every caller.
int exactPrediction(const Network& network, const ConstMatrixRef& features);

// Fills evaluation's predictions, exactlyRecomputed, report and logLoss from the logits
// (outputs x samples) of `compressed` on `test`, the samples split among the team's members
// (null: one thread).
void decideFromLogits(Evaluation& evaluation, const Matrix& logits, const Network& compressed, const Dataset& test,
                      ThreadTeam* team = nullptr);

// The largest difference between two sets of logits (outputs x samples of the same shape),
// each sample's relative to 1 + its largest |reference logit|: the scale on which
// kExactMarginTolerance bounds the float rounding of the evaluator's paths.
double relativeLogitDiscrepancy(const Matrix& logits, const Matrix& reference);

} // namespace ss
