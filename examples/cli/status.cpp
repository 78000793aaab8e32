// The status line on stderr while solving, and the estimates it shows.
#include "status.hpp"

#include <cmath>
#include <cstdio>

#include <unistd.h>

#include <fmt/format.h>

#include "output.hpp"

namespace btpow::cli {

namespace {

constexpr std::chrono::milliseconds kTerminalInterval{500};
constexpr std::chrono::milliseconds kLogInterval{5000};
constexpr std::string_view kEraseLine = "\r\x1b[K";

void write_stderr(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

// The rate the estimates use: the most recent window that has data.
std::optional<double> current_rate(const DeviceStats& stats) {
    if (stats.rate_10s) return stats.rate_10s;
    if (stats.rate_60s) return stats.rate_60s;
    return stats.rate_total;
}

std::string rate_text(const std::optional<double>& rate) { return rate ? human_rate(*rate) : "no rate yet"; }

}  // namespace

double chance_of_solution(const Difficulty& difficulty, double seals) {
    const double d = difficulty.approx();
    if (d <= 1) return 1.0;  // docs/protocol.md §3: d = 0 and d = 1 accept (almost) every seal
    if (seals <= 0) return 0.0;
    return -std::expm1(seals * std::log1p(-1.0 / d));
}

std::string status_text(const Stats& stats, const Difficulty& difficulty) {
    const DeviceStats& total = stats.total;
    std::string text = fmt::format("{} 10s, {} 60s, {} avg", rate_text(total.rate_10s), rate_text(total.rate_60s),
                                   rate_text(total.rate_total));
    for (const DeviceStats& device : stats.devices) {
        if (device.failed)
            text += fmt::format(" | {} failed", device.id);
        else
            text += fmt::format(" | {} {}", device.id, rate_text(device.rate_10s));
    }
    text += fmt::format(" | job {} seals in {}", human_count(static_cast<double>(stats.job_hashes)),
                        human_duration(stats.job_seconds));
    const double rate = current_rate(total).value_or(0.0);
    const double d = difficulty.approx();
    if (rate > 0) {
        text += fmt::format(" | expect {}", human_duration(d / rate));
        text += fmt::format(" | {:.0f}s window {:.1f}%", kSolutionWindowSeconds,
                            100.0 * chance_of_solution(difficulty, rate * kSolutionWindowSeconds));
    }
    if (total.compute_errors > 0) text += fmt::format(" | {} compute errors", total.compute_errors);
    return text;
}

StatusLine::StatusLine(bool enabled)
    : enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) == 1),
      interval_(terminal_ ? kTerminalInterval : kLogInterval) {
    last_update_ = std::chrono::steady_clock::now();
}

void StatusLine::update(const Stats& stats, const Difficulty& difficulty, bool force) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (!force && now - last_update_ < interval_) return;
    last_update_ = now;
    const std::string text = status_text(stats, difficulty);
    if (terminal_) {
        write_stderr(fmt::format("{}{}", kEraseLine, text));
        line_shown_ = true;
    } else {
        write_stderr(fmt::format("btpow: {}\n", text));
    }
}

std::chrono::milliseconds StatusLine::until_due() const {
    std::lock_guard lock(mutex_);
    const auto due = last_update_ + interval_;
    const auto now = std::chrono::steady_clock::now();
    if (due <= now) return std::chrono::milliseconds(0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(due - now);
}

void StatusLine::log(LogLevel level, std::string_view message) {
    if (!enabled_ && level == LogLevel::info) return;
    const char* name = level == LogLevel::info ? "info" : level == LogLevel::warning ? "warning" : "error";
    std::lock_guard lock(mutex_);
    erase_locked();
    write_stderr(fmt::format("btpow: {}: {}\n", name, message));
}

void StatusLine::note(std::string_view line) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    erase_locked();
    write_stderr(fmt::format("btpow: {}\n", line));
}

void StatusLine::notice(std::string_view line) {
    std::lock_guard lock(mutex_);
    erase_locked();
    write_stderr(fmt::format("btpow: notice: {}\n", line));
}

void StatusLine::print_stdout(std::string_view text) {
    std::lock_guard lock(mutex_);
    erase_locked();
    print_text(text);
}

void StatusLine::finish() {
    std::lock_guard lock(mutex_);
    erase_locked();
}

void StatusLine::erase_locked() {
    if (!line_shown_) return;
    write_stderr(kEraseLine);
    line_shown_ = false;
}

}  // namespace btpow::cli
