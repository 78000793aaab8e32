// The single-job solve loop and the pieces the job feed shares with it.
#include "solving.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "exit_codes.hpp"
#include "metrics.hpp"
#include "output.hpp"
#include "signals.hpp"

namespace btpow::cli {

void emit_solution(const Solution& solution, bool json, StatusLine& status) {
    status.print_stdout(json ? solution_json(solution).dump() + "\n" : solution_text(solution));
}

int check_interruptions() {
    if (const int signal_number = stop_signal()) return signal_number;
    if (stdout_lost()) throw IoError("standard output has no reader any more (closed or broken pipe); stopping");
    return 0;
}

std::string run_summary(const Stats& stats, std::uint64_t jobs, std::uint64_t solutions, std::uint64_t refused_lines) {
    std::string devices;
    for (const DeviceStats& device : stats.devices)
        devices += fmt::format("{}{} {}", devices.empty() ? "" : ", ", device.id, device.hashes);
    return fmt::format("{} job(s), {} solution(s), {} line(s) refused, {} seals hashed in {} ({})", jobs, solutions,
                       refused_lines, stats.total.hashes, human_duration(stats.seconds), devices);
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
    note_job_for_metrics(job);
    const auto submitted = Clock::now();
    std::uint64_t found = 0;
    int signal_number = 0;
    while (found < settings.count) {
        if ((signal_number = check_interruptions()) != 0) break;
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
    if (signal_number != 0) {
        // Whatever the workers found before they stopped is still delivered.
        solver.stop();
        while (found < settings.count) {
            const auto solution = solver.wait_for(std::chrono::milliseconds(0));
            if (!solution) break;
            emit_solution(*solution, settings.json, status);
            ++found;
        }
        status.finish();
        status.notice(
            fmt::format("stopped by {}: {}", signal_name(signal_number), run_summary(solver.stats(), 1, found, 0)));
        return exit_code_for_signal(signal_number);
    }
    const Stats stats = solver.stats();
    status.finish();
    if (found < settings.count)
        status.notice(fmt::format("block {}: {} of {} solution(s) within {} ({} seals at difficulty {}, rule {})",
                                  job.block_number, found, settings.count, human_duration(stats.job_seconds),
                                  human_count(static_cast<double>(stats.job_hashes)), job.difficulty.decimal(),
                                  to_string(job.rule)));
    return found == 0 ? exit_not_found : exit_ok;
}

}  // namespace btpow::cli
