// The per-job plan: everything about a job that is the same for every nonce, computed once on the
// host and handed by value to every backend (a CUDA kernel takes it as a launch argument).
#pragma once

#include "config.hpp"
#include "sha256.hpp"

namespace btpow::core {

// SPEC §2: SHA-256 message words of pre_seal = le64(nonce) ‖ H, one block.
inline constexpr int kNonceWords = 2;       // W0, W1 carry the nonce
inline constexpr int kFirstFixedWord = 10;  // W10 = 0x80000000 padding, W11..W14 = 0
inline constexpr std::uint32_t kPaddingWord = 0x80000000u;
inline constexpr std::uint32_t kBitLength = 320u;  // W15: 40 bytes

// SPEC §10: the v1 payload is 131 bytes, three SHA-256 blocks.
inline constexpr int kV1PrefixBytes = 123;
inline constexpr std::uint32_t kV1BitLength = 131u * 8u;  // W15 of the last block
inline constexpr int kV1SearchLowBits = 40;               // nonce bytes 0..4: the second block
// In the search order a nonce's position p maps to nonce rotl64(p, 40): the low 24 bits of p are
// nonce bytes 5..7 (the last block's W0), the rest nonce bytes 0..4, so 2^24 consecutive
// positions share the first two blocks.
inline constexpr std::uint64_t kV1SearchRun = std::uint64_t(1) << 24;

// What a backend's nonce loop hashes.
enum class PlanKind : std::uint32_t {
    old_seal = 0,   // SPEC §2: one block, positions are nonces
    v1_search = 1,  // SPEC §10 in the search order: positions p are nonces rotl64(p, 40)
    v1_range = 2,   // SPEC §10 in nonce order (scan, the miner drop-in): positions are nonces
};

// The v1 payload's second block (SPEC §10): W0..W13 are prefix bytes 64..119, W14 is prefix bytes
// 120..122 ‖ nonce byte 0, W15 nonce bytes 1..4. Its first 14 rounds read prefix bytes only.
struct V1Middle {
    std::uint32_t entry[8];      // the state after rounds 0..13 (variable i in entry[i])
    std::uint32_t kw[16];        // K + W for t = 0..13
    std::uint32_t schedule[16];  // for t = 16..31: the part of W[t] that does not depend on the nonce
    std::uint32_t w14_prefix;    // W14 without its nonce byte
};

struct Plan {
    // The block the per-nonce loop hashes in full (old_seal: the only one; v1_search: the last).
    std::uint32_t words[16];      // W0..W15 with the varying words 0
    std::uint32_t kw[16];         // K[t] + W[t] for the fixed words among t = 0..15
    std::uint32_t schedule[16];   // for t = 16..31: the part of W[t] that does not depend on the nonce
    std::uint32_t round0_a;       // state after round 0 is (round0_a + W0, c0, c1, c2,
    std::uint32_t round0_e;       //                         round0_e + W0, c4, c5, c6), c = chaining
    std::uint64_t threshold_top;  // SPEC §3: a seal is a candidate iff its top 64 bits <= this
    std::uint32_t top_is_le;      // 1: rule le, lane 3 as is; 0: be/sdk, lane 0 byte-swapped
    PlanKind kind;
    std::uint32_t chaining[8];  // the state that block starts from and adds back (old: the IV)
    // v1 only (SPEC §10).
    std::uint32_t v1_midstate[8];  // after the payload's first block (prefix bytes 0..63)
    V1Middle v1_middle;
    std::uint32_t v1_last_kw[64];  // v1_range: K + W of the last block for nonce bytes 5..7 below
    std::uint32_t v1_last_high;    // v1_range: nonce >> 40 that v1_last_kw is for
    std::uint64_t v1_low;          // v1_search: nonce bytes 0..4 (p >> 24) that chaining is for
};

namespace detail {

BTPOW_HD std::uint32_t be_word(const std::uint8_t* b) {
    return (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | std::uint32_t(b[3]);
}

// kw[t] = K[t] + W[t] for all 64 rounds of a block whose 16 words are known.
BTPOW_HD void sha256_expand(const std::uint32_t (&words)[16], std::uint32_t (&kw)[64]) {
    std::uint32_t w[64];
    for (int t = 0; t < 16; ++t) w[t] = words[t];
    for (int t = 16; t < 64; ++t) w[t] = sha256_sigma1(w[t - 2]) + w[t - 7] + sha256_sigma0(w[t - 15]) + w[t - 16];
    for (int t = 0; t < 64; ++t) kw[t] = sha256_k(t) + w[t];
}

struct FixedKw {
    std::uint32_t kw[64];
};

// One whole compression of known words into state (the chaining value), through the core's rounds.
BTPOW_HD void sha256_fixed_block(std::uint32_t (&state)[8], const std::uint32_t (&words)[16]) {
    FixedKw k;
    sha256_expand(words, k.kw);
    std::uint32_t s[8], w[16];
    for (int i = 0; i < 8; ++i) s[i] = state[i];
    sha256_rounds_from<0, AllFixedLayout>(k, s, w);
    for (int i = 0; i < 8; ++i) state[i] += s[i];
}

// The per-block constants of a Plan's block: kw, schedule and round 0, from words and chaining.
template <class Layout>
BTPOW_HD void plan_block(Plan& p) {
    for (int t = 0; t < 16; ++t) p.kw[t] = Layout::varies(t) ? 0u : sha256_k(t) + p.words[t];
    // The constant part of each early schedule word: the sum of the terms whose index is a fixed
    // word. The nonce-dependent terms are added per nonce.
    for (int t = 16; t < 32; ++t) {
        std::uint32_t c = 0;
        if (!Layout::varies(t - 2)) c += sha256_sigma1(p.words[t - 2]);
        if (!Layout::varies(t - 7)) c += p.words[t - 7];
        if (!Layout::varies(t - 15)) c += sha256_sigma0(p.words[t - 15]);
        if (!Layout::varies(t - 16)) c += p.words[t - 16];
        p.schedule[t - 16] = c;
    }
    // Round 0 with W0 left out: t1 = h + Σ1(e) + ch(e,f,g) + K0 (+ W0), t2 = Σ0(a) + maj(a,b,c).
    const std::uint32_t* c = p.chaining;
    const std::uint32_t t1 = c[7] + sha256_big_sigma1(c[4]) + ch(c[4], c[5], c[6]) + sha256_k(0);
    const std::uint32_t t2 = sha256_big_sigma0(c[0]) + maj(c[0], c[1], c[2]);
    p.round0_a = t1 + t2;
    p.round0_e = c[3] + t1;
}

}  // namespace detail

// H: the 32-byte block-and-hotkey hash. threshold_top: the top 64 bits of T for the job's rule.
BTPOW_HD Plan make_plan(const std::uint8_t* block_and_hotkey_hash, std::uint64_t threshold_top, bool top_is_le) {
    Plan p{};
    for (int i = 0; i < 8; ++i) p.words[kNonceWords + i] = detail::be_word(block_and_hotkey_hash + 4 * i);
    p.words[kFirstFixedWord] = kPaddingWord;
    p.words[15] = kBitLength;
    for (int i = 0; i < 8; ++i) p.chaining[i] = sha256_iv(i);
    detail::plan_block<OldSealLayout>(p);
    p.threshold_top = threshold_top;
    p.top_is_le = top_is_le ? 1u : 0u;
    p.kind = PlanKind::old_seal;
    return p;
}

// SPEC §10: the v1 plan of a 123-byte prefix, read little-endian (threshold_top from rule le).
// kind v1_search or v1_range; the per-run parts (chaining for v1_search, v1_last_kw for
// v1_range) are filled by plan_v1_search_run / plan_v1_range_run before a backend hashes.
BTPOW_HD Plan make_v1_plan(const std::uint8_t* prefix, std::uint64_t threshold_top, PlanKind kind) {
    Plan p{};
    p.kind = kind;
    p.v1_low = ~std::uint64_t{0};  // no run yet
    p.v1_last_high = ~std::uint32_t{0};
    p.threshold_top = threshold_top;
    p.top_is_le = 1u;
    std::uint32_t words[16];
    for (int i = 0; i < 16; ++i) words[i] = detail::be_word(prefix + 4 * i);
    for (int i = 0; i < 8; ++i) p.v1_midstate[i] = sha256_iv(i);
    detail::sha256_fixed_block(p.v1_midstate, words);

    V1Middle& m = p.v1_middle;
    for (int i = 0; i < 14; ++i) words[i] = detail::be_word(prefix + 64 + 4 * i);
    m.w14_prefix =
        (std::uint32_t(prefix[120]) << 24) | (std::uint32_t(prefix[121]) << 16) | (std::uint32_t(prefix[122]) << 8);
    words[14] = words[15] = 0;
    for (int t = 0; t < 16; ++t) m.kw[t] = t < 14 ? sha256_k(t) + words[t] : 0u;
    for (int t = 16; t < 32; ++t) {
        std::uint32_t c = 0;
        if (!V1MiddleBlockLayout::varies(t - 2)) c += sha256_sigma1(words[t - 2]);
        if (!V1MiddleBlockLayout::varies(t - 7)) c += words[t - 7];
        if (!V1MiddleBlockLayout::varies(t - 15)) c += sha256_sigma0(words[t - 15]);
        if (!V1MiddleBlockLayout::varies(t - 16)) c += words[t - 16];
        m.schedule[t - 16] = c;
    }
    std::uint32_t s[8], w[16];
    for (int i = 0; i < 8; ++i) s[i] = p.v1_midstate[i];
    detail::sha256_steps<0, AllFixedLayout>(m, s, w, std::make_integer_sequence<int, 14>{});
    for (int i = 0; i < 8; ++i) m.entry[i] = s[(i - 14) & 7];
    return p;
}

// SPEC §10: W14 and W15 of the second block for nonce bytes 0..4 (the low 40 bits of nonce).
BTPOW_HD std::uint32_t v1_middle_w14(const V1Middle& m, std::uint64_t nonce) {
    return m.w14_prefix | static_cast<std::uint32_t>(nonce & 0xFF);
}
BTPOW_HD std::uint32_t v1_middle_w15(std::uint64_t nonce) {
    const auto b = static_cast<std::uint32_t>(nonce >> 8);
    return (b << 24) | ((b & 0xFF00u) << 8) | ((b >> 8) & 0xFF00u) | (b >> 24);
}
// SPEC §10: W0 of the last block, nonce bytes 5..7 ‖ 0x80, from high = nonce >> 40.
BTPOW_HD std::uint32_t v1_last_w0(std::uint32_t high) { return bswap32((high & 0xFFFFFFu) | 0x80000000u); }

// v1_search: makes p's block the last block of the 2^24 nonces whose bytes 0..4 are `low` (the
// positions (low << 24) ..): chaining = the state after the first two blocks.
BTPOW_HD void plan_v1_search_run(Plan& p, std::uint64_t low) {
    p.v1_low = low;
    std::uint32_t words[16];
    for (int i = 0; i < 14; ++i) words[i] = p.v1_middle.kw[i] - sha256_k(i);
    words[14] = v1_middle_w14(p.v1_middle, low);
    words[15] = v1_middle_w15(low);
    for (int i = 0; i < 8; ++i) p.chaining[i] = p.v1_midstate[i];
    detail::sha256_fixed_block(p.chaining, words);
    for (int i = 0; i < 16; ++i) p.words[i] = 0;
    p.words[15] = kV1BitLength;
    detail::plan_block<V1LastBlockLayout>(p);
}

// v1_range: K + W of the last block for the nonces whose bytes 5..7 are high = nonce >> 40.
BTPOW_HD void plan_v1_range_run(Plan& p, std::uint32_t high) {
    p.v1_last_high = high;
    std::uint32_t words[16] = {v1_last_w0(high)};
    words[15] = kV1BitLength;
    detail::sha256_expand(words, p.v1_last_kw);
}

// The nonce at position `position` of a plan's order.
BTPOW_HD std::uint64_t nonce_at(const Plan& p, std::uint64_t position) {
    return p.kind == PlanKind::v1_search ? (position << 40) | (position >> 24) : position;
}
// The position of `nonce` in a plan's order (the inverse of nonce_at).
BTPOW_HD std::uint64_t position_of(PlanKind kind, std::uint64_t nonce) {
    return kind == PlanKind::v1_search ? (nonce >> 40) | (nonce << 24) : nonce;
}

}  // namespace btpow::core
