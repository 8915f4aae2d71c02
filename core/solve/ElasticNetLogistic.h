#pragma once
// Exact L1 / elastic-net logistic regression along a regularisation path, by the method of
// Friedman, Hastie and Tibshirani (2010, glmnet): for each lambda a quadratic approximation
// of the log-likelihood (outer loop) is minimised by cyclic coordinate descent with soft
// thresholding (inner loop), warm-started from the previous lambda, on the features the
// sequential strong rule keeps, iterating on the active set; the KKT conditions over every
// feature decide when a lambda is done. With more than two classes the quadratic
// approximation is the full one, cross-class terms included, minimised over every class at
// once (glmnet's one class at a time converges slowly near separation).
//
// The problem, as glmnet states it (two classes: one linear predictor, class 1 against
// class 0; more: one predictor per class, the symmetric softmax parametrisation):
//   minimise  mean_i -log p(y_i | x~_i)  +  lambda * sum_{k,j} ( alpha |b_kj| + (1 - alpha)/2 b_kj^2 )
// over the coefficients b of the standardised features x~ and unpenalised intercepts.
// Standardisation as glmnet's default: each feature centred by its training mean and divided by
// its training standard deviation (1/n variance); constant features get coefficient 0.
// The coefficients are reported both standardised and on the input scale.
//
// With more than two classes the likelihood does not change when the same constant is added
// to one feature's coefficients in every class; the penalty picks the constant, and the solver
// applies after every outer iteration a shift that minimises the penalty, and centres the
// intercepts. For the lasso the minimisers are the median of the class coefficients, or for an
// even class count the interval between the two middle ones: while solving, the point of it
// nearest 0; in the solution reported, its midpoint, as glmnet does, so that the solutions
// are glmnet's.

#include "data/Dataset.h"

#include <Eigen/Core>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace ss {

struct ElasticNetOptions {
    double alpha = 1.0;          // L1 share of the penalty: 1 = lasso, 0 = ridge
    int lambdaCount = 100;       // points of the automatic sequence
    double minRatio = 0.0;       // smallest lambda / lambdaMax; 0 = glmnet's default (1e-4 when samples > features, else 1e-2)
    std::vector<double> lambdas; // explicit values (fitted in decreasing order); replace the automatic sequence
    bool standardize = true;     // false: features only centred, the penalty acts on the input-scale coefficients
    // A lambda is done when every coefficient's KKT residual (distance of the gradient of the
    // mean log-loss from minus the penalty's subdifferential; for intercepts, the gradient) is
    // at most this, and at most 1e-4 * lambda * alpha (so that at small lambda which weights
    // are zero is decided well inside the threshold).
    double kktTolerance = 1e-7;
    int maxOuterIterations = 200; // quadratic approximations per lambda
    int threads = 1;             // for the gradient over all features

    // Throws ConfigError naming the value.
    void validate() const;
};

// The standardisation applied, for the record (and to map coefficients back).
struct ElasticNetStandardization {
    bool scaled = true;          // false: centred only
    Eigen::VectorXd mean;        // per feature, over the training rows
    Eigen::VectorXd scale;       // the standard deviation divided by (1 with scaled = false); 0 for constant features
    std::string description() const;
};

struct ElasticNetSolution {
    double lambda = 0;
    Eigen::MatrixXd weights;                 // predictors x features, on the input scale
    Eigen::VectorXd intercepts;              // predictors, on the input scale
    Eigen::MatrixXd standardizedWeights;     // the coefficients the penalty acts on
    Eigen::VectorXd standardizedIntercepts;
    long nonZeroWeights = 0;
    double meanLogLoss = 0;                  // mean over training rows of -log p(y | x)
    double penalty = 0;                      // lambda * (alpha ||b||_1 + (1 - alpha)/2 ||b||_2^2)
    double objective = 0;                    // meanLogLoss + penalty
    double kktResidual = 0;                  // the largest over all coefficients and intercepts
    int outerIterations = 0;
    long coordinateSweeps = 0;
};

struct ElasticNetPath {
    int classes = 0;
    int predictors = 0;                      // 1 for two classes, else the class count
    double lambdaMax = 0;                    // the smallest lambda whose solution has no non-zero weight
    double alpha = 1;
    ElasticNetStandardization standardization;
    std::vector<ElasticNetSolution> solutions; // in decreasing lambda
    bool cancelled = false;                  // the solutions so far are kept
};

// lambdaMax = max_{k,j} |d mean log-loss / d b_kj| at b = 0 (intercepts fitted) / alpha, with
// alpha raised to 1e-3 for ridge (glmnet's convention; ridge never zeroes a weight).
double elasticNetLambdaMax(const Dataset& train, double alpha, bool standardize = true);

// The automatic lambda sequence: lambdaCount values log-spaced from lambdaMax to minRatio * lambdaMax.
std::vector<double> elasticNetLambdaSequence(double lambdaMax, int lambdaCount, double minRatio);

// Fits the path. Throws ConfigError for bad options or a training set without every class.
// Polls `cancel` between lambdas and between outer iterations; `onProgress` gets the fraction
// of lambdas done.
ElasticNetPath fitElasticNetPath(const Dataset& train, const ElasticNetOptions& options,
                                 const std::atomic<bool>* cancel = nullptr,
                                 const std::function<void(double)>& onProgress = {});

// Predicted class per sample (columns of `features`) for one solution: argmax of the linear
// predictors (the sign of the single predictor for two classes).
Labels predictElasticNet(const ElasticNetSolution& solution, const Matrix& features);

} // namespace ss
