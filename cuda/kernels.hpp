// The CUDA backend's kernels as the host sees them (internal to cuda/): the production scan in
// each variant and its test-only checksum twin (the launch shape and the loop are in
// scan_loop.hpp). Kept C++17 so nvcc and g++ both read it. The kernels themselves are in
// kernels.cuh, built once per variant (kernel_variant.cu) so that the variants compile in
// parallel.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

#include "btpow/core/plan.hpp"
#include "cuda/scan_loop.hpp"
#include "cuda/variants.hpp"

namespace btpow::cuda::kernels {

// Where a scan leaves its candidates (device memory). `found` counts every candidate, also those
// beyond `capacity`: the host sees an overflow and recovers the batch (nothing is ever dropped).
struct CandidateBuffer {
    unsigned long long* found = nullptr;
    std::uint64_t* nonces = nullptr;
    std::uint32_t capacity = 0;
};

// Resident blocks of `threads_per_block` threads (at most kThreadsPerBlock) of the production
// kernel (in `variant`) per multiprocessor on the current device.
cudaError_t seal_scan_blocks_per_sm(Variant variant, unsigned threads_per_block, int& blocks);

// Queues the scan of nonces [start, start + count) (mod 2^64) on `stream`: one launch per piece
// (for_each_piece, scan_loop.hpp). Every nonce whose seal top is <= plan.threshold_top lands in
// `out`.
cudaError_t launch_seal_scan(Variant variant, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                             const CandidateBuffer& out, LaunchShape shape, cudaStream_t stream);

// Test-only twin of launch_seal_scan (same loop, same core): adds checksum_term(nonce, top) of
// every nonce of the range to *sum (device memory), so a test can compare the GPU's seal tops
// with the CPU's without moving one value per nonce.
cudaError_t launch_top_checksum(Variant variant, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                unsigned long long* sum, LaunchShape shape, cudaStream_t stream);

// One variant's entry points, with the core's rotation policy Rot (variant_policy.hpp);
// explicitly instantiated in kernel_variant.cu, called through the functions above.
template <class Rot>
struct KernelSet {
    static cudaError_t blocks_per_sm(unsigned threads_per_block, int& blocks);
    static cudaError_t seal_scan(const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                 const CandidateBuffer& out, LaunchShape shape, cudaStream_t stream);
    static cudaError_t top_checksum(const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                    unsigned long long* sum, LaunchShape shape, cudaStream_t stream);
};

}  // namespace btpow::cuda::kernels
