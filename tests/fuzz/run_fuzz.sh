#!/usr/bin/env bash
# Runs a libFuzzer target (tests/fuzz/CMakeLists.txt) for a bounded time from its seed corpus.
# Exits non-zero on any crash, hang, leak or sanitizer report; the input that caused it is kept in
# WORK_DIR as crash-*, leak-* or timeout-*.
#   batch_fuzz: the store's batch and heartbeat parsers and the client's reader of the store's answer
#   http_fuzz:  the store's whole request path, raw bytes on a real connection to the real front
# Usage: tests/fuzz/run_fuzz.sh FUZZER SEED_CORPUS WORK_DIR [SECONDS]
set -euo pipefail
[ $# -ge 3 ] || { printf 'usage: %s FUZZER SEED_CORPUS WORK_DIR [SECONDS]\n' "$0" >&2; exit 2; }
fuzzer=$1 seeds=$2 work=$3 seconds=${4:-60}
mkdir -p "$work/corpus"
cp -n "$seeds"/* "$work/corpus/"

# -max_len covers a batch of a few dozen responses; bigger inputs only repeat the same paths.
"$fuzzer" -artifact_prefix="$work/" -max_total_time="$seconds" -max_len=65536 \
  -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 "$work/corpus"
