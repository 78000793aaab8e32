// The status line on stderr while solving: hash rates per device and overall (10 s / 60 s /
// total), work on the current job, the expected time to a solution and the chance of one within
// the 24 s window. On a terminal one line refreshed in place, otherwise one line every 5 s.
// Thread-safe: the library's log callback writes through it from worker threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include <btpow/solver.hpp>
#include <btpow/types.hpp>

namespace btpow::cli {

// docs/protocol.md §4: work on block B must land in B+1 or B+2, about 24 s on 12 s blocks.
inline constexpr double kSolutionWindowSeconds = 24.0;

// 1 - (1 - 1/d)^(seals) (docs/protocol.md §3): the chance that `seals` seals contain a solution.
double chance_of_solution(const Difficulty& difficulty, double seals);

// The text of one status line (no newline).
std::string status_text(const Stats& stats, const Difficulty& difficulty);

class StatusLine {
public:
    // enabled = false (--quiet) keeps stderr silent except for warnings and errors.
    explicit StatusLine(bool enabled);

    // Writes the status if the refresh interval passed since the last one (or if forced).
    void update(const Stats& stats, const Difficulty& difficulty, bool force = false);
    // How long until update() would write again.
    std::chrono::milliseconds until_due() const;

    // A line on stderr above the status line ("btpow: <level>: ..." for library logs).
    void log(LogLevel level, std::string_view message);
    // A line on stderr unless --quiet.
    void note(std::string_view line);
    // A line on stderr even under --quiet ("btpow: notice: ..."): what a user must not miss.
    void notice(std::string_view line);
    // Text for stdout, written so that it does not mix with an in-place status line.
    void print_stdout(std::string_view text);
    // Erases an in-place status line (before exiting).
    void finish();

private:
    void erase_locked();

    const bool enabled_;
    const bool terminal_;
    const std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    std::chrono::steady_clock::time_point last_update_{};
    bool line_shown_ = false;
};

}  // namespace btpow::cli
