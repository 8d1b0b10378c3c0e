#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, and runs every test:
# unit, integration (CLI, SIGKILL crash and power-loss tests), store and sync, end-to-end under
# Xvfb, soak, packaging, fuzzing, and file checks.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLKP_WERROR=ON >/dev/null
cmake --build build -j2
# -j3 on two cores: many tests wait (on Xvfb, sockets, timeouts). The sanitizer runs are not in
# this command yet (tests/CMakeLists.txt, LKP_SANITIZER_TESTS): they did not fit its 30 minutes.
ctest --test-dir build --output-on-failure -j3
