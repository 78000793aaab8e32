// Running a Solver for the solve command: one job from flags until --count solutions or
// --timeout, and what both that and the job feed share (printing a solution, noticing that every
// device failed).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include <btpow/solver.hpp>
#include <btpow/types.hpp>

#include "status.hpp"

namespace btpow::cli {

// How long the loops wait for a solution before looking at the clock and the status line.
inline constexpr std::chrono::milliseconds kPollInterval{100};

struct RunSettings {
    std::optional<std::chrono::duration<double>> timeout;  // per job, from its submission
    std::uint64_t count = 1;                               // solutions wanted per job
    bool json = false;
};

// One JSON line (--json) or a readable block on stdout.
void emit_solution(const Solution& solution, bool json, StatusLine& status);

// Throws Error(backend_failure) when the solver has devices and every one of them failed.
void throw_if_every_device_failed(const Stats& stats);

// Submits job and prints solutions until settings.count are found (exit_ok) or the timeout
// passes (exit_ok if any was found, else exit_not_found).
int solve_single_job(Solver& solver, const Job& job, const RunSettings& settings, StatusLine& status);

}  // namespace btpow::cli
