#!/usr/bin/env bash
# Fails when clang-format (with the repo's .clang-format) would change any C++ file: the test
# command runs it, so code reaches main formatted. To fix: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find app lib sync tests bench -name '*.cpp' -o -name '*.h')
if [ "${1:-}" = --fix ]; then
  clang-format -i "${files[@]}"
else
  clang-format --dry-run -Werror "${files[@]}"
fi
