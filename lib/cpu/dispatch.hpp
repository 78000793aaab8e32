// What the dispatcher offers the rest of the CPU backend (worker.cpp): a path resolved once to
// its scan function, and the scan loop over blocks of it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "btpow/core/plan.hpp"
#include "lib/cpu/paths.hpp"

namespace btpow::cpu {

// A path as the workers use it: its scan function and how many nonces a worker asks for at a
// time (about 2 ms of work on one thread, by the path's measured speed).
struct PathRunner {
    paths::ScanFunction scan;
    std::uint64_t chunk;
};

// The path named isa (a name from resolve_isa()); Error(bad_option) otherwise.
PathRunner path_runner(std::string_view isa);

// scan_candidates() with the path already looked up; start and count are positions of plan's
// order, candidates are nonces. A v1 plan is moved to each run it meets (a copy kept between
// calls saves recomputing the run).
void scan_range(paths::ScanFunction scan, core::Plan& plan, std::uint64_t start, std::uint64_t count,
                std::vector<std::uint64_t>& candidates);

}  // namespace btpow::cpu
