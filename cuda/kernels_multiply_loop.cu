// The production kernel with the "multiply-loop" variant (cuda/rotations.hpp).
#include "cuda/kernels.cuh"

template struct btpow::cuda::kernels::KernelSet<btpow::core::MultiplyLoopRotations>;
