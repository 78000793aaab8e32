// The benchmark's baseline: the seal computed the way the `cubit` module does it (docs/protocol.md §7, §8):
// one nonce per thread step, generic byte-oriented SHA-256 and Keccak-256, H decoded from its hex
// text for every nonce, the whole seal compared. Deliberately plain; never used to solve.
#include "cuda/baseline.hpp"

namespace btpow::cuda::baseline {
namespace {

__constant__ std::uint32_t kSha256RoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

__constant__ std::uint64_t kKeccakRoundConstants[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull, 0x000000000000808bull,
    0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull, 0x000000000000008aull, 0x0000000000000088ull,
    0x0000000080008009ull, 0x000000008000000aull, 0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull,
    0x8000000000008003ull, 0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};

// Rotation offset of lane x + 5y.
__constant__ int kKeccakRotations[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                         25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

constexpr unsigned kKeccak256RateBytes = 136;

__device__ std::uint32_t rotate_right(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
__device__ std::uint64_t rotate_left(std::uint64_t x, int n) { return (x << n) | (x >> ((64 - n) & 63)); }

__device__ void sha256_compress(std::uint32_t (&state)[8], const std::uint8_t* block) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
        w[i] = (std::uint32_t(block[4 * i]) << 24) | (std::uint32_t(block[4 * i + 1]) << 16) |
               (std::uint32_t(block[4 * i + 2]) << 8) | std::uint32_t(block[4 * i + 3]);
    for (int i = 16; i < 64; ++i) {
        const std::uint32_t s0 = rotate_right(w[i - 15], 7) ^ rotate_right(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const std::uint32_t s1 = rotate_right(w[i - 2], 17) ^ rotate_right(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t v[8];
    for (int i = 0; i < 8; ++i) v[i] = state[i];
    for (int i = 0; i < 64; ++i) {
        const std::uint32_t big_s1 = rotate_right(v[4], 6) ^ rotate_right(v[4], 11) ^ rotate_right(v[4], 25);
        const std::uint32_t choose = (v[4] & v[5]) ^ (~v[4] & v[6]);
        const std::uint32_t t1 = v[7] + big_s1 + choose + kSha256RoundConstants[i] + w[i];
        const std::uint32_t big_s0 = rotate_right(v[0], 2) ^ rotate_right(v[0], 13) ^ rotate_right(v[0], 22);
        const std::uint32_t majority = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        const std::uint32_t t2 = big_s0 + majority;
        for (int j = 7; j > 0; --j) v[j] = v[j - 1];
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; ++i) state[i] += v[i];
}

__device__ void sha256_bytes(const std::uint8_t* data, unsigned size, std::uint8_t (&digest)[32]) {
    std::uint32_t state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::uint8_t block[64];
    unsigned used = 0;
    for (unsigned i = 0; i < size; ++i) {
        block[used++] = data[i];
        if (used == 64) {
            sha256_compress(state, block);
            used = 0;
        }
    }
    block[used++] = 0x80;
    if (used > 56) {
        while (used < 64) block[used++] = 0;
        sha256_compress(state, block);
        used = 0;
    }
    while (used < 56) block[used++] = 0;
    const std::uint64_t bits = std::uint64_t(size) * 8;
    for (int i = 0; i < 8; ++i) block[56 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    sha256_compress(state, block);
    for (int i = 0; i < 32; ++i) digest[i] = static_cast<std::uint8_t>(state[i / 4] >> (24 - 8 * (i % 4)));
}

__device__ void keccak_f1600(std::uint64_t (&a)[25]) {
    for (int round = 0; round < 24; ++round) {
        std::uint64_t c[5];
        for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; ++x) {
            const std::uint64_t d = c[(x + 4) % 5] ^ rotate_left(c[(x + 1) % 5], 1);
            for (int y = 0; y < 5; ++y) a[x + 5 * y] ^= d;
        }
        std::uint64_t b[25];
        for (int x = 0; x < 5; ++x)
            for (int y = 0; y < 5; ++y)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rotate_left(a[x + 5 * y], kKeccakRotations[x + 5 * y]);
        for (int x = 0; x < 5; ++x)
            for (int y = 0; y < 5; ++y)
                a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        a[0] ^= kKeccakRoundConstants[round];
    }
}

// Legacy Keccak-256 (padding byte 0x01, docs/protocol.md §1).
__device__ void keccak256_bytes(const std::uint8_t* data, unsigned size, std::uint8_t (&out)[32]) {
    std::uint64_t a[25];
    for (int i = 0; i < 25; ++i) a[i] = 0;
    unsigned position = 0;
    for (unsigned i = 0; i < size; ++i) {
        a[position / 8] ^= std::uint64_t(data[i]) << (8 * (position % 8));
        if (++position == kKeccak256RateBytes) {
            keccak_f1600(a);
            position = 0;
        }
    }
    a[position / 8] ^= std::uint64_t(0x01) << (8 * (position % 8));
    a[(kKeccak256RateBytes - 1) / 8] ^= std::uint64_t(0x80) << (8 * ((kKeccak256RateBytes - 1) % 8));
    keccak_f1600(a);
    for (int i = 0; i < 32; ++i) out[i] = static_cast<std::uint8_t>(a[i / 8] >> (8 * (i % 8)));
}

__device__ std::uint8_t hex_nibble(char c) {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    return static_cast<std::uint8_t>(c - 'A' + 10);
}

// docs/protocol.md §8: the seal read big-endian (seal[0] most significant) against upper's little-endian bytes.
__device__ bool below_upper(const std::uint8_t (&seal)[32], const std::uint8_t* upper) {
    for (int i = 0; i < 32; ++i) {
        const std::uint8_t u = upper[31 - i];
        if (seal[i] != u) return seal[i] < u;
    }
    return false;
}

__global__ void cubit_style_kernel(BaselineArgs args, std::uint64_t nonce_start, std::uint64_t interval) {
    const std::uint64_t thread = std::uint64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    for (std::uint64_t i = 0; i < interval; ++i) {
        const std::uint64_t nonce = nonce_start + thread * interval + i;
        std::uint8_t pre_seal[40];
        for (int b = 0; b < 8; ++b) pre_seal[b] = static_cast<std::uint8_t>(nonce >> (8 * b));
        for (int b = 0; b < 32; ++b)
            pre_seal[8 + b] = static_cast<std::uint8_t>((hex_nibble(args.block_and_hotkey_hex[2 * b]) << 4) |
                                                        hex_nibble(args.block_and_hotkey_hex[2 * b + 1]));
        std::uint8_t digest[32];
        sha256_bytes(pre_seal, sizeof pre_seal, digest);
        std::uint8_t seal[32];
        keccak256_bytes(digest, sizeof digest, seal);
        if (below_upper(seal, args.upper)) atomicMin(args.solution, static_cast<unsigned long long>(nonce));
    }
}

}  // namespace

cudaError_t cubit_style_blocks_per_sm(int& blocks, unsigned threads_per_block) {
    return cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, cubit_style_kernel,
                                                         static_cast<int>(threads_per_block), 0);
}

cudaError_t launch_cubit_style(const BaselineArgs& args, std::uint64_t nonce_start, std::uint64_t interval,
                               unsigned blocks, unsigned threads_per_block, cudaStream_t stream) {
    cubit_style_kernel<<<blocks, threads_per_block, 0, stream>>>(args, nonce_start, interval);
    return cudaGetLastError();
}

}  // namespace btpow::cuda::baseline
