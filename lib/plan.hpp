// The bridge from the public Job to the shared core (internal): the per-job Plan every backend
// runs on, and the whole seal through the fast core, which tests and benchmarks compare against
// the reference.
#pragma once

#include <cstdint>

#include "btpow/core/plan.hpp"
#include "btpow/types.hpp"

namespace btpow::detail {

// SPEC §3: H, the rule's lane and the top 64 bits of the job's threshold.
core::Plan make_plan(const Job& job);

// keccak256(sha256(le64(nonce) ‖ H)) through the fast core (include/btpow/core/).
Hash32 fast_seal(const core::Plan& plan, std::uint64_t nonce);

}  // namespace btpow::detail
