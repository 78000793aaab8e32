// One device's scanning machinery: double-buffered batches on one stream, every candidate
// recovered even when a batch finds more than its buffer holds, and batch sizes tuned toward a
// target kernel time.
#include "cuda/scanner.hpp"

#include <algorithm>

#include <cuda_runtime.h>

namespace btpow::cuda {
namespace {

// Each variant is timed in each pass.
constexpr int kCalibrationPasses = 2;

Status check(cudaError_t code, const char* step) { return Status{code, step}; }

}  // namespace

std::string describe(const Status& status) {
    return std::string(status.step) + " failed: " + cudaGetErrorName(status.code) + ": " +
           cudaGetErrorString(status.code);
}

DeviceScanner::~DeviceScanner() { release(); }

void DeviceScanner::release() {
    if (stream_ == nullptr && recovery_ == nullptr && slots_[0].device == nullptr && slots_[1].device == nullptr &&
        slots_[0].host == nullptr && slots_[1].host == nullptr)
        return;
    // Errors are ignored here: a failed device still has its memory released as far as possible.
    cudaSetDevice(ordinal_);
    if (stream_ != nullptr) cudaStreamSynchronize(stream_);
    for (Slot& slot : slots_) {
        if (slot.device != nullptr) cudaFree(slot.device);
        if (slot.host != nullptr) cudaFreeHost(slot.host);
        if (slot.started != nullptr) cudaEventDestroy(slot.started);
        if (slot.done != nullptr) cudaEventDestroy(slot.done);
        slot = Slot{};
    }
    if (recovery_ != nullptr) cudaFree(recovery_);
    recovery_ = nullptr;
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
    stream_ = nullptr;
    cudaGetLastError();
    opened_ = false;
}

Status DeviceScanner::activate() const { return check(cudaSetDevice(ordinal_), "cudaSetDevice"); }

Status DeviceScanner::open(std::uint32_t capacity, std::uint32_t recovery_capacity) {
    release();
    capacity_ = std::max<std::uint32_t>(1, capacity);
    recovery_capacity_ = std::max<std::uint32_t>(1, recovery_capacity);
    if (Status s = activate(); !s.ok()) return s;

    cudaDeviceProp props{};
    if (Status s = check(cudaGetDeviceProperties(&props, ordinal_), "cudaGetDeviceProperties"); !s.ok()) return s;
    name_ = props.name;
    int watchdog = 0;
    if (Status s = check(cudaDeviceGetAttribute(&watchdog, cudaDevAttrKernelExecTimeout, ordinal_),
                         "cudaDeviceGetAttribute(KernelExecTimeout)");
        !s.ok())
        return s;
    target_seconds_ = target_batch_seconds(watchdog != 0);

    multiprocessors_ = std::max(1, props.multiProcessorCount);
    if (Status s = set_variant(variant_); !s.ok()) return s;

    if (Status s = check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        !s.ok())
        return s;
    const std::size_t slot_bytes = (std::size_t(1) + capacity_) * sizeof(unsigned long long);
    for (Slot& slot : slots_) {
        if (Status s = check(cudaMalloc(&slot.device, slot_bytes), "cudaMalloc"); !s.ok()) return s;
        // The read-back copies the whole slot: no byte of it may be uninitialised. On this
        // scanner's stream: a plain cudaMemset runs on the legacy default stream, which a
        // non-blocking stream does not wait for, and could then erase a first batch's candidates.
        if (Status s = check(cudaMemsetAsync(slot.device, 0, slot_bytes, stream_), "cudaMemsetAsync"); !s.ok())
            return s;
        if (Status s = check(cudaMallocHost(&slot.host, slot_bytes), "cudaMallocHost"); !s.ok()) return s;
        if (Status s = check(cudaEventCreate(&slot.started), "cudaEventCreate"); !s.ok()) return s;
        // Blocking sync: a worker waiting for its batch sleeps instead of spinning on a core that
        // CPU workers may be using.
        if (Status s = check(cudaEventCreateWithFlags(&slot.done, cudaEventBlockingSync), "cudaEventCreateWithFlags");
            !s.ok())
            return s;
    }
    const std::size_t recovery_bytes = (std::size_t(1) + recovery_capacity_) * sizeof(unsigned long long);
    if (Status s = check(cudaMalloc(&recovery_, recovery_bytes), "cudaMalloc(recovery)"); !s.ok()) return s;

    if (Status s = check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize"); !s.ok()) return s;
    batch_ = shape_.threads() * kCalibrationNoncesPerThread;
    opened_ = true;
    return {};
}

// The block size is the one of kBlockSizes that keeps the most threads resident per SM: with
// registers for, say, 3.5 blocks of 256 threads, 7 blocks of 128 hold a sixth more warps.
Status DeviceScanner::set_variant(Variant variant) {
    static constexpr unsigned kBlockSizes[] = {kernels::kThreadsPerBlock, kernels::kThreadsPerBlock / 2};
    unsigned best_threads = 0, best_blocks = 0;
    for (const unsigned threads : kBlockSizes) {
        int blocks_per_sm = 0;
        if (Status s = check(kernels::seal_scan_blocks_per_sm(variant, threads, blocks_per_sm),
                             "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
            !s.ok())
            return s;
        if (unsigned(blocks_per_sm) * threads > best_blocks * best_threads) {
            best_threads = threads;
            best_blocks = unsigned(blocks_per_sm);
        }
    }
    variant_ = variant;
    shape_.blocks = static_cast<unsigned>(multiprocessors_) * best_blocks;
    shape_.threads_per_block = best_threads;
    return {};
}

kernels::CandidateBuffer DeviceScanner::buffer_of(unsigned long long* memory, std::uint32_t capacity) const {
    kernels::CandidateBuffer buffer;
    buffer.found = memory;
    buffer.nonces = reinterpret_cast<std::uint64_t*>(memory + 1);
    buffer.capacity = capacity;
    return buffer;
}

Status DeviceScanner::launch(int slot_index, const Batch& batch) {
    Slot& slot = slots_[slot_index];
    ++report_.launches;
    if (Status s = check(cudaEventRecord(slot.started, stream_), "cudaEventRecord"); !s.ok()) return s;
    if (Status s = check(cudaMemsetAsync(slot.device, 0, sizeof(unsigned long long), stream_), "cudaMemsetAsync");
        !s.ok())
        return s;
    if (Status s = check(kernels::launch_seal_scan(variant_, batch.plan, batch.start, batch.count,
                                                   buffer_of(slot.device, capacity_), shape_, stream_),
                         "seal scan launch");
        !s.ok())
        return s;
    const std::size_t slot_bytes = (std::size_t(1) + capacity_) * sizeof(unsigned long long);
    if (Status s = check(cudaMemcpyAsync(slot.host, slot.device, slot_bytes, cudaMemcpyDeviceToHost, stream_),
                         "cudaMemcpyAsync");
        !s.ok())
        return s;
    return check(cudaEventRecord(slot.done, stream_), "cudaEventRecord");
}

bool DeviceScanner::finished(int slot_index) const {
    const cudaError_t state = cudaEventQuery(slots_[slot_index].done);
    if (state == cudaErrorNotReady) {
        cudaGetLastError();  // "not ready" is an answer, not an error to report later
        return false;
    }
    return true;
}

Status DeviceScanner::collect(int slot_index, const Batch& batch, std::vector<std::uint64_t>& out, float& kernel_ms) {
    Slot& slot = slots_[slot_index];
    kernel_ms = 0;
    if (Status s = check(cudaEventSynchronize(slot.done), "cudaEventSynchronize"); !s.ok()) return s;
    if (Status s = check(cudaEventElapsedTime(&kernel_ms, slot.started, slot.done), "cudaEventElapsedTime"); !s.ok())
        return s;
    const unsigned long long found = slot.host[0];
    if (found <= capacity_) {
        out.insert(out.end(), slot.host + 1, slot.host + 1 + found);
        return {};
    }
    ++report_.overflows;
    return recover(batch.plan, batch.start, batch.count, found, out);
}

// Completeness: the counter counts every candidate, so an overflowing batch is rescanned into
// the large recovery buffer, and a range with more candidates than even that holds is split until
// each piece fits. A piece of at most recovery_capacity_ nonces cannot overflow, so this ends.
Status DeviceScanner::recover(const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                              std::uint64_t known_found, std::vector<std::uint64_t>& out) {
    if (known_found <= recovery_capacity_) {  // 0: not known yet
        ++report_.rescans;
        if (Status s = check(cudaMemsetAsync(recovery_, 0, sizeof(unsigned long long), stream_), "cudaMemsetAsync");
            !s.ok())
            return s;
        if (Status s = check(kernels::launch_seal_scan(variant_, plan, start, count,
                                                       buffer_of(recovery_, recovery_capacity_), shape_, stream_),
                             "seal scan launch (recovery)");
            !s.ok())
            return s;
        unsigned long long found = 0;
        if (Status s = check(cudaMemcpyAsync(&found, recovery_, sizeof found, cudaMemcpyDeviceToHost, stream_),
                             "cudaMemcpyAsync");
            !s.ok())
            return s;
        if (Status s = check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize"); !s.ok()) return s;
        if (found <= recovery_capacity_) {
            const std::size_t old_size = out.size();
            out.resize(old_size + found);
            if (found == 0) return {};
            if (Status s = check(cudaMemcpyAsync(out.data() + old_size, recovery_ + 1, found * sizeof(std::uint64_t),
                                                 cudaMemcpyDeviceToHost, stream_),
                                 "cudaMemcpyAsync");
                !s.ok())
                return s;
            return check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
        }
        known_found = found;
    }
    // Pieces expected to fill at most half the recovery buffer each.
    const std::uint64_t pieces =
        std::max<std::uint64_t>(2, (2 * known_found + recovery_capacity_ - 1) / recovery_capacity_);
    const std::uint64_t piece = (count + pieces - 1) / pieces;
    for (std::uint64_t done = 0; done < count; done += piece)
        if (Status s = recover(plan, start + done, std::min(piece, count - done), 0, out); !s.ok()) return s;
    return {};
}

Status DeviceScanner::scan_range(const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                 std::uint64_t batch_nonces, std::vector<std::uint64_t>& out) {
    batch_nonces = std::max<std::uint64_t>(1, batch_nonces);
    Batch batches[kSlots];
    int in_flight = -1;
    int slot = 0;
    float kernel_ms = 0;
    for (std::uint64_t done = 0; done < count;) {
        Batch& batch = batches[slot];
        batch.plan = plan;
        batch.start = start + done;  // mod 2^64
        batch.count = std::min(batch_nonces, count - done);
        done += batch.count;
        if (Status s = launch(slot, batch); !s.ok()) return s;
        if (in_flight >= 0)
            if (Status s = collect(in_flight, batches[in_flight], out, kernel_ms); !s.ok()) return s;
        in_flight = slot;
        slot = 1 - slot;
    }
    if (in_flight >= 0) return collect(in_flight, batches[in_flight], out, kernel_ms);
    return {};
}

Status DeviceScanner::time_calibration_scan(const Batch& batch, float& kernel_ms) {
    std::vector<std::uint64_t> candidates;
    for (int round = 0; round < 2; ++round) {
        if (Status s = launch(0, batch); !s.ok()) return s;
        if (Status s = collect(0, batch, candidates, kernel_ms); !s.ok()) return s;
    }
    return {};
}

Status DeviceScanner::calibrate(const std::vector<Variant>& variants) {
    const std::vector<Variant> tried =
        variants.empty() ? std::vector<Variant>(std::begin(kVariants), std::end(kVariants)) : variants;
    // A job with threshold 0: practically no candidates, the same work per nonce as any job.
    const std::uint8_t zero_hash[32] = {};
    Batch batch;
    batch.plan = core::make_plan(zero_hash, 0, true);
    // Two passes over the variants, each keeping its best time, so that none is judged while
    // the GPU's clock is still rising.
    variant_rates_.assign(tried.size(), VariantRate{});
    Variant best = tried.front();
    double best_rate = -1;
    std::uint64_t best_count = 0;
    float best_ms = 0;
    for (int pass = 0; pass < kCalibrationPasses; ++pass) {
        for (std::size_t i = 0; i < tried.size(); ++i) {
            if (Status s = set_variant(tried[i]); !s.ok()) return s;
            batch.count = shape_.threads() * kCalibrationNoncesPerThread;
            float kernel_ms = 0;
            if (Status s = time_calibration_scan(batch, kernel_ms); !s.ok()) return s;
            const double rate = kernel_ms > 0 ? double(batch.count) / (double(kernel_ms) / 1000.0) : 0.0;
            variant_rates_[i].variant = tried[i];
            variant_rates_[i].seals_per_second = std::max(variant_rates_[i].seals_per_second, rate);
            if (rate > best_rate) {
                best = tried[i];
                best_rate = rate;
                best_count = batch.count;
                best_ms = kernel_ms;
            }
        }
    }
    if (Status s = set_variant(best); !s.ok()) return s;
    batch_ = 0;
    retune(best_count, best_ms);
    if (batch_ == 0) batch_ = best_count;
    return {};
}

void DeviceScanner::retune(std::uint64_t count, float kernel_ms) {
    batch_ = retuned_batch(batch_, count, kernel_ms, target_seconds_, shape_.threads());
}

std::uint64_t DeviceScanner::batch_for(const core::Plan& plan) const {
    return batch_for_threshold(batch_, plan.threshold_top, capacity_);
}

}  // namespace btpow::cuda
