// The sparse tail (the layers after the first, skipping inactive inputs) on the drag's shape:
// a 784-256-128-10 ReLU MLP and 10,000 samples, dense and with half of the hidden units left
// without outgoing weights (as unit pruning does). Prints JSON lines with the SIMD path
// (SPARSESCOPE_ISA forces one), the median and fastest of the runs, on one thread and on a
// team of two, and the CPU time a run takes (all threads), steadier on a shared machine.
#include "common/Random.h"
#include "common/ThreadTeam.h"
#include "eval/SparseTail.h"
#include "kernels/Isa.h"
#include "nn/Network.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace ss;

namespace {

Network makeNetwork(double deadUnits)
{
    Architecture architecture;
    architecture.inputs = 784;
    architecture.hidden = {256, 128};
    architecture.classes = 10;
    architecture.hiddenActivation = Activation::ReLU;
    Network network(architecture, 3);
    Random random(4);
    for (std::size_t l = 0; l < network.layers().size(); ++l) {
        DenseLayer& layer = network.layers()[l];
        for (Eigen::Index i = 0; i < layer.bias.size(); ++i)
            layer.bias(i) = static_cast<Scalar>(random.normal(0.0, 0.1));
        if (l > 0)
            for (Eigen::Index i = 0; i < layer.weights.cols(); ++i)
                if (random.bernoulli(deadUnits))
                    layer.weights.col(i).setZero();
    }
    return network;
}

// CPU time of the whole process (every thread): on a machine shared with other jobs the wall
// clock also counts the time this process waited for a core.
double processCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) * 1e-6;
}

} // namespace

int main()
{
    ensureSimdPathChosen();
    constexpr int kSamples = 10000;
    constexpr int kRuns = 60;
    Random random(5);
    Matrix features(784, kSamples);
    for (Eigen::Index i = 0; i < features.size(); ++i)
        features.data()[i] = static_cast<Scalar>(random.normal(0.0, 1.0));
    ThreadTeam team(2);
    for (const double dead : {0.0, 0.5}) {
        const Network network = makeNetwork(dead);
        const Matrix z1t = (network.layers()[0].weights * features).transpose();
        for (ThreadTeam* members : {static_cast<ThreadTeam*>(nullptr), &team}) {
            SparseTail tail;
            Matrix logits;
            // Sizes the buffers and warms the caches and the clock.
            const auto warm = std::chrono::steady_clock::now();
            while (std::chrono::steady_clock::now() - warm < std::chrono::milliseconds(300))
                tail.run(network, z1t, members, logits);
            std::vector<double> ms, cpuMs;
            for (int run = 0; run < kRuns; ++run) {
                const double cpuStart = processCpuMs();
                const auto start = std::chrono::steady_clock::now();
                tail.run(network, z1t, members, logits);
                ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
                cpuMs.push_back(processCpuMs() - cpuStart);
            }
            std::sort(ms.begin(), ms.end());
            std::sort(cpuMs.begin(), cpuMs.end());
            std::printf("{\"bench\":\"sparse_tail\",\"path\":\"%s\",\"group\":%d,\"shape\":\"784-256-128-10\",\"samples\":%d,"
                        "\"dead_units\":%.2f,\"threads\":%d,\"p50_ms\":%.3f,\"min_ms\":%.3f,"
                        "\"cpu_p50_ms\":%.3f}\n",
                        activeSimdPath().c_str(), SparseTail::groupWidth(), kSamples, dead, members ? members->size() : 1, ms[ms.size() / 2],
                        ms.front(), cpuMs[cpuMs.size() / 2]);
        }
    }
    return 0;
}
