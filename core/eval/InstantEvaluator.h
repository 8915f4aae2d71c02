#pragma once
// Re-evaluates a trained model on its test set for a new pruning threshold / target
// sparsity and weight precision without retraining: what makes slider drags live.
// Results equal a full evaluation of the pruned+quantized model exactly (same predictions).
//
// How predictions are made exact. Float sums depend on their order, and the fast path
// (first-layer pre-activations updated by the changed weights only, cached per precision)
// adds the terms in a different order than a fresh GEMM, so the last bits of the logits
// differ. Both paths therefore decide a sample from its float logits only when the margin
// between the top two logits (for a binary model: |logit|) exceeds
// kExactMarginTolerance * (1 + max |logit|), far beyond any float rounding difference
// (about 1e-6 relative; the fast path refreshes its cache before updates accumulate); the
// few samples below that margin are recomputed one by one with the same deterministic
// double-precision routine (exactPrediction) in both paths. So predictions, the confusion
// matrix and every metric derived from it are identical; the log loss and probabilities
// agree to float precision.

#include "eval/Decisions.h"
#include "eval/Evaluation.h"
#include "eval/ReferenceEvaluation.h"

#include <atomic>
#include <memory>
#include <string>

namespace ss {

// Where the time of the last evaluate() went, in milliseconds (for benchmarks).
struct EvaluationTimings {
    double masks = 0;        // pruning prefixes, quantization, weight statistics
    double firstLayer = 0;   // cached / incremental / full first-layer pre-activations
    double laterLayers = 0;  // activations and the remaining layers (for ReLU networks also
                             // the incremental first-layer update, fused block by block)
    double decisions = 0;    // predictions (with exact recomputation), metrics, log loss
    double efficiency = 0;
};

class InstantEvaluator {
public:
    // Copies the model; the dataset must outlive the evaluator. Building takes tens of
    // milliseconds for Fashion-MNIST (masking, the pruning order's sort, byte-coding the
    // inputs); `cancel` (null: never) is looked at between those steps, and once it is set
    // the constructor throws Cancelled (common/Error.h): there is no evaluator, nothing failed.
    InstantEvaluator(const Network& trained, const Dataset& test, const EnergyTable& energy = {},
                     const std::atomic<bool>* cancel = nullptr);
    ~InstantEvaluator();

    // Throws ConfigError for an invalid setting (the evaluator keeps its previous state).
    Evaluation evaluate(const CompressionSetting& setting);
    // Precomputes the first layer at a few sparsities (every 12.5 % up to 87.5 %, unquantized,
    // as many as the slot memory holds beside the working slots) and keeps them, so that any
    // later jump of the sparsity or threshold sliders starts near one: a product and column
    // updates (a few hundred ms for Fashion-MNIST), for when the evaluator is idle. Skipped
    // when the slot memory budget is too small for them.
    void prepareCheckpoints();
    bool checkpointsPrepared() const;
    // Work for when the evaluator is idle, one piece a call (tens of milliseconds at most, so
    // that the caller can look for new commands in between): first the checkpoints, one a
    // call, then the evaluations at every position of the precision ladder
    // (compress/PrecisionLadder.h) for the last setting's pruning and granularity, so that
    // moving the bits control is a lookup.
    // Those results are kept for one pruning at a time: 12 evaluations with their compressed
    // networks and logits, about 17 MB for the Fashion-MNIST MLP on 10k test images.
    bool hasIdleWork() const;
    void doIdleWork();
    // The pruned + quantized network for a setting (what evaluate() measured).
    Network compressedNetwork(const CompressionSetting& setting) const;
    // The same for the last evaluate()'s setting, without pruning a copy afresh.
    const Network& lastCompressedNetwork() const;

    const Network& trainedNetwork() const;
    const Dataset& testSet() const;
    // How the last evaluate() obtained the first layer: "cached", "incremental" (with the
    // number of changed weights), "sparse" (rebuilt from the non-zero weights), "integer"
    // (8-bit product of integer codes and byte inputs), "full" (float GEMM) or "precomputed"
    // (the whole evaluation was done while idle). For benchmarks and tests.
    std::string lastFirstLayerPath() const;
    long lastChangedWeights() const;
    EvaluationTimings lastTimings() const;
    // The float logits of the last evaluate(), outputs x samples (before exact decisions).
    const Matrix& lastLogits() const;
    // True when the test inputs are kept as bytes for the column updates (images).
    bool byteCodedInputs() const;

private:
    Evaluation evaluateAfresh(const CompressionSetting& setting);
    struct Cache;
    std::unique_ptr<Cache> m_cache;
};

} // namespace ss
