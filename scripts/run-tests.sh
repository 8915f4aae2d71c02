#!/usr/bin/env bash
# Quick start, command 2: install, build and run the whole test suite, first in Release,
# then under AddressSanitizer + UndefinedBehaviorSanitizer (any report fails the run).
source "$(dirname "$0")/common.sh"
ensure_packages
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
for preset in release asan; do
  echo "==> Building and testing: $preset"
  configure_and_build "$preset"
  ctest --preset "$preset"
done
