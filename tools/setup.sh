#!/usr/bin/env bash
# Installs every dependency of aec from Debian's archive. Quick (no apt at all) when everything
# is already present. Usage: tools/setup.sh [--bench|--test]   (--bench adds PyTorch + OpenBLAS for
# bench/; --test what the whole test suite of tools/test.sh needs besides: clang and libFuzzer for
# the sanitizer build and tools/fuzz.sh, clang-format for tools/check_format.sh; --fuzz is the same)
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config zlib1g-dev
          llvm-19-dev libzstd-dev libeigen3-dev
          antlr4 libantlr4-runtime-dev
          libboost-graph-dev doctest-dev libopenblas-dev
          libdnnl-dev  # oneDNN: convolutions
          libopenmpi-dev openmpi-bin  # mpirun -np N aec train
          libcairo2-dev fonts-dejavu-core
          dataset-fashion-mnist
          python3      # the layering check and the golden tests of the passes
          python3-dev pybind11-dev python3-numpy  # the Python module (import aec)
          qemu-user)   # the portability test runs aec on emulated older CPUs
if [[ ${1:-} == --bench ]]; then
  packages+=(python3-torch python3-numpy libopenblas0-pthread bc)
fi
if [[ ${1:-} == --test || ${1:-} == --fuzz ]]; then
  packages+=(clang-14 libclang-rt-14-dev clang-format-14
             python3-matplotlib)  # the README's Python example plots (optional for users)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup: all dependencies present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) != 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
