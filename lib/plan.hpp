// The bridge from the public Job to the shared core (internal): the per-job Plan every backend
// runs on, and the whole seal through the fast core, which tests and benchmarks compare against
// the reference.
#pragma once

#include <cstdint>

#include "btpow/core/plan.hpp"
#include "btpow/types.hpp"

namespace btpow::detail {

// SPEC §3: H (or the v1 prefix), the rule's lane and the top 64 bits of the job's threshold.
// A v1 job's plan hashes in the search order (the solver's: any order will do, and this one
// keeps the first two SHA-256 blocks fixed for 2^24 nonces at a time, SPEC §10).
core::Plan make_plan(const Job& job);
// As make_plan, but a v1 job's plan hashes in nonce order (scan: every nonce of a range).
core::Plan make_range_plan(const Job& job);

// The job's seal through the fast core (include/btpow/core/), of the plan's seal kind.
Hash32 fast_seal(const core::Plan& plan, std::uint64_t nonce);

}  // namespace btpow::detail
