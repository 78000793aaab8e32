// How many nonces a CUDA batch holds, as plain arithmetic (C++17, no CUDA header): the candidate
// buffers' sizes, the kernel time a batch aims for, and the rules that move the batch size toward
// it. DeviceScanner applies these to its measured kernel times; tests/test_cuda_tuning.cpp
// checks them without a GPU.
#pragma once

#include <algorithm>
#include <cstdint>

namespace btpow::cuda {

// The candidate buffer a worker uses per batch, and the one overflow recovery rescans into.
inline constexpr std::uint32_t kCandidateCapacity = 1024;
inline constexpr std::uint32_t kRecoveryCapacity = std::uint32_t(1) << 20;

// Kernel time a batch aims for: long enough that launch and read-back costs vanish, short
// enough that a new job starts promptly. Under a display watchdog, far below its limit.
inline constexpr double kTargetBatchSeconds = 0.050;
inline constexpr double kWatchdogBatchSeconds = 0.015;
inline constexpr std::uint64_t kMaxBatchNonces = std::uint64_t(1) << 32;
// The calibration scan gives each thread this many nonces; it is also the first batch size.
inline constexpr std::uint64_t kCalibrationNoncesPerThread = 64;
// Batches shorter than this (ms) say more about launch overhead than about the hash rate.
inline constexpr float kShortestTimedBatchMs = 0.5f;

constexpr double target_batch_seconds(bool display_watchdog) {
    return display_watchdog ? kWatchdogBatchSeconds : kTargetBatchSeconds;
}

// The batch size after a batch of `count` nonces took `kernel_ms`, from the current size `batch`
// (0: none yet): halfway toward the size that would take `target_seconds`, a multiple of `step`
// (the grid's threads) between step and kMaxBatchNonces. A batch too short to time, or much
// smaller than the current size (the tail of a range, an easy job), leaves it as it is.
inline std::uint64_t retuned_batch(std::uint64_t batch, std::uint64_t count, float kernel_ms, double target_seconds,
                                   std::uint64_t step) {
    if (kernel_ms < kShortestTimedBatchMs || count == 0 || count < batch / 2) return batch;
    const double wanted = double(count) / (double(kernel_ms) / 1000.0) * target_seconds;
    const double smoothed = batch == 0 ? wanted : 0.5 * double(batch) + 0.5 * wanted;
    step = std::max<std::uint64_t>(1, step);
    double rounded = double(step) * static_cast<double>(static_cast<std::uint64_t>(smoothed / double(step) + 0.5));
    rounded = std::clamp(rounded, double(step), double(kMaxBatchNonces));
    return static_cast<std::uint64_t>(rounded);
}

// The nonces to ask for next: the tuned `batch`, capped so that a job this easy (a candidate is a
// seal top <= threshold_top) is expected to fill at most half of a `capacity`-slot buffer.
inline std::uint64_t batch_for_threshold(std::uint64_t batch, std::uint64_t threshold_top, std::uint32_t capacity) {
    constexpr double kTwoTo64 = 18446744073709551616.0;
    const double candidate_probability = (double(threshold_top) + 1.0) / kTwoTo64;
    const double easy_job_limit = (capacity / 2.0) / candidate_probability;
    if (easy_job_limit >= double(batch)) return batch;
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(easy_job_limit));
}

// What a scan went through to return every candidate.
struct ScanReport {
    std::uint64_t launches = 0;   // batches queued (a batch may be several kernel launches)
    std::uint64_t overflows = 0;  // batches whose candidates did not fit the buffer
    std::uint64_t rescans = 0;    // recovery scans (each into the recovery buffer)
};

}  // namespace btpow::cuda
