#pragma once
// Options shared by the commands that load data and train (train, prune, scan, sweep).

#include "data/DatasetCatalog.h"
#include "nn/Network.h"
#include "nn/TrainingConfig.h"

#include <QCommandLineParser>

#include <string>
#include <vector>

namespace ss::cli {

void addDatasetOptions(QCommandLineParser& parser);
// allowNoTestPart: --test-fraction 0 is accepted (every row trains; for exact fits).
DatasetRequest datasetRequestFrom(const QCommandLineParser& parser, bool allowNoTestPart = false);

// --hidden (and its old spelling --model, which prune and scan use for a model file: read the
// one renamedOption(parser, "hidden", "model", err) names).
void addModelOptions(QCommandLineParser& parser);
// The hidden sizes of `option` (empty for logistic regression); a usage error quoting the text.
std::vector<int> hiddenSizesFrom(const QCommandLineParser& parser, const QString& option = "hidden");
// The architecture for data with `inputs` features and `classes` classes.
Architecture architectureFrom(const QCommandLineParser& parser, int inputs, int classes,
                              const QString& option = "hidden");

// withPenalties = false leaves out --l1/--l2 for commands that take lists of them (sweep).
void addTrainingOptions(QCommandLineParser& parser, bool withPenalties = true);
TrainingConfig trainingConfigFrom(const QCommandLineParser& parser, bool withPenalties = true);

// The exact L1 / elastic-net logistic solver (path, train --solver exact): alpha, the lambda
// sequence or explicit lambdas, the KKT tolerance, standardisation, threads, --test-dataset.
void addExactSolverOptions(QCommandLineParser& parser, bool withLambdaSequence);
struct ExactSolverChoice {
    double alpha = 1.0;
    int lambdaCount = 100;
    double minRatio = 0.0;            // 0 = glmnet's default
    std::vector<double> lambdas;      // explicit values
    double kktTolerance = 1e-7;
    bool standardize = true;
    int threads = 1;
    std::string testDataset;          // empty = the split's test part
};
ExactSolverChoice exactSolverChoiceFrom(const QCommandLineParser& parser, bool withLambdaSequence);

} // namespace ss::cli
