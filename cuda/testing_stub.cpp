// The test and benchmark hooks (testing.hpp) of a build without CUDA: each says so with
// Error(no_device). Part of btpow_testing, which only tests/ and bench/ link.
#include "cuda/testing.hpp"

namespace btpow::cuda {
namespace {

[[noreturn]] void no_cuda_backend(const char* field) {
    throw Error(ErrorCode::no_device, field,
                "this build has no CUDA backend (configure with -DBTPOW_ENABLE_CUDA=ON and nvcc available)");
}

}  // namespace

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
