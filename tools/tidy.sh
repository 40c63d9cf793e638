#!/usr/bin/env bash
# clang-tidy (Debian's 14, .clang-tidy's checks) on the given files, or on every .cpp file of the
# compiler, runtime, library and tool, with the compile commands of build/ (configure it first).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f build/compile_commands.json ]] || { echo "tidy: build/compile_commands.json is missing; configure build/ first" >&2; exit 2; }
if (($# == 0)); then
  mapfile -t files < <(git ls-files 'grammar/*.cpp' 'compiler/*.cpp' 'runtime/*.cpp' 'lib/*.cpp' 'tools/*.cpp')
else
  files=("$@")
fi
printf '%s\n' "${files[@]}" | xargs -P 2 -n 4 clang-tidy-14 -p build --quiet --extra-arg=-Wno-unknown-warning-option
