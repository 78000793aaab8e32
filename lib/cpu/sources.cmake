# CPU backend sources; ISA paths get their instruction-set flags per file, never globally.
set(_cpu ${CMAKE_CURRENT_LIST_DIR})
set(BTPOW_CPU_SOURCES
  ${_cpu}/dispatch.cpp
  ${_cpu}/scalar.cpp
  ${_cpu}/worker.cpp
)
