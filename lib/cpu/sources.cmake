# CPU backend sources; ISA paths get their instruction-set flags per file, never globally. The
# SIMD paths are x86-64 with GCC/Clang only; elsewhere the build has the scalar path alone.
set(_cpu ${CMAKE_CURRENT_LIST_DIR})
set(BTPOW_CPU_SOURCES
  ${_cpu}/dispatch.cpp
  ${_cpu}/scalar.cpp
  ${_cpu}/worker.cpp
)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|x64)$")
  list(APPEND BTPOW_CPU_SOURCES ${_cpu}/sha_ni.cpp ${_cpu}/avx2.cpp ${_cpu}/avx512.cpp)
  set(_btpow_avx2_options -mavx2 -msha -msse4.1)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # Register-pressure-aware scheduling before allocation: with 16 YMM registers for a 25-lane
    # Keccak state it cuts spills (BENCHMARKS.md has the gain, from bench/bench_cpu.cpp).
    list(APPEND _btpow_avx2_options -fschedule-insns -fsched-pressure)
  endif()
  set_source_files_properties(${_cpu}/sha_ni.cpp PROPERTIES COMPILE_OPTIONS "-msha;-msse4.1;-mssse3")
  set_source_files_properties(${_cpu}/avx2.cpp PROPERTIES COMPILE_OPTIONS "${_btpow_avx2_options}")
  set_source_files_properties(${_cpu}/avx512.cpp PROPERTIES COMPILE_OPTIONS "-mavx512f;-mavx512vl;-mavx512bw")
  set_source_files_properties(${_cpu}/dispatch.cpp PROPERTIES COMPILE_DEFINITIONS BTPOW_CPU_X86_PATHS=1)
endif()
