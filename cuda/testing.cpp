// Test and benchmark hooks of the CUDA backend (testing.hpp): the same scanner and kernels as the
// workers, driven synchronously, plus the timed launches the benchmark compares.
#include "cuda/testing.hpp"

#include <algorithm>
#include <memory>

#include <cuda_runtime.h>

#include "btpow/seal.hpp"
#include "cuda/baseline.hpp"
#include "cuda/kernels.hpp"
#include "cuda/scanner.hpp"
#include "cuda/self_test.hpp"

namespace btpow::cuda::testing {
namespace {

// A difficulty whose solutions are too rare to show up in a benchmark launch.
constexpr std::uint64_t kBenchmarkDifficulty = 1000000000000000000ull;

void require_device(int ordinal) {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
        cudaGetLastError();
        count = 0;
    }
    if (ordinal < 0 || ordinal >= count)
        throw Error(
            ErrorCode::no_device, "ordinal",
            "CUDA device " + std::to_string(ordinal) + " does not exist (" + std::to_string(count) + " visible)");
}

void check(int ordinal, const Status& status) {
    if (!status.ok()) {
        const std::string label = "cuda:" + std::to_string(ordinal);
        throw Error(ErrorCode::backend_failure, label, label + ": " + describe(status));
    }
}

void check(int ordinal, cudaError_t code, const char* step) { check(ordinal, Status{code, step}); }

std::unique_ptr<DeviceScanner> open_scanner(int ordinal, std::uint32_t capacity = kCandidateCapacity,
                                            std::uint32_t recovery_capacity = kRecoveryCapacity) {
    require_device(ordinal);
    auto scanner = std::make_unique<DeviceScanner>(ordinal);
    check(ordinal, scanner->open(capacity, recovery_capacity));
    return scanner;
}

// Device memory or an event released on scope exit (the tests run many scans per process).
template <class T>
struct DeviceMemory {
    T* pointer = nullptr;
    ~DeviceMemory() {
        if (pointer != nullptr) cudaFree(pointer);
    }
};

struct Event {
    cudaEvent_t event = nullptr;
    ~Event() {
        if (event != nullptr) cudaEventDestroy(event);
    }
};

// Times what `enqueue` queues on `stream`, with CUDA events.
template <class Enqueue>
double time_on_stream(int ordinal, cudaStream_t stream, Enqueue enqueue) {
    Event started, stopped;
    check(ordinal, cudaEventCreate(&started.event), "cudaEventCreate");
    check(ordinal, cudaEventCreate(&stopped.event), "cudaEventCreate");
    check(ordinal, cudaEventRecord(started.event, stream), "cudaEventRecord");
    check(ordinal, enqueue(), "kernel launch");
    check(ordinal, cudaEventRecord(stopped.event, stream), "cudaEventRecord");
    check(ordinal, cudaEventSynchronize(stopped.event), "cudaEventSynchronize");
    float ms = 0;
    check(ordinal, cudaEventElapsedTime(&ms, started.event, stopped.event), "cudaEventElapsedTime");
    return ms / 1000.0;
}

// The cubit-style baseline's inputs in device memory: H as hex text, the threshold as cubit's
// `upper` (rule be's threshold, 32 little-endian bytes), and the solution word set to ~0.
struct BaselineInputs {
    DeviceMemory<char> hex;
    DeviceMemory<std::uint8_t> upper;
    DeviceMemory<unsigned long long> solution;
    baseline::BaselineArgs args;

    BaselineInputs(int ordinal, const Hash32& block_and_hotkey, const Difficulty& difficulty) {
        const std::string text = block_and_hotkey.hex().substr(2);  // cubit takes no 0x
        const Uint256 upper_value = threshold(difficulty, Rule::be);
        std::uint8_t bytes[32];
        for (int i = 0; i < 32; ++i) bytes[i] = static_cast<std::uint8_t>(upper_value.limbs[i / 8] >> (8 * (i % 8)));
        check(ordinal, cudaMalloc(&hex.pointer, 64), "cudaMalloc");
        check(ordinal, cudaMalloc(&upper.pointer, sizeof bytes), "cudaMalloc");
        check(ordinal, cudaMalloc(&solution.pointer, sizeof(unsigned long long)), "cudaMalloc");
        check(ordinal, cudaMemcpy(hex.pointer, text.data(), 64, cudaMemcpyHostToDevice), "cudaMemcpy");
        check(ordinal, cudaMemcpy(upper.pointer, bytes, sizeof bytes, cudaMemcpyHostToDevice), "cudaMemcpy");
        check(ordinal, cudaMemset(solution.pointer, 0xff, sizeof(unsigned long long)), "cudaMemset");
        // Those ran on the legacy default stream, which the scanner's non-blocking stream (where
        // the benchmark launches) does not wait for.
        check(ordinal, cudaDeviceSynchronize(), "cudaDeviceSynchronize");
        args.block_and_hotkey_hex = hex.pointer;
        args.upper = upper.pointer;
        args.solution = solution.pointer;
    }
};

}  // namespace

std::vector<std::uint64_t> scan_candidates(int ordinal, const core::Plan& plan, std::uint64_t start,
                                           std::uint64_t count, std::uint64_t batch, std::uint32_t capacity,
                                           std::uint32_t recovery_capacity, ScanReport* report,
                                           std::optional<Variant> variant) {
    auto scanner = open_scanner(ordinal, capacity, recovery_capacity);
    if (variant) check(ordinal, scanner->set_variant(*variant));
    if (batch == 0 || !variant) {
        if (variant)
            check(ordinal, scanner->calibrate({*variant}));
        else
            check(ordinal, scanner->calibrate());
        if (batch == 0) batch = scanner->tuned_batch();
    }
    const ScanReport before = scanner->report();
    std::vector<std::uint64_t> found;
    check(ordinal, scanner->scan_range(plan, start, count, batch, found));
    const auto offset = [&plan, start](std::uint64_t nonce) { return core::position_of(plan.kind, nonce) - start; };
    std::sort(found.begin(), found.end(), [&](std::uint64_t a, std::uint64_t b) { return offset(a) < offset(b); });
    if (report) {
        const ScanReport& after = scanner->report();
        report->launches = after.launches - before.launches;
        report->overflows = after.overflows - before.overflows;
        report->rescans = after.rescans - before.rescans;
    }
    return found;
}

std::uint64_t top_checksum(int ordinal, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                           Variant variant) {
    auto scanner = open_scanner(ordinal);
    check(ordinal, scanner->set_variant(variant));
    DeviceMemory<unsigned long long> sum;
    check(ordinal, cudaMalloc(&sum.pointer, sizeof(unsigned long long)), "cudaMalloc");
    check(ordinal, cudaMemsetAsync(sum.pointer, 0, sizeof(unsigned long long), scanner->stream()), "cudaMemsetAsync");
    check(ordinal,
          kernels::launch_top_checksum(variant, plan, start, count, sum.pointer, scanner->shape(), scanner->stream()),
          "checksum launch");
    unsigned long long result = 0;
    check(ordinal, cudaMemcpyAsync(&result, sum.pointer, sizeof result, cudaMemcpyDeviceToHost, scanner->stream()),
          "cudaMemcpyAsync");
    check(ordinal, cudaStreamSynchronize(scanner->stream()), "cudaStreamSynchronize");
    return result;
}

std::string self_test(int ordinal) {
    auto scanner = open_scanner(ordinal);
    std::string failures;
    for (const Variant variant : kVariants) {
        check(ordinal, scanner->set_variant(variant));
        if (const std::string why = run_self_test(*scanner); !why.empty())
            failures += (failures.empty() ? "rotations " : "; rotations ") + to_string(variant) + ": " + why;
    }
    return failures;
}

std::uint64_t tuned_batch(int ordinal) {
    auto scanner = open_scanner(ordinal);
    check(ordinal, scanner->calibrate());
    return scanner->tuned_batch();
}

KernelTiming time_kernel(int ordinal, Kernel kernel, std::uint64_t seals, Variant pinned) {
    auto scanner = open_scanner(ordinal);
    const cudaStream_t stream = scanner->stream();
    const Hash32 block_and_hotkey = Hash32::parse(kWorkedExampleH, "benchmark H");
    const Difficulty difficulty = Difficulty::from_u64(kBenchmarkDifficulty);
    KernelTiming timing;

    if (kernel != Kernel::cubit_single_block && kernel != Kernel::cubit_full_grid) {
        if (kernel == Kernel::production)
            check(ordinal, scanner->calibrate());
        else
            check(ordinal, scanner->set_variant(pinned));
        const Variant variant = scanner->variant();
        const core::Plan plan =
            core::make_plan(block_and_hotkey.bytes.data(), threshold(difficulty, Rule::le).top64(), true);
        const kernels::LaunchShape shape = scanner->shape();
        const std::uint64_t threads = shape.threads();
        timing.seals = std::max<std::uint64_t>(1, (seals + threads - 1) / threads) * threads;
        DeviceMemory<unsigned long long> candidates;
        check(ordinal, cudaMalloc(&candidates.pointer, (1 + kCandidateCapacity) * sizeof(unsigned long long)),
              "cudaMalloc");
        check(ordinal, cudaMemsetAsync(candidates.pointer, 0, sizeof(unsigned long long), stream), "cudaMemsetAsync");
        kernels::CandidateBuffer buffer;
        buffer.found = candidates.pointer;
        buffer.nonces = reinterpret_cast<std::uint64_t*>(candidates.pointer + 1);
        buffer.capacity = kCandidateCapacity;
        auto enqueue = [&](std::uint64_t count) {
            return [&plan, &buffer, variant, shape, stream, count] {
                return kernels::launch_seal_scan(variant, plan, 0, count, buffer, shape, stream);
            };
        };
        time_on_stream(ordinal, stream, enqueue(threads));
        timing.seconds = time_on_stream(ordinal, stream, enqueue(timing.seals));
        return timing;
    }

    unsigned blocks = 1;
    if (kernel == Kernel::cubit_full_grid) {
        int per_sm = 0, multiprocessors = 0;
        check(ordinal, baseline::cubit_style_blocks_per_sm(per_sm, baseline::kCubitThreadsPerBlock),
              "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
        check(ordinal, cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, ordinal),
              "cudaDeviceGetAttribute");
        blocks = static_cast<unsigned>(std::max(1, per_sm * multiprocessors));
    }
    const std::uint64_t threads = std::uint64_t(blocks) * baseline::kCubitThreadsPerBlock;
    const std::uint64_t interval = std::max<std::uint64_t>(1, (seals + threads - 1) / threads);
    timing.seals = interval * threads;
    const BaselineInputs inputs(ordinal, block_and_hotkey, difficulty);
    const baseline::BaselineArgs& args = inputs.args;
    auto enqueue = [&](std::uint64_t per_thread) {
        return [&args, blocks, stream, per_thread] {
            return baseline::launch_cubit_style(args, 0, per_thread, blocks, baseline::kCubitThreadsPerBlock, stream);
        };
    };
    time_on_stream(ordinal, stream, enqueue(1));
    timing.seconds = time_on_stream(ordinal, stream, enqueue(interval));
    return timing;
}

std::uint64_t baseline_first_hit(int ordinal, const Hash32& block_and_hotkey, std::uint64_t difficulty,
                                 std::uint64_t count) {
    require_device(ordinal);
    check(ordinal, cudaSetDevice(ordinal), "cudaSetDevice");
    const BaselineInputs inputs(ordinal, block_and_hotkey, Difficulty::from_u64(difficulty));
    const std::uint64_t interval =
        std::max<std::uint64_t>(1, (count + baseline::kCubitThreadsPerBlock - 1) / baseline::kCubitThreadsPerBlock);
    check(ordinal, baseline::launch_cubit_style(inputs.args, 0, interval, 1, baseline::kCubitThreadsPerBlock, nullptr),
          "baseline launch");
    unsigned long long first = 0;
    check(ordinal, cudaMemcpy(&first, inputs.solution.pointer, sizeof first, cudaMemcpyDeviceToHost), "cudaMemcpy");
    return first;
}

}  // namespace btpow::cuda::testing
