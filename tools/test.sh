#!/usr/bin/env bash
# Sets everything up on a fresh machine, checks the format, builds aec (warnings as errors) and
# runs the whole test suite with CTest; compiles it once more for an AVX-512 target (x86-64-v4); then builds it again
# with clang's AddressSanitizer and UndefinedBehaviorSanitizer, runs the suite there too (all but
# the installed-package test, whose application is built without the sanitizers' runtime, the
# portability test, which runs aec under qemu, and the Python module's, which Python cannot load
# from such a build) and fuzzes the parser, the data readers, the
# checkpoint reader and the compiler (also with deep and long inputs) for a bounded time.
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
tools/setup.sh --test
echo "== the format (.clang-format)"
tools/check_format.sh
# Warnings are errors here (and only here: a user's build warns). The Python module is required.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DAEC_WERROR=ON -DAEC_PYTHON=ON >/dev/null
cmake --build build -j2
(cd build && ctest -j2 --output-on-failure -LE long)
if ((long)); then (cd build && ctest --output-on-failure -L long); fi

# An AVX-512 target warns where an AVX2 one does not (GCC inside Eigen's AVX-512 code): compile
# everything once for x86-64-v4 with warnings as errors, whatever CPU this machine has (nothing of
# it runs: not even the test binaries that register their cases, which an AVX2 CPU cannot run).
echo "== compiling for an AVX-512 target (x86-64-v4), warnings as errors"
cmake -S . -B build-x86-64-v4 -G Ninja -DCMAKE_BUILD_TYPE=Release -DAEC_ARCH=x86-64-v4 -DAEC_WERROR=ON -DAEC_DISCOVER_TESTS=OFF >/dev/null
cmake --build build-x86-64-v4 -j2

((sanitizers)) || exit 0

echo "== the test suite under AddressSanitizer and UndefinedBehaviorSanitizer"
tools/configure-sanitizers.sh
cmake --build build-asan -j2
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp
(cd build-asan && ctest -j2 --output-on-failure -LE long -E "installed package|portability")

echo "== bounded fuzzing (tools/fuzz.sh runs longer)"
tools/fuzz.sh parser 60
tools/fuzz.sh data 60
tools/fuzz.sh checkpoint 60
tools/fuzz.sh compiler 180
tools/fuzz.sh compiler 60 --large
