// Backend selection (lib/backend_selection.hpp).
#include "lib/backend_selection.hpp"

#include "cuda/cuda.hpp"
#include "lib/cpu/cpu.hpp"

namespace btpow::detail {
namespace {

constexpr unsigned kMaxCudaBatchMs = 1000;  // DeviceOptions::cuda_batch_ms
// DeviceOptions::cpu_threads: the CLI's --threads range, for every surface (a larger count is a
// typo, and a thread each would exhaust the process's limits).
constexpr unsigned kMaxCpuThreads = 4096;

void warn(const LogCallback& log, const std::string& message) {
    if (log) log(LogLevel::warning, message);
}

}  // namespace

WorkerList select_workers(const DeviceOptions& options, const LogCallback& log) {
    if (options.cuda_batch_ms > kMaxCudaBatchMs)
        throw Error(ErrorCode::bad_option, "cuda_batch_ms",
                    "cuda_batch_ms: expected 1.." + std::to_string(kMaxCudaBatchMs) +
                        " milliseconds of GPU time per batch (0: the default), got " +
                        std::to_string(options.cuda_batch_ms));
    if (options.cpu_threads > kMaxCpuThreads)
        throw Error(ErrorCode::bad_option, "cpu_threads",
                    "cpu_threads: expected 1.." + std::to_string(kMaxCpuThreads) +
                        " threads (0: every hardware thread), got " + std::to_string(options.cpu_threads));
    WorkerList workers;
    std::string why;  // why no CUDA device was usable, for the error below
    auto add_cpu = [&] {
        const std::string isa = cpu::resolve_isa(options.cpu_isa, "cpu_isa");
        for (auto& w : cpu::make_workers(options.cpu_threads, isa)) workers.push_back(std::move(w));
    };
    auto add_cuda = [&] {
        for (auto& w : cuda::make_workers(options.cuda_devices, log, options.cuda_batch_ms))
            workers.push_back(std::move(w));
    };
    switch (options.backend) {
        case Backend::cpu: add_cpu(); break;
        case Backend::cuda: add_cuda(); break;
        case Backend::all:
        case Backend::auto_select: {
            const bool have_gpu = !cuda::devices(&why).empty();  // without CUDA: why = "built without CUDA"
            if (have_gpu) {
                try {
                    add_cuda();
                } catch (const Error& e) {
                    why = e.what();
                    warn(log, "no usable CUDA device: " + why);
                }
            } else if (options.backend == Backend::all) {
                warn(log, "no CUDA device: " + why);
            }
            if (options.backend == Backend::all || workers.empty()) add_cpu();
            break;
        }
    }
    if (workers.empty())
        throw Error(ErrorCode::no_device, "backend",
                    "backend " + std::string(to_string(options.backend)) + ": no usable device" +
                        (why.empty() ? "" : " (" + why + ")"));
    return workers;
}

}  // namespace btpow::detail
