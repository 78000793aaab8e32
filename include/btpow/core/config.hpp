// Compiler glue for the shared seal core: the same inline code is built by g++ for the CPU
// backend and by nvcc for the CUDA kernel, so every function is marked for both sides here.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define BTPOW_HD __host__ __device__ __forceinline__
#elif defined(__GNUC__)
#define BTPOW_HD inline __attribute__((always_inline))
#else
#define BTPOW_HD inline
#endif
