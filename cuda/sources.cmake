# CUDA backend sources (only when BTPOW_ENABLE_CUDA).
set(_cuda ${CMAKE_CURRENT_LIST_DIR})
set(BTPOW_CUDA_SOURCES
  ${_cuda}/backend.cu
)
