# Shared by scripts/run and scripts/test: install what is missing, configure and build.
# Sourced, not executed. Needs root on a fresh Debian 12 machine only for the apt step.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
# Compile jobs: one per core.
JOBS="$(nproc)"
# ccache keys paths relative to the checkout, so another clone or worktree reuses its objects.
export CCACHE_BASEDIR="$ROOT"

# Debian packages the build, the tests and the screenshots need.
PACKAGES=(cmake g++ make qt6-base-dev qt6-svg-dev libtorch-dev libqcustomplot-dev libopenblas0-pthread
          libgl1-mesa-dev fonts-dejavu-core xvfb xauth python3-torch python3-matplotlib
          desktop-file-utils appstream ccache)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing missing packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
      echo "error: packages missing (${missing[*]}); run as root or install them with apt-get" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

build() {
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release
  fi
  cmake --build "$BUILD" -j"$JOBS"
}
