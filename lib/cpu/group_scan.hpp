// The group loop shared by the wide SIMD paths (avx2, avx512): 64 nonces per group, SHA-256 of
// the whole group before its Keccak, one bit per nonce in a hit mask. Included only
// by path files; everything here has internal linkage, so each path gets its own copy built
// with its own instruction-set flags and no other translation unit can link to it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "btpow/core/plan.hpp"

namespace btpow::cpu::paths {
namespace {

// A Plan's per-job SHA-256 words broadcast to a path's 32-bit lane type U32 once per call, rather
// than at every use inside the unrolled rounds; the core's compressions read these members as
// they read a Plan's (old seal; v1 in the search order).
template <class U32>
struct BroadcastPlan {
    U32 kw[16];
    U32 schedule[16];
    U32 round0_a, round0_e;
    U32 chaining[8];

    explicit BroadcastPlan(const core::Plan& plan) : round0_a(plan.round0_a), round0_e(plan.round0_e) {
        for (int t = 0; t < 16; ++t) {
            kw[t] = U32(plan.kw[t]);
            schedule[t] = U32(plan.schedule[t]);
        }
        for (int i = 0; i < 8; ++i) chaining[i] = U32(plan.chaining[i]);
    }
};

// The same for a v1 plan in nonce order: its second block's state and words, its last block's
// K + W, and the state after its first block.
template <class U32>
struct BroadcastV1Range {
    struct {
        U32 entry[8];
        U32 schedule[16];
    } middle;
    struct {
        U32 kw[64];
    } last;
    U32 midstate[8];
    std::uint32_t w14_prefix;

    explicit BroadcastV1Range(const core::Plan& plan) : w14_prefix(plan.v1_middle.w14_prefix) {
        for (int i = 0; i < 8; ++i) {
            middle.entry[i] = U32(plan.v1_middle.entry[i]);
            midstate[i] = U32(plan.v1_midstate[i]);
        }
        for (int t = 0; t < 16; ++t) middle.schedule[t] = U32(plan.v1_middle.schedule[t]);
        for (int t = 0; t < 64; ++t) last.kw[t] = U32(plan.v1_last_kw[t]);
    }
};

// docs/protocol.md §10, nonce order: W14 and W15 of the second block for the Width nonces first
// .. first + Width - 1, as arrays a path loads into its lanes.
template <int Width>
[[gnu::always_inline]] inline void v1_middle_word_arrays(std::uint32_t w14_prefix, std::uint64_t first,
                                                         std::uint32_t (&w14)[Width], std::uint32_t (&w15)[Width]) {
    for (int j = 0; j < Width; ++j) {
        const std::uint64_t nonce = first + static_cast<std::uint64_t>(j);
        w14[j] = w14_prefix | static_cast<std::uint32_t>(nonce & 0xFF);
        w15[j] = core::v1_middle_w15(nonce);
    }
}

// Stores the nonces first + j for every set bit j of hits (bits past the range already cleared).
[[gnu::always_inline]] inline std::size_t store_hits(std::uint64_t hits, std::uint64_t first, std::uint64_t* out) {
    std::size_t stored = 0;
    while (hits != 0) {
        out[stored++] = first + static_cast<std::uint64_t>(__builtin_ctzll(hits));
        hits &= hits - 1;
    }
    return stored;
}

// Path is a path file's lane set:
//   WidePlan<Kind>, KeccakLanes           the broadcast Plan of a plan kind and the 64-bit
//                                         Keccak lane type;
//   kShaWidth, kKeccakWidth, kGroupBatches   nonces per call of seal_input_lanes, nonces per
//                                         Keccak vector, calls per group;
//   seal_input_lanes<Kind>(wide_plan, first, parts)   SHA-256 of the kShaWidth positions from
//                                         first, as kShaWidth / kKeccakWidth parts of Keccak
//                                         input lanes (the lower positions in parts[0]);
//   seal_top<TopIsLe>(lanes)              the seal's top words of one part;
//   candidates_of(top, plan)              a mask, bit j set where lane j's top <= threshold.
// The two phases are the path's own out-of-line functions, each a small loop body or one
// straight run of code, so that both together stay within the instruction cache.
template <class Path, core::PlanKind Kind, bool TopIsLe>
std::size_t scan_groups(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    constexpr std::uint64_t kShaWidth = Path::kShaWidth;
    constexpr int kGroupBatches = Path::kGroupBatches;
    constexpr std::uint64_t kGroup = kShaWidth * kGroupBatches;
    constexpr std::uint64_t kKeccakWidth = Path::kKeccakWidth;
    constexpr int kParts = static_cast<int>(kShaWidth / kKeccakWidth);
    static_assert(kGroup == 64, "a group is one bit per nonce of a 64-bit hit mask");

    const typename Path::template WidePlan<Kind> wide_plan(plan);
    const auto batches_from = [count](std::uint64_t offset) {
        const std::uint64_t left = count - offset;
        return left >= kGroup ? kGroupBatches : static_cast<int>((left + kShaWidth - 1) / kShaWidth);
    };
    // Two groups in flight: the SHA-256 of the next group is interleaved, call by call, with the
    // Keccak of this one. Neither depends on the other, so where one phase waits on a dependency
    // chain the other's instructions, next to it in the stream, fill the pipes.
    typename Path::KeccakLanes lanes[2][kGroupBatches][kParts][4];
    int current = 0;
    for (int b = 0; b < batches_from(0); ++b)
        Path::template seal_input_lanes<Kind>(wide_plan, start + kShaWidth * b, lanes[0][b]);
    std::size_t found = 0;
    for (std::uint64_t offset = 0; offset < count; offset += kGroup) {
        const std::uint64_t first = start + offset;
        const std::uint64_t left = count - offset;
        const int batches = batches_from(offset);
        // Only the last group is partial, so the next group never has more batches than this one.
        const int next_batches = left > kGroup ? batches_from(offset + kGroup) : 0;
        std::uint64_t hits = 0;
        for (int b = 0; b < batches; ++b) {
            if (b < next_batches)
                Path::template seal_input_lanes<Kind>(wide_plan, first + kGroup + kShaWidth * b, lanes[current ^ 1][b]);
            for (int part = 0; part < kParts; ++part)
                hits |= static_cast<std::uint64_t>(
                            Path::candidates_of(Path::template seal_top<TopIsLe>(lanes[current][b][part]), plan))
                        << (kShaWidth * b + kKeccakWidth * part);
        }
        if (left < kGroup) hits &= (std::uint64_t{1} << left) - 1;
        if (hits != 0) found += store_hits(hits, first, out + found);
        current ^= 1;
    }
    return found;
}

// A paths.hpp scan function over Path: the plan's kind and rule pick the instantiation.
template <class Path>
std::size_t scan_plan(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    switch (plan.kind) {
        case core::PlanKind::v1_search:
            return scan_groups<Path, core::PlanKind::v1_search, true>(plan, start, count, out);
        case core::PlanKind::v1_range:
            return scan_groups<Path, core::PlanKind::v1_range, true>(plan, start, count, out);
        case core::PlanKind::old_seal: break;
    }
    return plan.top_is_le ? scan_groups<Path, core::PlanKind::old_seal, true>(plan, start, count, out)
                          : scan_groups<Path, core::PlanKind::old_seal, false>(plan, start, count, out);
}

}  // namespace
}  // namespace btpow::cpu::paths
