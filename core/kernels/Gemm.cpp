// Compiled once per instruction set (Highway's foreach_target.h); gemm() runs the one the
// CPU supports best (kernels/Isa.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/Gemm.cpp"
#include <hwy/foreach_target.h> // IWYU pragma: keep

#include "kernels/Gemm.h"

#include "common/Error.h"
#include "kernels/Isa.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <hwy/highway.h>

#ifndef SPARSESCOPE_GEMM_SHARED
#define SPARSESCOPE_GEMM_SHARED
namespace ss {
namespace {
// Cache blocking of the packed product (see PackedProduct).
constexpr int kGemmKc = 512;  // inner block
constexpr int kGemmMc = 256;  // rows of op(A) packed at once
constexpr int kGemmNc = 3072; // columns of op(B) packed at once (a multiple of every kNr)
} // namespace
} // namespace ss
#endif

HWY_BEFORE_NAMESPACE();
namespace ss {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Kept on every path (bench_gemm, single thread, the training shapes of the Fashion-MNIST MLP,
// Xeon with AVX-512, medians while other builds ran): 86-152 GFLOP/s against Eigen's 31-33 on
// AVX-512 (Eigen is built for the binary's SSE2 baseline now), 59-95 against 32-33 on AVX2,
// 31-33 against 33-35 on SSE4 (even; the packed product needs no heap memory in the step loop,
// where Eigen's allocates its blocks).
//
// The packed product in the manner of BLIS/GotoBLAS: op(B) is packed in panels of kNr
// columns, op(A) in panels of kMr = two vectors of rows, and a kMr x kNr register tile
// accumulates over an inner block of kKc. Targets with 32 vector registers (AVX-512, NEON)
// hold 2 x 12 accumulators, those with 16 (AVX2, SSE4, and the portable emulation, which the
// compiler maps onto SSE2 or NEON) 2 x 6. HWY_SCALAR, the portable baseline, gets the same
// 8 x 6 tile in plain arrays, which GCC vectorises for the build's own baseline (SSE2 on
// x86-64). Scalable vectors (SVE, RVV) are not built (core/CMakeLists.txt) and have no tile:
// Eigen's product would serve them.
#if HWY_HAVE_SCALABLE
constexpr bool kHasTile = false;
constexpr int kLanes = 1;
constexpr int kNr = 1;
#elif HWY_TARGET == HWY_SCALAR
constexpr bool kHasTile = true;
constexpr int kLanes = 4;
constexpr int kNr = 6;
#else
constexpr bool kHasTile = true;
constexpr int kLanes = static_cast<int>(hn::MaxLanes(hn::ScalableTag<float>()));
#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SSE4 || HWY_TARGET == HWY_SSSE3 || HWY_TARGET == HWY_EMU128
constexpr int kNr = 6;
#else
constexpr int kNr = 12;
#endif
#endif
constexpr int kMr = 2 * kLanes;

TileShape RegisterTile()
{
    return kHasTile ? TileShape{kMr, kNr} : TileShape{0, 0};
}

// op(A)[i0 .. i0+mc) x [p0 .. p0+kc) into panels of kMr rows: panel r holds, for each k,
// the kMr values of rows r*kMr ..; rows past mc are zero.
void PackA(bool transpose, const float* a, long lda, int i0, int mc, int p0, int kc, float* packed)
{
    for (int panel = 0; panel < mc; panel += kMr) {
        const int rows = std::min(kMr, mc - panel);
        float* out = packed + static_cast<long>(panel) * kc;
        if (!transpose) {
            for (int p = 0; p < kc; ++p) {
                const float* column = a + static_cast<long>(p0 + p) * lda + i0 + panel;
                float* target = out + static_cast<long>(p) * kMr;
                int i = 0;
                for (; i < rows; ++i)
                    target[i] = column[i];
                for (; i < kMr; ++i)
                    target[i] = 0.0f;
            }
        } else {
            // op(A)(i, p) = A(p, i): row i of op(A) is column i of A, contiguous in p.
            for (int i = 0; i < kMr; ++i) {
                if (i < rows) {
                    const float* row = a + static_cast<long>(i0 + panel + i) * lda + p0;
                    for (int p = 0; p < kc; ++p)
                        out[static_cast<long>(p) * kMr + i] = row[p];
                } else {
                    for (int p = 0; p < kc; ++p)
                        out[static_cast<long>(p) * kMr + i] = 0.0f;
                }
            }
        }
    }
}

// op(B)[p0 .. p0+kc) x [j0 .. j0+nc) into panels of kNr columns: panel c holds, for each k,
// the kNr values of columns c*kNr ..; columns past nc are zero.
void PackB(bool transpose, const float* b, long ldb, int p0, int kc, int j0, int nc, float* packed)
{
    for (int panel = 0; panel < nc; panel += kNr) {
        const int columns = std::min(kNr, nc - panel);
        float* out = packed + static_cast<long>(panel) * kc;
        if (!transpose) {
            // op(B)(p, j) = B(p, j): column j contiguous in p.
            for (int j = 0; j < kNr; ++j) {
                if (j < columns) {
                    const float* column = b + static_cast<long>(j0 + panel + j) * ldb + p0;
                    for (int p = 0; p < kc; ++p)
                        out[static_cast<long>(p) * kNr + j] = column[p];
                } else {
                    for (int p = 0; p < kc; ++p)
                        out[static_cast<long>(p) * kNr + j] = 0.0f;
                }
            }
        } else {
            // op(B)(p, j) = B(j, p): for each p the kNr values are contiguous in B's column p.
            for (int p = 0; p < kc; ++p) {
                const float* column = b + static_cast<long>(p0 + p) * ldb + j0 + panel;
                float* target = out + static_cast<long>(p) * kNr;
                int j = 0;
                for (; j < columns; ++j)
                    target[j] = column[j];
                for (; j < kNr; ++j)
                    target[j] = 0.0f;
            }
        }
    }
}

#if HWY_TARGET == HWY_SCALAR
template <bool Add>
HWY_INLINE void Tile(int kc, const float* HWY_RESTRICT a, const float* HWY_RESTRICT b, float* c, long ldc, int rows,
                     int columns)
{
    float tile[kNr][kMr] = {};
    for (int p = 0; p < kc; ++p) {
        for (int j = 0; j < kNr; ++j)
            for (int i = 0; i < kMr; ++i)
                tile[j][i] += a[i] * b[j];
        a += kMr;
        b += kNr;
    }
    for (int j = 0; j < columns; ++j) {
        float* target = c + static_cast<long>(j) * ldc;
        for (int i = 0; i < rows; ++i)
            target[i] = Add ? target[i] + tile[j][i] : tile[j][i];
    }
}
#elif !HWY_HAVE_SCALABLE
// tile = A panel (kMr x kc) * B panel (kc x kNr), then C = tile (Add false) or C += tile
// (Add true), for the rows x columns that exist. The accumulators are arrays indexed only by
// unrolled constants, so that they live in registers.
template <bool Add>
HWY_INLINE void Tile(int kc, const float* HWY_RESTRICT a, const float* HWY_RESTRICT b, float* c, long ldc, int rows,
                     int columns)
{
    const hn::ScalableTag<float> d;
    using V = hn::Vec<decltype(d)>;
    V top[kNr];
    V bottom[kNr];
#pragma GCC unroll 12
    for (int j = 0; j < kNr; ++j) {
        top[j] = hn::Zero(d);
        bottom[j] = hn::Zero(d);
    }
    for (int p = 0; p < kc; ++p) {
        const V a0 = hn::LoadU(d, a);
        const V a1 = hn::LoadU(d, a + kLanes);
#pragma GCC unroll 12
        for (int j = 0; j < kNr; ++j) {
            const V broadcast = hn::Set(d, b[j]);
            top[j] = hn::MulAdd(a0, broadcast, top[j]);
            bottom[j] = hn::MulAdd(a1, broadcast, bottom[j]);
        }
        a += kMr;
        b += kNr;
    }
    if (rows == kMr) {
        for (int j = 0; j < columns; ++j) {
            float* target = c + static_cast<long>(j) * ldc;
            if constexpr (Add) {
                hn::StoreU(hn::Add(hn::LoadU(d, target), top[j]), d, target);
                hn::StoreU(hn::Add(hn::LoadU(d, target + kLanes), bottom[j]), d, target + kLanes);
            } else {
                hn::StoreU(top[j], d, target);
                hn::StoreU(bottom[j], d, target + kLanes);
            }
        }
        return;
    }
    // Partial tile (the last rows of a matrix whose height is not a multiple of kMr): through
    // a buffer, touching only the rows that exist (SSE4 and NEON have no masked stores).
    HWY_ALIGN float buffer[kMr];
    for (int j = 0; j < columns; ++j) {
        float* target = c + static_cast<long>(j) * ldc;
        hn::Store(top[j], d, buffer);
        hn::Store(bottom[j], d, buffer + kLanes);
        for (int i = 0; i < rows; ++i)
            target[i] = Add ? target[i] + buffer[i] : buffer[i];
    }
}
#endif

// C (m x n) = or += op(A) op(B), blocked for the caches: an A block of kMc x kKc (256 KB at
// most) stays in L2, a B panel of kKc x kNr (24 KB at most) in L1. packedA and packedB hold
// at least PackSizes(m, n, k).
void PackedProduct(bool transposeA, bool transposeB, int m, int n, int k, const float* a, long lda, const float* b,
                   long ldb, float* c, long ldc, bool accumulate, float* packedA, float* packedB)
{
#if HWY_HAVE_SCALABLE
    (void)transposeA, (void)transposeB, (void)m, (void)n, (void)k, (void)a, (void)lda, (void)b, (void)ldb;
    (void)c, (void)ldc, (void)accumulate, (void)packedA, (void)packedB;
#else
    for (int j0 = 0; j0 < n; j0 += kGemmNc) {
        const int nc = std::min(kGemmNc, n - j0);
        for (int p0 = 0; p0 < k; p0 += kGemmKc) {
            const int kc = std::min(kGemmKc, k - p0);
            const bool add = accumulate || p0 > 0;
            PackB(transposeB, b, ldb, p0, kc, j0, nc, packedB);
            for (int i0 = 0; i0 < m; i0 += kGemmMc) {
                const int mc = std::min(kGemmMc, m - i0);
                PackA(transposeA, a, lda, i0, mc, p0, kc, packedA);
                for (int jr = 0; jr < nc; jr += kNr) {
                    const int columns = std::min(kNr, nc - jr);
                    const float* panelB = packedB + static_cast<long>(jr) * kc;
                    for (int ir = 0; ir < mc; ir += kMr) {
                        const int rows = std::min(kMr, mc - ir);
                        float* tile = c + static_cast<long>(j0 + jr) * ldc + i0 + ir;
                        const float* panelA = packedA + static_cast<long>(ir) * kc;
                        if (add)
                            Tile<true>(kc, panelA, panelB, tile, ldc, rows, columns);
                        else
                            Tile<false>(kc, panelA, panelB, tile, ldc, rows, columns);
                    }
                }
            }
        }
    }
#endif
}

} // namespace HWY_NAMESPACE
} // namespace ss
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ss {

HWY_EXPORT(RegisterTile);
HWY_EXPORT(PackedProduct);

namespace {

void checkArguments(bool transposeA, bool transposeB, int m, int n, int k, long lda, long ldb, long ldc)
{
    const long rowsA = transposeA ? k : m;
    const long rowsB = transposeB ? n : k;
    if (m < 0 || n < 0 || k < 0 || lda < std::max(1L, rowsA) || ldb < std::max(1L, rowsB) || ldc < std::max(1L, long(m)))
        throw ConfigError("gemm: bad sizes m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k)
                          + " lda=" + std::to_string(lda) + " ldb=" + std::to_string(ldb) + " ldc=" + std::to_string(ldc));
}

[[maybe_unused]] void eigenGemm(bool transposeA, bool transposeB, int m, int n, int k, const Scalar* a, long lda, const Scalar* b,
               long ldb, Scalar* c, long ldc, bool accumulate)
{
    using Stride = Eigen::OuterStride<>;
    const Eigen::Map<const Matrix, 0, Stride> mapA(a, transposeA ? k : m, transposeA ? m : k, Stride(lda));
    const Eigen::Map<const Matrix, 0, Stride> mapB(b, transposeB ? n : k, transposeB ? k : n, Stride(ldb));
    Eigen::Map<Matrix, 0, Stride> mapC(c, m, n, Stride(ldc));
    const auto apply = [&](const auto& lhs, const auto& rhs) {
        if (accumulate)
            mapC.noalias() += lhs * rhs;
        else
            mapC.noalias() = lhs * rhs;
    };
    if (transposeA && transposeB)
        apply(mapA.transpose(), mapB.transpose());
    else if (transposeA)
        apply(mapA.transpose(), mapB);
    else if (transposeB)
        apply(mapA, mapB.transpose());
    else
        apply(mapA, mapB);
}

struct PackBuffers {
    std::vector<float> a;
    std::vector<float> b;
};

// Per thread: each grows once to the largest size used (no allocation in steady state).
PackBuffers& packBuffers()
{
    thread_local PackBuffers buffers;
    return buffers;
}

void packedGemm(bool transposeA, bool transposeB, int m, int n, int k, const float* a, long lda, const float* b,
                long ldb, float* c, long ldc, bool accumulate)
{
    const TileShape tile = HWY_DYNAMIC_DISPATCH(RegisterTile)();
    const long kcMax = std::min(kGemmKc, k);
    const auto roundUp = [](long value, long multiple) { return (value + multiple - 1) / multiple * multiple; };
    const std::size_t aSize = static_cast<std::size_t>(roundUp(std::min(kGemmMc, m), tile.rows) * kcMax);
    const std::size_t bSize = static_cast<std::size_t>(roundUp(std::min(kGemmNc, n), tile.columns) * kcMax);
    PackBuffers& buffers = packBuffers();
    if (buffers.a.size() < aSize)
        buffers.a.resize(aSize);
    if (buffers.b.size() < bSize)
        buffers.b.resize(bSize);
    HWY_DYNAMIC_DISPATCH(PackedProduct)(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate,
                                        buffers.a.data(), buffers.b.data());
}

} // namespace

void gemm(bool transposeA, bool transposeB, int m, int n, int k, const Scalar* a, long lda, const Scalar* b, long ldb,
          Scalar* c, long ldc, bool accumulate)
{
    checkArguments(transposeA, transposeB, m, n, k, lda, ldb, ldc);
    if (m == 0 || n == 0)
        return;
    if (k == 0) {
        if (!accumulate)
            for (int j = 0; j < n; ++j)
                std::fill(c + static_cast<long>(j) * ldc, c + static_cast<long>(j) * ldc + m, 0.0f);
        return;
    }
    if (gemmUsesOwnKernel())
        packedGemm(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    else
        eigenGemm(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

bool gemmUsesOwnKernel()
{
    ensureSimdPathChosen();
    return HWY_DYNAMIC_DISPATCH(RegisterTile)().rows > 0;
}

namespace {

// Runs the enclosed code with one OpenMP thread on the calling thread (the ICV is per
// thread, so other threads are unaffected); Eigen then does not fork for its GEMM.
class SingleThreadScope {
public:
    SingleThreadScope()
        : m_saved(omp_get_max_threads())
    {
        if (m_saved != 1)
            omp_set_num_threads(1);
    }
    ~SingleThreadScope()
    {
        if (m_saved != 1)
            omp_set_num_threads(m_saved);
    }
    SingleThreadScope(const SingleThreadScope&) = delete;
    SingleThreadScope& operator=(const SingleThreadScope&) = delete;

private:
    int m_saved;
};

template <typename Lhs, typename Rhs>
void eigenProduct(MatrixRef& destination, const Lhs& lhs, const Rhs& rhs, bool lazy)
{
    if (lazy)
        destination.noalias() = lhs.lazyProduct(rhs);
    else
        destination.noalias() = lhs * rhs;
}

} // namespace

void multiplyInto(MatrixRef destination, const ConstMatrixRef& lhs, bool transposeLhs, const ConstMatrixRef& rhs,
                  bool transposeRhs, bool threaded)
{
    const Eigen::Index m = transposeLhs ? lhs.cols() : lhs.rows();
    const Eigen::Index k = transposeLhs ? lhs.rows() : lhs.cols();
    const Eigen::Index kRhs = transposeRhs ? rhs.cols() : rhs.rows();
    const Eigen::Index n = transposeRhs ? rhs.rows() : rhs.cols();
    if (k != kRhs || destination.rows() != m || destination.cols() != n)
        throw ConfigError("multiplyInto: " + std::to_string(m) + "x" + std::to_string(k) + " times "
                          + std::to_string(kRhs) + "x" + std::to_string(n) + " into "
                          + std::to_string(destination.rows()) + "x" + std::to_string(destination.cols()));
    constexpr double lazyProductWork = 24.0 * 24.0 * 24.0;
    constexpr double threadedWork = 1024.0 * 1024.0;
    const double work = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
    const bool lazy = work < lazyProductWork;
    if (!lazy && gemmUsesOwnKernel() && m >= 24 && !(threaded && work >= threadedWork)) {
        gemm(transposeLhs, transposeRhs, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), lhs.data(),
             static_cast<long>(lhs.outerStride()), rhs.data(), static_cast<long>(rhs.outerStride()), destination.data(),
             static_cast<long>(destination.outerStride()));
        return;
    }
    const auto run = [&] {
        if (transposeLhs && transposeRhs)
            eigenProduct(destination, lhs.transpose(), rhs.transpose(), lazy);
        else if (transposeLhs)
            eigenProduct(destination, lhs.transpose(), rhs, lazy);
        else if (transposeRhs)
            eigenProduct(destination, lhs, rhs.transpose(), lazy);
        else
            eigenProduct(destination, lhs, rhs, lazy);
    };
    if (lazy || (threaded && work >= threadedWork)) {
        run();
    } else {
        const SingleThreadScope singleThread;
        run();
    }
}

} // namespace ss
#endif // HWY_ONCE
