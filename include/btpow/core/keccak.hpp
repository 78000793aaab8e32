// Keccak-f[1600] over a lane type U64 (uint64_t on host and GPU, SIMD lanes on the CPU paths):
// the generic permutation (cross-checked against OpenSSL in tests) and the seal's specialised
// form, which starts from a state that is mostly known zeros and finishes only the one lane the
// difficulty rule reads first (docs/protocol.md §3, fast rejection).
#pragma once

#include <utility>

#include "config.hpp"
#include "ops.hpp"

namespace btpow::core {

inline constexpr int kKeccakRounds = 24;

BTPOW_HD constexpr std::uint64_t keccak_rc(int round) {
    constexpr std::uint64_t rc[24] = {
        0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
        0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
        0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
        0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
        0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
        0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};
    return rc[round];
}

// The round constant of a round known only at run time (a loop over rounds): on the GPU from a
// table in the constant bank, which the loop indexes with a warp-uniform counter.
#if defined(__CUDACC__)
static __constant__ std::uint64_t kKeccakRcTable[kKeccakRounds] = {
    keccak_rc(0),  keccak_rc(1),  keccak_rc(2),  keccak_rc(3),  keccak_rc(4),  keccak_rc(5),
    keccak_rc(6),  keccak_rc(7),  keccak_rc(8),  keccak_rc(9),  keccak_rc(10), keccak_rc(11),
    keccak_rc(12), keccak_rc(13), keccak_rc(14), keccak_rc(15), keccak_rc(16), keccak_rc(17),
    keccak_rc(18), keccak_rc(19), keccak_rc(20), keccak_rc(21), keccak_rc(22), keccak_rc(23)};
#else
// On the host a table with static storage: indexing keccak_rc's local array at run time made
// GCC copy the whole array onto the stack at every call.
inline constexpr std::uint64_t kKeccakRcTable[kKeccakRounds] = {
    keccak_rc(0),  keccak_rc(1),  keccak_rc(2),  keccak_rc(3),  keccak_rc(4),  keccak_rc(5),
    keccak_rc(6),  keccak_rc(7),  keccak_rc(8),  keccak_rc(9),  keccak_rc(10), keccak_rc(11),
    keccak_rc(12), keccak_rc(13), keccak_rc(14), keccak_rc(15), keccak_rc(16), keccak_rc(17),
    keccak_rc(18), keccak_rc(19), keccak_rc(20), keccak_rc(21), keccak_rc(22), keccak_rc(23)};
#endif

BTPOW_HD std::uint64_t keccak_rc_at(int round) {
#if defined(__CUDA_ARCH__) || !defined(__CUDACC__)
    return kKeccakRcTable[round];
#else
    return keccak_rc(round);
#endif
}

// Rotation offset of lane i = x + 5y (rho).
BTPOW_HD constexpr int keccak_rho(int i) {
    constexpr int r[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                           25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
    return r[i];
}

// Destination of lane i = x + 5y under pi: (x, y) -> (y, 2x + 3y).
BTPOW_HD constexpr int keccak_pi(int i) { return (i / 5) + 5 * ((2 * (i % 5) + 3 * (i / 5)) % 5); }

// docs/protocol.md §2: the seal's sponge input. Lanes 0..3 hold the SHA-256 digest, lane 4 the padding
// byte 0x01 of legacy Keccak, lane 16 the final padding bit of the 136-byte rate.
inline constexpr std::uint64_t kKeccakPadLane4 = 0x01ull;
inline constexpr std::uint64_t kKeccakPadLane16 = 0x8000000000000000ull;

// Theta in one step per lane, a ^= C[x - 1] ^ rotl1(C[x + 1]), instead of forming D[x] first.
// A lane type opts in by specialising this when its three-input xor is one instruction: the GPU's
// lanes (mul_rotate.hpp; LOP3) save the 10 xors of D's 32-bit halves per round. Where xor3 takes
// two instructions it would cost 20 more per round, and on AVX-512 (vpternlog) it does not pay
// (BENCHMARKS.md).
template <class U64>
inline constexpr bool kKeccakFusedTheta = false;

namespace detail {

template <class U64>
BTPOW_HD void keccak_columns(const U64 (&a)[25], U64 (&c)[5]) {
    c[0] = xor5(a[0], a[5], a[10], a[15], a[20]);
    c[1] = xor5(a[1], a[6], a[11], a[16], a[21]);
    c[2] = xor5(a[2], a[7], a[12], a[17], a[22]);
    c[3] = xor5(a[3], a[8], a[13], a[18], a[23]);
    c[4] = xor5(a[4], a[9], a[14], a[19], a[24]);
}

template <class U64>
BTPOW_HD void keccak_theta_d(const U64 (&a)[25], U64 (&d)[5]) {
    U64 c[5];
    keccak_columns(a, c);
    d[0] = c[4] ^ rotl64<1>(c[1]);
    d[1] = c[0] ^ rotl64<1>(c[2]);
    d[2] = c[1] ^ rotl64<1>(c[3]);
    d[3] = c[2] ^ rotl64<1>(c[4]);
    d[4] = c[3] ^ rotl64<1>(c[0]);
}

template <class U64, int... I>
BTPOW_HD void keccak_theta_apply_fused(U64 (&a)[25], const U64 (&c)[5], const U64 (&r)[5],
                                       std::integer_sequence<int, I...>) {
    ((a[I] = xor3(a[I], c[(I + 4) % 5], r[(I + 1) % 5])), ...);
}

template <int X, class U64>
BTPOW_HD void keccak_theta_column(U64 (&a)[25], const U64 d) {
    a[X] = a[X] ^ d;
    a[X + 5] = a[X + 5] ^ d;
    a[X + 10] = a[X + 10] ^ d;
    a[X + 15] = a[X + 15] ^ d;
    a[X + 20] = a[X + 20] ^ d;
}

template <class U64>
BTPOW_HD void keccak_theta(U64 (&a)[25]) {
    if constexpr (kKeccakFusedTheta<U64>) {
        U64 c[5];
        keccak_columns(a, c);
        const U64 r[5] = {rotl64<1>(c[0]), rotl64<1>(c[1]), rotl64<1>(c[2]), rotl64<1>(c[3]), rotl64<1>(c[4])};
        keccak_theta_apply_fused(a, c, r, std::make_integer_sequence<int, 25>{});
    } else {
        // Each D[x] is applied to its column as soon as it exists, in an order that retires the
        // parities early (C1 after D2, C4 after D3, C2 after D1): at most the 25 lanes, 5
        // parities and one D are live, about what AVX-512's 32 registers hold, so the round
        // loop spills far less than with all five D formed first.
        U64 c[5];
        keccak_columns(a, c);
        keccak_theta_column<0>(a, c[4] ^ rotl64<1>(c[1]));
        keccak_theta_column<2>(a, c[1] ^ rotl64<1>(c[3]));
        keccak_theta_column<3>(a, c[2] ^ rotl64<1>(c[4]));
        keccak_theta_column<1>(a, c[0] ^ rotl64<1>(c[2]));
        keccak_theta_column<4>(a, c[3] ^ rotl64<1>(c[0]));
    }
}

template <class U64, int... I>
BTPOW_HD void keccak_fill_d(U64 (&a)[25], const U64 (&d)[5], std::integer_sequence<int, I...>) {
    ((a[I] = d[I % 5]), ...);
}

// Lane of the pre-pi state that lands at (x, y) after pi: the inverse of (x, y) -> (y, 2x + 3y).
BTPOW_HD constexpr int keccak_pi_source(int x, int y) { return ((3 * (y - 3 * x)) % 5 + 5) % 5 + 5 * x; }

// rho, pi and chi for output row Y: only the five lanes of that row are live at once, which
// keeps register pressure (and spills on hosts with few registers) low.
template <int Y, class U64, int... X>
BTPOW_HD void keccak_row(const U64 (&a)[25], U64 (&e)[25], std::integer_sequence<int, X...>) {
    const U64 b[5] = {rotl64<keccak_rho(keccak_pi_source(X, Y))>(a[keccak_pi_source(X, Y)])...};
    ((e[X + 5 * Y] = chi(b[X], b[(X + 1) % 5], b[(X + 2) % 5])), ...);
}

template <class U64, int... Y>
BTPOW_HD void keccak_rows(const U64 (&a)[25], U64 (&e)[25], std::integer_sequence<int, Y...>) {
    (keccak_row<Y>(a, e, std::make_integer_sequence<int, 5>{}), ...);
}

template <class U64, int... I>
BTPOW_HD void keccak_copy(const U64 (&from)[25], U64 (&to)[25], std::integer_sequence<int, I...>) {
    ((to[I] = from[I]), ...);
}

// rho, pi, chi and iota on a state that theta has already been applied to.
template <class U64>
BTPOW_HD void keccak_round_tail(U64 (&a)[25], std::uint64_t rc) {
    U64 e[25];
    keccak_rows(a, e, std::make_integer_sequence<int, 5>{});
    e[0] = e[0] ^ U64(rc);
    keccak_copy(e, a, std::make_integer_sequence<int, 25>{});
}

template <class U64>
BTPOW_HD void keccak_round(U64 (&a)[25], std::uint64_t rc) {
    keccak_theta(a);
    keccak_round_tail(a, rc);
}

template <class U64, int... R>
BTPOW_HD void keccak_rounds(U64 (&a)[25], std::integer_sequence<int, R...>) {
    (keccak_round(a, keccak_rc(R + 1)), ...);
}

}  // namespace detail

// The full permutation, all 24 rounds.
template <class U64>
BTPOW_HD void keccak_f1600(U64 (&a)[25]) {
    detail::keccak_round(a, keccak_rc(0));
    detail::keccak_rounds(a, std::make_integer_sequence<int, kKeccakRounds - 1>{});
}

// Passes of keccak_seal_rounds' round loop (two rounds each).
inline constexpr int kKeccakRoundPasses = (kKeccakRounds - 2) / 2;

// The default of keccak_seal_rounds' between: no work among the rounds.
struct KeccakNothingBetween {
    BTPOW_HD void operator()(int) const {}
};

// Rounds 0..22 of the seal's permutation from the digest lanes; round 0 is specialised for the
// known input (21 of 25 lanes are constants, 19 of them zero). RoundLoop: rounds 1..22 run as a
// loop of 11 passes of two rounds instead of straight-line code (on the GPU, far less code for a
// few more instructions per seal); both compute the same. between(pass) runs after each pass of
// the loop (pass 0..10): a caller's independent work placed among the rounds, where the core can
// run it in the gaps the rounds' dependency chains leave (lib/cpu/group_scan.hpp).
template <bool RoundLoop = false, class U64, class Between = KeccakNothingBetween>
BTPOW_HD void keccak_seal_rounds(const U64 (&digest)[4], U64 (&a)[25], Between&& between = {}) {
    // Round 0, theta: column parities of the input state.
    const U64 c1 = digest[1] ^ U64(kKeccakPadLane16);
    const U64 d0 = U64(kKeccakPadLane4) ^ rotl64<1>(c1);
    const U64 d1 = digest[0] ^ rotl64<1>(digest[2]);
    const U64 d2 = c1 ^ rotl64<1>(digest[3]);
    const U64 d3 = digest[2] ^ U64(rotl64<1>(kKeccakPadLane4));
    const U64 d4 = digest[3] ^ rotl64<1>(digest[0]);
    const U64 d[5] = {d0, d1, d2, d3, d4};
    // Lanes that were zero become D[x]; the six input lanes are xored with theirs.
    detail::keccak_fill_d(a, d, std::make_integer_sequence<int, 25>{});
    a[0] = digest[0] ^ d0;
    a[1] = digest[1] ^ d1;
    a[2] = digest[2] ^ d2;
    a[3] = digest[3] ^ d3;
    a[4] = U64(kKeccakPadLane4) ^ d4;
    a[16] = U64(kKeccakPadLane16) ^ d1;
    detail::keccak_round_tail(a, keccak_rc(0));
    if constexpr (RoundLoop) {
#if defined(__CUDA_ARCH__)
#pragma unroll 1
#endif
        for (int round = 1; round < kKeccakRounds - 1; round += 2) {
            detail::keccak_round(a, keccak_rc_at(round));
            detail::keccak_round(a, keccak_rc_at(round + 1));
            between((round - 1) / 2);
        }
    } else {
        detail::keccak_rounds(a, std::make_integer_sequence<int, kKeccakRounds - 2>{});
    }
}

// The seal's top 64 bits under the job's rule, with round 23 finished for one lane only.
// TopIsLe: rule le reads lane 3 (seal bytes 24..31) as is; be/sdk read lane 0 byte-swapped.
// RoundLoop, between: as in keccak_seal_rounds.
template <bool TopIsLe, bool RoundLoop = false, class U64, class Between = KeccakNothingBetween>
BTPOW_HD U64 keccak_seal_top(const U64 (&digest)[4], Between&& between = {}) {
    U64 a[25];
    keccak_seal_rounds<RoundLoop>(digest, a, between);
    U64 d[5];
    detail::keccak_theta_d(a, d);
    // Row y = 0 after rho and pi comes from lanes 0, 6, 12, 18, 24.
    const U64 b0 = a[0] ^ d[0];
    if constexpr (TopIsLe) {
        const U64 b3 = rotl64<keccak_rho(18)>(a[18] ^ d[3]);
        const U64 b4 = rotl64<keccak_rho(24)>(a[24] ^ d[4]);
        return chi(b3, b4, b0);
    } else {
        const U64 b1 = rotl64<keccak_rho(6)>(a[6] ^ d[1]);
        const U64 b2 = rotl64<keccak_rho(12)>(a[12] ^ d[2]);
        return bswap64(chi(b0, b1, b2) ^ U64(keccak_rc(kKeccakRounds - 1)));
    }
}

// All four seal lanes (the whole 32-byte seal) from the digest lanes.
template <class U64>
BTPOW_HD void keccak_seal_full(const U64 (&digest)[4], U64 (&seal)[4]) {
    U64 a[25];
    keccak_seal_rounds(digest, a);
    detail::keccak_round(a, keccak_rc(kKeccakRounds - 1));
    seal[0] = a[0];
    seal[1] = a[1];
    seal[2] = a[2];
    seal[3] = a[3];
}

}  // namespace btpow::core
