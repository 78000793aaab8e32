// Word and lane types for the seal core whose chosen rotations run on the integer multiplier.
//
// On NVIDIA GPUs the funnel shifter (SHF), LOP3 and IADD3 share one execution pipe, while IMAD
// has a pipe of its own; the seal core is almost entirely SHF and LOP3, so the multiply pipe
// idles. A rotation can be computed there instead: for 0 < k < 32, x * 2^k is the 64-bit value
// (x >> (32 - k)) : (x << k), whose two halves are disjoint, so
//     rotl32(x, k) = lo32(x * 2^k) + hi32(x * 2^k)      (IMAD and IMAD.HI with an addend),
// and each half of a 64-bit rotation is such a sum of one word's low and the other's high part.
// The powers of two live in the constant bank on the GPU, so that ptxas keeps the multiplies
// instead of turning them back into shifts.
//
// MulWord32<Mask> (SHA-256 words) and MulLane64<Mask> (Keccak lanes), both a MulValue, behave
// like uint32_t and uint64_t in the core's templates; bit N of Mask sends rotations (and right
// shifts) by N through the multiplier, the others stay on the shifter. These are the GPU
// kernel's types in every variant (cuda/variant_policy.hpp picks the masks; with Mask 0 nothing
// goes through the multiplier); they compute the same on the host, where tests check every
// variant the kernel is built with against the plain core.
#pragma once

#include "config.hpp"
#include "keccak.hpp"
#include "ops.hpp"

namespace btpow::core {

namespace detail {

#if defined(__CUDACC__)
static __constant__ std::uint32_t kMulRotatePow2[32] = {
    1u << 0,  1u << 1,  1u << 2,  1u << 3,  1u << 4,  1u << 5,  1u << 6,  1u << 7,  1u << 8,  1u << 9,  1u << 10,
    1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15, 1u << 16, 1u << 17, 1u << 18, 1u << 19, 1u << 20, 1u << 21,
    1u << 22, 1u << 23, 1u << 24, 1u << 25, 1u << 26, 1u << 27, 1u << 28, 1u << 29, 1u << 30, 1u << 31};
#endif

template <int K>
BTPOW_HD std::uint32_t mul_pow2() {
    static_assert(K > 0 && K < 32, "rotation and shift counts through the multiplier are 1..31");
#if defined(__CUDA_ARCH__)
    return kMulRotatePow2[K];
#else
    return std::uint32_t(1) << K;
#endif
}

BTPOW_HD std::uint32_t mul_high(std::uint32_t a, std::uint32_t b) {
#if defined(__CUDA_ARCH__)
    return __umulhi(a, b);
#else
    return static_cast<std::uint32_t>((std::uint64_t(a) * b) >> 32);
#endif
}

// The upper word of (high:low) << K, 0 < K < 32: (high << K) | (low >> (32 - K)).
template <int K>
BTPOW_HD std::uint32_t mul_funnel_left(std::uint32_t low, std::uint32_t high) {
    const std::uint32_t m = mul_pow2<K>();
    return high * m + mul_high(low, m);
}

}  // namespace detail

// A word (Raw = uint32_t) or lane (Raw = uint64_t) whose rotations by N go through the
// multiplier when bit N of Mask is set. The plain operations forward to Raw's.
template <class Raw, std::uint64_t Mask>
struct MulValue {
    Raw v;
    MulValue() = default;
    BTPOW_HD MulValue(Raw x) : v(x) {}
};
template <std::uint32_t Mask>
using MulWord32 = MulValue<std::uint32_t, Mask>;
template <std::uint64_t Mask>
using MulLane64 = MulValue<std::uint64_t, Mask>;

template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> operator+(MulValue<R, M> a, MulValue<R, M> b) {
    return a.v + b.v;
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> operator^(MulValue<R, M> a, MulValue<R, M> b) {
    return a.v ^ b.v;
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> operator&(MulValue<R, M> a, MulValue<R, M> b) {
    return a.v & b.v;
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> operator|(MulValue<R, M> a, MulValue<R, M> b) {
    return a.v | b.v;
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> operator~(MulValue<R, M> a) {
    return ~a.v;
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> xor3(MulValue<R, M> a, MulValue<R, M> b, MulValue<R, M> c) {
    return xor3(a.v, b.v, c.v);
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> ch(MulValue<R, M> e, MulValue<R, M> f, MulValue<R, M> g) {
    return ch(e.v, f.v, g.v);
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> maj(MulValue<R, M> a, MulValue<R, M> b, MulValue<R, M> c) {
    return maj(a.v, b.v, c.v);
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> chi(MulValue<R, M> a, MulValue<R, M> b, MulValue<R, M> c) {
    return chi(a.v, b.v, c.v);
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> xor5(MulValue<R, M> a, MulValue<R, M> b, MulValue<R, M> c, MulValue<R, M> d, MulValue<R, M> e) {
    return xor5(a.v, b.v, c.v, d.v, e.v);
}
template <class R, std::uint64_t M>
BTPOW_HD MulValue<R, M> bswap64(MulValue<R, M> x) {
    return bswap64(x.v);
}

template <int N, std::uint64_t M>
BTPOW_HD MulValue<std::uint32_t, M> rotr32(MulValue<std::uint32_t, M> x) {
    if constexpr (((M >> N) & 1u) != 0) {
        return detail::mul_funnel_left<32 - N>(x.v, x.v);
    } else {
        return rotr32<N>(x.v);
    }
}
template <int N, std::uint64_t M>
BTPOW_HD MulValue<std::uint32_t, M> shr32(MulValue<std::uint32_t, M> x) {
    if constexpr (((M >> N) & 1u) != 0) {
        return detail::mul_high(x.v, detail::mul_pow2<32 - N>());  // x >> N = hi32(x * 2^(32 - N))
    } else {
        return shr32<N>(x.v);
    }
}

// Three-input xor is one LOP3 on the GPU, so theta applies C[x - 1] ^ rotl1(C[x + 1]) in one step.
template <std::uint64_t M>
inline constexpr bool kKeccakFusedTheta<MulValue<std::uint64_t, M>> = true;

template <int N, std::uint64_t M>
BTPOW_HD MulValue<std::uint64_t, M> rotl64(MulValue<std::uint64_t, M> x) {
    if constexpr (N == 0 || N == 32 || ((M >> N) & 1u) == 0) {
        return rotl64<N>(x.v);
    } else {
        const std::uint32_t lo = static_cast<std::uint32_t>(x.v);
        const std::uint32_t hi = static_cast<std::uint32_t>(x.v >> 32);
        std::uint32_t new_lo, new_hi;
        if constexpr (N < 32) {
            new_hi = detail::mul_funnel_left<N>(lo, hi);
            new_lo = detail::mul_funnel_left<N>(hi, lo);
        } else {
            new_hi = detail::mul_funnel_left<N - 32>(hi, lo);
            new_lo = detail::mul_funnel_left<N - 32>(lo, hi);
        }
        return (static_cast<std::uint64_t>(new_hi) << 32) | new_lo;
    }
}

// The plain value of a core word or lane.
BTPOW_HD std::uint32_t raw(std::uint32_t x) { return x; }
BTPOW_HD std::uint64_t raw(std::uint64_t x) { return x; }
template <class R, std::uint64_t M>
BTPOW_HD R raw(MulValue<R, M> x) {
    return x.v;
}

// How a GPU seal core computes its rotations: Word for SHA-256, Lane for Keccak; and whether
// Keccak's middle rounds run as a loop (keccak_seal_rounds).
template <std::uint32_t ShaMask, std::uint64_t KeccakMask, bool KeccakRoundLoop = false>
struct MulRotations {
    using Word = MulWord32<ShaMask>;
    using Lane = MulLane64<KeccakMask>;
    static constexpr bool kKeccakRoundLoop = KeccakRoundLoop;
};

}  // namespace btpow::core
