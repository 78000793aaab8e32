// The CUDA backend of a build without CUDA (BTPOW_ENABLE_CUDA=OFF): it says so, in every entry
// point of cuda.hpp and of the test hooks in testing.hpp.
#include "cuda/cuda.hpp"
#include "cuda/testing.hpp"

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

namespace testing {

std::vector<std::uint64_t> scan_candidates(int, const core::Plan&, std::uint64_t, std::uint64_t, std::uint64_t,
                                           std::uint32_t, std::uint32_t, ScanReport*, std::optional<Variant>) {
    no_cuda_backend("ordinal");
}
std::uint64_t top_checksum(int, const core::Plan&, std::uint64_t, std::uint64_t, Variant) {
    no_cuda_backend("ordinal");
}
std::string self_test(int) { no_cuda_backend("ordinal"); }
std::uint64_t tuned_batch(int) { no_cuda_backend("ordinal"); }
KernelTiming time_kernel(int, Kernel, std::uint64_t, Variant) { no_cuda_backend("ordinal"); }
std::uint64_t baseline_first_hit(int, const Hash32&, std::uint64_t, std::uint64_t) { no_cuda_backend("ordinal"); }

}  // namespace testing
}  // namespace btpow::cuda
