// A device's hash rate over named windows (10 s, 60 s, ...), from samples of its exact hash
// counter taken at a fixed period. Its own lock: readers (stats) and the sampler never wait on
// the solver's job lock.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>

namespace btpow::detail {

class Hashrate {
public:
    using Clock = std::chrono::steady_clock;
    // Samples kept: enough for the longest window (60 s) at one sample per 250 ms, plus slack.
    static constexpr std::size_t kCapacity = 256;

    // Counting starts at `started` with 0 hashes.
    explicit Hashrate(Clock::time_point started);

    // Records the counter's value at `at`; the oldest sample goes once the ring is full.
    void add(Clock::time_point at, std::uint64_t hashes);

    // Seals per second over the last `window_seconds` before `now`, given the counter's value
    // now: measured from the newest sample older than the window, or from the start while the
    // device is younger than the window. Empty when no time has passed since that point (no
    // data yet), never a made-up 0.
    std::optional<double> rate(double window_seconds, Clock::time_point now, std::uint64_t hashes_now) const;

private:
    struct Sample {
        Clock::time_point at;
        std::uint64_t hashes = 0;
    };
    mutable std::mutex mutex_;
    std::array<Sample, kCapacity> ring_{};
    std::size_t oldest_ = 0, size_ = 0;
    Sample start_;
};

}  // namespace btpow::detail
