// One seeded random source for every randomized test. The seed is Catch2's --rng-seed when given,
// else a fresh one; it is printed once per run, so that any failure can be replayed with
// `btpow_tests --rng-seed <seed>`.
#pragma once

#include <cstdint>
#include <random>

#include <btpow/types.hpp>

namespace btpow::test {

// The run's seed (printed on first use).
std::uint64_t seed();

// An independent generator for one test: the run's seed mixed with the test's own stream number,
// so that adding a test does not change the numbers another one draws.
std::mt19937_64 rng(std::uint64_t stream);

Hash32 random_hash(std::mt19937_64& rng);

// Uniform nonces and nonces near the edges of the le64 encoding (0, 2^32, 2^63, 2^64 - 1).
std::uint64_t random_nonce(std::mt19937_64& rng);

}  // namespace btpow::test
