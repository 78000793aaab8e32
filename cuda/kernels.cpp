// The kernels' host entry points: each call goes to the variant asked for, through the one switch
// generated from BTPOW_CUDA_VARIANTS.
#include "cuda/kernels.hpp"

#include "cuda/variant_policy.hpp"

namespace btpow::cuda::kernels {
namespace {

// KernelSet's members are defined in kernel_variant.cu, once per row of the list, so a variant
// missing there fails to link rather than to dispatch.
template <class Call>
cudaError_t with_variant(Variant variant, Call call) {
#define BTPOW_CUDA_VARIANT_CASE(rotations, rounds_loop)     \
    case Variant{Rotations::rotations, rounds_loop}.code(): \
        return call(KernelSet<RotationPolicy<Rotations::rotations, rounds_loop>>{});
    switch (variant.code()) { BTPOW_CUDA_VARIANTS(BTPOW_CUDA_VARIANT_CASE) }
#undef BTPOW_CUDA_VARIANT_CASE
    return cudaErrorInvalidValue;
}

}  // namespace

cudaError_t seal_scan_blocks_per_sm(Variant variant, unsigned threads_per_block, int& blocks) {
    return with_variant(variant, [&](auto set) { return set.blocks_per_sm(threads_per_block, blocks); });
}

cudaError_t launch_seal_scan(Variant variant, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                             const CandidateBuffer& out, LaunchShape shape, cudaStream_t stream) {
    return with_variant(variant, [&](auto set) { return set.seal_scan(plan, start, count, out, shape, stream); });
}

cudaError_t launch_top_checksum(Variant variant, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                unsigned long long* sum, LaunchShape shape, cudaStream_t stream) {
    return with_variant(variant, [&](auto set) { return set.top_checksum(plan, start, count, sum, shape, stream); });
}

}  // namespace btpow::cuda::kernels
