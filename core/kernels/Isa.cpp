#include "kernels/Isa.h"

#include <hwy/targets.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace ss {

namespace {

// hwy::SupportedTargets() re-detects the CPU and, as a side effect, points the dispatch at the
// best target of all, ignoring DisableTargets; its caller must restore the choice. Ours is
// called only while the path is chosen (once, under ensureSimdPathChosen's once_flag, before
// any kernel dispatches): afterwards the chosen targets are read from activeTargets.
long long supportedTargetsKeepingTheChoice()
{
    const long long targets = hwy::SupportedTargets();
    hwy::GetChosenTarget().Update(targets);
    return targets;
}

// The targets the dispatch may use once the path is chosen.
long long activeTargets = 0;

// What the CPU supports among the built targets, read before SPARSESCOPE_ISA disables any.
long long cpuTargets()
{
    static const long long targets = supportedTargetsKeepingTheChoice() & HWY_TARGETS;
    return targets;
}

constexpr long long kAvx512Targets = HWY_AVX3_DL | HWY_AVX3;
// Highway 1.0 has no SSE2 target: below SSE4 the portable emulation runs.
#if HWY_ARCH_X86
constexpr long long kBaselineTargets = HWY_SSE4;
#else
constexpr long long kBaselineTargets = HWY_NEON;
#endif
constexpr long long kScalarTargets = HWY_EMU128 | HWY_SCALAR;

// The targets a path name allows; 0 for an unknown name.
long long targetsOf(const std::string& path)
{
    if (path == "avx512")
        return kAvx512Targets;
    if (path == "avx2")
        return HWY_AVX2;
    if (path == "baseline")
        return kBaselineTargets;
    if (path == "scalar")
        return kScalarTargets;
    return 0;
}

std::string joined(const std::vector<std::string>& names)
{
    std::string text;
    for (const std::string& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

[[noreturn]] void refuse(const std::string& requested, const std::string& reason)
{
    std::fprintf(stderr, "sparsescope: SPARSESCOPE_ISA=%s: %s (this CPU and build offer: %s)\n", requested.c_str(),
                 reason.c_str(), joined(availableSimdPaths()).c_str());
    std::exit(kSimdPathUnavailableExitCode);
}

void applyEnvironment()
{
    activeTargets = cpuTargets();
    const char* value = std::getenv("SPARSESCOPE_ISA");
    if (value == nullptr || *value == '\0')
        return;
    const std::string requested = value;
    const long long allowed = targetsOf(requested);
    if (allowed == 0)
        refuse(requested, "unknown path (use avx512, avx2, baseline or scalar)");
    const long long supported = cpuTargets();
    if ((supported & allowed) == 0)
        refuse(requested, "this CPU or build lacks it");
    // Keep the best allowed target the CPU has; disable every better one. The portable
    // emulation always stays as Highway's last resort.
    const long long chosen = (supported & allowed) & -(supported & allowed);
    hwy::DisableTargets(chosen - 1);
    activeTargets = supportedTargetsKeepingTheChoice() & HWY_TARGETS;
}

} // namespace

void ensureSimdPathChosen()
{
    static std::once_flag once;
    std::call_once(once, applyEnvironment);
}

std::string simdTargetName(long long target)
{
    switch (target) {
    case HWY_AVX3_DL: return "avx512-vnni";
    case HWY_AVX3: return "avx512";
    case HWY_AVX2: return "avx2";
    case HWY_SSE4: return "sse4";
    case HWY_SSSE3: return "ssse3";
    case HWY_NEON: return "neon";
    case HWY_SVE: return "sve";
    case HWY_SVE2: return "sve2";
    case HWY_EMU128: return "scalar";
    case HWY_SCALAR: return "scalar";
    default: return hwy::TargetName(target);
    }
}

std::string activeSimdPath()
{
    ensureSimdPathChosen();
    const long long supported = activeTargets;
    if (supported == 0)
        return simdTargetName(HWY_STATIC_TARGET);
    return simdTargetName(supported & -supported);
}

std::vector<std::string> availableSimdPaths()
{
    // Unaffected by SPARSESCOPE_ISA: what the CPU itself offers.
    std::vector<std::string> paths;
    for (const char* path : {"avx512", "avx2", "baseline", "scalar"})
        if ((cpuTargets() & targetsOf(path)) != 0)
            paths.push_back(path);
    return paths;
}

} // namespace ss
