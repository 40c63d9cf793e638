#!/usr/bin/env bash
# Sets everything up on a fresh machine, builds aec and runs the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
cd build && ctest -j2 --output-on-failure
