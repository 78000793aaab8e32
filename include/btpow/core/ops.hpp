// Scalar word operations of the seal core. Vector backends provide the same free functions for
// their lane types (see lib/cpu/), so the round functions in sha256.hpp and keccak.hpp are
// written once and instantiated for uint32_t/uint64_t (host and CUDA) and for SIMD lanes.
#pragma once

#include "config.hpp"

namespace btpow::core {

// Rotation and shift counts are template arguments: SIMD rotate instructions take immediates.
template <int N>
BTPOW_HD std::uint32_t rotr32(std::uint32_t x) {
#if defined(__CUDA_ARCH__)
    return __funnelshift_r(x, x, N);
#else
    return (x >> N) | (x << ((32 - N) & 31));
#endif
}

template <int N>
BTPOW_HD std::uint32_t shr32(std::uint32_t x) {
    return x >> N;
}

template <int N>
BTPOW_HD std::uint64_t rotl64(std::uint64_t x) {
    if constexpr (N == 0) {
        return x;
    } else {
#if defined(__CUDA_ARCH__)
        // Two 32-bit funnel shifts: the GPU has no 64-bit rotate.
        const std::uint32_t lo = static_cast<std::uint32_t>(x);
        const std::uint32_t hi = static_cast<std::uint32_t>(x >> 32);
        if constexpr (N < 32) {
            return (static_cast<std::uint64_t>(__funnelshift_l(lo, hi, N)) << 32) | __funnelshift_l(hi, lo, N);
        } else if constexpr (N == 32) {
            return (static_cast<std::uint64_t>(lo) << 32) | hi;
        } else {
            return (static_cast<std::uint64_t>(__funnelshift_l(hi, lo, N - 32)) << 32) |
                   __funnelshift_l(lo, hi, N - 32);
        }
#else
        return (x << N) | (x >> (64 - N));
#endif
    }
}

BTPOW_HD std::uint32_t bswap32(std::uint32_t x) {
#if defined(__CUDA_ARCH__)
    return __byte_perm(x, 0, 0x0123);
#else
    return __builtin_bswap32(x);
#endif
}

BTPOW_HD std::uint64_t bswap64(std::uint64_t x) {
#if defined(__CUDA_ARCH__)
    const std::uint32_t lo = static_cast<std::uint32_t>(x);
    const std::uint32_t hi = static_cast<std::uint32_t>(x >> 32);
    return (static_cast<std::uint64_t>(bswap32(lo)) << 32) | bswap32(hi);
#else
    return __builtin_bswap64(x);
#endif
}

// SHA-256 choose and majority, written as single three-input boolean functions (one LOP3 on
// NVIDIA GPUs, one vpternlog on AVX-512).
BTPOW_HD std::uint32_t ch(std::uint32_t e, std::uint32_t f, std::uint32_t g) { return g ^ (e & (f ^ g)); }
BTPOW_HD std::uint32_t maj(std::uint32_t a, std::uint32_t b, std::uint32_t c) { return (a & b) | (c & (a | b)); }

// Keccak chi for one lane: a ^ (~b & c).
BTPOW_HD std::uint64_t chi(std::uint64_t a, std::uint64_t b, std::uint64_t c) { return a ^ (~b & c); }
BTPOW_HD std::uint32_t xor3(std::uint32_t a, std::uint32_t b, std::uint32_t c) { return a ^ b ^ c; }
BTPOW_HD std::uint64_t xor3(std::uint64_t a, std::uint64_t b, std::uint64_t c) { return a ^ b ^ c; }
BTPOW_HD std::uint64_t xor5(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d, std::uint64_t e) {
    return a ^ b ^ c ^ d ^ e;
}

// Building a Keccak lane from two SHA-256 output words: the digest is big-endian words, the
// Keccak lane is the little-endian reading of the same 8 bytes.
BTPOW_HD std::uint64_t lane_from_words(std::uint32_t first, std::uint32_t second) {
    return static_cast<std::uint64_t>(bswap32(first)) | (static_cast<std::uint64_t>(bswap32(second)) << 32);
}

}  // namespace btpow::core
