// The production kernel with the "funnel" rotation variant (cuda/rotations.hpp).
#include "cuda/kernels.cuh"

template struct btpow::cuda::kernels::KernelSet<btpow::core::FunnelRotations>;
