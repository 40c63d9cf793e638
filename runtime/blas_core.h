// OpenBLAS's choice of kernels. Debian's OpenBLAS picks its kernels by the CPU's model number at
// load time; on a CPU newer than the library (0.3.21 does not know Sapphire Rapids, and a virtual
// machine may hide the model) it falls back to Prescott's SSE3 kernels, a third of the speed.
// aec then chooses by the instructions the CPU has, unless OPENBLAS_CORETYPE says otherwise.
#pragma once
#include <string>

namespace aec::runtime {

// Makes sure OpenBLAS runs the kernels of the widest vectors this CPU has (once per process,
// before the first product; later calls return at once). Returns the kernels in use.
std::string ensure_blas_kernels();

// The kernels OpenBLAS runs ("SkylakeX", "Haswell", ...), "" for a build without that query.
std::string blas_kernels();

} // namespace aec::runtime
