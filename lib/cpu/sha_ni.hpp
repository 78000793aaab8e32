// SHA-256 of the pre_seal with the SHA-NI instructions, several nonces interleaved: the one
// place where the round function is not the core's template (the hardware does two rounds per
// instruction). Included only by path files built with -msha -msse4.1; everything here has
// internal linkage so that no other translation unit can end up with this code.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <utility>

#include "btpow/core/plan.hpp"
#include "btpow/core/sha256.hpp"

namespace btpow::cpu::paths {
namespace {

// The per-job part of the SHA-NI computation, from the Plan's precomputed words. SHA-NI keeps
// the state as two vectors, (A, B, E, F) and (C, D, G, H), highest element first.
struct ShaNiPlan {
    __m128i words_2_3;  // W2, W3 in elements 2, 3 (elements 0, 1 take the nonce)
    __m128i k_0_3;      // K0..K3
    __m128i kw[4];      // kw[g] = K + W for rounds 4g..4g+3, g = 1..3 (g = 0 varies)
    __m128i words[4];   // words[g] = W[4g..4g+3], g = 1..3 (g = 0 varies)
    __m128i iv_abef, iv_cdgh;
};

inline ShaNiPlan make_sha_ni_plan(const core::Plan& plan) {
    auto quad = [](const std::uint32_t* w) {
        return _mm_setr_epi32(static_cast<int>(w[0]), static_cast<int>(w[1]), static_cast<int>(w[2]),
                              static_cast<int>(w[3]));
    };
    ShaNiPlan p{};
    p.words_2_3 = _mm_setr_epi32(0, 0, static_cast<int>(plan.words[2]), static_cast<int>(plan.words[3]));
    p.k_0_3 = _mm_setr_epi32(static_cast<int>(core::sha256_k(0)), static_cast<int>(core::sha256_k(1)),
                             static_cast<int>(core::sha256_k(2)), static_cast<int>(core::sha256_k(3)));
    for (int g = 1; g < 4; ++g) {
        p.kw[g] = quad(plan.kw + 4 * g);
        p.words[g] = quad(plan.words + 4 * g);
    }
    // The block's chaining value: the IV for the old seal, the state after two blocks for v1.
    auto iv = [&plan](int i) { return static_cast<int>(plan.chaining[i]); };
    p.iv_abef = _mm_set_epi32(iv(0), iv(1), iv(4), iv(5));
    p.iv_cdgh = _mm_set_epi32(iv(2), iv(3), iv(6), iv(7));
    return p;
}

template <int G>
[[gnu::always_inline]] inline __m128i sha256_k_quad() {
    return _mm_setr_epi32(static_cast<int>(core::sha256_k(4 * G)), static_cast<int>(core::sha256_k(4 * G + 1)),
                          static_cast<int>(core::sha256_k(4 * G + 2)), static_cast<int>(core::sha256_k(4 * G + 3)));
}

// Four rounds for each of N interleaved states, with kw = K + W for those rounds.
template <int N>
[[gnu::always_inline]] inline void sha_ni_quad_rounds(__m128i (&abef)[N], __m128i (&cdgh)[N], const __m128i (&kw)[N]) {
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) cdgh[j] = _mm_sha256rnds2_epu32(cdgh[j], abef[j], kw[j]);
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) abef[j] = _mm_sha256rnds2_epu32(abef[j], cdgh[j], _mm_shuffle_epi32(kw[j], 0x0E));
}

template <int N>
[[gnu::always_inline]] inline void sha_ni_quad_rounds_shared(__m128i (&abef)[N], __m128i (&cdgh)[N], __m128i kw) {
    const __m128i kw_high = _mm_shuffle_epi32(kw, 0x0E);
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) cdgh[j] = _mm_sha256rnds2_epu32(cdgh[j], abef[j], kw);
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) abef[j] = _mm_sha256rnds2_epu32(abef[j], cdgh[j], kw_high);
}

// Rounds 4G..4G+3 with the message words W[4G..4G+3] scheduled from the window m (m[g & 3]
// holds W[4g..4g+3]).
template <int G, int N>
[[gnu::always_inline]] inline void sha_ni_scheduled_rounds(__m128i (&abef)[N], __m128i (&cdgh)[N], __m128i (&m)[4][N]) {
    __m128i kw[N];
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) {
        const __m128i w = _mm_add_epi32(_mm_sha256msg1_epu32(m[G & 3][j], m[(G + 1) & 3][j]),
                                        _mm_alignr_epi8(m[(G + 3) & 3][j], m[(G + 2) & 3][j], 4));
        m[G & 3][j] = _mm_sha256msg2_epu32(w, m[(G + 3) & 3][j]);
        kw[j] = _mm_add_epi32(m[G & 3][j], sha256_k_quad<G>());
    }
    sha_ni_quad_rounds(abef, cdgh, kw);
}

template <int N, int... G>
[[gnu::always_inline]] inline void sha_ni_schedule_rounds(__m128i (&abef)[N], __m128i (&cdgh)[N], __m128i (&m)[4][N],
                                                          std::integer_sequence<int, G...>) {
    (sha_ni_scheduled_rounds<G + 4>(abef, cdgh, m), ...);
}

// Keccak input lanes of positions first .. first + N - 1 (mod 2^64) of the plan's order (Kind:
// old_seal or v1_search): for position j, lanes_2_0[j] holds lanes 2 and 0 (64-bit elements 0
// and 1), lanes_3_1[j] lanes 3 and 1 -- the same lanes as core::digest_lanes.
template <core::PlanKind Kind, int N>
[[gnu::always_inline]] inline void sha_ni_seal_lanes(const ShaNiPlan& p, std::uint64_t first, __m128i (&lanes_2_0)[N],
                                                     __m128i (&lanes_3_1)[N]) {
    static_assert(Kind != core::PlanKind::v1_range, "the nonce order has no SHA-NI form");
    __m128i abef[N], cdgh[N], m[4][N], kw[N];
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) {
        const std::uint64_t position = first + static_cast<std::uint64_t>(j);
        // docs/protocol.md §2: W0 = bswap32(low 32 bits), W1 = bswap32(high 32 bits) of le64(nonce);
        // docs/protocol.md §10 (search order): W0 = nonce bytes 5..7 ‖ 0x80, W1 = 0.
        const std::uint64_t w0_w1 = Kind == core::PlanKind::old_seal
                                        ? (__builtin_bswap64(position) >> 32) | (__builtin_bswap64(position) << 32)
                                        : std::uint64_t{core::v1_last_w0(static_cast<std::uint32_t>(position))};
        m[0][j] = _mm_blend_epi16(p.words_2_3, _mm_cvtsi64_si128(static_cast<long long>(w0_w1)), 0x0F);
        m[1][j] = p.words[1];
        m[2][j] = p.words[2];
        m[3][j] = p.words[3];
        kw[j] = _mm_add_epi32(m[0][j], p.k_0_3);
        abef[j] = p.iv_abef;
        cdgh[j] = p.iv_cdgh;
    }
    sha_ni_quad_rounds(abef, cdgh, kw);
    sha_ni_quad_rounds_shared(abef, cdgh, p.kw[1]);
    sha_ni_quad_rounds_shared(abef, cdgh, p.kw[2]);
    sha_ni_quad_rounds_shared(abef, cdgh, p.kw[3]);
    sha_ni_schedule_rounds(abef, cdgh, m, std::make_integer_sequence<int, 12>{});
    // Element order (F, E, B, A): one byte reversal per 64-bit half turns (B, A) into lane 0
    // = bswap32(A) | bswap32(B) << 32, and likewise (F, E) into lane 2, (D, C), (H, G) into 1, 3.
    const __m128i reverse_64 = _mm_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) {
        lanes_2_0[j] = _mm_shuffle_epi8(_mm_add_epi32(abef[j], p.iv_abef), reverse_64);
        lanes_3_1[j] = _mm_shuffle_epi8(_mm_add_epi32(cdgh[j], p.iv_cdgh), reverse_64);
    }
}

}  // namespace
}  // namespace btpow::cpu::paths
