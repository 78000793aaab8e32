// The seal and the difficulty rules on the host (SPEC §2, §3): the reference seal, thresholds and
// the full verdict under every rule.
#include <algorithm>

#include "btpow/core/seal_core.hpp"
#include "btpow/seal.hpp"
#include "reference.hpp"

namespace btpow {

Hash32 block_and_hotkey_hash(const Hash32& block_hash, const Account& account) {
    std::uint8_t input[64];
    std::copy(block_hash.bytes.begin(), block_hash.bytes.end(), input);
    std::copy(account.public_key.bytes.begin(), account.public_key.bytes.end(), input + 32);
    return keccak256(input, sizeof input);
}

Hash32 block_and_hotkey_hash(const Job& job) {
    return job.block_and_hotkey_hash ? *job.block_and_hotkey_hash : block_and_hotkey_hash(job.block_hash, job.account);
}

Hash32 seal(const Hash32& block_and_hotkey_hash, std::uint64_t nonce) {
    // SPEC §2: pre_seal = le64(nonce) ‖ H.
    std::uint8_t pre_seal[40];
    for (int i = 0; i < 8; ++i) pre_seal[i] = static_cast<std::uint8_t>(nonce >> (8 * i));
    std::copy(block_and_hotkey_hash.bytes.begin(), block_and_hotkey_hash.bytes.end(), pre_seal + 8);
    const Hash32 digest = sha256(pre_seal, sizeof pre_seal);
    return keccak256(digest.bytes.data(), digest.bytes.size());
}

std::array<std::uint8_t, kV1PrefixSize> v1_prefix(const Job& job) {
    // SPEC §10: tag ‖ le16(netuid) ‖ block_hash ‖ hotkey ‖ coldkey.
    std::array<std::uint8_t, kV1PrefixSize> prefix{};
    auto out = std::copy(kV1Tag.begin(), kV1Tag.end(), prefix.begin());
    *out++ = static_cast<std::uint8_t>(job.netuid);
    *out++ = static_cast<std::uint8_t>(job.netuid >> 8);
    out = std::copy(job.block_hash.bytes.begin(), job.block_hash.bytes.end(), out);
    out = std::copy(job.hotkey.public_key.bytes.begin(), job.hotkey.public_key.bytes.end(), out);
    std::copy(job.coldkey.public_key.bytes.begin(), job.coldkey.public_key.bytes.end(), out);
    return prefix;
}

Hash32 seal_v1(const std::array<std::uint8_t, kV1PrefixSize>& prefix, std::uint64_t nonce) {
    std::uint8_t payload[kV1PayloadSize];
    std::copy(prefix.begin(), prefix.end(), payload);
    for (int i = 0; i < 8; ++i) payload[kV1PrefixSize + i] = static_cast<std::uint8_t>(nonce >> (8 * i));
    const Hash32 digest = sha256(payload, sizeof payload);
    return keccak256(digest.bytes.data(), digest.bytes.size());
}

Hash32 seal(const Job& job, std::uint64_t nonce) {
    return job.seal == SealKind::v1 ? seal_v1(v1_prefix(job), nonce) : seal(block_and_hotkey_hash(job), nonce);
}

Uint256 threshold(const Difficulty& d, Rule rule) {
    const reference::Integer& max = reference::max_uint256();
    const reference::Integer divisor = reference::to_integer(d.value);
    // SPEC §3: d = 0 accepts every seal.
    if (divisor == 0) return reference::from_integer(max);
    // SPEC §3: le/be accept x <= floor(M / d); sdk accepts x * d < M, i.e. x <= floor((M - 1) / d).
    const reference::Integer numerator = rule == Rule::sdk ? reference::Integer(max - 1) : max;
    return reference::from_integer(numerator / divisor);
}

Uint256 seal_value(const Hash32& seal, Rule rule) {
    Uint256 x;
    for (int limb = 0; limb < 4; ++limb) {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) {
            // SPEC §3: le reads seal[31] as the most significant byte, be/sdk read seal[0].
            const int byte_index = rule == Rule::le ? 8 * limb + i : 31 - (8 * limb + i);
            v |= std::uint64_t{seal.bytes[byte_index]} << (8 * i);
        }
        x.limbs[limb] = v;
    }
    return x;
}

bool meets(const Hash32& seal, const Difficulty& d, Rule rule) { return seal_value(seal, rule) <= threshold(d, rule); }

Verdict verify(const Job& job, std::uint64_t nonce) {
    Verdict verdict;
    if (job.seal == SealKind::v1) {
        // SPEC §10: only the little-endian reading exists for v1.
        verdict.seal = seal_v1(v1_prefix(job), nonce);
        verdict.le = meets(verdict.seal, job.difficulty, Rule::le);
        return verdict;
    }
    verdict.block_and_hotkey_hash = block_and_hotkey_hash(job);
    verdict.seal = seal(verdict.block_and_hotkey_hash, nonce);
    verdict.le = meets(verdict.seal, job.difficulty, Rule::le);
    verdict.be = meets(verdict.seal, job.difficulty, Rule::be);
    verdict.sdk = meets(verdict.seal, job.difficulty, Rule::sdk);
    return verdict;
}

}  // namespace btpow
