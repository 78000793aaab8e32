// The single-job solve loop and the pieces the job feed shares with it.
#include "solving.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "output.hpp"

namespace btpow::cli {

void emit_solution(const Solution& solution, bool json, StatusLine& status) {
    status.print_stdout(json ? solution_json(solution).dump() + "\n" : solution_text(solution));
}

void throw_if_every_device_failed(const Stats& stats) {
    if (stats.devices.empty()) return;
    std::string failures;
    for (const DeviceStats& device : stats.devices) {
        if (!device.failed) return;
        failures += fmt::format("{}{}: {}", failures.empty() ? "" : "; ", device.id, device.failure);
    }
    throw Error(ErrorCode::backend_failure, "--backend", "every device failed: " + failures);
}

int solve_single_job(Solver& solver, const Job& job, const RunSettings& settings, StatusLine& status) {
    using Clock = std::chrono::steady_clock;
    solver.submit(job);
    const auto submitted = Clock::now();
    std::uint64_t found = 0;
    while (found < settings.count) {
        auto wait = std::clamp(status.until_due(), std::chrono::milliseconds(1), kPollInterval);
        if (settings.timeout) {
            const auto left = *settings.timeout - (Clock::now() - submitted);
            if (left <= std::chrono::duration<double>::zero()) break;
            wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(left));
        }
        if (const auto solution = solver.wait_for(wait)) {
            emit_solution(*solution, settings.json, status);
            ++found;
            continue;
        }
        const Stats stats = solver.stats();
        throw_if_every_device_failed(stats);
        status.update(stats, job.difficulty);
    }
    if (found == 0) {
        const Stats stats = solver.stats();
        status.finish();
        status.note(fmt::format("no solution for block {} within {} ({} seals at difficulty {}, rule {})",
                                job.block_number, human_duration(stats.job_seconds),
                                human_count(static_cast<double>(stats.job_hashes)), job.difficulty.decimal(),
                                to_string(job.rule)));
        return exit_not_found;
    }
    status.finish();
    return exit_ok;
}

}  // namespace btpow::cli
