#!/usr/bin/env bash
# Quick start, command 2: install, build and run the whole test suite, first in Release,
# then under AddressSanitizer + UndefinedBehaviorSanitizer, then the threaded suites under
# ThreadSanitizer, then a short fuzz run of the readers (any report fails the run).
source "$(dirname "$0")/common.sh"
ensure_packages
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
for preset in release asan; do
  echo "==> Building and testing: $preset"
  configure_and_build "$preset"
  ctest --preset "$preset"
done
echo "==> Building and testing: tsan (the suites labelled threads)"
configure_and_build tsan tst_threadteam tst_trainer tst_trainer_slices tst_instantevaluator tst_liveexperiment tst_exactreference
ctest --preset tsan
# The fuzz leg: each reader of hostile input for about a minute under ASan and UBSan; any
# finding fails the run (scripts/fuzz.sh runs longer).
echo "==> Fuzzing the readers, ${SPARSESCOPE_FUZZ_SECONDS:-60}s each"
"$(dirname "$0")/fuzz.sh" "${SPARSESCOPE_FUZZ_SECONDS:-60}"
