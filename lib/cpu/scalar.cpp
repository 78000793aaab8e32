// The portable path: one nonce at a time through the core with plain 64/32-bit words. Runs on
// every CPU and compiler; the reference the SIMD paths are tested against.
#include "lib/cpu/paths.hpp"

#include "btpow/core/seal_core.hpp"

namespace btpow::cpu::paths {
namespace {

template <bool TopIsLe>
std::size_t scan(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    std::size_t found = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t nonce = start + i;
        if (core::seal_top<TopIsLe>(plan, nonce) <= plan.threshold_top) out[found++] = nonce;
    }
    return found;
}

}  // namespace

std::size_t scan_scalar(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t* out) {
    return plan.top_is_le ? scan<true>(plan, start, count, out) : scan<false>(plan, start, count, out);
}

}  // namespace btpow::cpu::paths
