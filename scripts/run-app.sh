#!/usr/bin/env bash
# Quick start, command 1: install, build and launch SparseScope on its default dataset and
# model. With no display it says so and runs the headless demo instead.
source "$(dirname "$0")/common.sh"
ensure_packages
configure_and_build release sparsescope
app="$SPARSESCOPE_ROOT/build/release/app/sparsescope"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "${QT_QPA_PLATFORM:-}" = "offscreen" ]; then
  exec "$app" "$@"
fi
out="$SPARSESCOPE_ROOT/build/demo"
echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): running the headless demo instead."
exec "$app" demo --out-dir "$out"
