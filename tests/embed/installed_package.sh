#!/usr/bin/env bash
# Installs the build tree into a fresh prefix, builds examples/embed against it with
# find_package(aec) as an application would, and runs it on synthetic data; where the build has
# the Python module, imports it from the prefix (it finds the prefix's libaec.so) and trains.
# Usage: installed_package.sh BUILD_DIR SOURCE_DIR [PYTHON]
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
if [[ -n ${3:-} ]]; then
  site=$(ls -d "$work"/prefix/lib/python3*/dist-packages)
  test -f "$site/aec/__init__.py"
  PYTHONPATH=$site "$3" -c "
import aec, numpy as np
assert aec.__file__.startswith('$site'), aec.__file__
p = aec.Program.from_file('$src/examples/pca_tied.ae', k=4)
r = p.train('synthetic:lowrank?n=2000&d=16&rank=4', epochs=2)
print('python from the prefix:', r)"
fi
echo "installed package: ok"
