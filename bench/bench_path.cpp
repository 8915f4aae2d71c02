// The exact L1-logistic regularisation path (coordinate descent, solve/ElasticNetLogistic.h):
// wall time of the whole path, median over repetitions, for comparison with glmnet timed in
// the same sitting (../shared/bench/C_glmnet.R). Prints one JSON line.
//   sparsescope_bench_path DATASET [REPS] [LAMBDAS] [MIN_RATIO] [THREADS] [LABEL_COLUMN] [KKT_TOLERANCE]
// DATASET: breast-cancer, digits, fashion-mnist or a CSV file (C_prep.py's files have the label
// in column 0). Every row trains. Defaults: 100 lambdas and glmnet's ratio; Fashion-MNIST 20
// lambdas, ratio 0.01 (the figure the product targets).
#include "data/DatasetCatalog.h"
#include "solve/ElasticNetLogistic.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DATASET [REPS] [LAMBDAS] [MIN_RATIO] [THREADS] [LABEL_COLUMN] [KKT_TOLERANCE]\n", argv[0]);
        return 2;
    }
    const std::string name = argv[1];
    const bool fashion = name == "fashion-mnist";
    const int reps = argc > 2 ? std::atoi(argv[2]) : 3;
    ss::ElasticNetOptions options;
    options.lambdaCount = argc > 3 ? std::atoi(argv[3]) : (fashion ? 20 : 100);
    options.minRatio = argc > 4 ? std::atof(argv[4]) : (fashion ? 0.01 : 0.0);
    options.threads = argc > 5 ? std::atoi(argv[5]) : 1;
    ss::DatasetRequest request;
    request.nameOrPath = name;
    request.testFraction = 0.0;
    if (argc > 6 && std::string(argv[6]) != "-")
        request.labelColumn = argv[6];
    if (argc > 7)
        options.kktTolerance = std::atof(argv[7]);
    try {
        const ss::PreparedData data = ss::prepareDataset(request);
        const ss::Dataset& train = data.split.train;
        std::vector<double> seconds;
        ss::ElasticNetPath path;
        for (int r = 0; r < std::max(1, reps); ++r) {
            const auto start = std::chrono::steady_clock::now();
            path = ss::fitElasticNetPath(train, options);
            seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        std::vector<double> sorted = seconds;
        std::sort(sorted.begin(), sorted.end());
        double worstKkt = 0.0;
        std::string counts;
        std::string outer;
        std::string sweeps;
        long totalOuter = 0;
        long totalSweeps = 0;
        for (const ss::ElasticNetSolution& s : path.solutions) {
            worstKkt = std::max(worstKkt, s.kktResidual);
            counts += (counts.empty() ? "" : ",") + std::to_string(s.nonZeroWeights);
            outer += (outer.empty() ? "" : ",") + std::to_string(s.outerIterations);
            sweeps += (sweeps.empty() ? "" : ",") + std::to_string(s.coordinateSweeps);
            totalOuter += s.outerIterations;
            totalSweeps += s.coordinateSweeps;
        }
        std::printf("{\"bench\":\"exact_path\",\"dataset\":\"%s\",\"samples\":%d,\"features\":%d,\"classes\":%d,"
                    "\"lambdas\":%zu,\"lambda_max\":%.8g,\"lambda_min\":%.8g,\"threads\":%d,\"kkt_tolerance\":%.3g,"
                    "\"sec\":{\"median\":%.6g,\"min\":%.6g,\"max\":%.6g,\"n\":%zu},\"max_kkt_residual\":%.3g,"
                    "\"outer_iterations\":%ld,\"coordinate_sweeps\":%ld,\"nnz_path\":[%s],"
                    "\"outer_path\":[%s],\"sweeps_path\":[%s]}\n",
                    name.c_str(), train.sampleCount(), train.featureCount(), train.classCount(), path.solutions.size(),
                    path.lambdaMax, path.solutions.empty() ? 0.0 : path.solutions.back().lambda, options.threads, options.kktTolerance,
                    sorted[sorted.size() / 2], sorted.front(), sorted.back(), sorted.size(), worstKkt, totalOuter, totalSweeps,
                    counts.c_str(), outer.c_str(), sweeps.c_str());
    } catch (const std::exception& error) {
        std::fprintf(stderr, "%s: %s\n", argv[0], error.what());
        return 1;
    }
    return 0;
}
