#!/usr/bin/env bash
# Builds a fuzz target with clang (libFuzzer, AddressSanitizer, UBSan) and runs it for a bounded
# time. Exits non-zero on any crash, hang, leak or sanitizer report.
#   batch: the store's batch and heartbeat parsers and the client's reader of the store's answer
#   http:  the store's whole request path, raw bytes on a real connection to the real front
# Usage: tests/fuzz/run_fuzz.sh SOURCE_DIR WORK_DIR [SECONDS] [batch|http]
set -euo pipefail
src=$1 work=$2 seconds=${3:-60} target=${4:-batch}
mkdir -p "$work/$target-corpus"
seeds=$src/tests/fuzz/corpus
[ "$target" = http ] && seeds=$src/tests/fuzz/http_corpus
cp -n "$seeds"/* "$work/$target-corpus/" 2>/dev/null || true

# The record library whole (globbed: a new file in it, such as language_tag.cpp, once broke this list).
sources=(
  "$src/sync/protocol/batch.cpp" "$src/sync/protocol/heartbeat.cpp" "$src/sync/protocol/safe_text.cpp"
  "$src/app/core/survey.cpp" "$src/app/core/districts.cpp" "$src/app/core/json_document.cpp"
  "$src"/lib/record/*.cpp
)
libs=()
if [ "$target" = http ]; then
  # The whole store but its command line, its serve loop and the PostgreSQL backend.
  for f in "$src"/sync/server/*.cpp "$src"/lib/indicators/*.cpp "$src"/lib/tables/*.cpp; do
    case $f in */main.cpp | */server.cpp | */postgres_backend.cpp) continue ;; esac
    sources+=("$f")
  done
  sources+=("$src/tests/fuzz/http_fuzz.cpp" "$src/lib/sqlite/database.cpp")
  libs=(-lmicrohttpd -lz -lsqlite3 -lsodium -lxlsxwriter -lpthread)
else
  sources+=("$src/tests/fuzz/batch_fuzz.cpp")
fi
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$src/lib" -I"$src/app" -I"$src/sync" -I"$src/sync/server" -DLKP_SOURCE_DIR="\"$src\"" "${sources[@]}" \
  "${libs[@]}" -o "$work/${target}_fuzz"

# -max_len covers a batch of a few dozen responses; bigger inputs only repeat the same paths.
"$work/${target}_fuzz" -artifact_prefix="$work/$target-" -max_total_time="$seconds" -max_len=65536 \
  -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 "$work/$target-corpus"
