// The scan loop shared by the wide SIMD paths (avx2, avx512): each pass takes the seal tops of one
// SHA-256 vector's worth of nonces while it computes the SHA-256 of the next, the two interleaved
// in one out-of-line function. Included only by path files; everything here has internal
// linkage, so each path gets its own copy built with its own instruction-set flags and no other
// translation unit can link to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "btpow/core/keccak.hpp"
#include "btpow/core/plan.hpp"
#include "btpow/core/sha256.hpp"

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

// The step form of a plan kind's SHA-256 (core/sha256.hpp).
template <core::PlanKind Kind>
using ShaStepsOf = std::conditional_t<
    Kind == core::PlanKind::old_seal, core::Sha256PreSealSteps,
    std::conditional_t<Kind == core::PlanKind::v1_search, core::Sha256V1LastBlockSteps, core::Sha256V1PayloadSteps>>;

// The SHA-256 steps are spread over the Keccak round loop's passes of the two Keccak vectors
// that one SHA-256 vector feeds (32-bit lanes hold twice the nonces of 64-bit lanes).
inline constexpr int kShaSlices = 2 * core::kKeccakRoundPasses;

template <class Steps, int Slice, class WidePlan, class U32, int... J>
[[gnu::always_inline]] inline void sha_slice_steps(const WidePlan& wide_plan, core::Sha256Work<U32>& work,
                                                   std::integer_sequence<int, J...>) {
    constexpr int kFirst = Slice * Steps::kSteps / kShaSlices;
    (Steps::template step<kFirst + J>(wide_plan, work), ...);
}

// A no-op that marks where each slice's code starts, so scripts/cpu_bounds.py can count the
// slices once per call although the compiler may place some inside the round loop's addresses.
#if defined(__x86_64__)
#define BTPOW_SHA_SLICE_MARK() __asm__ volatile("nopl 0x5eed(%%rax)" ::)
#else
#define BTPOW_SHA_SLICE_MARK() ((void)0)
#endif

template <class Steps, class WidePlan, class U32>
[[gnu::always_inline]] inline void sha_slice(int slice, const WidePlan& wide_plan, core::Sha256Work<U32>& work) {
    static_assert(kShaSlices == 22, "one case per slice below");
#define BTPOW_SHA_SLICE(k)                                                                                             \
    case k:                                                                                                            \
        BTPOW_SHA_SLICE_MARK();                                                                                        \
        sha_slice_steps<Steps, k>(                                                                                     \
            wide_plan, work,                                                                                           \
            std::make_integer_sequence<int, (k + 1) * Steps::kSteps / kShaSlices - k * Steps::kSteps / kShaSlices>{}); \
        break;
    // A jump table: each slice is straight-line code reached once per call.
    switch (slice) {
        // clang-format off
        BTPOW_SHA_SLICE(0) BTPOW_SHA_SLICE(1) BTPOW_SHA_SLICE(2) BTPOW_SHA_SLICE(3) BTPOW_SHA_SLICE(4)
        BTPOW_SHA_SLICE(5) BTPOW_SHA_SLICE(6) BTPOW_SHA_SLICE(7) BTPOW_SHA_SLICE(8) BTPOW_SHA_SLICE(9)
        BTPOW_SHA_SLICE(10) BTPOW_SHA_SLICE(11) BTPOW_SHA_SLICE(12) BTPOW_SHA_SLICE(13) BTPOW_SHA_SLICE(14)
        BTPOW_SHA_SLICE(15) BTPOW_SHA_SLICE(16) BTPOW_SHA_SLICE(17) BTPOW_SHA_SLICE(18) BTPOW_SHA_SLICE(19)
        BTPOW_SHA_SLICE(20) BTPOW_SHA_SLICE(21)
        default: __builtin_unreachable();
        // clang-format on
    }
#undef BTPOW_SHA_SLICE
}

// The state of the SHA-256 of the positions from first (one vector of lane type U32) before its
// first step: the nonce words from the path file's own functions, found by argument-dependent
// lookup on U32 (nonce_words, v1_search_word0, v1_middle_words).
template <core::PlanKind Kind, class WidePlan, class U32>
[[gnu::always_inline]] inline void sha_begin(const WidePlan& wide_plan, std::uint64_t first,
                                             core::Sha256Work<U32>& work) {
    if constexpr (Kind == core::PlanKind::old_seal) {
        U32 w0, w1;
        nonce_words(first, w0, w1);
        core::Sha256PreSealSteps::begin(wide_plan, w0, w1, work);
    } else if constexpr (Kind == core::PlanKind::v1_search) {
        U32 w0;
        v1_search_word0(first, w0);
        core::Sha256V1LastBlockSteps::begin(wide_plan, w0, work);
    } else {
        U32 w14, w15;
        v1_middle_words(wide_plan.w14_prefix, first, w14, w15);
        core::Sha256V1PayloadSteps::begin(wide_plan, w14, w15, work);
    }
}

// Path is a path file's lane set:
//   WidePlan<Kind>, ShaLanes, KeccakLanes   the broadcast Plan of a plan kind, the 32-bit SHA-256
//                                         and the 64-bit Keccak lane types;
//   kShaWidth, kKeccakWidth               nonces per SHA-256 vector, per Keccak vector (half);
//   keccak_lanes(digest, parts)           a SHA-256 vector's digest as Keccak input lanes, the
//                                         lower positions in parts[0];
//   candidates_of(top, plan)              a mask, bit j set where lane j's top <= threshold;
//   kSlicesInline                         the SHA-256 slices inlined into the Keccak's round loop
//                                         (with 32 registers) or called from it (with 16: the
//                                         Keccak state lives mostly in memory anyway, and the
//                                         slices get every register; measured, BENCHMARKS.md).

// The seal tops of the 2 * kKeccakWidth positions whose Keccak input lanes are in lanes, as a
// candidate mask, and the Keccak input lanes of the kShaWidth positions from next_first into
// next: one vector's SHA-256 runs a slice at a time between the passes of the other vectors'
// Keccak rounds. The two are independent, so the SHA-256's instructions fill the pipes while
// a Keccak round waits on its own dependency chain (theta needs every lane of the round before).
template <class Path, core::PlanKind Kind, bool TopIsLe>
[[gnu::noinline]] std::uint32_t tops_and_next_lanes(const typename Path::template WidePlan<Kind>& wide_plan,
                                                    const core::Plan& plan, std::uint64_t next_first,
                                                    const typename Path::KeccakLanes (&lanes)[2][4],
                                                    typename Path::KeccakLanes (&next)[2][4]) {
    using Steps = ShaStepsOf<Kind>;
    core::Sha256Work<typename Path::ShaLanes> work;
    sha_begin<Kind>(wide_plan, next_first, work);
    std::uint32_t hits = 0;
    for (int v = 0; v < 2; ++v) {
        const int first_slice = v * core::kKeccakRoundPasses;
        typename Path::KeccakLanes top;
        if constexpr (Path::kSlicesInline) {
            const auto between = [&](int pass) __attribute__((always_inline)) {
                sha_slice<Steps>(first_slice + pass, wide_plan, work);
            };
            top = core::keccak_seal_top<TopIsLe, /*RoundLoop=*/true>(lanes[v], between);
        } else {
            const auto between = [&](int pass) __attribute__((noinline)) {
                sha_slice<Steps>(first_slice + pass, wide_plan, work);
            };
            top = core::keccak_seal_top<TopIsLe, /*RoundLoop=*/true>(lanes[v], between);
        }
        hits |= static_cast<std::uint32_t>(Path::candidates_of(top, plan)) << (Path::kKeccakWidth * v);
    }
    typename Path::ShaLanes digest[8];
    Steps::finish(wide_plan, work, digest);
    Path::keccak_lanes(digest, next);
    return hits;
}

// The scan loop: kShaWidth positions per pass, the SHA-256 of the next pass's positions computed
// in this one (tops_and_next_lanes). Its hot code is that one function: the Keccak's round loop
// and the SHA-256's straight-line slices, about 20 KB on avx512, within the instruction cache.
template <class Path, core::PlanKind Kind, bool TopIsLe>
std::size_t scan_interleaved(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    constexpr std::uint64_t kWidth = Path::kShaWidth;
    static_assert(kWidth == 2 * Path::kKeccakWidth && kWidth <= 32, "one SHA-256 vector feeds two Keccak vectors");
    const typename Path::template WidePlan<Kind> wide_plan(plan);
    typename Path::KeccakLanes lanes[2][2][4];
    // The first pass's input lanes, from a call whose Keccak of lanes[1] is discarded.
    for (auto& part : lanes[1])
        for (auto& lane : part) lane = typename Path::KeccakLanes(std::uint64_t{0});
    tops_and_next_lanes<Path, Kind, TopIsLe>(wide_plan, plan, start, lanes[1], lanes[0]);
    int current = 0;
    std::size_t found = 0;
    for (std::uint64_t offset = 0; offset < count; offset += kWidth) {
        const std::uint64_t first = start + offset;
        // The last pass hashes kWidth positions past the range; they are never read.
        std::uint64_t hits = tops_and_next_lanes<Path, Kind, TopIsLe>(wide_plan, plan, first + kWidth, lanes[current],
                                                                      lanes[current ^ 1]);
        const std::uint64_t left = count - offset;
        if (left < kWidth) hits &= (std::uint64_t{1} << left) - 1;
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
            return scan_interleaved<Path, core::PlanKind::v1_search, true>(plan, start, count, out);
        case core::PlanKind::v1_range:
            return scan_interleaved<Path, core::PlanKind::v1_range, true>(plan, start, count, out);
        case core::PlanKind::old_seal: break;
    }
    return plan.top_is_le ? scan_interleaved<Path, core::PlanKind::old_seal, true>(plan, start, count, out)
                          : scan_interleaved<Path, core::PlanKind::old_seal, false>(plan, start, count, out);
}

}  // namespace
}  // namespace btpow::cpu::paths
