# Shared by run-app.sh and run-tests.sh: install what SparseScope needs, configure, build.
# Everything comes from Debian 12 packages; nothing is downloaded from elsewhere.
set -euo pipefail

SPARSESCOPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# ccache (CMakeLists.txt uses it when installed) keyed on paths relative to the checkout, so
# that another clone of the same sources reuses the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$SPARSESCOPE_ROOT}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"

# The complete list of what a fresh Debian 12 machine needs to build, test and run.
SPARSESCOPE_PACKAGES=(
  build-essential cmake pkg-config ccache
  qt6-base-dev libqcustomplot-dev qt6-svg-dev libgl-dev
  libeigen3-dev zlib1g-dev nlohmann-json3-dev libhwy-dev
  fonts-dejavu-core
  dataset-fashion-mnist
  clang libclang-rt-14-dev libomp-14-dev
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs only what is missing, so a second run costs nothing.
ensure_packages() {
  local missing=()
  local package
  for package in "${SPARSESCOPE_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> Installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}"
  fi
}

# configure_and_build PRESET [targets...]: CMake presets live in CMakePresets.json.
configure_and_build() {
  local preset="$1"; shift
  cd "$SPARSESCOPE_ROOT"
  cmake --preset "$preset" >/dev/null
  if [ $# -gt 0 ]; then
    cmake --build --preset "$preset" --target "$@"
  else
    cmake --build --preset "$preset"
  fi
}
