#!/usr/bin/env bash
# Installs the build tree into a fresh prefix, builds examples/embed against it with
# find_package(aec) as an application would, and runs it on synthetic data.
# Usage: installed_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/aec/aec.h" && test -f "$work/prefix/lib/cmake/aec/aecConfig.cmake"
# The public header stands alone: nothing of the compiler's internals is installed or needed.
if grep -q '#include "' "$work/prefix/include/aec/aec.h"; then echo "aec.h includes a project header"; exit 1; fi
cmake -S "$src/examples/embed" -B "$work/app" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/app" >/dev/null
cd "$work"
"$work/app/aec_embed_example" "$src/examples/pca_tied.ae" "synthetic:lowrank?n=3000&d=32&rank=8" "$work/embed.ckpt"
echo "installed package: ok"
