// The solver engine: one job at a time, replaced in place when a block arrives; CPU threads and
// CUDA devices pull disjoint nonce chunks from one counter per job; every candidate any backend
// reports is re-checked by the reference implementation before it becomes a Solution.
//
// Thread-safety: every member function of Solver may be called from any thread, concurrently.
// Callbacks (on_solution, on_log) run on a worker thread of the solver; they must return
// quickly, must not throw, and must not call stop() or destroy the Solver.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "types.hpp"

namespace btpow {

enum class Backend {
    auto_select,  // every usable CUDA device if there is one, else the CPU
    cpu,
    cuda,  // CUDA devices only; Error(no_device) when there is none
    all,   // CUDA devices and CPU threads together
};
std::string_view to_string(Backend backend);
Backend parse_backend(std::string_view text, std::string_view field = "backend");

enum class LogLevel { info, warning, error };
using LogCallback = std::function<void(LogLevel, std::string_view)>;
using SolutionCallback = std::function<void(const Solution&)>;

// Which devices do the work, and how: the fields that SolverOptions and ScanOptions share.
struct DeviceOptions {
    Backend backend = Backend::auto_select;
    unsigned cpu_threads = 0;       // 0: every hardware thread
    std::string cpu_isa;            // "", "auto" or a path name ("scalar", "avx2", ...);
                                    // the environment variable BTPOW_CPU_ISA overrides ""
    std::vector<int> cuda_devices;  // 0-based CUDA ordinals; empty: every visible device; each
                                    // times its kernel variants at start and keeps the fastest
                                    // (the environment variable BTPOW_CUDA_ROTATIONS pins one;
                                    // `btpow devices` lists their names)
    unsigned cuda_batch_ms = 0;     // GPU time each CUDA batch aims for, 1..1000 ms; 0: 50 ms
                                    // (15 ms on a device with a display watchdog). Shorter: a new
                                    // job reaches the GPU sooner; longer: fewer launches
    LogCallback on_log;             // optional; the library never prints
};

struct SolverOptions : DeviceOptions {
    std::optional<std::uint64_t> nonce_start;  // first nonce of each job; empty: random per job
    SolutionCallback on_solution;              // optional, besides wait_for()
};

// Counters are exact: hashes are nonces actually hashed. Rates are seals per second.
struct DeviceStats {
    std::string id;        // "cpu", "cuda:0", ...
    std::string backend;   // "cpu" or "cuda"
    std::string device;    // a readable name: CPU model and ISA path, or the GPU's name
    unsigned threads = 0;  // CPU threads (0 for a GPU)
    std::uint64_t hashes = 0;
    std::uint64_t candidates = 0;
    std::uint64_t solutions = 0;
    std::uint64_t compute_errors = 0;  // candidates the reference refuted
    double rate_10s = 0, rate_60s = 0, rate_total = 0;
    bool failed = false;  // dropped after a failure; see failure
    std::string failure;
};

struct Stats {
    std::vector<DeviceStats> devices;
    DeviceStats total;             // id "total": sums over devices
    double seconds = 0;            // since the solver started
    std::uint64_t job_id = 0;      // current job (0: none yet)
    std::uint64_t job_hashes = 0;  // hashed for the current job so far
    double job_seconds = 0;        // since the current job was submitted
};

class Solver {
public:
    // Starts the workers (idle until the first submit). Throws Error(no_device) when the chosen
    // backend has no usable device, Error(bad_option) for a bad option.
    explicit Solver(SolverOptions options = {});
    ~Solver();  // stop()
    Solver(const Solver&) = delete;
    Solver& operator=(const Solver&) = delete;

    // Starts work on job, replacing the current one at once (workers finish at most their
    // current chunk of the old job). Returns the job's id, counting from 1.
    std::uint64_t submit(const Job& job);
    // Stops hashing until the next submit (workers stay up).
    void pause();

    // The next solution not yet returned by wait_for, or nothing after timeout. Solutions of a
    // replaced job are still returned, labelled with their own job.
    std::optional<Solution> wait_for(std::chrono::milliseconds timeout);

    Stats stats() const;
    // Stops every worker; returns within about 100 ms. Idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// scan() runs on the CPU unless told otherwise.
struct ScanOptions : DeviceOptions {
    ScanOptions() { backend = Backend::cpu; }
};

struct ScanResult {
    std::vector<std::uint64_t> hits;  // every passing nonce of the range, ascending from start
    std::uint64_t hashes = 0;
    std::uint64_t candidates = 0;
    std::uint64_t compute_errors = 0;
    double seconds = 0;        // hashing: from the workers' start to the last report
    double setup_seconds = 0;  // before it: device open, self-test and kernel calibration
};

// Every nonce in [start, start + count), wrapping modulo 2^64, whose seal passes job's rule.
// count may be up to 2^64 - 1... in practice bounded by time. Throws Error(bad_option) for count 0.
ScanResult scan(const Job& job, std::uint64_t start, std::uint64_t count, const ScanOptions& options = {});

// What this build and machine offer.
struct CudaDeviceInfo {
    int ordinal = 0;
    std::string name;
    int compute_major = 0, compute_minor = 0;
    int multiprocessors = 0;
    std::uint64_t memory_bytes = 0;
    int clock_khz = 0;
    bool watchdog = false;  // a display watchdog limits kernel time
};
struct CpuInfo {
    std::string model;
    unsigned hardware_threads = 0;
    std::vector<std::string> isas;  // supported paths, best first
    std::string default_isa;        // what auto picks (BTPOW_CPU_ISA honoured)
};
struct SystemInfo {
    CpuInfo cpu;
    bool cuda_compiled = false;
    std::vector<CudaDeviceInfo> cuda_devices;
    std::string cuda_error;  // why no device could be listed, if so
};
SystemInfo system_info();

}  // namespace btpow
