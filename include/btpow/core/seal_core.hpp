// The fast seal core: SHA-256 of the pre_seal, then the seal's Keccak, specialised per job by a
// Plan. ONE copy of the seal arithmetic, used by the CPU backend (every ISA path instantiates
// these templates with its lane types), the CUDA kernel (U32 = uint32_t, U64 = uint64_t on the
// device) and the tests, which check it against the independent reference (lib/reference.cpp).
#pragma once

#include "config.hpp"
#include "keccak.hpp"
#include "mul_rotate.hpp"
#include "ops.hpp"
#include "plan.hpp"
#include "sha256.hpp"

namespace btpow::core {

// SPEC §2: SHA-256 reads le64(nonce) as two big-endian words.
BTPOW_HD std::uint32_t nonce_word0(std::uint64_t nonce) { return bswap32(static_cast<std::uint32_t>(nonce)); }
BTPOW_HD std::uint32_t nonce_word1(std::uint64_t nonce) { return bswap32(static_cast<std::uint32_t>(nonce >> 32)); }

// Keccak input lanes 0..3 from the SHA-256 digest words (scalar form; SIMD paths convert with
// their own shuffles and must give the same lanes).
BTPOW_HD void digest_lanes(const std::uint32_t (&digest)[8], std::uint64_t (&lanes)[4]) {
    lanes[0] = lane_from_words(digest[0], digest[1]);
    lanes[1] = lane_from_words(digest[2], digest[3]);
    lanes[2] = lane_from_words(digest[4], digest[5]);
    lanes[3] = lane_from_words(digest[6], digest[7]);
}

// The seal's most significant 64 bits under the plan's rule, as an integer comparable with
// plan.threshold_top. A nonce is a candidate iff the result is <= plan.threshold_top; a
// candidate becomes a solution only after the host's full check (SPEC §3).
template <bool TopIsLe>
BTPOW_HD std::uint64_t seal_top(const Plan& plan, std::uint64_t nonce) {
    std::uint32_t digest[8];
    sha256_pre_seal(plan, nonce_word0(nonce), nonce_word1(nonce), digest);
    std::uint64_t lanes[4];
    digest_lanes(digest, lanes);
    return keccak_seal_top<TopIsLe>(lanes);
}

// The same seal top from the nonce's SHA-256 words w0 = nonce_word0(n), w1 = nonce_word1(n), with
// the rotations (and Keccak's round loop) as `Rotations` says (a MulRotations, mul_rotate.hpp):
// the body of the CUDA kernel's nonce loop.
template <class Rotations, bool TopIsLe>
BTPOW_HD std::uint64_t seal_top_words(const Plan& plan, std::uint32_t w0, std::uint32_t w1) {
    using Word = typename Rotations::Word;
    using Lane = typename Rotations::Lane;
    Word digest[8];
    sha256_pre_seal(plan, Word(w0), Word(w1), digest);
    Lane lanes[4] = {
        Lane(lane_from_words(raw(digest[0]), raw(digest[1]))), Lane(lane_from_words(raw(digest[2]), raw(digest[3]))),
        Lane(lane_from_words(raw(digest[4]), raw(digest[5]))), Lane(lane_from_words(raw(digest[6]), raw(digest[7])))};
    return raw(keccak_seal_top<TopIsLe, Rotations::kKeccakRoundLoop>(lanes));
}

// SPEC §10, search order: the last block's W0 at position p (nonce bytes 5..7 are p's low 24 bits).
BTPOW_HD std::uint32_t v1_search_word0(std::uint64_t position) {
    return v1_last_w0(static_cast<std::uint32_t>(position));
}

// The v1 seal's top 64 bits (rule le) at search position p, for a plan whose run
// (plan_v1_search_run) is p >> 24, from w0 = v1_search_word0(p).
template <class Rotations>
BTPOW_HD std::uint64_t seal_top_v1_search_words(const Plan& plan, std::uint32_t w0) {
    using Word = typename Rotations::Word;
    using Lane = typename Rotations::Lane;
    Word digest[8];
    sha256_v1_last_block(plan, Word(w0), digest);
    Lane lanes[4] = {
        Lane(lane_from_words(raw(digest[0]), raw(digest[1]))), Lane(lane_from_words(raw(digest[2]), raw(digest[3]))),
        Lane(lane_from_words(raw(digest[4]), raw(digest[5]))), Lane(lane_from_words(raw(digest[6]), raw(digest[7])))};
    return raw(keccak_seal_top<true, Rotations::kKeccakRoundLoop>(lanes));
}

// K + W of the v1 last block as sha256_v1_payload reads them.
struct V1LastWords {
    const std::uint32_t* kw;
};

// The v1 seal's top 64 bits (rule le) of nonce, for a plan whose range run (plan_v1_range_run)
// is nonce >> 40.
template <class Rotations>
BTPOW_HD std::uint64_t seal_top_v1_range(const Plan& plan, std::uint64_t nonce) {
    using Word = typename Rotations::Word;
    using Lane = typename Rotations::Lane;
    Word digest[8];
    sha256_v1_payload(plan.v1_middle, V1LastWords{plan.v1_last_kw}, plan.v1_midstate,
                      Word(v1_middle_w14(plan.v1_middle, nonce)), Word(v1_middle_w15(nonce)), digest);
    Lane lanes[4] = {
        Lane(lane_from_words(raw(digest[0]), raw(digest[1]))), Lane(lane_from_words(raw(digest[2]), raw(digest[3]))),
        Lane(lane_from_words(raw(digest[4]), raw(digest[5]))), Lane(lane_from_words(raw(digest[6]), raw(digest[7])))};
    return raw(keccak_seal_top<true, Rotations::kKeccakRoundLoop>(lanes));
}

// The SHA-256 digest of a plan's seal input for nonce, whatever the plan's kind (a copy of the
// plan is moved to nonce's run where the kind needs one): the tests' and benchmarks' way in.
BTPOW_HD void plan_digest(const Plan& plan, std::uint64_t nonce, std::uint32_t (&digest)[8]) {
    if (plan.kind == PlanKind::old_seal) {
        sha256_pre_seal(plan, nonce_word0(nonce), nonce_word1(nonce), digest);
    } else if (plan.kind == PlanKind::v1_search) {
        Plan run = plan;
        plan_v1_search_run(run, nonce & ((std::uint64_t(1) << kV1SearchLowBits) - 1));
        sha256_v1_last_block(run, v1_search_word0(position_of(PlanKind::v1_search, nonce)), digest);
    } else {
        Plan run = plan;
        plan_v1_range_run(run, static_cast<std::uint32_t>(nonce >> kV1SearchLowBits));
        sha256_v1_payload(run.v1_middle, V1LastWords{run.v1_last_kw}, run.v1_midstate,
                          v1_middle_w14(run.v1_middle, nonce), v1_middle_w15(nonce), digest);
    }
}

BTPOW_HD bool is_candidate(const Plan& plan, std::uint64_t nonce) {
    if (plan.kind != PlanKind::old_seal) {
        std::uint32_t digest[8];
        plan_digest(plan, nonce, digest);
        std::uint64_t lanes[4];
        digest_lanes(digest, lanes);
        return keccak_seal_top<true>(lanes) <= plan.threshold_top;
    }
    const std::uint64_t top = plan.top_is_le ? seal_top<true>(plan, nonce) : seal_top<false>(plan, nonce);
    return top <= plan.threshold_top;
}

// The whole 32-byte seal of nonce through the fast core (byte 0 first, as on the RPC), of the
// plan's seal kind.
BTPOW_HD void seal_bytes(const Plan& plan, std::uint64_t nonce, std::uint8_t (&seal)[32]) {
    std::uint32_t digest[8];
    plan_digest(plan, nonce, digest);
    std::uint64_t lanes[4];
    digest_lanes(digest, lanes);
    std::uint64_t out[4];
    keccak_seal_full(lanes, out);
    for (int i = 0; i < 32; ++i) seal[i] = static_cast<std::uint8_t>(out[i / 8] >> (8 * (i % 8)));
}

}  // namespace btpow::core
