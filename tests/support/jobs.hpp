// Well-known accounts and job builders shared by the tests.
#pragma once

#include <cstdint>
#include <string>

#include <btpow/types.hpp>

namespace btpow::test {

// The development accounts //Alice and //Bob (docs/protocol.md §5).
inline constexpr const char* kAliceSs58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
inline constexpr const char* kAliceHex = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
inline constexpr const char* kBobSs58 = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

// A block hash of 31 zero bytes and `last` (0x00…00 for the demo job).
Hash32 block_hash_ending(std::uint8_t last);

// Alice's job on block `block_number` with the given block hash, difficulty and rule.
Job alice_job(const Hash32& block_hash, std::uint64_t difficulty, Rule rule = Rule::le, std::uint64_t block_number = 1);

}  // namespace btpow::test
