// The host's check of a backend's candidates (docs/protocol.md §3): every candidate is recomputed with the
// reference implementation under the job's exact rule before it may become a solution. One
// function, used by the Solver and by scan().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "btpow/core/plan.hpp"
#include "btpow/solver.hpp"

namespace btpow::detail {

struct CandidateTally {
    std::uint64_t solutions = 0;
    std::uint64_t compute_errors = 0;  // candidates above the threshold: the backend miscomputed
};

// Checks candidates[0..count) of `job` (whose plan the backend ran) reported by device
// `device_id`. Calls on_solution(nonce, seal) for each nonce that passes the job's rule, and logs
// an error naming the device and nonce for each compute error. A candidate that is below the
// 64-bit filter's threshold but fails the full rule is simply not a solution.
CandidateTally verify_candidates(const Job& job, const core::Plan& plan, const std::uint64_t* candidates,
                                 std::size_t count, const std::string& device_id,
                                 const std::function<void(std::uint64_t nonce, const Hash32& seal)>& on_solution,
                                 const std::function<void(LogLevel, const std::string&)>& log);

// Readies the reference implementation before the backends start: its first SHA-256 loads
// OpenSSL's provider (about 3 ms of CPU on the development VM), which would otherwise delay the
// first solution. The Solver and scan() call it during their set-up.
void prepare_verification();

}  // namespace btpow::detail
