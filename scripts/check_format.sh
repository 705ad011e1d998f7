#!/usr/bin/env bash
# Fails (listing the files) when a C++ source differs from what .clang-format makes of it.
# Fix with: clang-format -i FILE (or this script with --fix).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find core envs nets agents generative apps tests bench cmake \
  \( -name '*.cpp' -o -name '*.h' \) -not -path '*/data/*' | sort)
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
# One clang-format for all files (one per file cost a minute and a half of CI); its
# "FILE:LINE:COL: error: code should be clang-formatted" lines name the offenders.
if ! report=$(clang-format --dry-run --Werror "${files[@]}" 2>&1); then
  mapfile -t bad < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: error' <<<"$report" | cut -d: -f1 | sort -u)
  ((${#bad[@]})) || bad=("(clang-format failed: ${report%%$'\n'*})")
  echo "not formatted with .clang-format (run scripts/check_format.sh --fix): ${bad[*]}" >&2
  exit 1
fi
echo "${#files[@]} files formatted"
