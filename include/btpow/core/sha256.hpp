// SHA-256 compressions specialised per job: the per-job words come precomputed from a plan and
// only the words a Layout names vary with the nonce. Three layouts: the old seal's one 40-byte
// block (docs/protocol.md §2: W0, W1 vary), and the v1 seal's second and third blocks (docs/protocol.md §10). Written
// once over a word type U32 (uint32_t on host and GPU, SIMD lanes on the CPU paths).
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

// Which message words vary with the nonce; every scheduled word (i >= 16) does.
// docs/protocol.md §2: the old seal's only block, le64(nonce) in W0, W1.
struct OldSealLayout {
    static constexpr bool kScheduled = true;
    BTPOW_HD static constexpr bool varies(int i) { return i < 2 || i >= 16; }
};
// docs/protocol.md §10: the v1 payload's third block, nonce bytes 5..7 in W0. The search order (seal_core.hpp)
// holds the first two blocks fixed for 2^24 nonces at a time, so this block is all there is.
struct V1LastBlockLayout {
    static constexpr bool kScheduled = true;
    BTPOW_HD static constexpr bool varies(int i) { return i < 1 || i >= 16; }
};
// docs/protocol.md §10: the v1 payload's second block, nonce bytes 0..4 in W14 (low byte) and W15.
struct V1MiddleBlockLayout {
    static constexpr bool kScheduled = true;
    BTPOW_HD static constexpr bool varies(int i) { return i >= 14; }
};
// A block whose every word is fixed for the call: all 64 rounds read K + W from the plan.
struct AllFixedLayout {
    static constexpr bool kScheduled = false;
    BTPOW_HD static constexpr bool varies(int) { return false; }
};

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
template <int T, class Layout, class Words, class U32>
BTPOW_HD U32 sha256_schedule(const Words& words, U32 (&w)[16]) {
    U32 x = U32(0u);
    if constexpr (T < 32) x = U32(words.schedule[T - 16]);
    if constexpr (Layout::varies(T - 2)) x = x + sha256_sigma1(w[(T - 2) & 15]);
    if constexpr (Layout::varies(T - 7)) x = x + w[(T - 7) & 15];
    if constexpr (Layout::varies(T - 15)) x = x + sha256_sigma0(w[(T - 15) & 15]);
    if constexpr (Layout::varies(T - 16)) x = x + w[(T - 16) & 15];
    w[T & 15] = x;
    return x;
}

// Round T reads K + W from the plan where W[T] is fixed (words.kw), else from the window.
template <int T, class Layout, class Words, class U32>
BTPOW_HD void sha256_step(const Words& words, U32 (&s)[8], U32 (&w)[16]) {
    if constexpr (T < 16 && Layout::varies(T)) {
        sha256_round<T>(s, w[T] + U32(sha256_k(T)));
    } else if constexpr (T < 16 || !Layout::kScheduled) {
        sha256_round<T>(s, U32(words.kw[T]));
    } else {
        const U32 wt = sha256_schedule<T, Layout>(words, w);
        sha256_round<T>(s, wt + U32(sha256_k(T)));
    }
}

template <int First, class Layout, class Words, class U32, int... T>
BTPOW_HD void sha256_steps(const Words& words, U32 (&s)[8], U32 (&w)[16], std::integer_sequence<int, T...>) {
    (sha256_step<First + T, Layout>(words, s, w), ...);
}

template <class U32, int... I>
BTPOW_HD void sha256_finish(const U32 (&s)[8], U32 (&digest)[8], std::integer_sequence<int, I...>) {
    ((digest[I] = s[I] + U32(sha256_iv(I))), ...);
}

template <class Chaining, class U32, int... I>
BTPOW_HD void sha256_finish_from(const U32 (&s)[8], const Chaining& chaining, U32 (&digest)[8],
                                 std::integer_sequence<int, I...>) {
    ((digest[I] = s[I] + U32(chaining[I])), ...);
}

// Rounds First..63 of a block whose rounds before First are already in s (the logical variables
// after round First - 1 stored at s[(i - First) & 7]); W[First..15] that vary are in w.
template <int First, class Layout, class Words, class U32>
BTPOW_HD void sha256_rounds_from(const Words& words, U32 (&s)[8], U32 (&w)[16]) {
    sha256_steps<First, Layout>(words, s, w, std::make_integer_sequence<int, 64 - First>{});
}

// Round 0 of a block that starts from a fixed chaining value, with W0 left out (precomputed in
// the plan as round0_a / round0_e): after it, variable i is stored at s[(i - 1) & 7].
template <class Plan, class Chaining, class U32>
BTPOW_HD void sha256_enter_after_round0(const Plan& plan, const Chaining& chaining, U32 w0, U32 (&s)[8]) {
    s[(0 - 1) & 7] = U32(plan.round0_a) + w0;
    s[(1 - 1) & 7] = U32(chaining[0]);
    s[(2 - 1) & 7] = U32(chaining[1]);
    s[(3 - 1) & 7] = U32(chaining[2]);
    s[(4 - 1) & 7] = U32(plan.round0_e) + w0;
    s[(5 - 1) & 7] = U32(chaining[4]);
    s[(6 - 1) & 7] = U32(chaining[5]);
    s[(7 - 1) & 7] = U32(chaining[6]);
}

struct IvWords {
    BTPOW_HD constexpr std::uint32_t operator[](int i) const { return sha256_iv(i); }
};

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
    detail::sha256_rounds_from<1, OldSealLayout>(plan, s, w);
    // After 64 rounds variable i is back in s[i].
    detail::sha256_finish(s, digest, std::make_integer_sequence<int, 8>{});
}

// docs/protocol.md §10, search order: the v1 payload's last block for a plan whose chaining value is the
// state after the first two blocks (Plan::chaining, the same for 2^24 nonces), where only W0 =
// nonce bytes 5..7 ‖ 0x80 varies.
template <class Plan, class U32>
BTPOW_HD void sha256_v1_last_block(const Plan& plan, U32 w0, U32 (&digest)[8]) {
    U32 w[16];
    w[0] = w0;
    U32 s[8];
    detail::sha256_enter_after_round0(plan, plan.chaining, w0, s);
    detail::sha256_rounds_from<1, V1LastBlockLayout>(plan, s, w);
    detail::sha256_finish_from(s, plan.chaining, digest, std::make_integer_sequence<int, 8>{});
}

// docs/protocol.md §10, nonce order: the v1 payload's last two blocks from the state after its first
// (midstate). Block 2 from its precomputed state after round 13 (middle: entry, schedule) with
// w14 = prefix bytes 120..122 ‖ nonce byte 0 and w15 = nonce bytes 1..4; then block 3, whose words
// are all fixed (nonce bytes 5..7 are the same for the whole run), so its rounds read K + W from
// last.kw[0..63] and compute no schedule.
template <class Middle, class Last, class Chaining, class U32>
BTPOW_HD void sha256_v1_payload(const Middle& middle, const Last& last, const Chaining& midstate, U32 w14, U32 w15,
                                U32 (&digest)[8]) {
    U32 w[16];
    w[14] = w14;
    w[15] = w15;
    U32 s[8];
    for (int i = 0; i < 8; ++i) s[(i - 14) & 7] = U32(middle.entry[i]);
    detail::sha256_rounds_from<14, V1MiddleBlockLayout>(middle, s, w);
    U32 chained[8];
    detail::sha256_finish_from(s, midstate, chained, std::make_integer_sequence<int, 8>{});
    for (int i = 0; i < 8; ++i) s[i] = chained[i];
    detail::sha256_rounds_from<0, AllFixedLayout>(last, s, w);
    detail::sha256_finish_from(s, chained, digest, std::make_integer_sequence<int, 8>{});
}

// The same compressions cut into steps (mostly one round each) that run a slice at a time, so a
// caller can put independent work between the slices: the CPU's wide paths interleave one vector
// of nonces' SHA-256 with the Keccak of the vector before it (lib/cpu/group_scan.hpp). Each form
// below computes exactly what the one-call function it names computes, from the same rounds:
//   begin(plan, <nonce words>, work)   the state before step 0;
//   step<J>(plan, work)                step J, for J = 0 .. kSteps - 1, in order;
//   finish(plan, work, digest)         the digest after the last step.
template <class U32>
struct Sha256Work {
    U32 s[8];        // working variables, rotating through s[] as in detail::sha256_round
    U32 w[16];       // message window
    U32 chained[8];  // sha256_v1_payload only: the state between its two blocks
};

// sha256_pre_seal: rounds 1..63.
struct Sha256PreSealSteps {
    static constexpr int kSteps = 63;
    template <class Plan, class U32>
    BTPOW_HD static void begin(const Plan& plan, U32 w0, U32 w1, Sha256Work<U32>& work) {
        work.w[0] = w0;
        work.w[1] = w1;
        detail::sha256_enter_after_round0(plan, detail::IvWords{}, w0, work.s);
    }
    template <int J, class Plan, class U32>
    BTPOW_HD static void step(const Plan& plan, Sha256Work<U32>& work) {
        detail::sha256_step<1 + J, OldSealLayout>(plan, work.s, work.w);
    }
    template <class Plan, class U32>
    BTPOW_HD static void finish(const Plan&, const Sha256Work<U32>& work, U32 (&digest)[8]) {
        detail::sha256_finish(work.s, digest, std::make_integer_sequence<int, 8>{});
    }
};

// sha256_v1_last_block: rounds 1..63.
struct Sha256V1LastBlockSteps {
    static constexpr int kSteps = 63;
    template <class Plan, class U32>
    BTPOW_HD static void begin(const Plan& plan, U32 w0, Sha256Work<U32>& work) {
        work.w[0] = w0;
        detail::sha256_enter_after_round0(plan, plan.chaining, w0, work.s);
    }
    template <int J, class Plan, class U32>
    BTPOW_HD static void step(const Plan& plan, Sha256Work<U32>& work) {
        detail::sha256_step<1 + J, V1LastBlockLayout>(plan, work.s, work.w);
    }
    template <class Plan, class U32>
    BTPOW_HD static void finish(const Plan& plan, const Sha256Work<U32>& work, U32 (&digest)[8]) {
        detail::sha256_finish_from(work.s, plan.chaining, digest, std::make_integer_sequence<int, 8>{});
    }
};

// sha256_v1_payload for a plan with its members middle, last and midstate: block 2's rounds
// 14..63 (steps 0..49), then block 3's rounds 0..63 (steps 50..113; step 50 first chains block 2).
struct Sha256V1PayloadSteps {
    static constexpr int kMiddleSteps = 64 - 14;
    static constexpr int kSteps = kMiddleSteps + 64;
    template <class Plan, class U32>
    BTPOW_HD static void begin(const Plan& plan, U32 w14, U32 w15, Sha256Work<U32>& work) {
        work.w[14] = w14;
        work.w[15] = w15;
        for (int i = 0; i < 8; ++i) work.s[(i - 14) & 7] = U32(plan.middle.entry[i]);
    }
    template <int J, class Plan, class U32>
    BTPOW_HD static void step(const Plan& plan, Sha256Work<U32>& work) {
        if constexpr (J < kMiddleSteps) {
            detail::sha256_step<14 + J, V1MiddleBlockLayout>(plan.middle, work.s, work.w);
        } else {
            if constexpr (J == kMiddleSteps) {
                detail::sha256_finish_from(work.s, plan.midstate, work.chained, std::make_integer_sequence<int, 8>{});
                for (int i = 0; i < 8; ++i) work.s[i] = work.chained[i];
            }
            detail::sha256_step<J - kMiddleSteps, AllFixedLayout>(plan.last, work.s, work.w);
        }
    }
    template <class Plan, class U32>
    BTPOW_HD static void finish(const Plan&, const Sha256Work<U32>& work, U32 (&digest)[8]) {
        detail::sha256_finish_from(work.s, work.chained, digest, std::make_integer_sequence<int, 8>{});
    }
};

}  // namespace btpow::core
