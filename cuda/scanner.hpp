// One device's scanning machinery (internal to cuda/): stream, double-buffered candidate buffers
// with pinned mirrors, timing events, the overflow recovery, and the batch-size tuning
// (batch_tuning.hpp) applied to measured kernel times. Workers, the self-test and the test hooks
// all scan through this one class.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <cuda_runtime_api.h>

#include "btpow/core/plan.hpp"
#include "cuda/batch_tuning.hpp"
#include "cuda/kernels.hpp"
#include "cuda/variants.hpp"

namespace btpow::cuda {

// A CUDA call that failed: which step and the error. Cheap to pass around; text only on demand.
struct Status {
    cudaError_t code = cudaSuccess;
    const char* step = "";
    bool ok() const { return code == cudaSuccess; }
};

// "<step> failed: <error name>: <error text>".
std::string describe(const Status& status);

// A batch of nonces on one slot: [start, start + count) under plan.
struct Batch {
    core::Plan plan{};
    std::uint64_t start = 0;
    std::uint64_t count = 0;
};

class DeviceScanner {
public:
    static constexpr int kSlots = 2;  // one batch computing while the previous one is read back

    explicit DeviceScanner(int ordinal) : ordinal_(ordinal) {}
    ~DeviceScanner();
    DeviceScanner(const DeviceScanner&) = delete;
    DeviceScanner& operator=(const DeviceScanner&) = delete;

    // Makes the device current on this thread and allocates everything; capacity: candidate slots
    // per batch; recovery_capacity: slots of the overflow rescans.
    Status open(std::uint32_t capacity = kCandidateCapacity, std::uint32_t recovery_capacity = kRecoveryCapacity);
    // Makes the device current on the calling thread (each worker thread calls it first).
    Status activate() const;

    // Queues one batch on `slot` (which must not be in flight): reset the counter, scan, copy the
    // counter and candidates back, and record the slot's events.
    Status launch(int slot, const Batch& batch);
    // True once the slot's batch is done (or failed: collect() then reports the error).
    bool finished(int slot) const;
    // Waits for the slot's batch and appends every candidate of it to `out` (rescanning the batch
    // when more were found than the slot holds). kernel_ms: the batch's GPU time.
    Status collect(int slot, const Batch& batch, std::vector<std::uint64_t>& out, float& kernel_ms);

    // Scans a whole range synchronously, in batches of `batch_nonces`, double-buffered like a
    // worker; appends every candidate to `out` in no particular order.
    Status scan_range(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t batch_nonces,
                      std::vector<std::uint64_t>& out);

    // The kernel variant this scanner launches (the first of kVariants until told otherwise), and
    // the launch shape that goes with it.
    Status set_variant(Variant variant);
    Variant variant() const { return variant_; }
    // Times a short scan with each of `variants` (none: every variant), keeps the fastest, and
    // sets the batch size toward the target kernel time.
    Status calibrate(const std::vector<Variant>& variants = {});
    // What the last calibrate() measured: each variant's rate, in the order tried.
    struct VariantRate {
        Variant variant{};
        double seals_per_second = 0;
    };
    const std::vector<VariantRate>& variant_rates() const { return variant_rates_; }
    // Moves the batch size toward the target time after a batch of `count` nonces took `kernel_ms`
    // (retuned_batch).
    void retune(std::uint64_t count, float kernel_ms);
    // The nonces to ask for next: the tuned size, capped so that a job this easy (plan's
    // threshold) is expected to fill at most half a candidate buffer (batch_for_threshold).
    std::uint64_t batch_for(const core::Plan& plan) const;

    int ordinal() const { return ordinal_; }
    const std::string& name() const { return name_; }
    kernels::LaunchShape shape() const { return shape_; }
    std::uint64_t tuned_batch() const { return batch_; }
    double target_seconds() const { return target_seconds_; }
    // Replaces the default target kernel time per batch (open() sets 50 ms, or 15 ms under a
    // display watchdog); calibrate() and retune() aim for it.
    void set_target_seconds(double seconds) { target_seconds_ = seconds; }
    cudaStream_t stream() const { return stream_; }
    const ScanReport& report() const { return report_; }

private:
    struct Slot {
        unsigned long long* device = nullptr;  // [0]: candidates found, [1..capacity]: nonces
        unsigned long long* host = nullptr;    // pinned mirror
        cudaEvent_t started = nullptr;
        cudaEvent_t done = nullptr;
    };

    Status recover(const core::Plan& plan, std::uint64_t start, std::uint64_t count, std::uint64_t known_found,
                   std::vector<std::uint64_t>& out);
    kernels::CandidateBuffer buffer_of(unsigned long long* memory, std::uint32_t capacity) const;
    // Times one calibration scan of the current variant: kernel milliseconds of the second of
    // two launches (the first pays for loading the module).
    Status time_calibration_scan(const Batch& batch, float& kernel_ms);
    void release();

    int ordinal_;
    std::string name_;
    int multiprocessors_ = 0;
    Variant variant_ = kVariants[0];
    std::vector<VariantRate> variant_rates_;
    bool opened_ = false;
    kernels::LaunchShape shape_{};
    std::uint32_t capacity_ = 0;
    std::uint32_t recovery_capacity_ = 0;
    double target_seconds_ = 0;
    std::uint64_t batch_ = 0;
    cudaStream_t stream_ = nullptr;
    Slot slots_[kSlots];
    unsigned long long* recovery_ = nullptr;  // device: [0] found, [1..recovery_capacity] nonces
    ScanReport report_{};
};

}  // namespace btpow::cuda
