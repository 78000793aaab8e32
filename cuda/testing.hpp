// Hooks into the CUDA backend for tests/test_cuda.cpp and bench/bench_cuda.cpp (internal; plain
// C++). A build without CUDA links cuda/stub.cpp, where each of these throws Error(no_device).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "btpow/core/plan.hpp"
#include "btpow/types.hpp"
#include "cuda/batch_tuning.hpp"
#include "cuda/variants.hpp"

namespace btpow::cuda::testing {

// The nonce of every position n of [start, start + count) (mod 2^64) of plan's order whose seal
// top under plan's rule is <= plan.threshold_top, found by the production kernel on device
// `ordinal` in batches of at most `batch` positions (0: the worker's tuned size), in the order of
// n - start. Small capacities exercise the
// overflow recovery. `variant`: the kernel variant (none: the one a worker's calibration
// picks). Throws Error(no_device) for a bad ordinal, Error(backend_failure) on a CUDA error.
std::vector<std::uint64_t> scan_candidates(int ordinal, const core::Plan& plan, std::uint64_t start,
                                           std::uint64_t count, std::uint64_t batch = 0,
                                           std::uint32_t capacity = kCandidateCapacity,
                                           std::uint32_t recovery_capacity = kRecoveryCapacity,
                                           ScanReport* report = nullptr, std::optional<Variant> variant = std::nullopt);

// Sum (mod 2^64) of checksum_term(n, seal top of n) over the range (cuda/checksum.hpp), from the
// test-only twin of the production kernel in `variant`.
std::uint64_t top_checksum(int ordinal, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                           Variant variant);

// The start-up self-test of make_workers on one device, for every kernel variant: "" when all
// pass, else why not.
std::string self_test(int ordinal);

// The tuned nonces per batch of a worker for this device (after the start-up calibration).
std::uint64_t tuned_batch(int ordinal);

enum class Kernel {
    production,          // our kernel on the full grid, as a worker launches it (calibrated variant)
    production_pinned,   // the same in the variant time_kernel is given
    cubit_single_block,  // the cubit-style baseline, one block of 256 threads (cubit's launch)
    cubit_full_grid,     // the same baseline on a grid sized like ours
};

struct KernelTiming {
    std::uint64_t seals = 0;  // nonces hashed by the timed launch
    double seconds = 0;       // its time on the GPU (CUDA events)
};

// The cubit-style baseline of the benchmark (one block of 256 threads) over nonces [0, count)
// (rounded up to a multiple of 256) for block-and-hotkey hash H at difficulty d: its smallest
// nonce whose seal, read big-endian, is below floor((2^256 - 1) / d), or ~0 when there is none.
// The tests check it against the reference, so the benchmark's speed-up compares like with like.
std::uint64_t baseline_first_hit(int ordinal, const Hash32& block_and_hotkey, std::uint64_t difficulty,
                                 std::uint64_t count);

// One timed launch of `kernel` (production_pinned: in `pinned`) over about `seals` nonces (rounded
// to the launch shape), after an untimed warm-up launch. The job is the SPEC §2 worked example at
// a difficulty with no hits.
KernelTiming time_kernel(int ordinal, Kernel kernel, std::uint64_t seals, Variant pinned = {});

}  // namespace btpow::cuda::testing
