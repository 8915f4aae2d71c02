#pragma once
// The regularisation path of logistic regression, as glmnet draws it: the exact L1 /
// elastic-net solutions (solve/ElasticNetLogistic.h) at a sequence of decreasing lambdas,
// with the number of non-zero weights and the test metrics along the way.

#include "data/Dataset.h"
#include "solve/ElasticNetLogistic.h"

#include <atomic>
#include <functional>
#include <vector>

namespace ss {

struct RegularizationPathOptions {
    int lambdas = 40;                   // points on the automatic sequence
    double minRatio = 1e-4;             // its smallest lambda is minRatio * lambdaMax (0: glmnet's default)
    double alpha = 1.0;                 // L1 share of the penalty: 1 = lasso, 0 = ridge
    std::vector<double> explicitLambdas; // when not empty, these values instead of the sequence
    double kktTolerance = 1e-7;         // see ElasticNetOptions
    bool standardize = true;            // glmnet's standardisation (see ElasticNetLogistic.h)
    int threads = 1;

    // Throws ConfigError naming the value.
    void validate() const;
};

struct PathPoint {
    double lambda = 0;
    Matrix weights;                // outputs x features (biases apart), on the scale of the features passed in
    Vector biases;                 // outputs
    long nonZeroWeights = 0;
    long nonZeroFeatures = 0;      // features with a non-zero weight for some output
    double meanLogLoss = 0;        // on the training set
    double objective = 0;          // meanLogLoss + penalty, the quantity minimised
    double kktResidual = 0;
    int outerIterations = 0;
    long coordinateSweeps = 0;
    bool tested = false;           // false when the test set is empty: the test fields are 0
    double testAccuracy = 0;
    double testMacroF1 = 0;
    double testLogLoss = 0;
};

struct RegularizationPath {
    double lambdaMax = 0;
    double alpha = 1;
    ElasticNetStandardization standardization;
    std::vector<PathPoint> points; // in decreasing lambda
    bool cancelled = false;        // the points so far are kept
    double seconds = 0;            // fitting time, test metrics excluded
};

// The smallest lasso lambda at which all-zero weights (intercepts fitted) are optimal for
// the mean cross-entropy of the standardised features.
double lassoLambdaMax(const Dataset& train);

// Logistic regression (sigmoid for two classes, softmax otherwise) along the path from
// lambdaMax (lambdaMax(lasso) / alpha for the elastic net) down to minRatio * lambdaMax,
// log-spaced, each point solved exactly. Polls `cancel`; `onProgress` gets the fraction done
// after each lambda.
RegularizationPath computeRegularizationPath(const Dataset& train, const Dataset& test,
                                             const RegularizationPathOptions& options,
                                             const std::atomic<bool>* cancel = nullptr,
                                             const std::function<void(double)>& onProgress = {});

} // namespace ss
