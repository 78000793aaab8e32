// The solver engine: one job at a time, replaced in place when a block arrives; CPU threads and
// CUDA devices pull disjoint nonce chunks from one counter per job; every candidate any backend
// reports is re-checked by the reference implementation before it becomes a Solution.
//
// Rules for everything in this header (and types.hpp, seal.hpp):
// - Errors are thrown as btpow::Error, whose code() says the class and whose field() names the
//   option or argument at fault; what() names it too and says the expected form. Nothing else is
//   thrown except std::bad_alloc. A function that throws has no effect beyond what it says.
// - Callbacks run on the library's threads, never inside a lock that the caller could take
//   through another call; they must return quickly, must not throw, and must not call stop() or
//   destroy the Solver.
// - The library never prints, never exits the process and never installs signal handlers: the
//   caller owns its terminal and its signals (call Solver::stop() from the caller's own thread).
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

// Counters are exact: hashes are nonces actually hashed. Rates are seals per second, over the last
// 10 s, the last 60 s (from the solver's start while it is younger than that) and since the
// start; a rate is empty when there is no interval to measure over yet, never a made-up 0. An
// idle device's rate is a measured 0.
struct DeviceStats {
    std::string id;        // "cpu", "cuda:0", ...
    std::string backend;   // "cpu" or "cuda"
    std::string device;    // a readable name: CPU model and ISA path, or the GPU's name
    unsigned threads = 0;  // CPU threads (0 for a GPU)
    std::uint64_t hashes = 0;
    std::uint64_t candidates = 0;
    std::uint64_t solutions = 0;
    std::uint64_t compute_errors = 0;                      // candidates the reference refuted
    std::optional<double> rate_10s, rate_60s, rate_total;  // total: the sum of the devices that have one
    bool failed = false;                                   // dropped after a failure; see failure
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

namespace detail {
class Worker;
struct SolverAccess;
}  // namespace detail

// Thread-safety: every member function may be called from any thread, concurrently, including
// while another thread waits in wait_for().
// Callbacks: on_log is serialised (never two calls at once). It runs on the thread that
// constructs the Solver while devices are set up (CUDA self-test and calibration), then on the
// solver's worker threads. on_solution runs on the worker thread of the device that found the
// solution, possibly on several such threads at once.
class Solver {
public:
    // Starts the workers; they stay idle until the first submit. Sets up every device first
    // (a CUDA device: self-test and kernel calibration, a fraction of a second).
    // Throws: Error(bad_option) for a bad option (field: "cpu_isa", "cuda_batch_ms", ...);
    //         Error(no_device) when the chosen backend has no usable device (field "backend").
    explicit Solver(SolverOptions options = {});
    // stop(), then frees everything. Solutions not yet taken are lost.
    ~Solver();
    Solver(const Solver&) = delete;
    Solver& operator=(const Solver&) = delete;

    // Starts work on job, replacing the current one at once: each worker finishes at most its
    // current chunk of the old job, whose solutions are still delivered, labelled with their job.
    // Returns: the job's id, counting from 1.
    // Throws:  Error(bad_option, field "solver") after stop().
    std::uint64_t submit(const Job& job);
    // Stops hashing until the next submit; the workers stay up. No effect after stop().
    void pause();

    // Returns: the oldest solution not yet returned, as soon as there is one; nothing when
    //          `timeout` passes without one. After stop() it returns the solutions still queued,
    //          one per call, then nothing at once (it never waits once the solver is stopped).
    std::optional<Solution> wait_for(std::chrono::milliseconds timeout);

    // Exact counters and rates of every device and their total; also valid after stop().
    Stats stats() const;
    // Stops every worker and waits for it; returns within about 100 ms plus at most one CUDA batch
    // (cuda_batch_ms). Idempotent. Afterwards only wait_for, stats and pause may be called.
    void stop();

private:
    friend struct detail::SolverAccess;
    Solver(SolverOptions options, std::vector<std::unique_ptr<detail::Worker>> extra_workers);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The order in which scan() reads a v1 job's range (the old seal has only nonce order).
enum class ScanOrder {
    nonce,   // start, start + 1, ...: every nonce of the range (what the miner's contract needs)
    search,  // the solver's order: position p is nonce rotl64(p, 40), so that 2^24 consecutive
             // positions share the payload's first two SHA-256 blocks (docs/protocol.md §10); faster
};

// What scan() reports while it runs: every position before start + done is hashed, and `hits`
// are the passing nonces among them not reported before, in range order.
struct ScanProgress {
    std::uint64_t done = 0;
    std::vector<std::uint64_t> hits;
};
// Called as the hashed prefix of the range grows (every few milliseconds of work); returns false
// to stop the scan there. It runs on the scan's threads, one call at a time; it must return
// quickly and must not throw.
using ScanProgressCallback = std::function<bool(const ScanProgress&)>;

// scan() runs on the CPU unless told otherwise.
struct ScanOptions : DeviceOptions {
    ScanOptions() { backend = Backend::cpu; }
    ScanOrder order = ScanOrder::nonce;  // v1 jobs only
    ScanProgressCallback on_progress;    // optional
};

struct ScanResult {
    std::vector<std::uint64_t> hits;  // every passing nonce of the range (of its first `done`
                                      // positions when stopped early), ascending from start
    std::uint64_t done = 0;           // positions hashed from start on: count unless stopped early
    bool complete = true;             // false when on_progress stopped the scan
    std::uint64_t hashes = 0;         // positions hashed in all (stopped early: may exceed done)
    std::uint64_t candidates = 0;
    std::uint64_t compute_errors = 0;
    double seconds = 0;        // hashing: from the workers' start to the last report
    double setup_seconds = 0;  // before it: device open, self-test, kernel calibration, verifier start
};

// Hashes every nonce in [start, start + count), wrapping modulo 2^64 (for a v1 job in
// options.order: with ScanOrder::search the positions [start, start + count) of the solver's
// order), on the devices `options` choose, and blocks until all are done.
// Returns: every nonce whose seal passes job's rule, each verified by the reference, in range
//          order (ascending from start, by position); with the counts and timings. When
//          options.on_progress returns false, the scan stops within a chunk per device and
//          returns what it completed from start on (complete false).
// Throws:  Error(bad_option) for count 0 (field "count") or a bad option; validate()'s errors for
//          a bad v1 job; Error(no_device) when the chosen backend has no usable device;
//          Error(backend_failure) when a device failed during the scan (no partial result).
// Thread-safety: may be called from several threads at once (each scan has its own workers).
// on_log may run on the calling thread and on the scan's worker threads, serialised.
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
// Returns: what this build and machine offer. Never throws for a missing device or driver
// (cuda_error says why no device is listed). Thread-safe.
SystemInfo system_info();

}  // namespace btpow
