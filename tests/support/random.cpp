// The seeded random source (tests/support/random.hpp).
#include "tests/support/random.hpp"

#include <catch2/catch.hpp>

#include <iostream>
#include <mutex>

namespace btpow::test {

std::uint64_t seed() {
    static std::once_flag printed;
    static std::uint64_t value = 0;
    std::call_once(printed, [] {
        value = Catch::rngSeed() != 0 ? Catch::rngSeed() : std::random_device{}();
        std::cout << "btpow_tests: random seed " << value << " (replay with --rng-seed " << value << ")\n";
    });
    return value;
}

std::mt19937_64 rng(std::uint64_t stream) {
    std::seed_seq mixed{std::uint32_t(seed()), std::uint32_t(seed() >> 32), std::uint32_t(stream),
                        std::uint32_t(stream >> 32)};
    return std::mt19937_64(mixed);
}

Hash32 random_hash(std::mt19937_64& rng) {
    Hash32 h;
    for (int i = 0; i < 4; ++i) {
        const std::uint64_t v = rng();
        for (int j = 0; j < 8; ++j) h.bytes[8 * i + j] = static_cast<std::uint8_t>(v >> (8 * j));
    }
    return h;
}

std::uint64_t random_nonce(std::mt19937_64& rng) {
    const std::uint64_t offset = rng() % 1024;
    switch (rng() % 6) {
        case 0: return offset;
        case 1: return (std::uint64_t{1} << 32) - 512 + offset;
        case 2: return (std::uint64_t{1} << 63) - 512 + offset;
        case 3: return ~std::uint64_t{0} - offset;
        default: return rng();
    }
}

}  // namespace btpow::test
