// The seal and the difficulty rules, computed by the reference implementation (OpenSSL SHA-256
// and a plain Keccak-256): simple, slow, and what every backend's candidate is checked against.
//
// Rules for this header: every function is pure and thread-safe, allocates nothing on the heap
// and takes its inputs already parsed (types.hpp), so no input can be invalid. The only error is
// a failure of OpenSSL itself, thrown as Error(backend_failure) by the functions that hash
// (sha256, seal, block_and_hotkey_hash, verify); none has been seen with OpenSSL 3.
#pragma once

#include <array>
#include <cstdint>

#include "types.hpp"

namespace btpow {

// SPEC §2: H = keccak256(block_hash ‖ account), once per job.
Hash32 block_and_hotkey_hash(const Hash32& block_hash, const Account& account);
// The job's H: job.block_and_hotkey_hash when set, else computed from its block hash and account.
Hash32 block_and_hotkey_hash(const Job& job);

// SPEC §2: keccak256(sha256(le64(nonce) ‖ H)).
Hash32 seal(const Hash32& block_and_hotkey_hash, std::uint64_t nonce);

// SPEC §10: the 123-byte v1 prefix tag ‖ le16(netuid) ‖ block_hash ‖ hotkey ‖ coldkey of a job
// (whatever its seal kind says).
std::array<std::uint8_t, kV1PrefixSize> v1_prefix(const Job& job);
// SPEC §10: keccak256(sha256(prefix ‖ le64(nonce))).
Hash32 seal_v1(const std::array<std::uint8_t, kV1PrefixSize>& prefix, std::uint64_t nonce);

// The job's seal for nonce, of the job's seal kind.
Hash32 seal(const Job& job, std::uint64_t nonce);

// Legacy Keccak-256 (padding 0x01) and SHA-256 of `size` bytes at `data` (data may be NULL when
// size is 0).
Hash32 keccak256(const std::uint8_t* data, std::size_t size);
Hash32 sha256(const std::uint8_t* data, std::size_t size);

// The largest seal value x the rule accepts: floor(M / d) for le and be, floor((M - 1) / d)
// for sdk, M when d = 0 (SPEC §3).
Uint256 threshold(const Difficulty& d, Rule rule);

// The seal read as an integer in the rule's byte order.
Uint256 seal_value(const Hash32& seal, Rule rule);

// True iff the seal passes difficulty d under the rule.
bool meets(const Hash32& seal, const Difficulty& d, Rule rule);

struct Verdict {
    Hash32 block_and_hotkey_hash;  // old seal only (zero for v1)
    Hash32 seal;
    bool le = false;
    bool be = false;
    bool sdk = false;
    bool passes(Rule rule) const { return rule == Rule::le ? le : rule == Rule::be ? be : sdk; }
};

// The seal of (job, nonce) (of the job's seal kind) and its verdict under every rule; a v1 seal
// counts under le alone (SPEC §10), so passes(job.rule) is the chain's answer for both kinds.
Verdict verify(const Job& job, std::uint64_t nonce);

}  // namespace btpow
