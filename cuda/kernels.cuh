// The production kernel: each thread hashes many nonces of one 2^32-aligned piece through the
// shared seal core (include/btpow/core), finishing only the seal's top 64 bits, and records the
// rare candidate with one atomic. The checksum twin reuses the same loop for the tests.
// Included once per rotation variant by kernels_<variant>.cu, which instantiates KernelSet.
#pragma once

#include <algorithm>

#include "btpow/core/seal_core.hpp"
#include "cuda/checksum.hpp"
#include "cuda/kernels.hpp"

namespace btpow::cuda::kernels {
namespace {

// What the scan loop does with each nonce's seal top: candidates to the buffer...
struct RecordCandidates {
    CandidateBuffer out;

    __device__ void take(const core::Plan& plan, std::uint64_t nonce, std::uint64_t top) {
        if (top <= plan.threshold_top) {
            const unsigned long long slot = atomicAdd(out.found, 1ull);
            if (slot < out.capacity) out.nonces[slot] = nonce;
        }
    }
    __device__ void finish() {}
};

// ...or (tests) every top into a checksum, one atomic per thread at the end.
struct SumTops {
    unsigned long long* sum = nullptr;
    std::uint64_t partial = 0;

    __device__ void take(const core::Plan&, std::uint64_t nonce, std::uint64_t top) {
        partial += checksum_term(nonce, top);
    }
    __device__ void finish() { atomicAdd(sum, static_cast<unsigned long long>(partial)); }
};

// The plan is a __grid_constant__ parameter: it stays in the constant bank, read as uniform
// operands, never copied per thread. A launch never crosses a multiple of 2^32, so the nonce's
// high word, hence SHA-256 word W1 and everything derived from it alone, is loop-invariant and
// the low word is base + index (SPEC §2: W0 = bswap32(low), W1 = bswap32(high)).
template <class Rot, bool TopIsLe, class Sink>
__global__ void __launch_bounds__(kThreadsPerBlock)
    seal_scan_kernel(const __grid_constant__ core::Plan plan, std::uint32_t nonce_high, std::uint32_t low_start,
                     std::uint32_t count, Sink sink) {
    const std::uint32_t w1 = core::bswap32(nonce_high);
    const std::uint32_t stride = gridDim.x * blockDim.x;
#pragma unroll 1
    for (std::uint32_t index = blockIdx.x * blockDim.x + threadIdx.x; index < count; index += stride) {
        const std::uint32_t low = low_start + index;
        const std::uint64_t top = core::seal_top_words<Rot, TopIsLe>(plan, core::bswap32(low), w1);
        sink.take(plan, (std::uint64_t(nonce_high) << 32) | low, top);
    }
    sink.finish();
}

template <class Rot, class Sink>
cudaError_t launch_pieces(const core::Plan& plan, std::uint64_t start, std::uint64_t count, const Sink& sink,
                          LaunchShape shape, cudaStream_t stream) {
    constexpr std::uint64_t kHighWordStep = std::uint64_t(1) << 32;
    while (count > 0) {
        const std::uint32_t low = static_cast<std::uint32_t>(start);
        const std::uint64_t piece = std::min({count, kHighWordStep - low, kMaxLaunchNonces});
        const std::uint64_t blocks_needed = (piece + shape.threads_per_block - 1) / shape.threads_per_block;
        const unsigned blocks = static_cast<unsigned>(std::min<std::uint64_t>(shape.blocks, blocks_needed));
        const auto high = static_cast<std::uint32_t>(start >> 32);
        const auto piece32 = static_cast<std::uint32_t>(piece);
        const unsigned threads = shape.threads_per_block;
        if (plan.top_is_le)
            seal_scan_kernel<Rot, true, Sink><<<blocks, threads, 0, stream>>>(plan, high, low, piece32, sink);
        else
            seal_scan_kernel<Rot, false, Sink><<<blocks, threads, 0, stream>>>(plan, high, low, piece32, sink);
        if (const cudaError_t e = cudaGetLastError(); e != cudaSuccess) return e;
        start += piece;  // wraps at 2^64 by design: the range is taken mod 2^64
        count -= piece;
    }
    return cudaSuccess;
}

}  // namespace

template <class Rot>
cudaError_t KernelSet<Rot>::blocks_per_sm(int& blocks) {
    int le = 0, be = 0;
    if (const cudaError_t e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
            &le, seal_scan_kernel<Rot, true, RecordCandidates>, kThreadsPerBlock, 0);
        e != cudaSuccess)
        return e;
    if (const cudaError_t e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
            &be, seal_scan_kernel<Rot, false, RecordCandidates>, kThreadsPerBlock, 0);
        e != cudaSuccess)
        return e;
    blocks = std::max(1, std::min(le, be));
    return cudaSuccess;
}

template <class Rot>
cudaError_t KernelSet<Rot>::seal_scan(const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                      const CandidateBuffer& out, LaunchShape shape, cudaStream_t stream) {
    return launch_pieces<Rot>(plan, start, count, RecordCandidates{out}, shape, stream);
}

template <class Rot>
cudaError_t KernelSet<Rot>::top_checksum(const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                         unsigned long long* sum, LaunchShape shape, cudaStream_t stream) {
    return launch_pieces<Rot>(plan, start, count, SumTops{sum}, shape, stream);
}

}  // namespace btpow::cuda::kernels
