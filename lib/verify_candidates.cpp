// The host's check of candidates (lib/verify_candidates.hpp).
#include "lib/verify_candidates.hpp"

#include "btpow/seal.hpp"

namespace btpow::detail {

CandidateTally verify_candidates(const Job& job, const core::Plan& plan, const std::uint64_t* candidates,
                                 std::size_t count, const std::string& device_id,
                                 const std::function<void(std::uint64_t nonce, const Hash32& seal)>& on_solution,
                                 const std::function<void(LogLevel, const std::string&)>& log) {
    CandidateTally tally;
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t nonce = candidates[i];
        const Verdict verdict = verify(job, nonce);
        // docs/protocol.md §3: a true candidate's top 64 bits are <= threshold_top; anything else is a fault.
        if (seal_value(verdict.seal, job.rule).top64() > plan.threshold_top) {
            ++tally.compute_errors;
            log(LogLevel::error, device_id + " reported nonce " + std::to_string(nonce) +
                                     " as a candidate, but the reference seal is above the threshold (compute error)");
            continue;
        }
        if (!verdict.passes(job.rule)) continue;
        ++tally.solutions;
        on_solution(nonce, verdict.seal);
    }
    return tally;
}

void prepare_verification() { (void)sha256(nullptr, 0); }

}  // namespace btpow::detail
