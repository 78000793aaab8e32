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

struct Plan {
    std::uint32_t words[16];      // W0..W15 with W0 = W1 = 0 (they vary with the nonce)
    std::uint32_t kw[16];         // K[t] + W[t] for t = 2..15
    std::uint32_t schedule[16];   // for t = 16..31: the part of W[t] that does not depend on the nonce
    std::uint32_t round0_a;       // state after round 0 is (round0_a + W0, IV0, IV1, IV2,
    std::uint32_t round0_e;       //                         round0_e + W0, IV4, IV5, IV6)
    std::uint64_t threshold_top;  // SPEC §3: a seal is a candidate iff its top 64 bits <= this
    std::uint32_t top_is_le;      // 1: rule le, lane 3 as is; 0: be/sdk, lane 0 byte-swapped
};

// H: the 32-byte block-and-hotkey hash. threshold_top: the top 64 bits of T for the job's rule.
inline Plan make_plan(const std::uint8_t* block_and_hotkey_hash, std::uint64_t threshold_top, bool top_is_le) {
    Plan p{};
    for (int i = 0; i < 8; ++i) {
        const std::uint8_t* b = block_and_hotkey_hash + 4 * i;
        p.words[kNonceWords + i] = (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) |
                                   (std::uint32_t(b[2]) << 8) | std::uint32_t(b[3]);
    }
    p.words[kFirstFixedWord] = kPaddingWord;
    p.words[15] = kBitLength;
    for (int t = kNonceWords; t < 16; ++t) p.kw[t] = sha256_k(t) + p.words[t];

    // The constant part of each early schedule word: sum of the terms whose index is a per-job
    // or fixed word (2..15). The nonce-dependent terms are added per nonce.
    auto fixed = [](int i) { return !sha256_word_varies(i); };
    for (int t = 16; t < 32; ++t) {
        std::uint32_t c = 0;
        if (fixed(t - 2)) c += sha256_sigma1(p.words[t - 2]);
        if (fixed(t - 7)) c += p.words[t - 7];
        if (fixed(t - 15)) c += sha256_sigma0(p.words[t - 15]);
        if (fixed(t - 16)) c += p.words[t - 16];
        p.schedule[t - 16] = c;
    }

    // Round 0 with W0 left out: t1 = h + Σ1(e) + ch(e,f,g) + K0 (+ W0), t2 = Σ0(a) + maj(a,b,c).
    const std::uint32_t t1 =
        sha256_iv(7) + sha256_big_sigma1(sha256_iv(4)) + ch(sha256_iv(4), sha256_iv(5), sha256_iv(6)) + sha256_k(0);
    const std::uint32_t t2 = sha256_big_sigma0(sha256_iv(0)) + maj(sha256_iv(0), sha256_iv(1), sha256_iv(2));
    p.round0_a = t1 + t2;
    p.round0_e = sha256_iv(3) + t1;
    p.threshold_top = threshold_top;
    p.top_is_le = top_is_le ? 1u : 0u;
    return p;
}

}  // namespace btpow::core
