// Each kernel variant (variants.hpp) as the seal core's rotation policy (a core::MulRotations):
// which rotations go through the multiplier. Plain C++17, so the host tests instantiate the very
// policies the kernels are built with.
#pragma once

#include <cstdint>

#include "btpow/core/mul_rotate.hpp"
#include "cuda/variants.hpp"

namespace btpow::cuda {

// Bit N set: SHA-256 rotations and shifts by N go through the multiplier. multiply keeps the
// message schedule's rotations by 17, 18 and 19 on the shifter, so that the two pipes carry about
// equal work.
constexpr std::uint32_t sha_multiplier_mask(Rotations r) {
    return r == Rotations::multiply ? ~((1u << 17) | (1u << 18) | (1u << 19)) : 0u;
}
// Bit N set: Keccak rotations by N go through the multiplier.
constexpr std::uint64_t keccak_multiplier_mask(Rotations r) {
    return r == Rotations::funnel ? std::uint64_t{0} : ~std::uint64_t{0};
}

template <Rotations R, bool RoundsLoop>
using RotationPolicy = core::MulRotations<sha_multiplier_mask(R), keccak_multiplier_mask(R), RoundsLoop>;

// The policy of kVariants[I].
template <std::size_t I>
using VariantPolicy = RotationPolicy<kVariants[I].rotations, kVariants[I].rounds_loop>;

}  // namespace btpow::cuda
