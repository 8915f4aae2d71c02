#!/usr/bin/env bash
# Fuzzes the readers of hostile input (CSV, IDX, gzip, session and model files) with libFuzzer
# under AddressSanitizer and UndefinedBehaviorSanitizer. One command, for a long run:
#
#     scripts/fuzz.sh                 # every target for 10 minutes
#     scripts/fuzz.sh 3600            # every target for an hour
#     scripts/fuzz.sh 600 fuzz_csv    # one target
#
# Seeds come from tests/fuzz/corpus/<target>/ and are not modified: each run works on a copy
# in build/fuzz/corpus/<target>/, which grows across runs. A finding (crash, sanitizer report,
# timeout, memory beyond 2 GB) stops that target, leaves the reproducer in build/fuzz/findings/
# and makes the script exit 1; reproduce with build/fuzz/tests/fuzz/<target> <file>.
source "$(dirname "$0")/common.sh"
ensure_packages

seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_csv fuzz_idx fuzz_gzip fuzz_session fuzz_model)

cd "$SPARSESCOPE_ROOT"
cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DSPARSESCOPE_FUZZ=ON \
  -DSPARSESCOPE_BUILD_UI=OFF -DSPARSESCOPE_BUILD_TESTS=OFF -DSPARSESCOPE_BUILD_BENCH=OFF >/dev/null
cmake --build build/fuzz -j"$(nproc)" --target "${targets[@]}"

failed=0
for target in "${targets[@]}"; do
  corpus="build/fuzz/corpus/$target"
  findings="build/fuzz/findings/$target"
  mkdir -p "$corpus" "$findings"
  cp -n "tests/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null || true
  echo "==> $target for ${seconds}s"
  # -rss_limit_mb: the readers' limits keep real inputs far below it; -timeout: no input may
  # take 10 s (a hang is a finding).
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "build/fuzz/tests/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" "$corpus"; then
    echo "==> $target: FINDING (see $findings/)"
    failed=1
  fi
done
exit "$failed"
