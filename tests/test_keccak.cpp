// Keccak-f[1600] checked against an outside implementation: OpenSSL's SHA3-256 uses the same
// permutation with padding byte 0x06 instead of 0x01 (docs/protocol.md §1), so both the reference
// permutation and the core's keccak_f1600 must reproduce it once the padding byte is swapped.
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <cstring>
#include <iostream>
#include <random>
#include <vector>

#include "btpow/core/keccak.hpp"
#include "btpow/seal.hpp"
#include "lib/reference.hpp"

namespace {

using btpow::Hash32;

Hash32 openssl_sha3_256(const std::vector<std::uint8_t>& message) {
    Hash32 out;
    unsigned int length = 0;
    REQUIRE(EVP_Digest(message.data(), message.size(), out.bytes.data(), &length, EVP_sha3_256(), nullptr) == 1);
    REQUIRE(length == 32);
    return out;
}

// A rate-136 sponge around any permutation, to run the core's permutation on whole messages.
template <class Permutation>
Hash32 sponge_with(Permutation permute, const std::vector<std::uint8_t>& message, std::uint8_t padding_byte) {
    constexpr std::size_t rate = btpow::reference::kKeccak256RateBytes;
    std::vector<std::uint8_t> padded = message;
    padded.push_back(padding_byte);
    while (padded.size() % rate != 0) padded.push_back(0);
    padded.back() ^= 0x80;
    std::uint64_t state[25] = {};
    for (std::size_t block = 0; block < padded.size(); block += rate) {
        for (std::size_t i = 0; i < rate; ++i) state[i / 8] ^= std::uint64_t{padded[block + i]} << (8 * (i % 8));
        permute(state);
    }
    Hash32 out;
    for (std::size_t i = 0; i < 32; ++i) out.bytes[i] = static_cast<std::uint8_t>(state[i / 8] >> (8 * (i % 8)));
    return out;
}

std::vector<std::uint8_t> message_of_length(std::size_t size) {
    std::vector<std::uint8_t> message(size);
    for (std::size_t i = 0; i < size; ++i) message[i] = static_cast<std::uint8_t>(i);
    return message;
}

void core_permutation(std::uint64_t (&state)[25]) { btpow::core::keccak_f1600(state); }
void reference_permutation(std::uint64_t (&state)[25]) { btpow::reference::keccak_f1600(state); }

}  // namespace

TEST_CASE("reference and core Keccak-f[1600] reproduce OpenSSL SHA3-256 with padding 0x06", "[keccak]") {
    // 0, 1, one byte short of a block, a block, one past, and more than two blocks.
    for (std::size_t size : {0, 1, 31, 32, 64, 135, 136, 137, 271, 272, 300}) {
        INFO("message of " << size << " bytes");
        const std::vector<std::uint8_t> message = message_of_length(size);
        const Hash32 expected = openssl_sha3_256(message);
        CHECK(btpow::reference::keccak256_sponge(message.data(), message.size(), btpow::reference::kSha3Padding) ==
              expected);
        CHECK(sponge_with(reference_permutation, message, btpow::reference::kSha3Padding) == expected);
        CHECK(sponge_with(core_permutation, message, btpow::reference::kSha3Padding) == expected);
        // Legacy Keccak through the core's permutation agrees with the reference keccak256.
        CHECK(sponge_with(core_permutation, message, btpow::reference::kKeccakPadding) ==
              btpow::keccak256(message.data(), message.size()));
    }
}

TEST_CASE("reference and core Keccak-f[1600] agree on random states", "[keccak]") {
    const std::uint64_t seed = Catch::rngSeed() != 0 ? Catch::rngSeed() : std::random_device{}();
    std::cout << "test_keccak: random seed " << seed << " (replay with --rng-seed " << seed << ")\n";
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 10'000; ++i) {
        std::uint64_t reference_state[25], core_state[25];
        for (auto& lane : reference_state) lane = rng();
        std::memcpy(core_state, reference_state, sizeof core_state);
        btpow::reference::keccak_f1600(reference_state);
        btpow::core::keccak_f1600(core_state);
        REQUIRE(std::memcmp(reference_state, core_state, sizeof core_state) == 0);
    }
}

TEST_CASE("the core's seal Keccak (specialised first round, one-lane last round) equals keccak256 of 32 bytes",
          "[keccak][core]") {
    const std::uint64_t seed = Catch::rngSeed() != 0 ? Catch::rngSeed() : std::random_device{}();
    std::mt19937_64 rng(seed + 3);
    for (int i = 0; i < 10'000; ++i) {
        std::uint64_t digest[4];
        std::uint8_t bytes[32];
        for (int lane = 0; lane < 4; ++lane) {
            digest[lane] = rng();
            for (int j = 0; j < 8; ++j) bytes[8 * lane + j] = static_cast<std::uint8_t>(digest[lane] >> (8 * j));
        }
        const Hash32 expected = btpow::keccak256(bytes, 32);
        std::uint64_t seal[4];
        btpow::core::keccak_seal_full(digest, seal);
        Hash32 full;
        for (int j = 0; j < 32; ++j) full.bytes[j] = static_cast<std::uint8_t>(seal[j / 8] >> (8 * (j % 8)));
        INFO("seed " << seed << ", iteration " << i);
        REQUIRE(full == expected);
        // docs/protocol.md §3: le reads lane 3 as is, be/sdk read lane 0 byte-swapped.
        REQUIRE(btpow::core::keccak_seal_top<true>(digest) == seal[3]);
        REQUIRE(btpow::core::keccak_seal_top<false>(digest) == __builtin_bswap64(seal[0]));
    }
}

TEST_CASE("keccak256 and sha256 known answers", "[keccak]") {
    CHECK(btpow::keccak256(nullptr, 0).hex() == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    const std::uint8_t abc[] = {'a', 'b', 'c'};
    // Values from pycryptodome's keccak (digest_bits=256) and the SHA-256 standard's example.
    CHECK(btpow::keccak256(abc, 3).hex() == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    const std::vector<std::uint8_t> counting = message_of_length(300);
    CHECK(btpow::keccak256(counting.data(), counting.size()).hex() ==
          "0xa679e749a6af300c36e7ff2255d220864eab27b382f9cfdc5aa4d13563ba36ff");
    CHECK(btpow::sha256(abc, 3).hex() == "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
