// The per-job plan from a Job, and the whole seal through the fast core (internal: lib/plan.hpp).
#include "lib/plan.hpp"

#include <algorithm>

#include "btpow/core/seal_core.hpp"
#include "btpow/seal.hpp"

namespace btpow::detail {

core::Plan make_plan(const Job& job) {
    const Hash32 h = block_and_hotkey_hash(job);
    return core::make_plan(h.bytes.data(), threshold(job.difficulty, job.rule).top64(), job.rule == Rule::le);
}

Hash32 fast_seal(const core::Plan& plan, std::uint64_t nonce) {
    std::uint8_t bytes[32];
    core::seal_bytes(plan, nonce, bytes);
    Hash32 out;
    std::copy(bytes, bytes + 32, out.bytes.begin());
    return out;
}

}  // namespace btpow::detail
