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

// One JSON line (--json) or a readable block on stdout; throws IoError when it cannot be written.
void emit_solution(const Solution& solution, bool json, StatusLine& status);

// Between polls: the stop signal received (0: none); throws IoError when stdout has no reader any
// more, so that no solution is found only to be lost.
int check_interruptions();

// "3 jobs, 5 solutions, 0 lines refused, 123456 seals hashed in 12.3 s (cpu 123456)": the
// counts are exact, the per-device figures add up to the total.
std::string run_summary(const Stats& stats, std::uint64_t jobs, std::uint64_t solutions, std::uint64_t refused_lines);

// Throws Error(backend_failure) when the solver has devices and every one of them failed.
void throw_if_every_device_failed(const Stats& stats);

// Submits job and prints solutions until settings.count are found (exit_ok) or the timeout
// passes (exit_ok if any was found, else exit_not_found; a notice either way), or a stop signal
// arrives (what was found is printed, then exit_code_for_signal).
int solve_single_job(Solver& solver, const Job& job, const RunSettings& settings, StatusLine& status);

}  // namespace btpow::cli
