#pragma once
// The regularisation path of a linear model (logistic regression), as glmnet draws it:
// the weights fitted at a sequence of decreasing lambdas, each fit warm-started from the
// previous one, with the number of non-zero weights and the test metrics along the way.

#include "data/Dataset.h"
#include "nn/TrainingConfig.h"

#include <atomic>
#include <functional>
#include <vector>

namespace ss {

struct RegularizationPathOptions {
    int lambdas = 40;              // points on the path
    double minRatio = 1e-4;        // the smallest lambda is minRatio * lambdaMax
    int epochsPerLambda = 20;      // training at each lambda, from the previous weights
    double alpha = 1.0;            // L1 share of the penalty: 1 = lasso, 0 = ridge
    // Optimiser, batch size, seed and L1 mode; l1 and l2 are set from lambda and alpha.
    TrainingConfig training;

    // Throws ConfigError naming the value.
    void validate() const;
};

struct PathPoint {
    double lambda = 0;
    Matrix weights;                // outputs x features (biases apart)
    long nonZeroWeights = 0;
    double testAccuracy = 0;
    double testMacroF1 = 0;
};

struct RegularizationPath {
    double lambdaMax = 0;
    std::vector<PathPoint> points; // in decreasing lambda
    bool cancelled = false;        // the points so far are kept
};

// The smallest L1 strength at which all-zero weights (with the intercepts fitted) are
// optimal for the mean cross-entropy: max |dLoss/dw| at w = 0. 0 for data without signal.
double lassoLambdaMax(const Dataset& train);

// Logistic regression (sigmoid for two classes, softmax otherwise) along the path from
// lambdaMax down to minRatio * lambdaMax, log-spaced. Polls `cancel` between epochs;
// `onProgress` gets the fraction done after each lambda.
RegularizationPath computeRegularizationPath(const Dataset& train, const Dataset& test,
                                             const RegularizationPathOptions& options,
                                             const std::atomic<bool>* cancel = nullptr,
                                             const std::function<void(double)>& onProgress = {});

} // namespace ss
