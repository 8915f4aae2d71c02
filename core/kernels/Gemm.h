#pragma once
// Single-threaded float matrix product for the training step's GEMMs, C = op(A) * op(B)
// (or C += op(A) * op(B)), all column-major. With AVX-512 (the default -march=native build on
// this machine) it is a packed, cache-blocked product around a 32x12 register-tile kernel,
// in the manner of BLIS/GotoBLAS: ~100 GFLOP/s a core here where Eigen's GEMM reaches ~86
// on the training shapes (784x256 by 128 samples and smaller). Without AVX-512 it is
// Eigen's product. Threads are the caller's business (the Trainer gives each thread a part
// of the mini-batch); results do not depend on anything but the operands.

#include "common/Types.h"

namespace ss {

// m x n result, inner dimension k. A is m x k (k x m if transposeA) with leading dimension
// lda; B is k x n (n x k if transposeB) with leading dimension ldb; C is m x n with ldc.
// Packing buffers are per thread and grow once to the largest size used (no allocation
// in steady state).
void gemm(bool transposeA, bool transposeB, int m, int n, int k, const Scalar* a, long lda, const Scalar* b, long ldb,
          Scalar* c, long ldc, bool accumulate = false);

// True when gemm() uses its own AVX-512 kernel (false: Eigen's product).
bool gemmUsesOwnKernel();

// destination = op(lhs) * op(rhs), op = transpose where asked. The product is chosen by
// its size (multiply-adds), and the choice depends only on the shapes, so results are
// bit-identical run to run:
//  - below ~24^3: Eigen's coefficient-based lazy product (no packing, no blocking: a
//    2-8-8-1 net at batch 10 then takes a few microseconds a step);
//  - otherwise, single-threaded: the packed AVX-512 gemm (Gemm.h) when the result has at
//    least 24 rows (its tiles are 32 rows high), else Eigen's GEMM on the calling thread;
//  - with threaded = true and at least 2^20 multiply-adds: Eigen's GEMM on all OpenMP
//    threads (for callers that are not splitting the work among threads themselves).
void multiplyInto(MatrixRef destination, const ConstMatrixRef& lhs, bool transposeLhs, const ConstMatrixRef& rhs,
                  bool transposeRhs, bool threaded = false);

} // namespace ss
