// Fashion-MNIST load time (gzip decode to float, both parts) and the peak memory it costs.
// Prints JSON lines; run it with the folder as the first argument to override the default.
#include "data/IdxReader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Peak resident set size of this process in MiB (VmHWM), or -1 when unavailable.
double peakRssMiB()
{
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            double kib = 0;
            status >> kib;
            return kib / 1024.0;
        }
        std::getline(status, key);
    }
    return -1.0;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string directory = argc > 1 ? argv[1] : ss::defaultFashionMnistDirectory();
    if (!ss::hasFashionMnist(directory)) {
        std::printf("{\"bench\":\"fashion_mnist_load\",\"skipped\":\"no Fashion-MNIST in %s "
                    "(sudo apt-get install dataset-fashion-mnist)\"}\n",
                    directory.c_str());
        return 0;
    }
    const double rssBefore = peakRssMiB();
    std::vector<double> seconds;
    int trainCount = 0, testCount = 0;
    for (int run = 0; run < 5; ++run) {
        const auto start = std::chrono::steady_clock::now();
        const ss::FashionMnist data = ss::loadFashionMnist(directory);
        const auto stop = std::chrono::steady_clock::now();
        seconds.push_back(std::chrono::duration<double>(stop - start).count());
        trainCount = data.train.sampleCount();
        testCount = data.test.sampleCount();
    }
    std::vector<double> sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    std::printf("{\"bench\":\"fashion_mnist_load\",\"median_seconds\":%.4f,\"min_seconds\":%.4f,\"max_seconds\":%.4f,"
                "\"runs\":5,\"train\":%d,\"test\":%d,\"target_seconds\":1.5}\n",
                sorted[2], sorted.front(), sorted.back(), trainCount, testCount);
    std::printf("{\"bench\":\"fashion_mnist_load_memory\",\"peak_rss_mib\":%.1f,\"peak_rss_before_load_mib\":%.1f,"
                "\"float_matrices_mib\":%.1f}\n",
                peakRssMiB(), rssBefore, (trainCount + testCount) * 784.0 * 4.0 / (1024.0 * 1024.0));
    return 0;
}
