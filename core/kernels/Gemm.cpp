#include "kernels/Gemm.h"

#include "common/Error.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace ss {

namespace {

void checkArguments(bool transposeA, bool transposeB, int m, int n, int k, long lda, long ldb, long ldc)
{
    const long rowsA = transposeA ? k : m;
    const long rowsB = transposeB ? n : k;
    if (m < 0 || n < 0 || k < 0 || lda < std::max(1L, rowsA) || ldb < std::max(1L, rowsB) || ldc < std::max(1L, long(m)))
        throw ConfigError("gemm: bad sizes m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k)
                          + " lda=" + std::to_string(lda) + " ldb=" + std::to_string(ldb) + " ldc=" + std::to_string(ldc));
}

#ifdef __AVX512F__

constexpr int kMr = 32;   // rows of the register tile: two 16-float vectors
constexpr int kNr = 12;   // columns of the register tile: 24 accumulators of the 32 registers
constexpr int kKc = 512;  // inner block: a 32 x 512 A panel is 64 KB (L2), a 512 x 12 B panel 24 KB (L1)
constexpr int kMc = 256;  // rows of A packed at once: 256 KB, lives in L2
constexpr int kNc = 3072; // columns of B packed at once (a multiple of kNr)

struct PackBuffers {
    std::vector<float> a;
    std::vector<float> b;
};

PackBuffers& packBuffers()
{
    thread_local PackBuffers buffers;
    return buffers;
}

// op(A)[i0 .. i0+mc) x [p0 .. p0+kc) into panels of kMr rows: panel r holds, for each k,
// the kMr values of rows r*kMr ..; rows past mc are zero.
void packA(bool transpose, const float* a, long lda, int i0, int mc, int p0, int kc, float* packed)
{
    for (int panel = 0; panel < mc; panel += kMr) {
        const int rows = std::min(kMr, mc - panel);
        float* out = packed + static_cast<long>(panel) * kc;
        if (!transpose) {
            for (int p = 0; p < kc; ++p) {
                const float* column = a + static_cast<long>(p0 + p) * lda + i0 + panel;
                float* target = out + static_cast<long>(p) * kMr;
                if (rows == kMr) {
                    _mm512_storeu_ps(target, _mm512_loadu_ps(column));
                    _mm512_storeu_ps(target + 16, _mm512_loadu_ps(column + 16));
                } else {
                    int i = 0;
                    for (; i < rows; ++i)
                        target[i] = column[i];
                    for (; i < kMr; ++i)
                        target[i] = 0.0f;
                }
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
void packB(bool transpose, const float* b, long ldb, int p0, int kc, int j0, int nc, float* packed)
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

// The 32 x 12 register tile: tile = A panel (32 x kc) * B panel (kc x 12), then C = tile
// (Add false) or C += tile (Add true), for the rows x columns that exist.
template <bool Add>
void kernel(int kc, const float* __restrict a, const float* __restrict b, float* c, long ldc, int rows, int columns)
{
    __m512 top[kNr];
    __m512 bottom[kNr];
    for (int j = 0; j < kNr; ++j) {
        top[j] = _mm512_setzero_ps();
        bottom[j] = _mm512_setzero_ps();
    }
    for (int p = 0; p < kc; ++p) {
        const __m512 a0 = _mm512_loadu_ps(a);
        const __m512 a1 = _mm512_loadu_ps(a + 16);
#pragma GCC unroll 12
        for (int j = 0; j < kNr; ++j) {
            const __m512 broadcast = _mm512_set1_ps(b[j]);
            top[j] = _mm512_fmadd_ps(a0, broadcast, top[j]);
            bottom[j] = _mm512_fmadd_ps(a1, broadcast, bottom[j]);
        }
        a += kMr;
        b += kNr;
    }
    if (rows == kMr) {
        for (int j = 0; j < columns; ++j) {
            float* target = c + static_cast<long>(j) * ldc;
            if constexpr (Add) {
                _mm512_storeu_ps(target, _mm512_add_ps(_mm512_loadu_ps(target), top[j]));
                _mm512_storeu_ps(target + 16, _mm512_add_ps(_mm512_loadu_ps(target + 16), bottom[j]));
            } else {
                _mm512_storeu_ps(target, top[j]);
                _mm512_storeu_ps(target + 16, bottom[j]);
            }
        }
        return;
    }
    // Partial tile (the last rows of a matrix whose height is not a multiple of 32): masked
    // loads and stores touch only the rows that exist.
    const __mmask16 lowMask = static_cast<__mmask16>(rows >= 16 ? 0xFFFF : (1u << rows) - 1u);
    const __mmask16 highMask = static_cast<__mmask16>(rows <= 16 ? 0 : (1u << (rows - 16)) - 1u);
    for (int j = 0; j < columns; ++j) {
        float* target = c + static_cast<long>(j) * ldc;
        if constexpr (Add) {
            _mm512_mask_storeu_ps(target, lowMask, _mm512_add_ps(_mm512_maskz_loadu_ps(lowMask, target), top[j]));
            _mm512_mask_storeu_ps(target + 16, highMask,
                                  _mm512_add_ps(_mm512_maskz_loadu_ps(highMask, target + 16), bottom[j]));
        } else {
            _mm512_mask_storeu_ps(target, lowMask, top[j]);
            _mm512_mask_storeu_ps(target + 16, highMask, bottom[j]);
        }
    }
}

void packedGemm(bool transposeA, bool transposeB, int m, int n, int k, const float* a, long lda, const float* b,
                long ldb, float* c, long ldc, bool accumulate)
{
    PackBuffers& buffers = packBuffers();
    const int kcMax = std::min(kKc, k);
    const std::size_t aSize = static_cast<std::size_t>(((std::min(kMc, m) + kMr - 1) / kMr) * kMr) * kcMax;
    const std::size_t bSize = static_cast<std::size_t>(((std::min(kNc, n) + kNr - 1) / kNr) * kNr) * kcMax;
    if (buffers.a.size() < aSize)
        buffers.a.resize(aSize);
    if (buffers.b.size() < bSize)
        buffers.b.resize(bSize);
    float* packedA = buffers.a.data();
    float* packedB = buffers.b.data();
    for (int j0 = 0; j0 < n; j0 += kNc) {
        const int nc = std::min(kNc, n - j0);
        for (int p0 = 0; p0 < k; p0 += kKc) {
            const int kc = std::min(kKc, k - p0);
            const bool add = accumulate || p0 > 0;
            packB(transposeB, b, ldb, p0, kc, j0, nc, packedB);
            for (int i0 = 0; i0 < m; i0 += kMc) {
                const int mc = std::min(kMc, m - i0);
                packA(transposeA, a, lda, i0, mc, p0, kc, packedA);
                for (int jr = 0; jr < nc; jr += kNr) {
                    const int columns = std::min(kNr, nc - jr);
                    const float* panelB = packedB + static_cast<long>(jr) * kc;
                    for (int ir = 0; ir < mc; ir += kMr) {
                        const int rows = std::min(kMr, mc - ir);
                        float* tile = c + static_cast<long>(j0 + jr) * ldc + i0 + ir;
                        const float* panelA = packedA + static_cast<long>(ir) * kc;
                        if (add)
                            kernel<true>(kc, panelA, panelB, tile, ldc, rows, columns);
                        else
                            kernel<false>(kc, panelA, panelB, tile, ldc, rows, columns);
                    }
                }
            }
        }
    }
}

#endif // __AVX512F__

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
#ifdef __AVX512F__
    packedGemm(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
#else
    eigenGemm(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
#endif
}

bool gemmUsesOwnKernel()
{
#ifdef __AVX512F__
    return true;
#else
    return false;
#endif
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
