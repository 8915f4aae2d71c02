// The packed GEMM (kernels/Gemm.h) against Eigen's product on the training step's shapes,
// single-threaded (the Trainer gives each of its threads a part of the mini-batch), on the
// active SIMD path (SPARSESCOPE_ISA forces one). Prints one JSON line per shape with the
// median GFLOP/s of each. Run it per path to decide which product a path keeps.
#include "kernels/Gemm.h"
#include "kernels/Isa.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <vector>

using namespace ss;

namespace {

struct Shape {
    const char* name;
    bool transposeA, transposeB;
    int m, n, k;
};

template <typename Product>
double medianGflops(const Shape& s, Product product)
{
    std::vector<double> rates;
    for (int repeat = 0; repeat < 31; ++repeat) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 20; ++i)
            product();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rates.push_back(20.0 * 2.0 * s.m * s.n * s.k / seconds / 1e9);
    }
    std::nth_element(rates.begin(), rates.begin() + 15, rates.end());
    return rates[15];
}

} // namespace

int main()
{
    // Fashion-MNIST MLP 784-256-128-10 at batch 128 split over 2 threads: 64 samples each.
    const Shape shapes[] = {
        {"forward W1 X (256x784 * 784x64)", false, false, 256, 64, 784},
        {"forward W2 H1 (128x256 * 256x64)", false, false, 128, 64, 256},
        {"weight gradient dZ1 X^T (256x64 * 64x784)", false, true, 256, 784, 64},
        {"weight gradient dZ2 H1^T (128x64 * 64x256)", false, true, 128, 256, 64},
        {"input gradient W2^T dZ2 (256x128 * 128x64)", true, false, 256, 64, 128},
    };
    for (const Shape& s : shapes) {
        const Matrix a = Matrix::Random(s.transposeA ? s.k : s.m, s.transposeA ? s.m : s.k);
        const Matrix b = Matrix::Random(s.transposeB ? s.n : s.k, s.transposeB ? s.k : s.n);
        Matrix c(s.m, s.n);
        const double own = gemmUsesOwnKernel() ? medianGflops(s, [&] {
            gemm(s.transposeA, s.transposeB, s.m, s.n, s.k, a.data(), a.rows(), b.data(), b.rows(), c.data(), c.rows());
        })
                                               : 0.0;
        const double eigen = medianGflops(s, [&] {
            if (s.transposeA)
                c.noalias() = a.transpose() * b;
            else if (s.transposeB)
                c.noalias() = a * b.transpose();
            else
                c.noalias() = a * b;
        });
        std::cout << nlohmann::json{{"bench", "gemm"},
                                    {"simd_path", activeSimdPath()},
                                    {"shape", s.name},
                                    {"packed_gflops", own},
                                    {"eigen_gflops", eigen},
                                    {"packed_over_eigen", eigen > 0 ? own / eigen : 0.0}}
                         .dump()
                  << std::endl;
    }
}
