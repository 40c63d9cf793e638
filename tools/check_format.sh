#!/usr/bin/env bash
# Checks that every C++ file follows .clang-format (Debian's clang-format 14, which tools/setup.sh
# --test installs); tools/test.sh runs it, so CI does. With --fix, formats the files instead.
set -euo pipefail
cd "$(dirname "$0")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
else
  mapfile -t files < <(find grammar compiler runtime lib tools tests examples bench -name '*.cpp' -o -name '*.h')
fi
if [[ ${1:-} == --fix ]]; then
  clang-format-14 -i "${files[@]}"
  exit 0
fi
if ! clang-format-14 --dry-run --Werror "${files[@]}" 2>/tmp/aec-format.$$; then
  head -40 /tmp/aec-format.$$
  echo "check_format: the files above do not follow .clang-format; tools/check_format.sh --fix formats them" >&2
  rm -f /tmp/aec-format.$$
  exit 1
fi
rm -f /tmp/aec-format.$$
echo "check_format: ${#files[@]} files follow .clang-format"
