// The CUDA backend's batch sizing (cuda/batch_tuning.hpp), which needs no GPU: the target kernel
// time per batch, the moves toward it after each timed batch, and the cap for easy jobs.
#include <catch2/catch.hpp>

#include <cstdint>

#include "cuda/batch_tuning.hpp"

namespace cuda = btpow::cuda;

TEST_CASE("cuda batch tuning (host): a batch aims for 50 ms, 15 ms under a display watchdog", "[cuda][host]") {
    CHECK(cuda::target_batch_seconds(false) == 0.050);
    CHECK(cuda::target_batch_seconds(true) == 0.015);
}

TEST_CASE("cuda batch tuning (host): the batch size moves halfway toward the target, in whole grids", "[cuda][host]") {
    constexpr std::uint64_t kGrid = 1000;
    // The first timing sets the size outright: 10^6 nonces in 10 ms, 50 ms wanted.
    CHECK(cuda::retuned_batch(0, 1'000'000, 10.0f, 0.050, kGrid) == 5'000'000);
    // Later ones move halfway: 5 * 10^6 in 25 ms wants 10^7.
    CHECK(cuda::retuned_batch(5'000'000, 5'000'000, 25.0f, 0.050, kGrid) == 7'500'000);
    // Always a whole number of grids, rounded to the nearest.
    CHECK(cuda::retuned_batch(0, 1'234'567, 50.0f, 0.050, kGrid) == 1'235'000);
    CHECK(cuda::retuned_batch(0, 1'234'400, 50.0f, 0.050, kGrid) == 1'234'000);
    // At least one grid, at most 2^32 nonces.
    CHECK(cuda::retuned_batch(0, 10, 1.0f, 0.001, kGrid) == kGrid);
    CHECK(cuda::retuned_batch(0, std::uint64_t(1) << 40, 1.0f, 0.050, kGrid) == cuda::kMaxBatchNonces);
    // A grid of no threads counts as one.
    CHECK(cuda::retuned_batch(0, 777, 50.0f, 0.050, 0) == 777);
}

TEST_CASE("cuda batch tuning (host): timings that say little leave the batch size alone", "[cuda][host]") {
    constexpr std::uint64_t kBatch = 4'000'000, kGrid = 1000;
    CHECK(cuda::retuned_batch(kBatch, kBatch, cuda::kShortestTimedBatchMs / 2, 0.050, kGrid) == kBatch);
    CHECK(cuda::retuned_batch(kBatch, 0, 10.0f, 0.050, kGrid) == kBatch);
    // A batch under half the current size (the tail of a range, an easy job's capped batch).
    CHECK(cuda::retuned_batch(kBatch, kBatch / 2 - 1, 10.0f, 0.050, kGrid) == kBatch);
    CHECK(cuda::retuned_batch(kBatch, kBatch / 2, 10.0f, 0.050, kGrid) != kBatch);
}

TEST_CASE("cuda batch tuning (host): an easy job's batch is expected to fill at most half the buffer", "[cuda][host]") {
    constexpr std::uint64_t kBatch = std::uint64_t(1) << 30;
    // Practically no candidates: the tuned size.
    CHECK(cuda::batch_for_threshold(kBatch, 0, cuda::kCandidateCapacity) == kBatch);
    // Every nonce a candidate: half the buffer.
    CHECK(cuda::batch_for_threshold(kBatch, ~std::uint64_t{0}, cuda::kCandidateCapacity) ==
          cuda::kCandidateCapacity / 2);
    // One nonce in 2^20 a candidate: 512 expected in 2^29 nonces.
    CHECK(cuda::batch_for_threshold(kBatch, (std::uint64_t(1) << 44) - 1, cuda::kCandidateCapacity) == std::uint64_t(1)
                                                                                                           << 29);
    // A smaller tuned size stays; never below one nonce.
    CHECK(cuda::batch_for_threshold(100, ~std::uint64_t{0}, cuda::kCandidateCapacity) == 100);
    CHECK(cuda::batch_for_threshold(kBatch, ~std::uint64_t{0}, 1) == 1);
}
