// Path "avx512": the core instantiated with AVX-512 lanes -- SHA-256 on 16 nonces per vector
// (32-bit lanes), the seal's Keccak on 8 (64-bit lanes), rotations as vprold/vprolq and every
// three-input boolean function as one vpternlog. Built with -mavx512f -mavx512vl -mavx512bw.
// There is no "avx512+sha" path: SHA-256 with SHA-NI feeding this Keccak is slower than SHA-256
// in AVX-512 lanes (BENCHMARKS.md).

// GCC 12 flags the deliberately undefined pass-through operand inside its own AVX-512
// intrinsics (GCC bug 105593); the pragma must precede the header the warnings point into.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#include <type_traits>

#include "btpow/core/keccak.hpp"
#include "btpow/core/plan.hpp"
#include "btpow/core/sha256.hpp"
#include "lib/cpu/group_scan.hpp"
#include "lib/cpu/paths.hpp"

namespace btpow::cpu::paths {
namespace {

// Lane operations are always inlined; not every one is used by every instantiation.
#define BTPOW_LANE [[maybe_unused, gnu::always_inline]] inline

// vpternlog truth tables: bit i of the immediate is f(a, b, c) for a = bit 2, b = bit 1, c = bit 0
// of i, i.e. f applied to the operand masks 0xF0, 0xCC, 0xAA.
constexpr int kTernXor3 = 0xF0 ^ 0xCC ^ 0xAA;
constexpr int kTernChoose = (0xF0 & 0xCC) | (~0xF0 & 0xAA);  // a ? b : c
constexpr int kTernMajority = (0xF0 & 0xCC) | (0xF0 & 0xAA) | (0xCC & 0xAA);
constexpr int kTernChi = (0xF0 ^ (~0xCC & 0xAA)) & 0xFF;  // a ^ (~b & c)
constexpr int kTernNot = ~0xF0 & 0xFF;

// Sixteen 32-bit SHA-256 words, one nonce per lane; a scalar converts by broadcast.
struct U32x16 {
    __m512i v;
    U32x16() = default;
    BTPOW_LANE U32x16(std::uint32_t x) : v(_mm512_set1_epi32(static_cast<int>(x))) {}
    BTPOW_LANE explicit U32x16(__m512i x) : v(x) {}
};
BTPOW_LANE U32x16 operator+(U32x16 a, U32x16 b) { return U32x16(_mm512_add_epi32(a.v, b.v)); }
BTPOW_LANE U32x16 operator^(U32x16 a, U32x16 b) { return U32x16(_mm512_xor_si512(a.v, b.v)); }
BTPOW_LANE U32x16 operator&(U32x16 a, U32x16 b) { return U32x16(_mm512_and_si512(a.v, b.v)); }
BTPOW_LANE U32x16 operator|(U32x16 a, U32x16 b) { return U32x16(_mm512_or_si512(a.v, b.v)); }
BTPOW_LANE U32x16 operator~(U32x16 a) { return U32x16(_mm512_ternarylogic_epi32(a.v, a.v, a.v, kTernNot)); }
template <int N>
BTPOW_LANE U32x16 rotr32(U32x16 x) {
    return U32x16(_mm512_ror_epi32(x.v, N));
}
template <int N>
BTPOW_LANE U32x16 shr32(U32x16 x) {
    return U32x16(_mm512_srli_epi32(x.v, N));
}
BTPOW_LANE U32x16 xor3(U32x16 a, U32x16 b, U32x16 c) {
    return U32x16(_mm512_ternarylogic_epi32(a.v, b.v, c.v, kTernXor3));
}
BTPOW_LANE U32x16 ch(U32x16 e, U32x16 f, U32x16 g) {
    return U32x16(_mm512_ternarylogic_epi32(e.v, f.v, g.v, kTernChoose));
}
BTPOW_LANE U32x16 maj(U32x16 a, U32x16 b, U32x16 c) {
    return U32x16(_mm512_ternarylogic_epi32(a.v, b.v, c.v, kTernMajority));
}

// Eight 64-bit Keccak lanes, one nonce per SIMD lane.
struct U64x8 {
    __m512i v;
    U64x8() = default;
    BTPOW_LANE U64x8(std::uint64_t x) : v(_mm512_set1_epi64(static_cast<long long>(x))) {}
    BTPOW_LANE explicit U64x8(__m512i x) : v(x) {}
};
BTPOW_LANE U64x8 operator^(U64x8 a, U64x8 b) { return U64x8(_mm512_xor_si512(a.v, b.v)); }
BTPOW_LANE U64x8 operator&(U64x8 a, U64x8 b) { return U64x8(_mm512_and_si512(a.v, b.v)); }
BTPOW_LANE U64x8 operator|(U64x8 a, U64x8 b) { return U64x8(_mm512_or_si512(a.v, b.v)); }
BTPOW_LANE U64x8 operator~(U64x8 a) { return U64x8(_mm512_ternarylogic_epi64(a.v, a.v, a.v, kTernNot)); }
template <int N>
BTPOW_LANE U64x8 rotl64(U64x8 x) {
    if constexpr (N == 0) {
        return x;
    } else {
        return U64x8(_mm512_rol_epi64(x.v, N));
    }
}
BTPOW_LANE U64x8 xor3(U64x8 a, U64x8 b, U64x8 c) { return U64x8(_mm512_ternarylogic_epi64(a.v, b.v, c.v, kTernXor3)); }
BTPOW_LANE U64x8 xor5(U64x8 a, U64x8 b, U64x8 c, U64x8 d, U64x8 e) { return xor3(xor3(a, b, c), d, e); }
BTPOW_LANE U64x8 chi(U64x8 a, U64x8 b, U64x8 c) { return U64x8(_mm512_ternarylogic_epi64(a.v, b.v, c.v, kTernChi)); }

BTPOW_LANE __m512i byte_shuffle_per_128(std::uint64_t low_half_indices, std::uint64_t high_half_indices) {
    const __m128i lane =
        _mm_set_epi64x(static_cast<long long>(high_half_indices), static_cast<long long>(low_half_indices));
    return _mm512_broadcast_i32x4(lane);
}
BTPOW_LANE U64x8 bswap64(U64x8 x) {
    return U64x8(_mm512_shuffle_epi8(x.v, byte_shuffle_per_128(0x0001020304050607ull, 0x08090a0b0c0d0e0full)));
}
BTPOW_LANE __m512i bswap32_lanes(__m512i x) {
    return _mm512_shuffle_epi8(x, byte_shuffle_per_128(0x0405060700010203ull, 0x0c0d0e0f08090a0bull));
}

// docs/protocol.md §10, search order: the last block's W0 of the 16 positions first .. first + 15, which lie
// in one run of 2^24 (nonce bytes 5..7 are the positions' low 24 bits).
BTPOW_LANE void v1_search_word0(std::uint64_t first, U32x16& w0) {
    const __m512i lane_index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const auto base = static_cast<int>((static_cast<std::uint32_t>(first) & 0xFFFFFFu) | 0x80000000u);
    w0 = U32x16(bswap32_lanes(_mm512_add_epi32(_mm512_set1_epi32(base), lane_index)));
}

// docs/protocol.md §10, nonce order: W14 and W15 of the second block for the nonces first .. first + 15.
BTPOW_LANE void v1_middle_words(std::uint32_t w14_prefix, std::uint64_t first, U32x16& w14, U32x16& w15) {
    alignas(64) std::uint32_t a[16], b[16];
    v1_middle_word_arrays(w14_prefix, first, a, b);
    w14 = U32x16(_mm512_load_si512(a));
    w15 = U32x16(_mm512_load_si512(b));
}

// docs/protocol.md §2: the nonce words of 16 consecutive nonces first .. first + 15 (mod 2^64), with the
// carry from the low into the high 32 bits taken per lane.
BTPOW_LANE void nonce_words(std::uint64_t first, U32x16& w0, U32x16& w1) {
    const __m512i lane_index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i low = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(first)), lane_index);
    const __mmask16 carried = _mm512_cmplt_epu32_mask(low, lane_index);
    const __m512i high_base = _mm512_set1_epi32(static_cast<int>(first >> 32));
    const __m512i high = _mm512_mask_add_epi32(high_base, carried, high_base, _mm512_set1_epi32(1));
    w0 = U32x16(bswap32_lanes(low));
    w1 = U32x16(bswap32_lanes(high));
}

// core::digest_lanes for 16 nonces: lane i = bswap32(d[2i]) | bswap32(d[2i + 1]) << 32, nonces
// 0..7 into lower[i], 8..15 into upper[i].
BTPOW_LANE void digest_lanes(const U32x16 (&digest)[8], U64x8 (&lower)[4], U64x8 (&upper)[4]) {
    const __m512i pick_first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i pick_second = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    for (int i = 0; i < 4; ++i) {
        const __m512i even = bswap32_lanes(digest[2 * i].v);
        const __m512i odd = bswap32_lanes(digest[2 * i + 1].v);
        lower[i] = U64x8(_mm512_permutex2var_epi32(even, pick_first, odd));
        upper[i] = U64x8(_mm512_permutex2var_epi32(even, pick_second, odd));
    }
}

// The lane set of group_scan.hpp: one 16-nonce SHA-256 vector a slice at a time among the Keccak
// rounds of the two 8-nonce vectors before it.
struct Avx512Path {
    template <core::PlanKind Kind>
    using WidePlan =
        std::conditional_t<Kind == core::PlanKind::v1_range, BroadcastV1Range<U32x16>, BroadcastPlan<U32x16>>;
    using ShaLanes = U32x16;
    using KeccakLanes = U64x8;
    static constexpr std::uint64_t kShaWidth = 16;    // nonces per SHA-256 vector
    static constexpr std::uint64_t kKeccakWidth = 8;  // nonces per Keccak vector
    static constexpr bool kSlicesInline = true;       // the SHA-256 slices inlined into the round loop

    // The digest as Keccak input lanes: positions 0..7 in parts[0], 8..15 in parts[1].
    BTPOW_LANE static void keccak_lanes(const U32x16 (&digest)[8], U64x8 (&parts)[2][4]) {
        digest_lanes(digest, parts[0], parts[1]);
    }

    BTPOW_LANE static __mmask8 candidates_of(U64x8 top, const core::Plan& plan) {
        return _mm512_cmple_epu64_mask(top.v, _mm512_set1_epi64(static_cast<long long>(plan.threshold_top)));
    }
};

}  // namespace

std::size_t scan_avx512(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    return scan_plan<Avx512Path>(plan, start, count, out);
}

}  // namespace btpow::cpu::paths
