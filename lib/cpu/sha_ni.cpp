// Path "sha": SHA-256 with the SHA-NI instructions (several nonces interleaved), then the seal's
// Keccak through the core with scalar 64-bit words. For CPUs with SHA-NI but without AVX2.
#include "lib/cpu/paths.hpp"

#include "btpow/core/keccak.hpp"
#include "lib/cpu/sha_ni.hpp"

namespace btpow::cpu::paths {
namespace {

// Nonces hashed together: enough independent SHA-NI chains to cover the round instruction's
// latency without running out of the 16 registers the legacy SHA encodings can address.
constexpr int kInterleave = 2;

// The seal's Keccak, kept out of line: one copy per interleaved nonce would no longer fit the
// instruction cache.
template <bool TopIsLe>
[[gnu::noinline]] std::uint64_t seal_top(const std::uint64_t (&lanes)[4]) {
    return core::keccak_seal_top<TopIsLe>(lanes);
}

template <core::PlanKind Kind, bool TopIsLe>
std::size_t scan(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    const ShaNiPlan sha_plan = make_sha_ni_plan(plan);
    std::size_t found = 0;
    for (std::uint64_t offset = 0; offset < count; offset += kInterleave) {
        const std::uint64_t first = start + offset;
        __m128i lanes_2_0[kInterleave], lanes_3_1[kInterleave];
        sha_ni_seal_lanes<Kind>(sha_plan, first, lanes_2_0, lanes_3_1);
#pragma GCC unroll 8
        for (int j = 0; j < kInterleave; ++j) {
            const std::uint64_t lanes[4] = {static_cast<std::uint64_t>(_mm_extract_epi64(lanes_2_0[j], 1)),
                                            static_cast<std::uint64_t>(_mm_extract_epi64(lanes_3_1[j], 1)),
                                            static_cast<std::uint64_t>(_mm_cvtsi128_si64(lanes_2_0[j])),
                                            static_cast<std::uint64_t>(_mm_cvtsi128_si64(lanes_3_1[j]))};
            const bool in_range = offset + static_cast<std::uint64_t>(j) < count;
            if (seal_top<TopIsLe>(lanes) <= plan.threshold_top && in_range) out[found++] = first + j;
        }
    }
    return found;
}

}  // namespace

std::size_t scan_sha(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    switch (plan.kind) {
        case core::PlanKind::v1_search: return scan<core::PlanKind::v1_search, true>(plan, start, count, out);
        // The nonce order's second and third blocks run on the portable path: SHA-NI's rounds
        // come in groups of four, and block 2 starts at round 14.
        case core::PlanKind::v1_range: return scan_scalar(plan, start, count, out);
        case core::PlanKind::old_seal: break;
    }
    return plan.top_is_le ? scan<core::PlanKind::old_seal, true>(plan, start, count, out)
                          : scan<core::PlanKind::old_seal, false>(plan, start, count, out);
}

}  // namespace btpow::cpu::paths
