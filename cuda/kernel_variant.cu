// The production kernel in one variant: kVariants[BTPOW_CUDA_VARIANT_INDEX] (variants.hpp).
// sources.cmake makes one translation unit per variant that includes this file, so that the
// variants compile in parallel; a plain nvcc run gives the index with -D.
#include "cuda/kernels.cuh"
#include "cuda/variant_policy.hpp"

#if !defined(BTPOW_CUDA_VARIANT_INDEX)
#error "BTPOW_CUDA_VARIANT_INDEX: which row of BTPOW_CUDA_VARIANTS (cuda/variants.hpp) to build"
#endif

template struct btpow::cuda::kernels::KernelSet<btpow::cuda::VariantPolicy<BTPOW_CUDA_VARIANT_INDEX>>;
