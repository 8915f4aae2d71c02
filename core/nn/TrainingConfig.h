#pragma once

#include "common/EnumNames.h"

#include <cstdint>
#include <string>

namespace ss {

enum class OptimizerKind { Sgd, Momentum, Nesterov, RmsProp, Adam };
enum class L1Mode { Proximal, Subgradient };

inline constexpr EnumName<OptimizerKind> kOptimizerNames[] = {{OptimizerKind::Sgd, "sgd"},
                                                               {OptimizerKind::Momentum, "momentum"},
                                                               {OptimizerKind::Nesterov, "nesterov"},
                                                               {OptimizerKind::RmsProp, "rmsprop"},
                                                               {OptimizerKind::Adam, "adam"}};
inline constexpr EnumName<L1Mode> kL1ModeNames[] = {{L1Mode::Proximal, "proximal"}, {L1Mode::Subgradient, "subgradient"}};

std::string toString(OptimizerKind kind);
OptimizerKind optimizerFromString(const std::string& name); // sgd, momentum, nesterov, rmsprop, adam
std::string toString(L1Mode mode);
L1Mode l1ModeFromString(const std::string& name);            // proximal, subgradient

struct OptimizerSettings {
    OptimizerKind kind = OptimizerKind::Adam;
    // The app's and the command line's default, which read it here: Adam at 0.01 fits the
    // small demos in a few hundred epochs and still trains Fashion-MNIST's MLP.
    double learningRate = 0.01;
    double momentum = 0.9;   // Momentum and Nesterov
    double beta1 = 0.9;      // Adam
    double beta2 = 0.999;    // Adam; RMSprop uses it as its decay rate rho
    double epsilon = 1e-8;
};

struct Regularization {
    double l1 = 0.0;          // lambda_1 >= 0: penalty lambda_1 * sum|w| (weights only, not biases)
    double l2 = 0.0;          // lambda_2 >= 0: penalty lambda_2 / 2 * sum w^2
    L1Mode l1Mode = L1Mode::Proximal;
    double dropout = 0.0;     // probability of dropping a hidden unit in training, [0, 1)
};

// Beyond these a run is a typo, not an experiment, and they keep every count an int can hold:
// a 2-D demo converges in a few hundred epochs and Fashion-MNIST in a few dozen, so 100,000
// epochs is days of training; no dataset we read has more than 10 million samples, which
// bounds a useful batch (a larger one is the whole set anyway).
inline constexpr int kMaxEpochs = 100'000;
inline constexpr int kMaxBatchSize = 10'000'000;

// How large a network may be, checked before anything is allocated (a 10 KB session asking
// for hidden layers of 30,000 units would otherwise take 20+ GB and the OOM killer's attention).
// Memory is estimated as kBytesPerParameter per weight or bias (the weights, their mask, the
// two threads' gradients, Adam's two moments, the divergence snapshot and the evaluator's
// working copies) plus the activations of one mini-batch, and must stay within
// kMaxTrainingBytes: half of an 8 GB laptop. The Fashion-MNIST MLP 784-256-128-10 needs 11 MB.
inline constexpr int kMaxHiddenLayers = 32;
inline constexpr int kMaxLayerWidth = 1'000'000;
inline constexpr std::uint64_t kBytesPerParameter = 48;
inline constexpr std::uint64_t kMaxTrainingBytes = std::uint64_t(4) << 30;

struct Architecture;
// Bytes training `architecture` with mini-batches of `batchSize` is expected to need.
std::uint64_t estimateTrainingBytes(const Architecture& architecture, long batchSize);
// Throws ConfigError naming the architecture, the estimate and the limit when the network has
// too many layers, a layer too wide, or would need more than kMaxTrainingBytes.
void checkNetworkSize(const Architecture& architecture, long batchSize = 1);

struct TrainingConfig {
    OptimizerSettings optimizer;
    Regularization regularization;
    int batchSize = 32;
    int epochs = 20;
    std::uint64_t seed = 42;        // shuffling and dropout
    long reportEverySteps = 0;      // 0 = report once per epoch only

    // Throws ConfigError naming the parameter: learning rate <= 0 or NaN, batch < 1, ...
    void validate() const;
};

} // namespace ss
