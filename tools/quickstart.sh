#!/usr/bin/env bash
# Sets everything up on a fresh machine, builds aec and trains relu_ae on the default data
# (Fashion-MNIST, installed by the setup).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
build/tools/aec train examples/relu_ae.ae --epochs 3
