// Internal seam between the dispatcher and the ISA path files: each path file exports one scan
// function with this signature. Path files are built with their own instruction-set flags, so
// they include nothing but this header, the core, sha_ni.hpp, group_scan.hpp and intrinsics,
// and keep all their helpers in anonymous namespaces: no inline code with external linkage
// that the linker could take from a translation unit built for another ISA.
#pragma once

#include <cstddef>
#include <cstdint>

#include "btpow/core/plan.hpp"

namespace btpow::cpu::paths {

// The most nonces one call of a scan function takes: the dispatcher's candidate buffer lives on
// the stack and must hold every nonce of a block (at d = 0 every nonce is a candidate).
inline constexpr std::uint64_t kScanBlock = 1024;

// Writes to out[0..] every position n of [start, start + count) (mod 2^64) of plan's order whose
// seal's top 64 bits under plan's rule are <= plan.threshold_top, ascending from start, and
// returns how many. Requires 1 <= count <= kScanBlock; out has room for count positions; for a
// v1 plan the whole range lies in the plan's run (core::plan_v1_search_run: start >> 24 ==
// plan.v1_low; core::plan_v1_range_run: start >> 40 == plan.v1_last_high), as scan_range in
// dispatch.cpp arranges.
using ScanFunction = std::size_t (*)(const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                     std::uint64_t* out);

std::size_t scan_scalar(const core::Plan&, std::uint64_t, std::uint64_t, std::uint64_t*);
// x86-64 builds with GCC or Clang only (lib/cpu/sources.cmake defines BTPOW_CPU_X86_PATHS then).
std::size_t scan_sha(const core::Plan&, std::uint64_t, std::uint64_t, std::uint64_t*);
std::size_t scan_avx2(const core::Plan&, std::uint64_t, std::uint64_t, std::uint64_t*);
std::size_t scan_avx2_sha(const core::Plan&, std::uint64_t, std::uint64_t, std::uint64_t*);
std::size_t scan_avx512(const core::Plan&, std::uint64_t, std::uint64_t, std::uint64_t*);

}  // namespace btpow::cpu::paths
