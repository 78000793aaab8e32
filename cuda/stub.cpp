// The CUDA backend of a build without CUDA (BTPOW_ENABLE_CUDA=OFF): it says so, in every entry
// point of cuda.hpp (testing_stub.cpp does the same for the test hooks).
#include "cuda/cuda.hpp"

namespace btpow::cuda {
namespace {

constexpr const char* kNotBuilt = "built without CUDA";

[[noreturn]] void no_cuda_backend(const char* field) {
    throw Error(ErrorCode::no_device, field,
                "this build has no CUDA backend (configure with -DBTPOW_ENABLE_CUDA=ON and nvcc available)");
}

}  // namespace

bool compiled() { return false; }

std::vector<CudaDeviceInfo> devices(std::string* error) {
    if (error) *error = kNotBuilt;
    return {};
}

detail::WorkerList make_workers(const std::vector<int>&, const LogCallback&, unsigned) { no_cuda_backend("backend"); }

}  // namespace btpow::cuda
