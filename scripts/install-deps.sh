#!/usr/bin/env bash
# Installs the Debian 12 packages LKP Kiosk needs to build, run and test, when missing.
# Usage: scripts/install-deps.sh [run|test]   (default: test, which is a superset)
set -euo pipefail

run_packages=(
  build-essential cmake pkg-config
  libimgui-dev libglfw3-dev libgl-dev libgl1-mesa-dri libfreetype-dev
  libsqlite3-dev nlohmann-json3-dev libfribidi-dev libharfbuzz-dev libespeak-ng-dev espeak-ng-data
  fonts-noto-core
  libmicrohttpd-dev libcpp-httplib-dev libcurl4-openssl-dev libsodium-dev libpq-dev zlib1g-dev libcli11-dev
  libxlsxwriter-dev libsystemd-dev
)
test_packages=(
  libgtest-dev libbenchmark-dev
  xvfb xauth xdotool imagemagick sqlite3 gettext shellcheck systemd
  postgresql clang clang-format libclang-rt-14-dev openssl curl
  python3-openpyxl chromium faketime
)

packages=("${run_packages[@]}")
[ "${1:-test}" = test ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
