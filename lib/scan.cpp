// scan(): one fixed range of nonces handed out in chunks to the chosen workers; every candidate
// is verified on the host and the passing nonces are returned in range order, and reported as the
// hashed prefix of the range grows (ScanOptions::on_progress), which may stop the scan.
#include <algorithm>
#include <map>
#include <mutex>

#include "btpow/solver.hpp"
#include "lib/backend_selection.hpp"
#include "lib/crew.hpp"
#include "lib/plan.hpp"
#include "lib/verify_candidates.hpp"

namespace btpow {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

// The WorkSource side of a scan (see lib/crew.hpp).
struct RangeScan {
    Job job;
    core::Plan plan{};
    std::uint64_t start = 0, count = 0;
    std::atomic<std::uint64_t> taken{0};
    std::mutex mutex_;  // hits, failures, on_log
    std::deque<detail::DeviceSlot> slots_;
    std::vector<std::uint64_t> hits;
    std::atomic<std::uint64_t> hashes{0}, candidates{0}, compute_errors{0};
    std::vector<std::string> failures;
    LogCallback on_log;
    // The hashed prefix [0, frontier) of the range (offsets from start), the chunks finished
    // beyond it, and the hits not yet reported (all of them without on_progress).
    ScanProgressCallback on_progress;
    std::atomic<bool> cancelled{false};
    std::uint64_t frontier = 0;
    std::map<std::uint64_t, std::uint64_t> finished_beyond;
    std::vector<std::uint64_t> reported_hits;

    std::uint64_t offset_of(std::uint64_t nonce) const { return core::position_of(plan.kind, nonce) - start; }

    bool next(std::uint64_t want, detail::Assignment& out) {
        std::uint64_t offset = taken.load(std::memory_order_relaxed);
        std::uint64_t n = 0;
        do {
            if (offset >= count || cancelled.load(std::memory_order_relaxed)) return false;
            n = std::min(want, count - offset);
        } while (!taken.compare_exchange_weak(offset, offset + n, std::memory_order_relaxed));
        out.job_id = 1;
        out.plan = plan;
        out.start = start + offset;  // wraps mod 2^64
        out.count = n;
        return true;
    }
    bool superseded(const detail::Assignment&) const { return cancelled.load(std::memory_order_relaxed); }
    void report(std::size_t slot, const detail::Assignment& a, std::uint64_t hashed, const std::uint64_t* c,
                std::size_t n) {
        hashes.fetch_add(hashed, std::memory_order_relaxed);
        candidates.fetch_add(n, std::memory_order_relaxed);
        const auto tally = detail::verify_candidates(
            job, plan, c, n, slots_[slot].id,
            [this](std::uint64_t nonce, const Hash32&) {
                std::lock_guard lock(mutex_);
                hits.push_back(nonce);
            },
            [this](LogLevel l, const std::string& m) { log(l, m); });
        compute_errors.fetch_add(tally.compute_errors, std::memory_order_relaxed);
        if (hashed > 0) advance(a.start - start, hashed);
    }
    // Moves the frontier over every finished chunk that now touches it, and tells on_progress.
    void advance(std::uint64_t offset, std::uint64_t hashed) {
        std::lock_guard lock(mutex_);
        finished_beyond[offset] = hashed;
        const std::uint64_t before = frontier;
        for (auto it = finished_beyond.begin(); it != finished_beyond.end() && it->first == frontier;
             it = finished_beyond.erase(it))
            frontier += it->second;
        if (!on_progress || frontier == before || cancelled) return;
        ScanProgress progress;
        progress.done = frontier;
        const auto below = std::partition(hits.begin(), hits.end(),
                                          [this](std::uint64_t nonce) { return offset_of(nonce) >= frontier; });
        progress.hits.assign(below, hits.end());
        hits.erase(below, hits.end());
        std::sort(progress.hits.begin(), progress.hits.end(),
                  [this](std::uint64_t x, std::uint64_t y) { return offset_of(x) < offset_of(y); });
        reported_hits.insert(reported_hits.end(), progress.hits.begin(), progress.hits.end());
        if (!on_progress(progress)) cancelled = true;
    }
    void fail(std::size_t slot, const std::string& message) {
        std::lock_guard lock(mutex_);
        failures.push_back(slots_[slot].id + ": " + message);
    }
    void log(LogLevel level, const std::string& message) {
        std::lock_guard lock(mutex_);
        if (on_log) on_log(level, message);
    }
};

}  // namespace

ScanResult scan(const Job& job, std::uint64_t start, std::uint64_t count, const ScanOptions& options) {
    if (count == 0) throw Error(ErrorCode::bad_option, "count", "count: expected a positive number of nonces, got 0");
    validate(job);
    const auto began = Clock::now();
    RangeScan range;
    range.job = job;
    range.plan = options.order == ScanOrder::search ? detail::make_plan(job) : detail::make_range_plan(job);
    range.start = start;
    range.count = count;
    range.on_log = options.on_log;
    range.on_progress = options.on_progress;
    auto workers = detail::select_workers(options, options.on_log);
    detail::prepare_verification();
    // A device's set-up (self-test, calibration) takes a fixed fraction of a second: timed apart,
    // so that seconds gives the hashing rate even for a short range.
    const auto hashing_began = Clock::now();
    {
        detail::Crew<RangeScan> crew(range, std::move(workers), range.slots_, hashing_began);
        crew.start();
        crew.join();
    }
    const bool cancelled = range.cancelled;
    if (!range.failures.empty() || (!cancelled && range.hashes != count)) {
        std::string why = range.failures.empty() ? std::string("not every nonce was hashed") : range.failures.front();
        throw Error(ErrorCode::backend_failure, "backend", "scan failed: " + why);
    }
    ScanResult result;
    result.done = range.frontier;
    result.complete = !cancelled;
    result.hits = std::move(range.reported_hits);
    for (const std::uint64_t nonce : range.hits)
        if (range.offset_of(nonce) < range.frontier) result.hits.push_back(nonce);
    std::sort(result.hits.begin(), result.hits.end(),
              [&range](std::uint64_t a, std::uint64_t b) { return range.offset_of(a) < range.offset_of(b); });
    result.hashes = range.hashes;
    result.candidates = range.candidates;
    result.compute_errors = range.compute_errors;
    result.seconds = seconds_between(hashing_began, Clock::now());
    result.setup_seconds = seconds_between(began, hashing_began);
    return result;
}

}  // namespace btpow
