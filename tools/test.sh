#!/usr/bin/env bash
# Sets everything up on a fresh machine, builds aec and runs the whole test suite with CTest;
# then builds it again with clang's AddressSanitizer and UndefinedBehaviorSanitizer, runs the
# suite there too (all but the installed-package test, whose application is built without the
# sanitizers' runtime) and fuzzes the parser, the data readers and the compiler for a bounded time.
# The `long` label (2000 random programs) is left out unless --long is given.
# Usage: tools/test.sh [--no-sanitizers] [--long]
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizers=1 long=0
for a in "$@"; do
  case "$a" in
  --no-sanitizers) sanitizers=0 ;;
  --long) long=1 ;;
  *) echo "tools/test.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
tools/setup.sh --fuzz
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
(cd build && ctest -j2 --output-on-failure -LE long)
if ((long)); then (cd build && ctest --output-on-failure -L long); fi
((sanitizers)) || exit 0

echo "== the test suite under AddressSanitizer and UndefinedBehaviorSanitizer"
tools/configure-sanitizers.sh
cmake --build build-asan -j2
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp
(cd build-asan && ctest -j2 --output-on-failure -LE long -E "installed package")

echo "== bounded fuzzing (tools/fuzz.sh runs longer)"
tools/fuzz.sh parser 60
tools/fuzz.sh data 60
tools/fuzz.sh compiler 180
