// Training throughput (issue 2): (a) samples/s for an MLP 784-256-128-10 ReLU, batch 128,
// Adam, on 60,000 samples (median of 3 steady epochs); (b) steps/s for a 2-8-8-1 tanh net
// on 1000 two-moons points, batch 10, Adam. Prints one JSON line per figure.

#include "kernels/Isa.h"
#include "common/Random.h"
#include "data/Dataset.h"
#include "data/DatasetCatalog.h"
#include "data/Generators.h"
#include "kernels/Gemm.h"
#include "nn/Network.h"
#include "nn/Trainer.h"

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <vector>

#include "BenchData.h"

using namespace ss;

namespace {

// Other programs on the same cores skew every figure: print the load with them.
double loadAverage()
{
    std::ifstream in("/proc/loadavg");
    double load = -1;
    in >> load;
    return load;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Fashion-MNIST when the Debian package is installed, else random data of the same shape
// (throughput does not depend on the values).
struct ImageData {
    Dataset train;
    Dataset test;
    bool real = false;
};

ImageData imageData()
{
    ImageData data;
    try {
        DatasetRequest request;
        request.nameOrPath = "fashion-mnist";
        PreparedData prepared = prepareDataset(request);
        data.train = std::move(prepared.split.train);
        data.test = std::move(prepared.split.test);
        data.real = true;
    } catch (const std::exception& error) {
        std::cerr << "Fashion-MNIST not available (" << error.what() << "); using random data\n";
        Random random(1);
        data.train = bench::randomImages(random, 60000, 0.0);
    }
    return data;
}

// Multiply-adds x 2 of one training sample: forward, weight gradients, and the input
// gradients of every layer but the first.
double flopsPerSample(const Architecture& architecture)
{
    double flops = 0;
    int fanIn = architecture.inputs;
    for (std::size_t l = 0; l <= architecture.hidden.size(); ++l) {
        const int fanOut = l < architecture.hidden.size() ? architecture.hidden[l] : architecture.outputs();
        flops += 2.0 * fanIn * fanOut * (l == 0 ? 2 : 3);
        fanIn = fanOut;
    }
    return flops;
}

void mlpThroughput()
{
    const ImageData data = imageData();
    const Dataset& train = data.train;
    const Architecture architecture = bench::fashionMlp();
    Network network(architecture, 0);
    const TrainingConfig config = test::adam(1e-3, 128);
    Trainer trainer(network, train, nullptr, config);
    std::vector<double> epochSeconds;
    for (int epoch = 0; epoch < 4; ++epoch) {
        const auto start = std::chrono::steady_clock::now();
        trainer.train(1);
        epochSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    const std::vector<double> steady(epochSeconds.begin() + 1, epochSeconds.end());
    const double seconds = median(steady);
    double testAccuracy = -1;
    std::vector<double> accuracies;
    if (data.real) {
        // Ten epochs in all, as ../shared/bench/A_fmnist_mlp.py reports its accuracy after ten.
        Trainer evaluator(network, train, &data.test, config);
        trainer.train(6);
        testAccuracy = evaluator.evaluateNow().testAccuracy;
    }
    nlohmann::json line = {{"bench", "train_mlp"},
                           {"simd_path", ss::activeSimdPath()},
                           {"model", "784-256-128-10 relu"},
                           {"data", data.real ? "fashion-mnist" : train.name},
                           {"batch", 128},
                           {"optimizer", "adam"},
                           {"threads", omp_get_max_threads()},
                           {"gemm", gemmUsesOwnKernel() ? "packed kernel" : "Eigen"},
                           {"load_average_1min", loadAverage()},
                           {"epoch_seconds", epochSeconds},
                           {"epoch_seconds_steady_median", seconds},
                           {"samples_per_second", train.sampleCount() / seconds},
                           {"gflops_per_second", train.sampleCount() / seconds * flopsPerSample(architecture) / 1e9},
                           {"pytorch_reference", "run ../shared/bench/A_fmnist_mlp.py in the same sitting"}};
    if (data.real) {
        line["test_accuracy_after_10_epochs"] = testAccuracy;
    }
    std::cout << line.dump() << std::endl;
}

void tinyNetSteps()
{
    const Dataset train = generateMoons(1000, 0.2, 0);
    Network network(test::mlp(2, {8, 8}, 2, Activation::Tanh), 0);
    Trainer trainer(network, train, nullptr, test::adam(1e-3, 10));
    trainer.train(1);
    std::vector<double> rates;
    for (int round = 0; round < 30; ++round) {
        const long before = trainer.stepCount();
        const auto start = std::chrono::steady_clock::now();
        trainer.train(1);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rates.push_back(static_cast<double>(trainer.stepCount() - before) / seconds);
    }
    const double rate = median(rates);
    const TrainingReport report = trainer.evaluateNow();
    nlohmann::json line = {{"bench", "train_tiny"},
                           {"simd_path", ss::activeSimdPath()},
                           {"model", "2-8-8-1 tanh"},
                           {"data", "moons 1000 noise 0.2"},
                           {"batch", 10},
                           {"optimizer", "adam"},
                           {"steps_per_second", rate},
                           {"load_average_1min", loadAverage()},
                           {"microseconds_per_step", 1e6 / rate},
                           {"train_accuracy_after_31_epochs", report.trainAccuracy},
                           {"pytorch_reference", "run ../shared/bench/B_moons.py in the same sitting"}};
    std::cout << line.dump() << std::endl;
}

} // namespace

int main()
{
    mlpThroughput();
    tinyNetSteps();
    return 0;
}
