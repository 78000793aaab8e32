// The production kernel's indexing as plain code (C++17, no CUDA header): how a range of nonces is
// cut into launches, and one thread's nonce loop. kernels.cuh runs these on the GPU with the
// thread's index and the grid's stride; the host tests (tests/test_cuda.cpp) run the very same
// code for a simulated grid, so CI checks the kernel's coverage of a range without a GPU.
#pragma once

#include <algorithm>
#include <cstdint>

#include "btpow/core/seal_core.hpp"

namespace btpow::cuda::kernels {

inline constexpr unsigned kThreadsPerBlock = 256;
// One launch covers at most this many nonces, so that a thread's 32-bit nonce index plus the
// grid stride never wraps.
inline constexpr std::uint64_t kMaxLaunchNonces = std::uint64_t(1) << 31;

struct LaunchShape {
    unsigned blocks = 0;
    unsigned threads_per_block = kThreadsPerBlock;
    std::uint64_t threads() const { return std::uint64_t(blocks) * threads_per_block; }
};

// One launch: the nonces (nonce_high << 32) | (low_start + i), i in [0, count). A piece never
// crosses a multiple of 2^32, so the nonce's high word (SHA-256 word W1 and all that depends on it
// alone) is a kernel argument; `blocks` is the grid, no larger than the piece needs.
struct Piece {
    std::uint32_t nonce_high = 0;
    std::uint32_t low_start = 0;
    std::uint32_t count = 0;
    unsigned blocks = 0;
};

// Calls launch(piece) for each launch of the nonces [start, start + count), taken mod 2^64, in
// order; stops at the first launch that returns something other than `ok` and returns it.
template <class Result, class Launch>
Result for_each_piece(std::uint64_t start, std::uint64_t count, const LaunchShape& shape, Result ok, Launch launch) {
    constexpr std::uint64_t kHighWordStep = std::uint64_t(1) << 32;
    while (count > 0) {
        const auto low = static_cast<std::uint32_t>(start);
        const std::uint64_t piece = std::min({count, kHighWordStep - low, kMaxLaunchNonces});
        const std::uint64_t blocks_needed = (piece + shape.threads_per_block - 1) / shape.threads_per_block;
        const Piece p{static_cast<std::uint32_t>(start >> 32), low, static_cast<std::uint32_t>(piece),
                      static_cast<unsigned>(std::min<std::uint64_t>(shape.blocks, blocks_needed))};
        if (const Result r = launch(p); !(r == ok)) return r;
        start += piece;  // wraps at 2^64 by design: the range is taken mod 2^64
        count -= piece;
    }
    return ok;
}

// Calls launch(piece, piece_plan) for each launch of the positions [start, start + count) of
// plan's order (mod 2^64), in order, as for_each_piece cuts them; a v1 plan goes with each piece
// moved to the piece's run (SPEC §10: 2^24 positions of the search order share the first two
// blocks; a piece never crosses 2^32, so neither does it cross the nonce order's runs of 2^40).
template <class Result, class Launch>
Result for_each_plan_piece(const core::Plan& plan, std::uint64_t start, std::uint64_t count, const LaunchShape& shape,
                           Result ok, Launch launch) {
    if (plan.kind == core::PlanKind::old_seal)
        return for_each_piece(start, count, shape, ok, [&](const Piece& piece) { return launch(piece, plan); });
    core::Plan run = plan;
    const std::uint64_t run_size = plan.kind == core::PlanKind::v1_search ? core::kV1SearchRun : std::uint64_t(1) << 32;
    while (count > 0) {
        const std::uint64_t in_run = std::min(count, run_size - (start & (run_size - 1)));
        if (plan.kind == core::PlanKind::v1_search) {
            core::plan_v1_search_run(run, start >> 24);
        } else if (const auto high = static_cast<std::uint32_t>(start >> core::kV1SearchLowBits);
                   run.v1_last_high != high) {
            core::plan_v1_range_run(run, high);
        }
        const Result r =
            for_each_piece(start, in_run, shape, ok, [&](const Piece& piece) { return launch(piece, run); });
        if (!(r == ok)) return r;
        start += in_run;
        count -= in_run;
    }
    return ok;
}

// One thread's share of a piece: the indices thread, thread + stride, ... below piece.count, each
// position's seal top (rotations as Rot says, core/mul_rotate.hpp) handed to sink.take(plan,
// nonce, top). `plan` is the piece's (for_each_plan_piece), of kind Kind. On the GPU, thread =
// blockIdx.x * blockDim.x + threadIdx.x and stride = the grid's threads.
#if defined(__CUDACC__)
#pragma nv_exec_check_disable
#endif
template <class Rot, core::PlanKind Kind, bool TopIsLe, class Sink>
BTPOW_HD void scan_thread(const core::Plan& plan, Piece piece, std::uint32_t thread, std::uint32_t stride, Sink& sink) {
    const std::uint64_t high = std::uint64_t(piece.nonce_high) << 32;
    if constexpr (Kind == core::PlanKind::old_seal) {
        const std::uint32_t w1 = core::bswap32(piece.nonce_high);
#if defined(__CUDA_ARCH__)
#pragma unroll 1
#endif
        for (std::uint32_t index = thread; index < piece.count; index += stride) {
            const std::uint32_t low = piece.low_start + index;
            sink.take(plan, high | low, core::seal_top_words<Rot, TopIsLe>(plan, core::bswap32(low), w1));
        }
    } else if constexpr (Kind == core::PlanKind::v1_search) {
#if defined(__CUDA_ARCH__)
#pragma unroll 1
#endif
        for (std::uint32_t index = thread; index < piece.count; index += stride) {
            const std::uint32_t low = piece.low_start + index;
            const std::uint64_t nonce = core::nonce_at(plan, high | low);
            sink.take(plan, nonce, core::seal_top_v1_search_words<Rot>(plan, core::v1_search_word0(low)));
        }
    } else {
#if defined(__CUDA_ARCH__)
#pragma unroll 1
#endif
        for (std::uint32_t index = thread; index < piece.count; index += stride) {
            const std::uint64_t nonce = high | (piece.low_start + index);
            sink.take(plan, nonce, core::seal_top_v1_range<Rot>(plan, nonce));
        }
    }
}

}  // namespace btpow::cuda::kernels
