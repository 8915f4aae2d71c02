#pragma once
// Which SIMD instruction set the kernels run on. Every kernel file is compiled once per
// instruction set (Highway's foreach_target.h) and the best one the CPU supports is chosen at
// run time, so one binary runs everywhere. SPARSESCOPE_ISA forces a path, for tests and
// benchmarks of every path on a machine that has several:
//   avx512   AVX-512 (with VNNI where the CPU has it: Ice Lake, Zen 4 and later)
//   avx2     AVX2 + FMA (most laptops; Haswell, Zen 1-3)
//   baseline SSE4 on x86, NEON on ARM: the oldest SIMD the project supports at speed
//   scalar   Highway's portable emulation, for CPUs without even that
// A path the CPU lacks, or an unknown name, ends the program with a message and exit code
// kSimdPathUnavailableExitCode (ctest counts that as skipped).

#include <string>
#include <vector>

namespace ss {

inline constexpr int kSimdPathUnavailableExitCode = 77;

// Reads SPARSESCOPE_ISA once (later calls return at once). Every kernel entry point calls it
// before dispatching; programs may call it early to fail fast.
void ensureSimdPathChosen();

// The path the kernels run on now: "avx512-vnni", "avx512", "avx2", "sse4", "neon", "sve",
// "scalar" (Highway's target, in our words).
std::string activeSimdPath();

// The paths this binary was built with that this CPU can run, best first, as accepted by
// SPARSESCOPE_ISA ("avx512", "avx2", "baseline", "scalar").
std::vector<std::string> availableSimdPaths();

// The name a Highway target bit goes by in activeSimdPath().
std::string simdTargetName(long long target);

} // namespace ss
