#pragma once
// Sweeps: a grid over regularisation strength (L1 or L2), target sparsity (global magnitude
// pruning, optionally fine-tuned with the mask fixed) and weight precision, each
// configuration trained from the same seed and measured on the test set or by stratified
// k-fold cross-validation (mean and standard deviation). One result row per configuration.

#include "compress/Efficiency.h"
#include "compress/Pruning.h"
#include "compress/Quantization.h"
#include "data/Dataset.h"
#include "eval/PruneScan.h"
#include "nn/Network.h"
#include "nn/TrainingConfig.h"

#include <atomic>
#include <string>
#include <vector>

namespace ss {

// A sweep's size, checked before anything is trained: its time grows with the models trained
// (lambdas x folds, and once more per fine-tuned sparsity) and the rows evaluated. A list
// longer than 1000 values is a typo (the A:B:N form stops there too); 10,000 rows or trained
// models is hours on the small sets and days on Fashion-MNIST; beyond 100 folds each one
// measures too few samples to mean anything.
inline constexpr std::size_t kMaxSweepListValues = 1000;
inline constexpr long kMaxSweepConfigurations = 10'000;
inline constexpr long kMaxSweepTrainedModels = 10'000;
inline constexpr int kMaxSweepFolds = 100;

struct SweepGrid {
    std::vector<double> l1;                          // lambdas trained with an L1 penalty
    std::vector<double> l2;                          // lambdas trained with an L2 penalty
    std::vector<double> sparsities = {0.0};          // target sparsities (global or per layer)
    std::vector<QuantizationSpec> precisions = {QuantizationSpec::float32()};

    // Throws ConfigError naming the value: negative or non-finite lambda, sparsity outside
    // [0, 1], empty sparsity or precision lists, invalid precisions, a list longer than
    // kMaxSweepListValues, more than kMaxSweepConfigurations configurations.
    void validate() const;
    // Trained models: one per lambda (a single unregularised one when both lists are empty).
    int trainingRuns() const;
    int configurations() const;
};

struct SweepOptions {
    // Hidden layers and activation; inputs and classes are taken from the data.
    Architecture architecture;
    // Optimiser, batch size, seed, L1 mode and dropout; each run replaces l1 and l2 with its
    // own lambda (the other penalty is 0).
    TrainingConfig training;
    int epochs = 10;
    int fineTuneEpochs = 0;                          // after pruning, with the mask fixed
    int folds = 0;                                   // >= 2: k-fold cross-validation on train
    PruningSpec::Scope scope = PruningSpec::Scope::Global;
    EnergyTable energy;

    // Throws ConfigError: the training configuration's checks, epochs or fine-tune epochs
    // outside [0, kMaxEpochs], folds 1, negative or above kMaxSweepFolds.
    void validate() const;
};

// Models a sweep trains: one per lambda and fold (one fold on the test set), and one more
// per fine-tuned non-zero sparsity. Call after both validate().
long sweepTrainedModels(const SweepGrid& grid, const SweepOptions& options);
// Both validate() and the limit kMaxSweepTrainedModels (ConfigError naming the count); runSweep
// calls it first, the commands before they load any data.
void checkSweepSize(const SweepGrid& grid, const SweepOptions& options);

struct SweepRow {
    std::string penalty;            // "none", "l1" or "l2"
    double lambda = 0;
    double targetSparsity = 0;
    QuantizationSpec precision;
    int folds = 1;                  // 1 = measured on the test set
    double accuracy = 0;            // mean over folds
    double accuracyStd = 0;         // sample standard deviation over folds (0 for one fold)
    double macroF1 = 0;
    double macroF1Std = 0;
    double sparsity = 0;            // exactly-zero weights of the final (pruned, quantized) model
    long parameters = 0;
    long nonZeroParameters = 0;
    long bytes = 0;                 // smallest storage at the precision
    double energyPj = 0;            // estimated energy per inference
    double seconds = 0;             // training (shared by the rows of one lambda), fine-tuning, evaluation
    bool diverged = false;          // a training run diverged; its last finite weights were used
    bool paretoSparsity = false;    // on the (accuracy up, sparsity up) front
    bool paretoEnergy = false;      // on the (accuracy up, energy down) front
};

struct SweepResult {
    std::vector<SweepRow> rows;
    bool cancelled = false;         // rows of the finished lambdas are kept
};

// Stratified folds: every class is shuffled (seeded) and dealt round-robin, continuing the
// deal from class to class, so fold sizes differ by at most one and class shares by at most
// one sample. Returns the sample indices of each fold. Throws ConfigError when folds < 2 or
// exceeds the sample count.
std::vector<std::vector<int>> stratifiedFolds(const Labels& labels, int classCount, int folds, std::uint64_t seed);

// test may be null when options.folds >= 2. Progress counts evaluated configurations.
SweepResult runSweep(const Dataset& train, const Dataset* test, const SweepOptions& options, const SweepGrid& grid,
                     const std::atomic<bool>* cancel = nullptr, const ProgressCallback& onProgress = {});

// Sets paretoSparsity and paretoEnergy on every row (runSweep does this already).
void markParetoFronts(std::vector<SweepRow>& rows);

// Grid values as the headless commands and the app's sweep dialog both take them: the one
// reading of a list, so that what works in one works in the other. Items are separated by
// commas and/or spaces; an empty text or item is a ConfigError naming the text, as is
// anything that is not a number.
// Lambdas: "A:B:N" = N values from A to B evenly spaced on a log scale (A, B > 0, N >= 2), or
// a list of numbers >= 0 ("0.001", "1e-4,1e-3,0.01", "1e-4 1e-3").
std::vector<double> parseLambdaList(const std::string& text);
// Numbers, each a fraction in [0, 1] or a percentage with '%' ("0,0.5,90%", "90%").
std::vector<double> parseSparsityList(const std::string& text);
// Precisions as QuantizationSpec::parse reads them ("32,fp16,int8,4-row,binary"); PerRow
// `granularity` gives the integer formats per-row scales (others take a "-row" suffix).
std::vector<QuantizationSpec> parsePrecisionList(
    const std::string& text, QuantizationSpec::Granularity granularity = QuantizationSpec::Granularity::PerTensor);

} // namespace ss
