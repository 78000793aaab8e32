// The production kernel with the "funnel-loop" variant (cuda/rotations.hpp).
#include "cuda/kernels.cuh"

template struct btpow::cuda::kernels::KernelSet<btpow::core::FunnelLoopRotations>;
