// SHA-256 of the one 40-byte pre_seal block (SPEC §2), specialised: the per-job words come
// precomputed from the Plan, only W0/W1 (the nonce) vary. Written once over a word type U32
// (uint32_t on host and GPU, SIMD lanes on the CPU paths).
#pragma once

#include <utility>

#include "config.hpp"
#include "ops.hpp"

namespace btpow::core {

BTPOW_HD constexpr std::uint32_t sha256_k(int t) {
    constexpr std::uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    return k[t];
}

BTPOW_HD constexpr std::uint32_t sha256_iv(int i) {
    constexpr std::uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    return iv[i];
}

template <class U32>
BTPOW_HD U32 sha256_big_sigma0(U32 a) {
    return xor3(rotr32<2>(a), rotr32<13>(a), rotr32<22>(a));
}
template <class U32>
BTPOW_HD U32 sha256_big_sigma1(U32 e) {
    return xor3(rotr32<6>(e), rotr32<11>(e), rotr32<25>(e));
}
template <class U32>
BTPOW_HD U32 sha256_sigma0(U32 w) {
    return xor3(rotr32<7>(w), rotr32<18>(w), shr32<3>(w));
}
template <class U32>
BTPOW_HD U32 sha256_sigma1(U32 w) {
    return xor3(rotr32<17>(w), rotr32<19>(w), shr32<10>(w));
}

// True when message word W[i] varies with the nonce: W0, W1 and every scheduled word.
BTPOW_HD constexpr bool sha256_word_varies(int i) { return i < 2 || i >= 16; }

namespace detail {

// One round. The eight working variables rotate through s[]: in round T, variable a lives in
// s[(0 - T) & 7], b in s[(1 - T) & 7], and so on, so no values are moved between rounds.
template <int T, class U32>
BTPOW_HD void sha256_round(U32 (&s)[8], U32 kw) {
    U32& a = s[(0 - T) & 7];
    U32& b = s[(1 - T) & 7];
    U32& c = s[(2 - T) & 7];
    U32& d = s[(3 - T) & 7];
    U32& e = s[(4 - T) & 7];
    U32& f = s[(5 - T) & 7];
    U32& g = s[(6 - T) & 7];
    U32& h = s[(7 - T) & 7];
    const U32 t1 = h + sha256_big_sigma1(e) + ch(e, f, g) + kw;
    const U32 t2 = sha256_big_sigma0(a) + maj(a, b, c);
    d = d + t1;
    h = t1 + t2;
}

// Message word W[T] for T >= 16 into the circular window w[T & 15]. Terms whose index is a
// per-job word were folded into plan.schedule[T - 16]; only the nonce-dependent ones remain.
template <int T, class Plan, class U32>
BTPOW_HD U32 sha256_schedule(const Plan& plan, U32 (&w)[16]) {
    U32 x = U32(0u);
    if constexpr (T < 32) x = U32(plan.schedule[T - 16]);
    if constexpr (sha256_word_varies(T - 2)) x = x + sha256_sigma1(w[(T - 2) & 15]);
    if constexpr (sha256_word_varies(T - 7)) x = x + w[(T - 7) & 15];
    if constexpr (sha256_word_varies(T - 15)) x = x + sha256_sigma0(w[(T - 15) & 15]);
    if constexpr (sha256_word_varies(T - 16)) x = x + w[(T - 16) & 15];
    w[T & 15] = x;
    return x;
}

template <int T, class Plan, class U32>
BTPOW_HD void sha256_step(const Plan& plan, U32 (&s)[8], U32 (&w)[16]) {
    if constexpr (T == 1) {
        sha256_round<T>(s, w[1] + U32(sha256_k(1)));
    } else if constexpr (T < 16) {
        sha256_round<T>(s, U32(plan.kw[T]));
    } else {
        const U32 wt = sha256_schedule<T>(plan, w);
        sha256_round<T>(s, wt + U32(sha256_k(T)));
    }
}

template <class Plan, class U32, int... T>
BTPOW_HD void sha256_steps(const Plan& plan, U32 (&s)[8], U32 (&w)[16], std::integer_sequence<int, T...>) {
    (sha256_step<T + 1>(plan, s, w), ...);
}

template <class U32, int... I>
BTPOW_HD void sha256_finish(const U32 (&s)[8], U32 (&digest)[8], std::integer_sequence<int, I...>) {
    ((digest[I] = s[I] + U32(sha256_iv(I))), ...);
}

}  // namespace detail

// digest[0..7]: the SHA-256 output words (big-endian words, as the standard defines them) of
// le64(nonce) ‖ H, where w0 = bswap32(low 32 bits of nonce), w1 = bswap32(high 32 bits).
template <class Plan, class U32>
BTPOW_HD void sha256_pre_seal(const Plan& plan, U32 w0, U32 w1, U32 (&digest)[8]) {
    U32 w[16];
    w[0] = w0;
    w[1] = w1;
    // Round 0 came precomputed with W0 left out (Plan::round0_a / round0_e).
    U32 s[8];
    // After round 0 the logical variables (a..h) are stored at s[(i - 1) & 7].
    s[(0 - 1) & 7] = U32(plan.round0_a) + w0;
    s[(1 - 1) & 7] = U32(sha256_iv(0));
    s[(2 - 1) & 7] = U32(sha256_iv(1));
    s[(3 - 1) & 7] = U32(sha256_iv(2));
    s[(4 - 1) & 7] = U32(plan.round0_e) + w0;
    s[(5 - 1) & 7] = U32(sha256_iv(4));
    s[(6 - 1) & 7] = U32(sha256_iv(5));
    s[(7 - 1) & 7] = U32(sha256_iv(6));
    detail::sha256_steps(plan, s, w, std::make_integer_sequence<int, 63>{});
    // After 64 rounds variable i is back in s[i].
    detail::sha256_finish(s, digest, std::make_integer_sequence<int, 8>{});
}

}  // namespace btpow::core
