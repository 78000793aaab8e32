// The per-job plan from a Job, and the whole seal through the fast core (internal: lib/plan.hpp).
#include "lib/plan.hpp"

#include <algorithm>

#include "btpow/core/seal_core.hpp"
#include "btpow/seal.hpp"

namespace btpow::detail {

namespace {

core::Plan plan_for(const Job& job, core::PlanKind v1_kind) {
    validate(job);
    if (job.seal == SealKind::v1) {
        // SPEC §10: v1 is read little-endian only.
        const auto prefix = v1_prefix(job);
        return core::make_v1_plan(prefix.data(), threshold(job.difficulty, Rule::le).top64(), v1_kind);
    }
    const Hash32 h = block_and_hotkey_hash(job);
    return core::make_plan(h.bytes.data(), threshold(job.difficulty, job.rule).top64(), job.rule == Rule::le);
}

}  // namespace

core::Plan make_plan(const Job& job) { return plan_for(job, core::PlanKind::v1_search); }

core::Plan make_range_plan(const Job& job) { return plan_for(job, core::PlanKind::v1_range); }

Hash32 fast_seal(const core::Plan& plan, std::uint64_t nonce) {
    std::uint8_t bytes[32];
    core::seal_bytes(plan, nonce, bytes);
    Hash32 out;
    std::copy(bytes, bytes + 32, out.bytes.begin());
    return out;
}

}  // namespace btpow::detail
