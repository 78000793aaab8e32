// The production kernel: each thread hashes many nonces of one 2^32-aligned piece through the
// shared seal core (include/btpow/core), finishing only the seal's top 64 bits, and records the
// rare candidate with one atomic. The checksum twin reuses the same loop for the tests.
// Included once per variant by kernel_variant.cu, which instantiates KernelSet.
#pragma once

#include <type_traits>

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

// Launch bounds: 256 threads per block; with BTPOW_CUDA_MIN_BLOCKS (CMake option of that name)
// also the resident blocks per SM to build for, which caps the registers.
#if defined(BTPOW_CUDA_MIN_BLOCKS)
#define BTPOW_SCAN_LAUNCH_BOUNDS __launch_bounds__(kThreadsPerBlock, BTPOW_CUDA_MIN_BLOCKS)
#else
#define BTPOW_SCAN_LAUNCH_BOUNDS __launch_bounds__(kThreadsPerBlock)
#endif

// The plan is a __grid_constant__ parameter: it stays in the constant bank, read as uniform
// operands, never copied per thread. The loop is scan_thread (scan_loop.hpp): a piece never
// crosses a multiple of 2^32, so the nonce's high word, hence SHA-256 word W1 and everything
// derived from it alone, is loop-invariant (SPEC §2: W0 = bswap32(low), W1 = bswap32(high)).
template <class Rot, core::PlanKind Kind, bool TopIsLe, class Sink>
__global__ void BTPOW_SCAN_LAUNCH_BOUNDS seal_scan_kernel(const __grid_constant__ core::Plan plan, Piece piece,
                                                          Sink sink) {
    scan_thread<Rot, Kind, TopIsLe>(plan, piece, blockIdx.x * blockDim.x + threadIdx.x, gridDim.x * blockDim.x,
                                    sink);
    sink.finish();
}

// The v1 kernels exist for the candidate sink alone: the checksum twin serves the old seal's tests.
template <class Rot, class Sink>
cudaError_t launch_pieces(const core::Plan& plan, std::uint64_t start, std::uint64_t count, const Sink& sink,
                          LaunchShape shape, cudaStream_t stream) {
    constexpr bool kWithV1 = std::is_same_v<Sink, RecordCandidates>;
    if (!kWithV1 && plan.kind != core::PlanKind::old_seal) return cudaErrorInvalidValue;
    return for_each_plan_piece(plan, start, count, shape, cudaSuccess, [&](const Piece& piece, const core::Plan& p) {
        const unsigned threads = shape.threads_per_block;
        if constexpr (kWithV1) {
            if (p.kind == core::PlanKind::v1_search) {
                seal_scan_kernel<Rot, core::PlanKind::v1_search, true, Sink>
                    <<<piece.blocks, threads, 0, stream>>>(p, piece, sink);
                return cudaGetLastError();
            }
            if (p.kind == core::PlanKind::v1_range) {
                seal_scan_kernel<Rot, core::PlanKind::v1_range, true, Sink>
                    <<<piece.blocks, threads, 0, stream>>>(p, piece, sink);
                return cudaGetLastError();
            }
        }
        if (p.top_is_le)
            seal_scan_kernel<Rot, core::PlanKind::old_seal, true, Sink><<<piece.blocks, threads, 0, stream>>>(p, piece, sink);
        else
            seal_scan_kernel<Rot, core::PlanKind::old_seal, false, Sink>
                <<<piece.blocks, threads, 0, stream>>>(p, piece, sink);
        return cudaGetLastError();
    });
}

}  // namespace

template <class Rot>
cudaError_t KernelSet<Rot>::blocks_per_sm(unsigned threads_per_block, int& blocks) {
    int le = 0, be = 0, v1 = 0;
    const int threads = static_cast<int>(threads_per_block);
    if (const cudaError_t e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
            &le, seal_scan_kernel<Rot, core::PlanKind::old_seal, true, RecordCandidates>, threads, 0);
        e != cudaSuccess)
        return e;
    if (const cudaError_t e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
            &be, seal_scan_kernel<Rot, core::PlanKind::old_seal, false, RecordCandidates>, threads, 0);
        e != cudaSuccess)
        return e;
    if (const cudaError_t e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
            &v1, seal_scan_kernel<Rot, core::PlanKind::v1_search, true, RecordCandidates>, threads, 0);
        e != cudaSuccess)
        return e;
    blocks = std::max(1, std::min({le, be, v1}));
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
