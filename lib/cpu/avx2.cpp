// Paths "avx2" and "avx2+sha": the core instantiated with AVX2 lanes -- SHA-256 on 8 nonces per
// vector (32-bit lanes), the seal's Keccak on 4 (64-bit lanes); AVX2 has no rotate or
// three-input logic, so rotations are two shifts and an or (a byte shuffle where the count is a
// whole number of bytes). "avx2+sha" computes SHA-256 with SHA-NI instead. Built with -mavx2
// (+ -msha -msse4.1).
#include <immintrin.h>

#include <type_traits>

#include "btpow/core/keccak.hpp"
#include "btpow/core/plan.hpp"
#include "btpow/core/sha256.hpp"
#include "lib/cpu/group_scan.hpp"
#include "lib/cpu/paths.hpp"
#include "lib/cpu/sha_ni.hpp"

namespace btpow::cpu::paths {
namespace {

// Lane operations are always inlined; not every one is used by every instantiation.
#define BTPOW_LANE [[maybe_unused, gnu::always_inline]] inline

BTPOW_LANE __m256i all_ones() { return _mm256_set1_epi32(-1); }

// Eight 32-bit SHA-256 words, one nonce per lane; a scalar converts by broadcast.
struct U32x8 {
    __m256i v;
    U32x8() = default;
    BTPOW_LANE U32x8(std::uint32_t x) : v(_mm256_set1_epi32(static_cast<int>(x))) {}
    BTPOW_LANE explicit U32x8(__m256i x) : v(x) {}
};
BTPOW_LANE U32x8 operator+(U32x8 a, U32x8 b) { return U32x8(_mm256_add_epi32(a.v, b.v)); }
BTPOW_LANE U32x8 operator^(U32x8 a, U32x8 b) { return U32x8(_mm256_xor_si256(a.v, b.v)); }
BTPOW_LANE U32x8 operator&(U32x8 a, U32x8 b) { return U32x8(_mm256_and_si256(a.v, b.v)); }
BTPOW_LANE U32x8 operator|(U32x8 a, U32x8 b) { return U32x8(_mm256_or_si256(a.v, b.v)); }
BTPOW_LANE U32x8 operator~(U32x8 a) { return U32x8(_mm256_xor_si256(a.v, all_ones())); }
template <int N>
BTPOW_LANE U32x8 rotr32(U32x8 x) {
    return U32x8(_mm256_or_si256(_mm256_srli_epi32(x.v, N), _mm256_slli_epi32(x.v, 32 - N)));
}
template <int N>
BTPOW_LANE U32x8 shr32(U32x8 x) {
    return U32x8(_mm256_srli_epi32(x.v, N));
}
BTPOW_LANE U32x8 xor3(U32x8 a, U32x8 b, U32x8 c) { return a ^ b ^ c; }
BTPOW_LANE U32x8 ch(U32x8 e, U32x8 f, U32x8 g) { return g ^ (e & (f ^ g)); }
BTPOW_LANE U32x8 maj(U32x8 a, U32x8 b, U32x8 c) { return (a & b) | (c & (a | b)); }

// Four 64-bit Keccak lanes, one nonce per SIMD lane.
struct U64x4 {
    __m256i v;
    U64x4() = default;
    BTPOW_LANE U64x4(std::uint64_t x) : v(_mm256_set1_epi64x(static_cast<long long>(x))) {}
    BTPOW_LANE explicit U64x4(__m256i x) : v(x) {}
};
BTPOW_LANE U64x4 operator^(U64x4 a, U64x4 b) { return U64x4(_mm256_xor_si256(a.v, b.v)); }
BTPOW_LANE U64x4 operator&(U64x4 a, U64x4 b) { return U64x4(_mm256_and_si256(a.v, b.v)); }
BTPOW_LANE U64x4 operator|(U64x4 a, U64x4 b) { return U64x4(_mm256_or_si256(a.v, b.v)); }
BTPOW_LANE U64x4 operator~(U64x4 a) { return U64x4(_mm256_xor_si256(a.v, all_ones())); }

// A byte shuffle that applies the same 16-byte pattern to both 128-bit halves.
BTPOW_LANE __m256i shuffle_bytes(__m256i x, std::uint64_t low_half_indices, std::uint64_t high_half_indices) {
    const __m256i pattern =
        _mm256_set_epi64x(static_cast<long long>(high_half_indices), static_cast<long long>(low_half_indices),
                          static_cast<long long>(high_half_indices), static_cast<long long>(low_half_indices));
    return _mm256_shuffle_epi8(x, pattern);
}

template <int N>
BTPOW_LANE U64x4 rotl64(U64x4 x) {
    if constexpr (N == 0) {
        return x;
    } else if constexpr (N == 8) {
        return U64x4(shuffle_bytes(x.v, 0x0605040302010007ull, 0x0e0d0c0b0a09080full));
    } else if constexpr (N == 56) {
        return U64x4(shuffle_bytes(x.v, 0x0007060504030201ull, 0x080f0e0d0c0b0a09ull));
    } else {
        return U64x4(_mm256_or_si256(_mm256_slli_epi64(x.v, N), _mm256_srli_epi64(x.v, 64 - N)));
    }
}
BTPOW_LANE U64x4 xor3(U64x4 a, U64x4 b, U64x4 c) { return a ^ b ^ c; }
BTPOW_LANE U64x4 xor5(U64x4 a, U64x4 b, U64x4 c, U64x4 d, U64x4 e) { return a ^ b ^ c ^ d ^ e; }
BTPOW_LANE U64x4 chi(U64x4 a, U64x4 b, U64x4 c) { return U64x4(_mm256_xor_si256(a.v, _mm256_andnot_si256(b.v, c.v))); }
BTPOW_LANE U64x4 bswap64(U64x4 x) { return U64x4(shuffle_bytes(x.v, 0x0001020304050607ull, 0x08090a0b0c0d0e0full)); }
BTPOW_LANE __m256i bswap32_lanes(__m256i x) { return shuffle_bytes(x, 0x0405060700010203ull, 0x0c0d0e0f08090a0bull); }

// docs/protocol.md §2: the nonce words of 8 consecutive nonces first .. first + 7 (mod 2^64), with the carry
// from the low into the high 32 bits taken per lane.
BTPOW_LANE void nonce_words(std::uint64_t first, U32x8& w0, U32x8& w1) {
    const __m256i lane_index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i low = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(first)), lane_index);
    // Unsigned low < lane_index (a carry out of the low word) as a signed compare.
    const __m256i sign = _mm256_set1_epi32(INT32_MIN);
    const __m256i carried = _mm256_cmpgt_epi32(_mm256_xor_si256(lane_index, sign), _mm256_xor_si256(low, sign));
    const __m256i high = _mm256_sub_epi32(_mm256_set1_epi32(static_cast<int>(first >> 32)), carried);
    w0 = U32x8(bswap32_lanes(low));
    w1 = U32x8(bswap32_lanes(high));
}

// docs/protocol.md §10, search order: the last block's W0 of the 8 positions first .. first + 7, which lie in
// one run of 2^24 (nonce bytes 5..7 are the positions' low 24 bits).
BTPOW_LANE void v1_search_word0(std::uint64_t first, U32x8& w0) {
    const __m256i lane_index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const auto base = static_cast<int>((static_cast<std::uint32_t>(first) & 0xFFFFFFu) | 0x80000000u);
    w0 = U32x8(bswap32_lanes(_mm256_add_epi32(_mm256_set1_epi32(base), lane_index)));
}

// docs/protocol.md §10, nonce order: W14 and W15 of the second block for the nonces first .. first + 7.
BTPOW_LANE void v1_middle_words(std::uint32_t w14_prefix, std::uint64_t first, U32x8& w14, U32x8& w15) {
    alignas(32) std::uint32_t a[8], b[8];
    v1_middle_word_arrays(w14_prefix, first, a, b);
    w14 = U32x8(_mm256_load_si256(reinterpret_cast<const __m256i*>(a)));
    w15 = U32x8(_mm256_load_si256(reinterpret_cast<const __m256i*>(b)));
}

// core::digest_lanes for 8 nonces: lane i = bswap32(d[2i]) | bswap32(d[2i + 1]) << 32, nonces
// 0..3 into halves[0][i], 4..7 into halves[1][i].
BTPOW_LANE void digest_lanes(const U32x8 (&digest)[8], U64x4 (&halves)[2][4]) {
    for (int i = 0; i < 4; ++i) {
        const __m256i even = bswap32_lanes(digest[2 * i].v);
        const __m256i odd = bswap32_lanes(digest[2 * i + 1].v);
        const __m256i nonces_0145 = _mm256_unpacklo_epi32(even, odd);
        const __m256i nonces_2367 = _mm256_unpackhi_epi32(even, odd);
        halves[0][i] = U64x4(_mm256_permute2x128_si256(nonces_0145, nonces_2367, 0x20));
        halves[1][i] = U64x4(_mm256_permute2x128_si256(nonces_0145, nonces_2367, 0x31));
    }
}

BTPOW_LANE std::uint32_t in_range_mask(std::uint64_t offset, std::uint64_t count, int width) {
    const std::uint64_t left = count - offset;
    return left >= static_cast<std::uint64_t>(width) ? (1u << width) - 1 : (1u << left) - 1;
}

// The lane set of group_scan.hpp: one 8-nonce SHA-256 vector a slice at a time among the Keccak
// rounds of the two 4-nonce vectors before it.
struct Avx2Path {
    template <core::PlanKind Kind>
    using WidePlan =
        std::conditional_t<Kind == core::PlanKind::v1_range, BroadcastV1Range<U32x8>, BroadcastPlan<U32x8>>;
    using ShaLanes = U32x8;
    using KeccakLanes = U64x4;
    static constexpr std::uint64_t kShaWidth = 8;     // nonces per SHA-256 vector
    static constexpr std::uint64_t kKeccakWidth = 4;  // nonces per Keccak vector
    static constexpr bool kSlicesInline = false;      // the round loop calls the SHA-256 slices

    // The digest as Keccak input lanes: positions 0..3 in parts[0], 4..7 in parts[1].
    BTPOW_LANE static void keccak_lanes(const U32x8 (&digest)[8], U64x4 (&parts)[2][4]) { digest_lanes(digest, parts); }

    // The seal's Keccak alone, for the SHA-NI loop below: the rounds 1..22 as a loop (unrolled,
    // its 36 KB overflow the instruction cache; as a loop it is a few kilobytes and the spills
    // of its 25-lane state are the same).
    template <bool TopIsLe>
    [[gnu::noinline]] static U64x4 seal_top(const U64x4 (&lanes)[4]) {
        return core::keccak_seal_top<TopIsLe, /*RoundLoop=*/true>(lanes);
    }

    BTPOW_LANE static std::uint32_t candidates_of(U64x4 top, const core::Plan& plan) {
        // Unsigned top <= threshold as not (top > threshold) with signed compares.
        const __m256i sign = _mm256_set1_epi64x(INT64_MIN);
        const __m256i threshold = _mm256_set1_epi64x(static_cast<long long>(plan.threshold_top ^ (1ull << 63)));
        const __m256i above = _mm256_cmpgt_epi64(_mm256_xor_si256(top.v, sign), threshold);
        return ~static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_castsi256_pd(above))) & 0xFu;
    }
};

// Keccak input lanes (Avx2Path order) of the 4 positions SHA-NI hashed into lanes_2_0, lanes_3_1.
BTPOW_LANE void sha_ni_keccak_lanes(const __m128i (&lanes_2_0)[4], const __m128i (&lanes_3_1)[4], U64x4 (&lanes)[4]) {
    lanes[0] = U64x4(_mm256_set_m128i(_mm_unpackhi_epi64(lanes_2_0[2], lanes_2_0[3]),
                                      _mm_unpackhi_epi64(lanes_2_0[0], lanes_2_0[1])));
    lanes[1] = U64x4(_mm256_set_m128i(_mm_unpackhi_epi64(lanes_3_1[2], lanes_3_1[3]),
                                      _mm_unpackhi_epi64(lanes_3_1[0], lanes_3_1[1])));
    lanes[2] = U64x4(_mm256_set_m128i(_mm_unpacklo_epi64(lanes_2_0[2], lanes_2_0[3]),
                                      _mm_unpacklo_epi64(lanes_2_0[0], lanes_2_0[1])));
    lanes[3] = U64x4(_mm256_set_m128i(_mm_unpacklo_epi64(lanes_3_1[2], lanes_3_1[3]),
                                      _mm_unpacklo_epi64(lanes_3_1[0], lanes_3_1[1])));
}

// SHA-NI's rounds wait on the SHA unit and the Keccak's on the vector pipes; hashing the next 4
// positions just before the current 4 positions' Keccak, with no dependency between the two,
// lets the core run them at once where the two phases meet.
template <core::PlanKind Kind, bool TopIsLe>
std::size_t scan_with_sha_ni(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    constexpr int kWidth = 4;
    const ShaNiPlan sha_plan = make_sha_ni_plan(plan);
    std::size_t found = 0;
    __m128i lanes_2_0[kWidth], lanes_3_1[kWidth];
    sha_ni_seal_lanes<Kind>(sha_plan, start, lanes_2_0, lanes_3_1);
    for (std::uint64_t offset = 0; offset < count; offset += kWidth) {
        const std::uint64_t first = start + offset;
        U64x4 lanes[4];
        sha_ni_keccak_lanes(lanes_2_0, lanes_3_1, lanes);
        // The last pass hashes 4 positions past the range; they are never read.
        sha_ni_seal_lanes<Kind>(sha_plan, first + kWidth, lanes_2_0, lanes_3_1);
        const std::uint32_t hits =
            Avx2Path::candidates_of(Avx2Path::seal_top<TopIsLe>(lanes), plan) & in_range_mask(offset, count, kWidth);
        if (hits != 0) found += store_hits(hits, first, out + found);
    }
    return found;
}

}  // namespace

std::size_t scan_avx2(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    return scan_plan<Avx2Path>(plan, start, count, out);
}

std::size_t scan_avx2_sha(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    switch (plan.kind) {
        case core::PlanKind::v1_search:
            return scan_with_sha_ni<core::PlanKind::v1_search, true>(plan, start, count, out);
        // The nonce order's second and third blocks run in AVX2 lanes: SHA-NI's rounds come in
        // groups of four, and block 2 starts at round 14.
        case core::PlanKind::v1_range: return scan_avx2(plan, start, count, out);
        case core::PlanKind::old_seal: break;
    }
    return plan.top_is_le ? scan_with_sha_ni<core::PlanKind::old_seal, true>(plan, start, count, out)
                          : scan_with_sha_ni<core::PlanKind::old_seal, false>(plan, start, count, out);
}

}  // namespace btpow::cpu::paths
