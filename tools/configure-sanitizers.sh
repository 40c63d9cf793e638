#!/usr/bin/env bash
# Configures build-asan: aec and its tests built by clang with AddressSanitizer and
# UndefinedBehaviorSanitizer (any report fails the run), and with libFuzzer's coverage, so that
# the same build also gives the fuzz targets (tools/fuzz.sh). tools/setup.sh --fuzz installs clang.
# Without the Python module: Python, not built with the sanitizers, cannot load it.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DAEC_FUZZ=ON -DAEC_WERROR=OFF -DAEC_PYTHON=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -fsanitize=fuzzer-no-link" >/dev/null
