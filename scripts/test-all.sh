#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, and runs every test:
# unit, integration (CLI, SIGKILL crash and power-loss tests), store and sync, end-to-end under
# Xvfb, soak, packaging, fuzzing, the same suites again under ASan+UBSan and TSan, and file checks.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLKP_WERROR=ON >/dev/null
cmake --build build -j2
# -j3 on two cores: many tests wait (on Xvfb, sockets, timeouts), and the two sanitizer builds
# (tests/sanitizers/run.sh) run at the lowest priority beside them.
ctest --test-dir build --output-on-failure -j3
