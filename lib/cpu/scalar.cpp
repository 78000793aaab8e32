// The portable path: one nonce at a time through the core with plain 64/32-bit words. Runs on
// every CPU and compiler; the reference the SIMD paths are tested against.
#include "lib/cpu/paths.hpp"

#include "btpow/core/seal_core.hpp"

namespace btpow::cpu::paths {
namespace {

// The two phases are kept out of line and run one after the other over a group of nonces:
// fully unrolled, SHA-256 and Keccak together overflow a 32 KiB instruction cache.

template <core::PlanKind Kind>
[[gnu::noinline]] void seal_input_lanes(const core::Plan& plan, std::uint64_t position, std::uint64_t (&lanes)[4]) {
    std::uint32_t digest[8];
    if constexpr (Kind == core::PlanKind::old_seal) {
        core::sha256_pre_seal(plan, core::nonce_word0(position), core::nonce_word1(position), digest);
    } else if constexpr (Kind == core::PlanKind::v1_search) {
        core::sha256_v1_last_block(plan, core::v1_search_word0(position), digest);
    } else {
        core::sha256_v1_payload(plan.v1_middle, core::V1LastWords{plan.v1_last_kw}, plan.v1_midstate,
                                core::v1_middle_w14(plan.v1_middle, position), core::v1_middle_w15(position), digest);
    }
    core::digest_lanes(digest, lanes);
}

template <bool TopIsLe>
[[gnu::noinline]] std::uint64_t seal_top(const std::uint64_t (&lanes)[4]) {
    return core::keccak_seal_top<TopIsLe>(lanes);
}

constexpr std::uint64_t kGroup = 16;

template <core::PlanKind Kind, bool TopIsLe>
std::size_t scan(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    std::size_t found = 0;
    for (std::uint64_t offset = 0; offset < count; offset += kGroup) {
        const std::uint64_t in_group = count - offset < kGroup ? count - offset : kGroup;
        std::uint64_t lanes[kGroup][4];
        for (std::uint64_t j = 0; j < in_group; ++j) seal_input_lanes<Kind>(plan, start + offset + j, lanes[j]);
        for (std::uint64_t j = 0; j < in_group; ++j)
            if (seal_top<TopIsLe>(lanes[j]) <= plan.threshold_top) out[found++] = start + offset + j;
    }
    return found;
}

}  // namespace

std::size_t scan_scalar(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    switch (plan.kind) {
        case core::PlanKind::v1_search: return scan<core::PlanKind::v1_search, true>(plan, start, count, out);
        case core::PlanKind::v1_range: return scan<core::PlanKind::v1_range, true>(plan, start, count, out);
        case core::PlanKind::old_seal: break;
    }
    return plan.top_is_le ? scan<core::PlanKind::old_seal, true>(plan, start, count, out)
                          : scan<core::PlanKind::old_seal, false>(plan, start, count, out);
}

}  // namespace btpow::cpu::paths
