// The kernels' host entry points: each call goes to the rotation variant asked for.
#include "cuda/kernels.hpp"

#include "btpow/core/mul_rotate.hpp"

namespace btpow::cuda::kernels {

extern template struct KernelSet<core::FunnelRotations>;
extern template struct KernelSet<core::SplitRotations>;
extern template struct KernelSet<core::MultiplyRotations>;
extern template struct KernelSet<core::FunnelLoopRotations>;
extern template struct KernelSet<core::SplitLoopRotations>;
extern template struct KernelSet<core::MultiplyLoopRotations>;

namespace {

template <class Call>
cudaError_t with_variant(Rotations rotations, Call call) {
    switch (rotations) {
        case Rotations::funnel: return call(KernelSet<core::FunnelRotations>{});
        case Rotations::split: return call(KernelSet<core::SplitRotations>{});
        case Rotations::multiply: return call(KernelSet<core::MultiplyRotations>{});
        case Rotations::funnel_loop: return call(KernelSet<core::FunnelLoopRotations>{});
        case Rotations::split_loop: return call(KernelSet<core::SplitLoopRotations>{});
        case Rotations::multiply_loop: return call(KernelSet<core::MultiplyLoopRotations>{});
    }
    return cudaErrorInvalidValue;
}

}  // namespace

cudaError_t seal_scan_blocks_per_sm(Rotations rotations, unsigned threads_per_block, int& blocks) {
    return with_variant(rotations, [&](auto set) { return set.blocks_per_sm(threads_per_block, blocks); });
}

cudaError_t launch_seal_scan(Rotations rotations, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                             const CandidateBuffer& out, LaunchShape shape, cudaStream_t stream) {
    return with_variant(rotations, [&](auto set) { return set.seal_scan(plan, start, count, out, shape, stream); });
}

cudaError_t launch_top_checksum(Rotations rotations, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                unsigned long long* sum, LaunchShape shape, cudaStream_t stream) {
    return with_variant(rotations, [&](auto set) { return set.top_checksum(plan, start, count, sum, shape, stream); });
}

}  // namespace btpow::cuda::kernels
