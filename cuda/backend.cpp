// The CUDA backend's face to the engine (cuda.hpp): device listing, the start-up checks, and one
// Worker per device that keeps its GPU busy with double-buffered batches.
#include "cuda/cuda.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cuda_runtime_api.h>

#include "cuda/scanner.hpp"
#include "cuda/self_test.hpp"

namespace btpow::cuda {
namespace {

std::string cuda_error_text(cudaError_t code) {
    return std::string(cudaGetErrorName(code)) + ": " + cudaGetErrorString(code);
}

void log_to(const LogCallback& log, LogLevel level, const std::string& message) {
    if (log) log(level, message);
}

// The kernel variants a device may use: the one BTPOW_CUDA_ROTATIONS names, else all of them.
std::vector<Variant> allowed_variants() {
    const char* text = std::getenv(kRotationsVariable);
    if (text == nullptr || *text == '\0') return {std::begin(kVariants), std::end(kVariants)};
    if (const std::optional<Variant> v = parse_variant(text)) return {*v};
    throw Error(ErrorCode::bad_option, kRotationsVariable,
                std::string(kRotationsVariable) + " is \"" + text + "\"; expected " + variant_names() + " (or unset)");
}

std::string format_rate(double seals_per_second) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g G/s", seals_per_second / 1e9);
    return text;
}

class CudaWorker final : public detail::Worker {
public:
    explicit CudaWorker(std::unique_ptr<DeviceScanner> scanner) : scanner_(std::move(scanner)) {
        candidates_.reserve(kCandidateCapacity);
    }

    std::string id() const override { return "cuda:" + std::to_string(scanner_->ordinal()); }
    std::string backend() const override { return "cuda"; }
    std::string device() const override { return scanner_->name(); }

    void run(detail::WorkSource& source) override {
        try {
            run_batches(source);
        } catch (const std::exception& e) {
            source.fail(e.what());
        } catch (...) {
            source.fail("unknown failure");
        }
    }

private:
    // Batch N + 1 is queued before batch N is read back, so the GPU never waits for the host.
    // Each batch keeps its own Assignment: a job switch between them needs no special case.
    void run_batches(detail::WorkSource& source) {
        if (const Status s = scanner_->activate(); !s.ok()) return source.fail(describe(s));
        detail::Assignment assigned[DeviceScanner::kSlots];
        int in_flight = -1;
        std::uint64_t next_batch = scanner_->tuned_batch();
        for (;;) {
            // next() may block (no job, paused): a finished or superseded batch is reported first
            // instead of holding its candidates until work resumes. Waiting for a superseded batch
            // costs the new job nothing: the stream is in order, so the new job's kernel could
            // not start before the old one ends anyway.
            if (in_flight >= 0 && (scanner_->finished(in_flight) || source.superseded(assigned[in_flight]))) {
                if (!finish(source, assigned[in_flight], in_flight)) return;
                in_flight = -1;
            }
            const int slot = in_flight == 0 ? 1 : 0;
            detail::Assignment& a = assigned[slot];
            if (!source.next(next_batch, a)) break;
            if (const Status s = scanner_->launch(slot, Batch{a.plan, a.start, a.count}); !s.ok())
                return source.fail(describe(s));
            if (in_flight >= 0 && !finish(source, assigned[in_flight], in_flight)) return;
            in_flight = slot;
            next_batch = scanner_->batch_for(a.plan);
        }
        if (in_flight >= 0) finish(source, assigned[in_flight], in_flight);
    }

    // Reads back one batch and reports it; false after a failure (already passed to fail()).
    bool finish(detail::WorkSource& source, const detail::Assignment& a, int slot) {
        candidates_.clear();
        const std::uint64_t overflows_before = scanner_->report().overflows;
        float kernel_ms = 0;
        if (const Status s = scanner_->collect(slot, Batch{a.plan, a.start, a.count}, candidates_, kernel_ms);
            !s.ok()) {
            source.fail(describe(s));
            return false;
        }
        if (scanner_->report().overflows != overflows_before && !overflow_logged_) {
            overflow_logged_ = true;
            source.log(LogLevel::warning,
                       id() + ": " + std::to_string(candidates_.size()) + " candidates in one batch overflowed its " +
                           std::to_string(kCandidateCapacity) +
                           "-slot buffer; the batch was rescanned (no candidate lost) and later batches of this job "
                           "are sized to fit");
        }
        scanner_->retune(a.count, kernel_ms);
        source.report(a, a.count, candidates_.data(), candidates_.size());
        return true;
    }

    std::unique_ptr<DeviceScanner> scanner_;
    std::vector<std::uint64_t> candidates_;
    bool overflow_logged_ = false;
};

}  // namespace

bool compiled() { return true; }

std::vector<CudaDeviceInfo> devices(std::string* error) {
    try {
        int count = 0;
        if (const cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess) {
            cudaGetLastError();
            if (error) {
                *error = "cudaGetDeviceCount failed: " + cuda_error_text(e);
                // The runtime says this both when no driver is installed and when it is too old.
                if (e == cudaErrorInsufficientDriver)
                    *error += " (no NVIDIA driver is loaded, or it is older than this build's CUDA " +
                              std::to_string(CUDART_VERSION / 1000) + " runtime needs)";
            }
            return {};
        }
        if (count == 0) {
            if (error) *error = "no CUDA device is visible";
            return {};
        }
        std::vector<CudaDeviceInfo> list;
        for (int ordinal = 0; ordinal < count; ++ordinal) {
            cudaDeviceProp props{};
            if (const cudaError_t e = cudaGetDeviceProperties(&props, ordinal); e != cudaSuccess) {
                cudaGetLastError();
                if (error)
                    *error = "cudaGetDeviceProperties(" + std::to_string(ordinal) + ") failed: " + cuda_error_text(e);
                continue;
            }
            CudaDeviceInfo info;
            info.ordinal = ordinal;
            info.name = props.name;
            info.compute_major = props.major;
            info.compute_minor = props.minor;
            info.multiprocessors = props.multiProcessorCount;
            info.memory_bytes = props.totalGlobalMem;
            int clock_khz = 0, watchdog = 0;
            if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, ordinal) != cudaSuccess) cudaGetLastError();
            if (cudaDeviceGetAttribute(&watchdog, cudaDevAttrKernelExecTimeout, ordinal) != cudaSuccess)
                cudaGetLastError();
            info.clock_khz = clock_khz;
            info.watchdog = watchdog != 0;
            list.push_back(std::move(info));
        }
        return list;
    } catch (const std::exception& e) {
        if (error) *error = std::string("listing CUDA devices failed: ") + e.what();
        return {};
    }
}

detail::WorkerList make_workers(const std::vector<int>& ordinals, const LogCallback& log, unsigned batch_ms) {
    const std::vector<Variant> variants = allowed_variants();  // a bad setting fails first
    std::string listing_error;
    const std::vector<CudaDeviceInfo> visible = devices(&listing_error);
    if (visible.empty()) throw Error(ErrorCode::no_device, "backend", "no CUDA device: " + listing_error);

    std::vector<int> wanted = ordinals;
    if (wanted.empty())
        for (const CudaDeviceInfo& d : visible) wanted.push_back(d.ordinal);
    int device_count = 0;
    if (cudaGetDeviceCount(&device_count) != cudaSuccess) cudaGetLastError();
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        const int ordinal = wanted[i];
        if (ordinal < 0 || ordinal >= device_count)
            throw Error(ErrorCode::no_device, "--devices",
                        "CUDA device " + std::to_string(ordinal) + " does not exist: this machine has " +
                            std::to_string(device_count) + " CUDA device(s), ordinals 0.." +
                            std::to_string(device_count - 1));
        if (std::find(wanted.begin(), wanted.begin() + static_cast<std::ptrdiff_t>(i), ordinal) !=
            wanted.begin() + static_cast<std::ptrdiff_t>(i))
            throw Error(ErrorCode::bad_option, "--devices",
                        "CUDA device " + std::to_string(ordinal) + " is listed twice");
    }

    detail::WorkerList workers;
    for (const int ordinal : wanted) {
        auto scanner = std::make_unique<DeviceScanner>(ordinal);
        const std::string label = "cuda:" + std::to_string(ordinal);
        if (const Status s = scanner->open(); !s.ok()) {
            log_to(log, LogLevel::error, label + " refused: " + describe(s));
            continue;
        }
        const std::string tag = label + " (" + scanner->name() + ")";
        // Every variant proves itself on the spec's vectors; one that fails is not used.
        std::vector<Variant> passed;
        std::string failures;
        for (const Variant variant : variants) {
            std::string why;
            if (const Status s = scanner->set_variant(variant); !s.ok()) why = describe(s);
            if (why.empty()) why = run_self_test(*scanner);
            if (why.empty()) {
                passed.push_back(variant);
                continue;
            }
            const std::string entry = "rotations " + to_string(variant) + ": " + why;
            failures += (failures.empty() ? "" : "; ") + entry;
            log_to(log, LogLevel::error, tag + ": self-test failed, variant not used: " + entry);
        }
        if (passed.empty()) {
            log_to(log, LogLevel::error, tag + " refused: self-test failed: " + failures);
            continue;
        }
        if (batch_ms > 0) scanner->set_target_seconds(batch_ms / 1000.0);
        if (const Status s = scanner->calibrate(passed); !s.ok()) {
            log_to(log, LogLevel::error, tag + " refused: calibration failed: " + describe(s));
            continue;
        }
        std::string timings;
        for (const DeviceScanner::VariantRate& v : scanner->variant_rates())
            timings +=
                std::string(timings.empty() ? "" : ", ") + to_string(v.variant) + " " + format_rate(v.seals_per_second);
        const kernels::LaunchShape shape = scanner->shape();
        log_to(log, LogLevel::info,
               tag + ": self-test passed; rotations " + to_string(scanner->variant()) + " (" + timings + "); grid " +
                   std::to_string(shape.blocks) + " x " + std::to_string(shape.threads_per_block) + " threads, " +
                   std::to_string(scanner->tuned_batch()) + " nonces per batch (target " +
                   std::to_string(int(scanner->target_seconds() * 1000)) + " ms per batch)");
        workers.push_back(std::make_unique<CudaWorker>(std::move(scanner)));
    }
    if (workers.empty())
        throw Error(ErrorCode::no_device, "--devices",
                    "no usable CUDA device: every requested device was refused (see the log for why)");
    return workers;
}

}  // namespace btpow::cuda
