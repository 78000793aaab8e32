// The reference hashes: SHA-256 from OpenSSL and a plain, byte-oriented legacy Keccak-256 with
// its own permutation. Deliberately independent of include/btpow/core (its constants are derived
// here from the Keccak definitions, not copied from tables) so that it can judge the fast core.
#include "reference.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstring>

#include "btpow/seal.hpp"

namespace btpow::reference {
namespace {

constexpr int kRounds = 24;
constexpr int kLanes = 25;

struct KeccakConstants {
    std::array<std::uint64_t, kRounds> round_constants{};
    std::array<int, kLanes> rotations{};
};

// Keccak reference, section 1.2: the round constants come from the LFSR x^8 + x^6 + x^5 + x^4 + 1.
constexpr bool lfsr_bit(int t) {
    if (t % 255 == 0) return true;
    unsigned r = 1;
    for (int i = 1; i <= t % 255; ++i) {
        r <<= 1;
        if (r & 0x100) r ^= 0x171;
    }
    return (r & 1) != 0;
}

constexpr KeccakConstants derive_constants() {
    KeccakConstants k;
    for (int round = 0; round < kRounds; ++round) {
        std::uint64_t rc = 0;
        for (int j = 0; j <= 6; ++j)
            if (lfsr_bit(j + 7 * round)) rc |= std::uint64_t{1} << ((1 << j) - 1);
        k.round_constants[round] = rc;
    }
    // rho: lane (x, y) walks (1, 0) -> (y, 2x + 3y) with offsets (t + 1)(t + 2) / 2 mod 64.
    int x = 1, y = 0;
    for (int t = 0; t < kRounds; ++t) {
        k.rotations[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
        const int next_y = (2 * x + 3 * y) % 5;
        x = y;
        y = next_y;
    }
    return k;
}

constexpr KeccakConstants kConstants = derive_constants();

std::uint64_t rotate_left(std::uint64_t v, int n) { return n == 0 ? v : (v << n) | (v >> (64 - n)); }

void xor_block_into_state(const std::uint8_t* block, std::uint64_t (&state)[25]) {
    for (std::size_t i = 0; i < kKeccak256RateBytes; ++i) state[i / 8] ^= std::uint64_t{block[i]} << (8 * (i % 8));
}

const EVP_MD* sha256_md() {
    // An explicit fetch once, instead of an implicit one on every EVP_Digest call.
    static const EVP_MD* md = [] {
        const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
        return fetched ? fetched : EVP_sha256();
    }();
    return md;
}

}  // namespace

void keccak_f1600(std::uint64_t (&a)[25]) {
    for (int round = 0; round < kRounds; ++round) {
        std::uint64_t c[5];
        for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; ++x) {
            const std::uint64_t d = c[(x + 4) % 5] ^ rotate_left(c[(x + 1) % 5], 1);
            for (int y = 0; y < 5; ++y) a[x + 5 * y] ^= d;
        }
        std::uint64_t b[25];
        for (int x = 0; x < 5; ++x)
            for (int y = 0; y < 5; ++y)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rotate_left(a[x + 5 * y], kConstants.rotations[x + 5 * y]);
        for (int x = 0; x < 5; ++x)
            for (int y = 0; y < 5; ++y)
                a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        a[0] ^= kConstants.round_constants[round];
    }
}

Hash32 keccak256_sponge(const std::uint8_t* data, std::size_t size, std::uint8_t padding_byte) {
    std::uint64_t state[25] = {};
    while (size >= kKeccak256RateBytes) {
        xor_block_into_state(data, state);
        keccak_f1600(state);
        data += kKeccak256RateBytes;
        size -= kKeccak256RateBytes;
    }
    std::uint8_t last[kKeccak256RateBytes] = {};
    if (size > 0) std::memcpy(last, data, size);
    last[size] ^= padding_byte;
    last[kKeccak256RateBytes - 1] ^= 0x80;
    xor_block_into_state(last, state);
    keccak_f1600(state);

    Hash32 out;
    for (std::size_t i = 0; i < out.bytes.size(); ++i)
        out.bytes[i] = static_cast<std::uint8_t>(state[i / 8] >> (8 * (i % 8)));
    return out;
}

const Integer& max_uint256() {
    static const Integer m = (Integer{1} << 256) - 1;
    return m;
}

Integer to_integer(const Uint256& value) {
    Integer v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 64) | Integer{value.limbs[i]};
    return v;
}

Uint256 from_integer(const Integer& value) {
    Uint256 out;
    for (int i = 0; i < 4; ++i)
        out.limbs[i] = static_cast<std::uint64_t>((value >> (64 * i)) & Integer{~std::uint64_t{0}});
    return out;
}

}  // namespace btpow::reference

namespace btpow {

Hash32 keccak256(const std::uint8_t* data, std::size_t size) {
    return reference::keccak256_sponge(data, size, reference::kKeccakPadding);
}

Hash32 sha256(const std::uint8_t* data, std::size_t size) {
    Hash32 out;
    unsigned int length = 0;
    if (EVP_Digest(data, size, out.bytes.data(), &length, reference::sha256_md(), nullptr) != 1 ||
        length != out.bytes.size())
        throw Error(ErrorCode::backend_failure, "", "sha256: OpenSSL EVP_Digest failed");
    return out;
}

}  // namespace btpow
