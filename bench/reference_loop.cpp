// The reference loop as a C symbol, for processes that time a front door (the Python extension,
// libbtpow.so) and cannot link the benchmark: scripts/cpu_bounds.py loads it with ctypes.
#include "reference_loop.hpp"

extern "C" __attribute__((visibility("default"))) std::uint64_t btpow_bench_reference_adds(std::uint64_t passes) {
    return btpow::bench::reference_adds(passes);
}
