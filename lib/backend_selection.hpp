// From DeviceOptions to the workers that do the hashing: which backends, which devices, with the
// options checked first. Shared by the Solver and scan().
#pragma once

#include "btpow/solver.hpp"
#include "lib/backend.hpp"

namespace btpow::detail {

// The workers `options` stand for; CUDA workers come first so that their host threads start
// before the CPU threads take every core. auto and all fall back to the CPU (with a warning
// through log) when no CUDA device is usable. Throws Error(bad_option) naming the field for a bad
// option, Error(no_device) when nothing is left to run on.
WorkerList select_workers(const DeviceOptions& options, const LogCallback& log);

}  // namespace btpow::detail
