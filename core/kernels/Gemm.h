#pragma once
// Single-threaded float matrix product for the training step's GEMMs, C = op(A) * op(B)
// (or C += op(A) * op(B)), all column-major: a packed, cache-blocked product around a register
// tile, in the manner of BLIS/GotoBLAS, compiled for every SIMD path (kernels/Isa.h) with the
// tile sized to the path's registers (32 x 12 on AVX-512, 16 x 6 on AVX2). It needs no heap
// memory after the first call, where Eigen's GEMM allocates its blocks on every call. Threads
// are the caller's business (the Trainer gives each thread a part of the mini-batch); results
// depend on nothing but the operands and the path.

#include "common/Types.h"

namespace ss {

// m x n result, inner dimension k. A is m x k (k x m if transposeA) with leading dimension
// lda; B is k x n (n x k if transposeB) with leading dimension ldb; C is m x n with ldc.
// Packing buffers are per thread and grow once to the largest size used (no allocation
// in steady state).
void gemm(bool transposeA, bool transposeB, int m, int n, int k, const Scalar* a, long lda, const Scalar* b, long ldb,
          Scalar* c, long ldc, bool accumulate = false);

// True when gemm() uses its own packed kernel on the active SIMD path (false: Eigen's
// product, for the scalar emulation and scalable vectors).
bool gemmUsesOwnKernel();

// The register tile of the active path's kernel (0 x 0 without one), for benchmarks.
struct TileShape {
    int rows = 0;
    int columns = 0;
};

// destination = op(lhs) * op(rhs), op = transpose where asked. The product is chosen by
// its size (multiply-adds), and the choice depends only on the shapes, so results are
// bit-identical run to run:
//  - below ~24^3: Eigen's coefficient-based lazy product (no packing, no blocking: a
//    2-8-8-1 net at batch 10 then takes a few microseconds a step);
//  - otherwise, single-threaded: the packed gemm() above when the result has at least 24
//    rows (narrower results waste most of a tile), else Eigen's GEMM on the calling thread;
//  - with threaded = true and at least 2^20 multiply-adds: Eigen's GEMM on all OpenMP
//    threads (for callers that are not splitting the work among threads themselves).
void multiplyInto(MatrixRef destination, const ConstMatrixRef& lhs, bool transposeLhs, const ConstMatrixRef& rhs,
                  bool transposeRhs, bool threaded = false);

} // namespace ss
