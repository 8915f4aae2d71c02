// The exact L1-logistic regularisation path (coordinate descent, solve/ElasticNetLogistic.h):
// wall time of the whole path, median over repetitions, for comparison with glmnet timed in
// the same sitting (../shared/bench/C_glmnet.R). Prints one JSON line.
//   sparsescope_bench_path DATASET [REPS] [LAMBDAS] [MIN_RATIO] [THREADS] [LABEL_COLUMN] [KKT_TOLERANCE] [GLMNET_SECONDS]
// DATASET: breast-cancer, digits, fashion-mnist or a CSV file (C_prep.py's files have the label
// in column 0). Every row trains. Defaults: 100 lambdas and glmnet's ratio; Fashion-MNIST 20
// lambdas, ratio 0.01 (the figure the product targets). GLMNET_SECONDS: glmnet's median for the
// same path measured in the same sitting (C_glmnet.R's sec.median), reported beside ours with
// the ratio. The JSON names the CPU, the SIMD path and the load average when the runs began (on
// a loaded machine the process CPU time, also given, is the steadier figure).
#include "data/DatasetCatalog.h"
#include "kernels/Isa.h"
#include "solve/ElasticNetLogistic.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

namespace {

// "model name (model N)" of the first CPU in /proc/cpuinfo: the name alone may not tell
// generations apart.
std::string cpuName()
{
    std::ifstream info("/proc/cpuinfo");
    std::string line;
    std::string name = "unknown";
    std::string model;
    const auto value = [&] {
        const auto colon = line.find(':');
        return colon == std::string::npos || colon + 2 > line.size() ? std::string() : line.substr(colon + 2);
    };
    while (std::getline(info, line) && (name == "unknown" || model.empty())) {
        if (line.rfind("model name", 0) == 0)
            name = value();
        else if (line.rfind("model\t", 0) == 0)
            model = value();
    }
    return model.empty() ? name : name + " (model " + model + ")";
}

double processSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

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
    if (argc > 7 && std::string(argv[7]) != "-")
        options.kktTolerance = std::atof(argv[7]);
    const double glmnetSeconds = argc > 8 ? std::atof(argv[8]) : 0.0;
    try {
        const ss::PreparedData data = ss::prepareDataset(request);
        const ss::Dataset& train = data.split.train;
        std::vector<double> seconds;
        std::vector<double> cpuSeconds;
        double load[1] = {0.0};
        if (getloadavg(load, 1) != 1)
            load[0] = -1.0;
        ss::ElasticNetPath path;
        for (int r = 0; r < std::max(1, reps); ++r) {
            const auto start = std::chrono::steady_clock::now();
            const double cpuStart = processSeconds();
            path = ss::fitElasticNetPath(train, options);
            cpuSeconds.push_back(processSeconds() - cpuStart);
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
            counts += (counts.empty() ? "" : ",");
            counts += std::to_string(s.nonZeroWeights);
            outer += (outer.empty() ? "" : ",");
            outer += std::to_string(s.outerIterations);
            sweeps += (sweeps.empty() ? "" : ",");
            sweeps += std::to_string(s.coordinateSweeps);
            totalOuter += s.outerIterations;
            totalSweeps += s.coordinateSweeps;
        }
        char reference[96] = "";
        if (glmnetSeconds > 0)
            std::snprintf(reference, sizeof reference, ",\"glmnet_sec_median\":%.6g,\"glmnet_over_ours\":%.4g", glmnetSeconds,
                          glmnetSeconds / median(seconds));
        std::printf("{\"bench\":\"exact_path\",\"cpu\":\"%s\",\"simd_path\":\"%s\",\"load_average\":%.2f,\"dataset\":\"%s\",\"samples\":%d,\"features\":%d,\"classes\":%d,"
                    "\"lambdas\":%zu,\"lambda_max\":%.8g,\"lambda_min\":%.8g,\"threads\":%d,\"kkt_tolerance\":%.3g,"
                    "\"sec\":{\"median\":%.6g,\"min\":%.6g,\"max\":%.6g,\"n\":%zu},\"cpu_sec_median\":%.6g%s,\"max_kkt_residual\":%.3g,"
                    "\"outer_iterations\":%ld,\"coordinate_sweeps\":%ld,\"nnz_path\":[%s],"
                    "\"outer_path\":[%s],\"sweeps_path\":[%s]}\n",
                    cpuName().c_str(), ss::activeSimdPath().c_str(), load[0], name.c_str(), train.sampleCount(), train.featureCount(), train.classCount(), path.solutions.size(),
                    path.lambdaMax, path.solutions.empty() ? 0.0 : path.solutions.back().lambda, options.threads, options.kktTolerance,
                    sorted[sorted.size() / 2], sorted.front(), sorted.back(), sorted.size(), median(cpuSeconds), reference, worstKkt, totalOuter, totalSweeps,
                    counts.c_str(), outer.c_str(), sweeps.c_str());
    } catch (const std::exception& error) {
        std::fprintf(stderr, "%s: %s\n", argv[0], error.what());
        return 1;
    }
    return 0;
}
