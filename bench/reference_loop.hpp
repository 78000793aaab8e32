// The reference for one cycle: a chain of dependent adds, one per cycle on every x86-64 core.
// btpow_bench_cpu --cycles times it around each path, and scripts/cpu_bounds.py loads it
// (btpow_bench_reference, reference_loop.cpp) into the front doors' processes to do the same.
#pragma once

#include <cstdint>

namespace btpow::bench {

inline constexpr std::uint64_t kAddsPerPass = 100;

// passes * kAddsPerPass dependent adds; returns their sum so the caller can keep it alive.
inline std::uint64_t reference_adds(std::uint64_t passes) {
    std::uint64_t x = 0;
    for (std::uint64_t i = 0; i < passes; ++i) {
#if defined(__x86_64__)
        __asm__ volatile(".rept 100\n\tadd $1, %0\n\t.endr" : "+r"(x));
#else
        __asm__ volatile("" : "+r"(x));
        x += 1;
#endif
    }
    return x;
}

}  // namespace btpow::bench
