// The solver engine: owns jobs, the per-job nonce counter, exact counting and the host-side
// verification of every candidate; backends plug in as Workers (lib/backend.hpp).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

#include "btpow/seal.hpp"
#include "btpow/solver.hpp"
#include "cuda/cuda.hpp"
#include "lib/backend.hpp"
#include "lib/cpu/cpu.hpp"
#include "lib/plan.hpp"

namespace btpow {

using Clock = std::chrono::steady_clock;

std::string_view to_string(Backend backend) {
    switch (backend) {
        case Backend::auto_select: return "auto";
        case Backend::cpu: return "cpu";
        case Backend::cuda: return "cuda";
        case Backend::all: return "all";
    }
    return "?";
}

Backend parse_backend(std::string_view text, std::string_view field) {
    if (text == "auto") return Backend::auto_select;
    if (text == "cpu") return Backend::cpu;
    if (text == "cuda") return Backend::cuda;
    if (text == "all") return Backend::all;
    throw Error(ErrorCode::bad_option, std::string(field),
                std::string(field) + ": expected one of auto, cpu, cuda, all; got '" + std::string(text) + "'");
}

namespace {

double seconds_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

void emit(const LogCallback& log, LogLevel level, const std::string& message) {
    if (log) log(level, message);
}

// The workers a backend choice stands for. CUDA workers come first so that their host threads
// start before the CPU threads take every core.
detail::WorkerList make_workers(Backend backend, unsigned cpu_threads, const std::string& cpu_isa,
                                const std::vector<int>& cuda_devices, const LogCallback& log,
                                unsigned cuda_batch_ms = 0) {
    detail::WorkerList workers;
    std::string why;  // why no CUDA device was usable, for the error below
    auto add_cpu = [&] {
        const std::string isa = cpu::resolve_isa(cpu_isa, "cpu_isa");
        for (auto& w : cpu::make_workers(cpu_threads, isa)) workers.push_back(std::move(w));
    };
    auto add_cuda = [&] {
        for (auto& w : cuda::make_workers(cuda_devices, log, cuda_batch_ms)) workers.push_back(std::move(w));
    };
    switch (backend) {
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
                    emit(log, LogLevel::warning, "no usable CUDA device: " + why);
                }
            } else if (backend == Backend::all) {
                emit(log, LogLevel::warning, "no CUDA device: " + why);
            }
            if (backend == Backend::all || workers.empty()) add_cpu();
            break;
        }
    }
    if (workers.empty())
        throw Error(ErrorCode::no_device, "backend",
                    "backend " + std::string(to_string(backend)) + ": no usable device" +
                        (why.empty() ? "" : " (" + why + ")"));
    return workers;
}

std::mutex test_workers_mutex;
std::function<detail::WorkerList()> test_workers;

// What the engine keeps per device (stats key = Worker::id()).
struct Slot {
    std::string id, backend, device;
    unsigned threads = 0;
    std::atomic<std::uint64_t> hashes{0}, candidates{0}, solutions{0}, compute_errors{0};
    std::atomic<bool> failed{false};
    std::string failure;                                              // under Engine::mutex_
    std::deque<std::pair<Clock::time_point, std::uint64_t>> samples;  // under Engine::mutex_
};

struct JobState {
    Job job;
    std::uint64_t id = 0;
    core::Plan plan{};
    Clock::time_point submitted;
    std::atomic<std::uint64_t> next_nonce{0};
    std::atomic<std::uint64_t> hashes{0};
};

// Outcome of the host's check of one candidate.
enum class Check { solution, not_solution, compute_error };

Check check_candidate(const Job& job, const core::Plan& plan, std::uint64_t nonce, Hash32& seal_out) {
    const Verdict v = verify(job, nonce);
    seal_out = v.seal;
    // SPEC §3: a true candidate's top 64 bits are <= threshold_top; anything else is a backend fault.
    if (seal_value(v.seal, job.rule).top64() > plan.threshold_top) return Check::compute_error;
    return v.passes(job.rule) ? Check::solution : Check::not_solution;
}

std::string nonce_error(const std::string& id, std::uint64_t nonce) {
    return id + " reported nonce " + std::to_string(nonce) +
           " as a candidate, but the reference seal is above the threshold (compute error)";
}

// Runs a set of workers against a WorkSource on one thread each; one port per worker routes its
// reports to its slot.
template <class Engine>
class Port final : public detail::WorkSource {
public:
    Port(Engine& engine, std::size_t slot) : engine_(engine), slot_(slot) {}
    bool next(std::uint64_t count, detail::Assignment& out) override { return engine_.next(count, out); }
    bool superseded(const detail::Assignment& a) const override { return engine_.superseded(a); }
    void report(const detail::Assignment& a, std::uint64_t hashed, const std::uint64_t* c, std::size_t n) override {
        engine_.report(slot_, a, hashed, c, n);
    }
    void fail(const std::string& message) override { engine_.fail(slot_, message); }
    void log(LogLevel level, const std::string& message) override { engine_.log(level, message); }

private:
    Engine& engine_;
    std::size_t slot_;
};

template <class Engine>
class Crew {
public:
    Crew(Engine& engine, detail::WorkerList workers, std::deque<Slot>& slots) : workers_(std::move(workers)) {
        for (auto& w : workers_) {
            std::size_t index = slots.size();
            for (std::size_t i = 0; i < slots.size(); ++i)
                if (slots[i].id == w->id()) index = i;
            if (index == slots.size()) {
                Slot& s = slots.emplace_back();
                s.id = w->id();
                s.backend = w->backend();
                s.device = w->device();
            }
            slots[index].threads += w->threads();
            ports_.push_back(std::make_unique<Port<Engine>>(engine, index));
        }
    }
    void start() {
        for (std::size_t i = 0; i < workers_.size(); ++i)
            threads_.emplace_back([this, i] { workers_[i]->run(*ports_[i]); });
    }
    void join() {
        for (auto& t : threads_)
            if (t.joinable()) t.join();
        threads_.clear();
    }
    ~Crew() { join(); }

private:
    detail::WorkerList workers_;
    std::vector<std::unique_ptr<Port<Engine>>> ports_;
    std::vector<std::thread> threads_;
};

constexpr std::size_t kRecentJobs = 16;     // superseded jobs still verifiable
constexpr unsigned kMaxCudaBatchMs = 1000;  // SolverOptions::cuda_batch_ms
constexpr auto kSampleEvery = std::chrono::milliseconds(250);
constexpr double kHistorySeconds = 61.0;

// Rate over the last `window` seconds from a slot's samples, or since `since` when younger.
double rate_over(const std::deque<std::pair<Clock::time_point, std::uint64_t>>& samples, Clock::time_point now,
                 std::uint64_t hashes_now, double window, Clock::time_point since) {
    Clock::time_point t0 = since;
    std::uint64_t h0 = 0;
    for (const auto& [t, h] : samples) {
        if (seconds_between(t, now) <= window) break;
        t0 = t;
        h0 = h;
    }
    const double dt = seconds_between(t0, now);
    return dt > 0 ? double(hashes_now - h0) / dt : 0.0;
}

}  // namespace

struct Solver::Impl {
    SolverOptions options;
    mutable std::mutex mutex_;
    std::condition_variable work_cv_;      // workers wait for a job
    std::condition_variable solution_cv_;  // wait_for waits for a solution
    std::condition_variable monitor_cv_;
    std::mutex log_mutex_;
    std::mutex stop_mutex_;  // serialises stop(): joining twice would be undefined
    std::deque<Slot> slots_;
    std::deque<std::shared_ptr<JobState>> jobs_;  // newest last, at most kRecentJobs
    std::shared_ptr<JobState> current_;
    std::atomic<std::uint64_t> current_id_{0};
    std::atomic<bool> paused_{false};
    std::atomic<bool> stopping_{false};
    std::uint64_t next_id_ = 1;
    std::deque<Solution> solutions_;
    Clock::time_point started_ = Clock::now();
    std::unique_ptr<Crew<Impl>> crew_;
    std::thread monitor_;
    std::mt19937_64 random_{std::random_device{}()};

    bool next(std::uint64_t count, detail::Assignment& out) {
        std::shared_ptr<JobState> job;
        {
            std::unique_lock lock(mutex_);
            work_cv_.wait(lock, [&] { return stopping_ || (current_ && !paused_); });
            if (stopping_) return false;
            job = current_;
        }
        out.job_id = job->id;
        out.plan = job->plan;
        out.start = job->next_nonce.fetch_add(count, std::memory_order_relaxed);  // wraps mod 2^64
        out.count = count;
        return true;
    }

    bool superseded(const detail::Assignment& a) const {
        return stopping_.load(std::memory_order_relaxed) || paused_.load(std::memory_order_relaxed) ||
               current_id_.load(std::memory_order_relaxed) != a.job_id;
    }

    void report(std::size_t slot_index, const detail::Assignment& a, std::uint64_t hashed, const std::uint64_t* c,
                std::size_t n) {
        Slot& slot = slots_[slot_index];
        slot.hashes.fetch_add(hashed, std::memory_order_relaxed);
        std::shared_ptr<JobState> job;
        {
            std::lock_guard lock(mutex_);
            for (auto& j : jobs_)
                if (j->id == a.job_id) job = j;
        }
        if (!job) return;  // older than kRecentJobs: long expired on chain (SPEC §4)
        job->hashes.fetch_add(hashed, std::memory_order_relaxed);
        if (n == 0) return;
        slot.candidates.fetch_add(n, std::memory_order_relaxed);
        for (std::size_t i = 0; i < n; ++i) {
            Hash32 seal_bytes;
            const Check verdict = check_candidate(job->job, job->plan, c[i], seal_bytes);
            if (verdict == Check::compute_error) {
                slot.compute_errors.fetch_add(1, std::memory_order_relaxed);
                log(LogLevel::error, nonce_error(slot.id, c[i]));
                continue;
            }
            if (verdict == Check::not_solution) continue;
            slot.solutions.fetch_add(1, std::memory_order_relaxed);
            Solution s;
            s.job = job->job;
            s.job_id = job->id;
            s.nonce = c[i];
            s.seal = seal_bytes;
            s.device = slot.id;
            s.hashes = job->hashes.load(std::memory_order_relaxed);
            s.seconds = seconds_between(job->submitted, Clock::now());
            if (options.on_solution) options.on_solution(s);
            {
                std::lock_guard lock(mutex_);
                solutions_.push_back(std::move(s));
            }
            solution_cv_.notify_all();
        }
    }

    void fail(std::size_t slot_index, const std::string& message) {
        Slot& slot = slots_[slot_index];
        {
            std::lock_guard lock(mutex_);
            slot.failure = message;
        }
        slot.failed = true;
        log(LogLevel::error, slot.id + " dropped: " + message);
        solution_cv_.notify_all();
    }

    void log(LogLevel level, const std::string& message) {
        std::lock_guard lock(log_mutex_);
        emit(options.on_log, level, message);
    }

    void monitor() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            monitor_cv_.wait_for(lock, kSampleEvery, [&] { return stopping_.load(); });
            const auto now = Clock::now();
            for (auto& s : slots_) {
                s.samples.emplace_back(now, s.hashes.load(std::memory_order_relaxed));
                while (!s.samples.empty() && seconds_between(s.samples.front().first, now) > kHistorySeconds)
                    s.samples.pop_front();
            }
        }
    }
};

Solver::Solver(SolverOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    const auto& o = impl_->options;
    LogCallback log = [impl = impl_.get()](LogLevel level, std::string_view m) { impl->log(level, std::string(m)); };
    if (o.cuda_batch_ms > kMaxCudaBatchMs)
        throw Error(ErrorCode::bad_option, "cuda_batch_ms",
                    "cuda_batch_ms: expected 1.." + std::to_string(kMaxCudaBatchMs) +
                        " milliseconds of GPU time per batch (0: the default), got " + std::to_string(o.cuda_batch_ms));
    auto workers = make_workers(o.backend, o.cpu_threads, o.cpu_isa, o.cuda_devices, log, o.cuda_batch_ms);
    {
        std::lock_guard lock(test_workers_mutex);
        if (test_workers)
            for (auto& w : test_workers()) workers.push_back(std::move(w));
    }
    impl_->crew_ = std::make_unique<Crew<Impl>>(*impl_, std::move(workers), impl_->slots_);
    impl_->started_ = Clock::now();
    impl_->crew_->start();
    impl_->monitor_ = std::thread([impl = impl_.get()] { impl->monitor(); });
}

Solver::~Solver() { stop(); }

void detail::set_test_workers(std::function<WorkerList()> factory) {
    std::lock_guard lock(test_workers_mutex);
    test_workers = std::move(factory);
}

std::uint64_t Solver::submit(const Job& job) {
    auto state = std::make_shared<JobState>();
    state->job = job;
    state->plan = detail::make_plan(job);
    state->submitted = Clock::now();
    {
        std::lock_guard lock(impl_->mutex_);
        if (impl_->stopping_) throw Error(ErrorCode::bad_option, "solver", "submit: the solver was stopped");
        state->id = impl_->next_id_++;
        state->next_nonce = impl_->options.nonce_start ? *impl_->options.nonce_start : impl_->random_();
        impl_->jobs_.push_back(state);
        if (impl_->jobs_.size() > kRecentJobs) impl_->jobs_.pop_front();
        impl_->current_ = state;
        impl_->current_id_ = state->id;
        impl_->paused_ = false;
    }
    impl_->work_cv_.notify_all();
    return state->id;
}

void Solver::pause() {
    {
        std::lock_guard lock(impl_->mutex_);
        impl_->paused_ = true;
    }
    impl_->work_cv_.notify_all();
}

std::optional<Solution> Solver::wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex_);
    impl_->solution_cv_.wait_for(lock, timeout, [&] { return !impl_->solutions_.empty() || impl_->stopping_.load(); });
    if (impl_->solutions_.empty()) return std::nullopt;
    Solution s = std::move(impl_->solutions_.front());
    impl_->solutions_.pop_front();
    return s;
}

Stats Solver::stats() const {
    const auto now = Clock::now();
    Stats out;
    std::lock_guard lock(impl_->mutex_);
    out.seconds = seconds_between(impl_->started_, now);
    out.total.id = "total";
    out.total.backend = "all";
    out.total.device = "all devices";
    for (const auto& s : impl_->slots_) {
        DeviceStats d;
        d.id = s.id;
        d.backend = s.backend;
        d.device = s.device;
        d.threads = s.threads;
        d.hashes = s.hashes.load(std::memory_order_relaxed);
        d.candidates = s.candidates.load(std::memory_order_relaxed);
        d.solutions = s.solutions.load(std::memory_order_relaxed);
        d.compute_errors = s.compute_errors.load(std::memory_order_relaxed);
        d.rate_10s = rate_over(s.samples, now, d.hashes, 10.0, impl_->started_);
        d.rate_60s = rate_over(s.samples, now, d.hashes, 60.0, impl_->started_);
        d.rate_total = out.seconds > 0 ? double(d.hashes) / out.seconds : 0.0;
        d.failed = s.failed;
        d.failure = s.failure;
        out.total.threads += d.threads;
        out.total.hashes += d.hashes;
        out.total.candidates += d.candidates;
        out.total.solutions += d.solutions;
        out.total.compute_errors += d.compute_errors;
        out.total.rate_10s += d.rate_10s;
        out.total.rate_60s += d.rate_60s;
        out.total.rate_total += d.rate_total;
        out.devices.push_back(std::move(d));
    }
    if (impl_->current_) {
        out.job_id = impl_->current_->id;
        out.job_hashes = impl_->current_->hashes.load(std::memory_order_relaxed);
        out.job_seconds = seconds_between(impl_->current_->submitted, now);
    }
    return out;
}

void Solver::stop() {
    if (!impl_) return;
    std::lock_guard stop_lock(impl_->stop_mutex_);
    {
        std::lock_guard lock(impl_->mutex_);
        impl_->stopping_ = true;
    }
    impl_->work_cv_.notify_all();
    impl_->solution_cv_.notify_all();
    impl_->monitor_cv_.notify_all();
    if (impl_->crew_) impl_->crew_->join();
    if (impl_->monitor_.joinable()) impl_->monitor_.join();
}

namespace {

// scan(): hands out one fixed range in chunks and collects every verified hit.
struct RangeScan {
    Job job;
    core::Plan plan{};
    std::uint64_t start = 0, count = 0;
    std::atomic<std::uint64_t> taken{0};
    std::mutex mutex_;
    std::deque<Slot> slots_;
    std::vector<std::uint64_t> hits;
    std::atomic<std::uint64_t> hashes{0}, candidates{0}, compute_errors{0};
    std::vector<std::string> failures;
    LogCallback on_log;

    bool next(std::uint64_t want, detail::Assignment& out) {
        std::uint64_t offset = taken.load(std::memory_order_relaxed);
        std::uint64_t n = 0;
        do {
            if (offset >= count) return false;
            n = std::min(want, count - offset);
        } while (!taken.compare_exchange_weak(offset, offset + n, std::memory_order_relaxed));
        out.job_id = 1;
        out.plan = plan;
        out.start = start + offset;  // wraps mod 2^64
        out.count = n;
        return true;
    }
    bool superseded(const detail::Assignment&) const { return false; }
    void report(std::size_t slot, const detail::Assignment&, std::uint64_t hashed, const std::uint64_t* c,
                std::size_t n) {
        hashes.fetch_add(hashed, std::memory_order_relaxed);
        candidates.fetch_add(n, std::memory_order_relaxed);
        for (std::size_t i = 0; i < n; ++i) {
            Hash32 seal_bytes;
            const Check verdict = check_candidate(job, plan, c[i], seal_bytes);
            if (verdict == Check::compute_error) {
                compute_errors.fetch_add(1, std::memory_order_relaxed);
                log(LogLevel::error, nonce_error(slots_[slot].id, c[i]));
            } else if (verdict == Check::solution) {
                std::lock_guard lock(mutex_);
                hits.push_back(c[i]);
            }
        }
    }
    void fail(std::size_t slot, const std::string& message) {
        std::lock_guard lock(mutex_);
        failures.push_back(slots_[slot].id + ": " + message);
    }
    void log(LogLevel level, const std::string& message) {
        std::lock_guard lock(mutex_);
        emit(on_log, level, message);
    }
};

}  // namespace

ScanResult scan(const Job& job, std::uint64_t start, std::uint64_t count, const ScanOptions& options) {
    if (count == 0) throw Error(ErrorCode::bad_option, "count", "count: expected a positive number of nonces, got 0");
    const auto began = Clock::now();
    RangeScan range;
    range.job = job;
    range.plan = detail::make_plan(job);
    range.start = start;
    range.count = count;
    range.on_log = options.on_log;
    auto workers = make_workers(options.backend, options.cpu_threads, options.cpu_isa, options.cuda_devices,
                                options.on_log, options.cuda_batch_ms);
    // A device's set-up (self-test, calibration) takes a fixed fraction of a second: timed apart,
    // so that seconds gives the hashing rate even for a short range.
    const auto hashing_began = Clock::now();
    {
        Crew<RangeScan> crew(range, std::move(workers), range.slots_);
        crew.start();
        crew.join();
    }
    if (!range.failures.empty() || range.hashes != count) {
        std::string why = range.failures.empty() ? std::string("not every nonce was hashed") : range.failures.front();
        throw Error(ErrorCode::backend_failure, "backend", "scan failed: " + why);
    }
    ScanResult result;
    result.hits = std::move(range.hits);
    std::sort(result.hits.begin(), result.hits.end(),
              [start](std::uint64_t a, std::uint64_t b) { return a - start < b - start; });
    result.hashes = range.hashes;
    result.candidates = range.candidates;
    result.compute_errors = range.compute_errors;
    result.seconds = seconds_between(hashing_began, Clock::now());
    result.setup_seconds = seconds_between(began, hashing_began);
    return result;
}

SystemInfo system_info() {
    SystemInfo info;
    info.cpu.model = cpu::model_name();
    info.cpu.hardware_threads = std::max(1u, std::thread::hardware_concurrency());
    info.cpu.isas = cpu::supported_isas();
    info.cpu.default_isa = cpu::default_isa();
    info.cuda_compiled = cuda::compiled();
    info.cuda_devices = cuda::devices(&info.cuda_error);
    return info;
}

}  // namespace btpow
