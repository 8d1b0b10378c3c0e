#!/usr/bin/env bash
# Builds this checkout again with clang and sanitizers, in a build folder of its own, and runs test
# suites there. The programs the tests start (lkp-kiosk, lkp-store) are built the same way, so a
# report from inside the store during a store test counts too.
#   asan: AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer) on the unit,
#         integration, store and sync suites, and the libFuzzer targets (tests/fuzz)
#   tsan: ThreadSanitizer on the store and sync suites (the store's worker pool, the kiosk's
#         sync thread)
# Every report from any process goes to a file (log_path); any such file fails the run, and the
# reports are printed. Suppressions are in this folder, one reason each, for third-party code only.
# Usage: tests/sanitizers/run.sh SOURCE_DIR WORK_DIR asan|tsan
set -euo pipefail
[ $# -eq 3 ] || { printf 'usage: %s SOURCE_DIR WORK_DIR asan|tsan\n' "$0" >&2; exit 2; }
src=$(cd "$1" && pwd)
kind=$3
mkdir -p "$2"
work=$(cd "$2" && pwd)
here=$src/tests/sanitizers
case $kind in
  asan)
    sanitize=address,undefined
    labels='^(unit|integration|store|sync|fuzz)$'
    # Not these two: the power-loss shim is preloaded ahead of ASan's runtime, and its libc
    # look-ups come back empty before ASan has started (a jump to address 0 in every writer); the
    # crash test kills its writer 2-120 ms after the start, which ASan's own start-up mostly
    # fills. Both test durability, which the main build's run covers; the code they drive
    # (app/kiosk_db) is in the unit suite here.
    exclude='^(PowerLoss|Crash)\.'
    # The fuzzers too (tests/fuzz): they reuse this build's objects, the store's with coverage counters.
    targets=(unit_tests integration_tests store_tests sync_tests lkp-kiosk lkp-store crash_writer batch_fuzz http_fuzz)
    # -O0: this build is the longest path of the test command. Clang compiled the store's largest
    # unity file with ASan+UBSan in 32 CPU-s at -O0 against 82 at -O1. The libraries the tests spend
    # their time in keep -O1 (LKP_SANITIZE_HOT_PATHS_O1, CMakeLists.txt): at -O0 the store took over
    # 30 s to add up a year's figures.
    extra=(-DLKP_FUZZ=ON -DLKP_SANITIZE_HOT_PATHS_O1=ON)
    optimize=-O0
    # First in line for the cores while building; three tests at a time once built.
    priority=0 jobs=3
    ;;
  tsan)
    sanitize=thread
    labels='^(store|sync)$'
    # The PostgreSQL variants drive the same threads of the store (the HTTP front, the worker
    # pool) and of the kiosk as the SQLite ones, and took most of this run's test-seconds (the
    # store suite's: 1,175 of 1,978); they run under ASan+UBSan.
    exclude='Postgres'
    targets=(store_tests sync_tests lkp-kiosk lkp-store)
    extra=(-DLKP_SANITIZE_HOT_PATHS_O1=ON)
    # As the ASan build: -O0 but for the libraries the tests spend their time in.
    optimize=-O0
    # Its build gives way to the ASan build's, the longest path of the test command.
    priority=5 jobs=2
    ;;
  *) printf 'unknown kind %s (asan or tsan)\n' "$kind" >&2; exit 2 ;;
esac
build=$work/$kind
reports=$work/$kind-reports
rm -rf "$reports"
mkdir -p "$reports"

# clang, line tables only and a unity build (several sources per compiler run); the test
# programs themselves at -O0 (tests/CMakeLists.txt). On this project's heaviest files GCC's -O1
# ASan+UBSan took 95 s where clang's took 41 (and GCC's -O2 -g 37); still a file:line for every
# frame of a report.
SECONDS=0
CC=clang CXX=clang++ cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$optimize -gline-tables-only" -DCMAKE_C_FLAGS_RELWITHDEBINFO="$optimize -gline-tables-only" \
  -DLKP_SANITIZE="$sanitize" -DLKP_WERROR=ON -DLKP_BUILD_BENCH=OFF -DCMAKE_UNITY_BUILD=ON "${extra[@]}" >"$work/$kind-cmake.log"
nice -n "$priority" cmake --build "$build" -j2 --target "${targets[@]}" >"$work/$kind-build.log" 2>&1 || {
  tail -50 "$work/$kind-build.log"
  exit 1
}
printf '%s build: %ss\n' "$kind" "$SECONDS"

export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
export TSAN_OPTIONS="log_path=$reports/tsan:halt_on_error=1:second_deadlock_stack=1:suppressions=$here/tsan.supp"
# The tests know they run sanitized (a few measure the store's memory, which the sanitizers' own
# shadow memory and quarantine would swamp).
export LKP_SANITIZED=$kind
rc=0
exclude_args=()
[ -n "$exclude" ] && exclude_args=(-E "$exclude")
ctest --test-dir "$build" -L "$labels" "${exclude_args[@]}" -j"$jobs" --output-on-failure --timeout 600 >"$work/$kind-ctest.log" 2>&1 || rc=$?
grep -E '^(Total Test time|[0-9]+% tests passed)' "$work/$kind-ctest.log" || true
if [ "$rc" -ne 0 ]; then
  grep -E '^\s*[0-9]+ - |\*\*\*Failed|Timeout|Exception' "$work/$kind-ctest.log" | head -40 || true
fi
found=$(find "$reports" -type f | sort)
if [ -n "$found" ]; then
  printf '\n%s: sanitizer reports:\n' "$kind"
  for f in $found; do
    printf '\n--- %s\n' "$f"
    head -60 "$f"
  done
  exit 1
fi
if [ "$rc" -ne 0 ]; then
  printf '\n%s: tests failed (exit %d); the log is %s\n' "$kind" "$rc" "$work/$kind-ctest.log"
  exit 1
fi
printf '%s: no sanitizer report, every test passed (%ss in all)\n' "$kind" "$SECONDS"
