// Internal pieces of the reference implementation that tests reach directly: the plain
// Keccak-f[1600] permutation and sponge (cross-checked against OpenSSL's SHA3-256 by swapping the
// padding byte, docs/protocol.md §1), and the conversions between Uint256 and Boost's cpp_int, which stays
// out of the public headers.
#pragma once

#include <cstddef>
#include <cstdint>

#include <boost/multiprecision/cpp_int.hpp>

#include "btpow/types.hpp"

namespace btpow::reference {

// docs/protocol.md §1: legacy Keccak pads with 0x01, SHA3 with 0x06; the permutation is the same.
inline constexpr std::uint8_t kKeccakPadding = 0x01;
inline constexpr std::uint8_t kSha3Padding = 0x06;
inline constexpr std::size_t kKeccak256RateBytes = 136;

// The 24-round permutation on 25 lanes, lane i = x + 5y, written plainly with loops.
void keccak_f1600(std::uint64_t (&state)[25]);

// The rate-136 sponge with a 32-byte output and the given domain padding byte: 0x01 gives
// keccak256, 0x06 gives SHA3-256.
Hash32 keccak256_sponge(const std::uint8_t* data, std::size_t size, std::uint8_t padding_byte);

using Integer = boost::multiprecision::cpp_int;

// M = 2^256 - 1 (docs/protocol.md §1).
const Integer& max_uint256();
Integer to_integer(const Uint256& value);
// The caller guarantees 0 <= value <= M.
Uint256 from_integer(const Integer& value);

}  // namespace btpow::reference
