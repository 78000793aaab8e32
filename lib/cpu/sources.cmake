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
  # Hot functions and loops start on a cache line, so that where the linker puts a path's code
  # changes less of how it sits in the instruction cache.
  set(_btpow_align -falign-functions=64 -falign-loops=64)
  # Options for the wide paths' files alone, after the rest: the ASan+UBSan build drops UBSan's
  # pointer-overflow check there, which made clang take three times as long to compile them
  # (their SHA-256 slices index a state held in memory hundreds of times; scripts/deps.sh).
  set(BTPOW_WIDE_PATH_COMPILE_OPTIONS "" CACHE STRING
      "Extra compile options for the avx2 and avx512 paths' sources only (a list)")
  set(_btpow_avx2_options -mavx2 -msha -msse4.1 ${_btpow_align} ${BTPOW_WIDE_PATH_COMPILE_OPTIONS})
  set(_btpow_avx512_options -mavx512f -mavx512vl -mavx512bw ${_btpow_align} ${BTPOW_WIDE_PATH_COMPILE_OPTIONS})
  set_source_files_properties(${_cpu}/sha_ni.cpp PROPERTIES COMPILE_OPTIONS "-msha;-msse4.1;-mssse3;${_btpow_align}")
  set_source_files_properties(${_cpu}/avx2.cpp PROPERTIES COMPILE_OPTIONS "${_btpow_avx2_options}")
  set_source_files_properties(${_cpu}/avx512.cpp PROPERTIES COMPILE_OPTIONS "${_btpow_avx512_options}")
  set_source_files_properties(${_cpu}/dispatch.cpp PROPERTIES COMPILE_DEFINITIONS BTPOW_CPU_X86_PATHS=1)
endif()
