// The CPU backend's interface to the engine: ISA paths chosen at run time, and one Worker per
// thread. One file per ISA path (scalar.cpp, avx2.cpp, avx512.cpp, ...) plus dispatch.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "btpow/core/plan.hpp"
#include "lib/backend.hpp"

namespace btpow::cpu {

// Names of the paths this machine can run, best first (always ends with "scalar").
std::vector<std::string> supported_isas();
// The path auto-selection picks: BTPOW_CPU_ISA if set (validated), else the best supported.
std::string default_isa();
// Resolves "" / "auto" to default_isa(); throws Error(bad_option) naming `field` for an unknown
// name or one this CPU cannot run.
std::string resolve_isa(std::string_view requested, std::string_view field = "cpu isa");
// The CPU model name (from CPUID), for display.
std::string model_name();

// Appends to `candidates` the nonce of every position n in [start, start + count) (mod 2^64) of
// plan's order (core::nonce_at) whose seal's top 64 bits under plan's rule are <=
// plan.threshold_top, in ascending order of n - start. Never allocates beyond growing
// `candidates`; `isa` must come from resolve_isa().
void scan_candidates(std::string_view isa, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                     std::vector<std::uint64_t>& candidates);

// `threads` workers (0: every hardware thread) on path `isa` (already resolved).
detail::WorkerList make_workers(unsigned threads, const std::string& isa);

}  // namespace btpow::cpu
