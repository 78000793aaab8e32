// Seals per second of each CUDA device, in one run: the production kernel (the variant a worker's
// calibration picks, then each variant of cuda/variants.hpp pinned, as rotations_<name>), and the
// cubit-style baseline (cuda/baseline.cu) launched as cubit does (one block of 256 threads) and on
// a full grid. Times are GPU times from CUDA events (manual time); the counter seals_per_s is the
// rate. Without a device (or without CUDA in the build) the benchmark is skipped with the reason.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "btpow/types.hpp"
#include "cuda/cuda.hpp"
#include "cuda/testing.hpp"
#include "cuda/variants.hpp"

namespace {

namespace testing = btpow::cuda::testing;

// Each timed launch lasts about this long: far above launch overhead, below any watchdog.
constexpr double kLaunchSeconds = 0.2;
constexpr int kTimedLaunches = 3;

struct KernelEntry {
    testing::Kernel kernel;
    std::string name;
    std::uint64_t first_guess;  // seals of the first sizing launch
    btpow::cuda::Variant pinned{};
};

// The benchmark's table: production, rotations_<variant> for every variant, then the baseline.
// scripts/gpu_report.py reads these names back from the JSON output.
std::vector<KernelEntry> kernel_entries() {
    constexpr std::uint64_t kProductionGuess = std::uint64_t(1) << 24;
    std::vector<KernelEntry> entries{{testing::Kernel::production, "production", kProductionGuess}};
    for (const btpow::cuda::Variant variant : btpow::cuda::kVariants)
        entries.push_back(
            {testing::Kernel::production_pinned, "rotations_" + to_string(variant), kProductionGuess, variant});
    entries.push_back({testing::Kernel::cubit_full_grid, "cubit_full_grid", std::uint64_t(1) << 20});
    entries.push_back({testing::Kernel::cubit_single_block, "cubit_single_block", std::uint64_t(1) << 12});
    return entries;
}

// Grows a launch by 4x until it is long enough to time, then sizes it to kLaunchSeconds.
std::uint64_t sized_launch(int ordinal, const KernelEntry& entry) {
    std::uint64_t seals = entry.first_guess;
    for (int attempt = 0; attempt < 16; ++attempt) {
        const testing::KernelTiming t = testing::time_kernel(ordinal, entry.kernel, seals, entry.pinned);
        if (t.seconds >= kLaunchSeconds / 8)
            return static_cast<std::uint64_t>(double(t.seals) * (kLaunchSeconds / t.seconds));
        seals *= 4;
    }
    return seals;
}

void run_kernel(benchmark::State& state, const btpow::CudaDeviceInfo& device, const KernelEntry& entry) {
    const int ordinal = device.ordinal;
    double seconds = 0;
    std::uint64_t seals = 0;
    try {
        const std::uint64_t per_launch = sized_launch(ordinal, entry);
        for (auto _ : state) {
            const testing::KernelTiming t = testing::time_kernel(ordinal, entry.kernel, per_launch, entry.pinned);
            state.SetIterationTime(t.seconds);
            seconds += t.seconds;
            seals += t.seals;
        }
    } catch (const btpow::Error& e) {
        state.SkipWithError(e.what());
        return;
    }
    state.counters["seals_per_s"] = seconds > 0 ? double(seals) / seconds : 0.0;
    state.counters["seals_per_launch"] = double(seals) / double(state.iterations());
    // What scripts/gpu_report.py needs to turn the instruction bound into seals/s on this device.
    state.counters["multiprocessors"] = device.multiprocessors;
    state.counters["max_sm_clock_mhz"] = device.clock_khz / 1000.0;
}

const int registered = [] {
    std::string why;
    const std::vector<btpow::CudaDeviceInfo> devices = btpow::cuda::devices(&why);
    if (devices.empty()) {
        benchmark::RegisterBenchmark("cuda/no_device", [why](benchmark::State& state) {
            state.SkipWithError(("no CUDA device: " + why).c_str());
            for (auto _ : state) {}
        });
        return 0;
    }
    for (const btpow::CudaDeviceInfo& device : devices) {
        for (const KernelEntry& entry : kernel_entries()) {
            const std::string name = "cuda:" + std::to_string(device.ordinal) + "/" + entry.name;
            benchmark::RegisterBenchmark(name.c_str(),
                                         [device, entry](benchmark::State& state) {
                                             state.SetLabel(device.name);
                                             run_kernel(state, device, entry);
                                         })
                ->UseManualTime()
                ->Iterations(kTimedLaunches)
                ->Unit(benchmark::kMillisecond);
        }
    }
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();
