// The CUDA backend's interface to the engine. Plain C++: nothing outside cuda/ sees CUDA
// headers. A build without CUDA links cuda/stub.cpp, which reports that CUDA was not compiled.
#pragma once

#include <string>
#include <vector>

#include "btpow/solver.hpp"
#include "lib/backend.hpp"

namespace btpow::cuda {

// True when this build contains the CUDA backend.
bool compiled();

// The visible devices; empty (with `error` set when not null) when there are none or the driver
// is missing. Never throws.
std::vector<CudaDeviceInfo> devices(std::string* error = nullptr);

// One worker per requested ordinal (empty: every visible device). Each device must pass the
// self-test (known vectors through the production kernel) or it is refused: logged, and left
// out. Throws Error(no_device) when no device is left. batch_ms: SolverOptions::cuda_batch_ms
// (0: the default target), already checked by the engine.
detail::WorkerList make_workers(const std::vector<int>& ordinals, const LogCallback& log, unsigned batch_ms = 0);

}  // namespace btpow::cuda
