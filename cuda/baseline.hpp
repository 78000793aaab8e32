// The benchmark's baseline (internal to cuda/, used by bench_cuda only): a kernel written the
// way the `cubit` module works (docs/protocol.md §7, §8), to measure what the production kernel gains.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

namespace btpow::cuda::baseline {

// cubit's launch: one block of this many threads.
inline constexpr unsigned kCubitThreadsPerBlock = 256;

// Device memory the baseline reads and writes.
struct BaselineArgs {
    const char* block_and_hotkey_hex = nullptr;  // 64 lowercase hex characters of H, no 0x
    const std::uint8_t* upper = nullptr;         // docs/protocol.md §8: floor(M / d), 32 little-endian bytes
    unsigned long long* solution = nullptr;      // smallest passing nonce; set to ~0 before
};

// Resident blocks of the baseline kernel per multiprocessor on the current device.
cudaError_t cubit_style_blocks_per_sm(int& blocks, unsigned threads_per_block);

// Thread t of the grid hashes nonces [nonce_start + t * interval, + interval), one at a time:
// H re-decoded from hex for every nonce, byte-wise generic SHA-256 and Keccak-256, the whole
// seal compared big-endian against upper (strict, as cubit does).
cudaError_t launch_cubit_style(const BaselineArgs& args, std::uint64_t nonce_start, std::uint64_t interval,
                               unsigned blocks, unsigned threads_per_block, cudaStream_t stream);

}  // namespace btpow::cuda::baseline
