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
bad=()
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
done
if ((${#bad[@]})); then
  echo "not formatted with .clang-format (run scripts/check_format.sh --fix): ${bad[*]}" >&2
  exit 1
fi
echo "${#files[@]} files formatted"
