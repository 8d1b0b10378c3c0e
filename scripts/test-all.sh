#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, and runs every test:
# unit, integration (CLI, SIGKILL crash and power-loss tests), store and sync, end-to-end under
# Xvfb, soak, packaging, fuzzing, the same suites again under ASan+UBSan and TSan, and file checks.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLKP_WERROR=ON >/dev/null
cmake --build build -j2
# -j5 on two cores: two of the slots are the sanitizer runs (tests/sanitizers/run.sh), at the
# lowest priority for their whole length; the other three run the rest, many of which wait (on
# Xvfb, sockets, timeouts). With -j3 the rest ran one at a time behind the sanitizers.
ctest --test-dir build --output-on-failure -j5
