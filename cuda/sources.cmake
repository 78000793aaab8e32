# CUDA backend sources (only when BTPOW_ENABLE_CUDA). Kernels are .cu (built per architecture in
# CMAKE_CUDA_ARCHITECTURES); the host side is C++20 .cpp that talks to the CUDA runtime API.
set(_cuda ${CMAKE_CURRENT_LIST_DIR})
# The production kernel is built once per rotation variant (cuda/rotations.hpp), in separate
# translation units so that they compile in parallel.
set(BTPOW_CUDA_KERNEL_SOURCES
  ${_cuda}/kernels_funnel.cu
  ${_cuda}/kernels_split.cu
  ${_cuda}/kernels_multiply.cu
  ${_cuda}/kernels_funnel_loop.cu
  ${_cuda}/kernels_split_loop.cu
  ${_cuda}/kernels_multiply_loop.cu
  ${_cuda}/baseline.cu
)
set(BTPOW_CUDA_SOURCES
  ${BTPOW_CUDA_KERNEL_SOURCES}
  ${_cuda}/kernels.cpp
  ${_cuda}/scanner.cpp
  ${_cuda}/self_test.cpp
  ${_cuda}/backend.cpp
  ${_cuda}/testing.cpp
)
# -lineinfo: source lines in compute-sanitizer and SASS listings, at no run-time cost.
# BTPOW_CUDA_PTXAS_VERBOSE=ON prints registers, stack and spills per kernel and architecture.
option(BTPOW_CUDA_PTXAS_VERBOSE "Print ptxas resource usage of the CUDA kernels" OFF)
set(_btpow_cuda_kernel_options -lineinfo)
if(BTPOW_CUDA_PTXAS_VERBOSE)
  list(APPEND _btpow_cuda_kernel_options -Xptxas=-v)
endif()
# A tuning knob, off by default: the production kernel's resident blocks per SM asked of ptxas
# (__launch_bounds__' second argument), which caps its registers (4 blocks of 256 threads: 64).
set(BTPOW_CUDA_MIN_BLOCKS "" CACHE STRING "Resident blocks per SM the scan kernel is built for (empty: ptxas decides)")
set_source_files_properties(${BTPOW_CUDA_KERNEL_SOURCES} PROPERTIES COMPILE_OPTIONS "${_btpow_cuda_kernel_options}")
if(BTPOW_CUDA_MIN_BLOCKS)
  if(NOT BTPOW_CUDA_MIN_BLOCKS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "BTPOW_CUDA_MIN_BLOCKS: expected a positive integer, got '${BTPOW_CUDA_MIN_BLOCKS}'")
  endif()
  set_source_files_properties(${BTPOW_CUDA_KERNEL_SOURCES} PROPERTIES
                              COMPILE_DEFINITIONS "BTPOW_CUDA_MIN_BLOCKS=${BTPOW_CUDA_MIN_BLOCKS}")
endif()
