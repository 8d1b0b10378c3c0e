#!/usr/bin/env bash
# Builds the batch-parser fuzz target with clang (libFuzzer, AddressSanitizer, UBSan) and runs it
# for a bounded time. Exits non-zero on any crash, leak or sanitizer report.
# Usage: tests/fuzz/run_fuzz.sh SOURCE_DIR WORK_DIR [SECONDS]
set -euo pipefail
src=$1 work=$2 seconds=${3:-60}
mkdir -p "$work/corpus"
cp -n "$src"/tests/fuzz/corpus/* "$work/corpus/" 2>/dev/null || true

sources=(
  "$src/tests/fuzz/batch_fuzz.cpp"
  "$src/sync/protocol/batch.cpp" "$src/sync/protocol/heartbeat.cpp" "$src/sync/protocol/safe_text.cpp"
  "$src/app/core/survey.cpp" "$src/app/core/districts.cpp" "$src/app/core/json_document.cpp"
  "$src/lib/record/response.cpp" "$src/lib/record/response_codec.cpp" "$src/lib/record/utc.cpp"
  "$src/lib/record/uuid.cpp"
)
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$src/lib" -I"$src/app" -I"$src/sync" -DLKP_SOURCE_DIR="\"$src\"" "${sources[@]}" -o "$work/batch_fuzz"

# -max_len covers a batch of a few dozen responses; bigger inputs only repeat the same paths.
"$work/batch_fuzz" -artifact_prefix="$work/" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
  -print_final_stats=1 "$work/corpus"
