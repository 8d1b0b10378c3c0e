#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, and runs every test:
# unit, integration (CLI, SIGKILL crash test), end-to-end under Xvfb, and file checks.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLKP_WERROR=ON >/dev/null
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2
