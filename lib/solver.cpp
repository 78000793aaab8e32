// The Solver: owns the current job and the recent ones, the per-job nonce counter, exact counting,
// the sampling of hash rates, and the queue of verified solutions. Backends plug in as Workers
// (lib/backend.hpp) run by a Crew (lib/crew.hpp).
#include <condition_variable>
#include <mutex>
#include <random>

#include "btpow/solver.hpp"
#include "lib/backend_selection.hpp"
#include "lib/crew.hpp"
#include "lib/plan.hpp"
#include "lib/verify_candidates.hpp"

namespace btpow {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kRecentJobs = 16;  // superseded jobs whose late candidates are still verified
constexpr auto kSampleEvery = std::chrono::milliseconds(250);

double seconds_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

// A total rate: the sum of the rates that have data; empty while none has.
void add_rate(std::optional<double>& total, const std::optional<double>& rate) {
    if (rate) total = total.value_or(0.0) + *rate;
}

struct JobState {
    Job job;
    std::uint64_t id = 0;
    core::Plan plan{};
    Clock::time_point submitted;
    std::atomic<std::uint64_t> next_position{0};  // in plan's order (core::nonce_at)
    std::atomic<std::uint64_t> hashes{0};
};

}  // namespace

struct Solver::Impl {
    SolverOptions options;
    mutable std::mutex mutex_;             // jobs, solutions, slot failures
    std::condition_variable work_cv_;      // workers wait for a job
    std::condition_variable solution_cv_;  // wait_for waits for a solution
    std::mutex monitor_mutex_;
    std::condition_variable monitor_cv_;          // the rate sampler's sleep
    std::mutex log_mutex_;                        // serialises on_log
    std::mutex stop_mutex_;                       // serialises stop(): joining twice would be undefined
    std::deque<detail::DeviceSlot> slots_;        // fixed once the crew is built
    std::deque<std::shared_ptr<JobState>> jobs_;  // newest last, at most kRecentJobs
    std::shared_ptr<JobState> current_;
    std::atomic<std::uint64_t> current_id_{0};
    std::atomic<bool> paused_{false};
    std::atomic<bool> stopping_{false};
    std::uint64_t next_id_ = 1;
    std::deque<Solution> solutions_;
    Clock::time_point started_ = Clock::now();
    std::unique_ptr<detail::Crew<Impl>> crew_;
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
        out.start = job->next_position.fetch_add(count, std::memory_order_relaxed);  // wraps mod 2^64
        out.count = count;
        return true;
    }

    bool superseded(const detail::Assignment& a) const {
        return stopping_.load(std::memory_order_relaxed) || paused_.load(std::memory_order_relaxed) ||
               current_id_.load(std::memory_order_relaxed) != a.job_id;
    }

    void report(std::size_t slot_index, const detail::Assignment& a, std::uint64_t hashed, const std::uint64_t* c,
                std::size_t n) {
        detail::DeviceSlot& slot = slots_[slot_index];
        slot.hashes.fetch_add(hashed, std::memory_order_relaxed);
        std::shared_ptr<JobState> job;
        {
            std::lock_guard lock(mutex_);
            for (auto& j : jobs_)
                if (j->id == a.job_id) job = j;
        }
        if (!job) return;  // older than kRecentJobs: long expired on chain (docs/protocol.md §4)
        job->hashes.fetch_add(hashed, std::memory_order_relaxed);
        if (n == 0) return;
        slot.candidates.fetch_add(n, std::memory_order_relaxed);
        const auto deliver = [&](std::uint64_t nonce, const Hash32& seal) {
            slot.solutions.fetch_add(1, std::memory_order_relaxed);
            Solution s;
            s.job = job->job;
            s.job_id = job->id;
            s.nonce = nonce;
            s.seal = seal;
            s.device = slot.id;
            s.hashes = job->hashes.load(std::memory_order_relaxed);
            s.seconds = seconds_between(job->submitted, Clock::now());
            if (options.on_solution) options.on_solution(s);
            {
                std::lock_guard lock(mutex_);
                solutions_.push_back(std::move(s));
            }
            solution_cv_.notify_all();
        };
        const auto tally = detail::verify_candidates(job->job, job->plan, c, n, slot.id, deliver,
                                                     [this](LogLevel l, const std::string& m) { log(l, m); });
        slot.compute_errors.fetch_add(tally.compute_errors, std::memory_order_relaxed);
    }

    void fail(std::size_t slot_index, const std::string& message) {
        detail::DeviceSlot& slot = slots_[slot_index];
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
        if (options.on_log) options.on_log(level, message);
    }

    // Samples every device's counter for its rate windows until stop().
    void monitor() {
        std::unique_lock lock(monitor_mutex_);
        while (!stopping_) {
            monitor_cv_.wait_for(lock, kSampleEvery, [&] { return stopping_.load(); });
            const auto now = Clock::now();
            for (auto& s : slots_) s.hashrate.add(now, s.hashes.load(std::memory_order_relaxed));
        }
    }

    void start(detail::WorkerList workers) {
        started_ = Clock::now();
        crew_ = std::make_unique<detail::Crew<Impl>>(*this, std::move(workers), slots_, started_);
        crew_->start();
        try {
            monitor_ = std::thread([this] { monitor(); });
        } catch (const std::system_error& e) {
            // The workers are up: tell them to stop and join them before giving up.
            {
                std::lock_guard lock(mutex_);
                stopping_ = true;
            }
            work_cv_.notify_all();
            crew_->join();
            throw Error(ErrorCode::backend_failure, "cpu_threads",
                        std::string("cpu_threads: could not start the rate sampler's thread (") + e.what() + ")");
        }
    }
};

Solver::Solver(SolverOptions options) : Solver(std::move(options), {}) {}

Solver::Solver(SolverOptions options, std::vector<std::unique_ptr<detail::Worker>> extra_workers)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    LogCallback log = [impl = impl_.get()](LogLevel level, std::string_view m) { impl->log(level, std::string(m)); };
    auto workers = detail::select_workers(impl_->options, log);
    for (auto& w : extra_workers) workers.push_back(std::move(w));
    detail::prepare_verification();
    impl_->start(std::move(workers));
}

std::unique_ptr<Solver> detail::SolverAccess::with_workers(SolverOptions options, WorkerList extra_workers) {
    return std::unique_ptr<Solver>(new Solver(std::move(options), std::move(extra_workers)));
}

Solver::~Solver() { stop(); }

std::uint64_t Solver::submit(const Job& job) {
    auto state = std::make_shared<JobState>();
    state->job = job;
    state->plan = detail::make_plan(job);
    state->submitted = Clock::now();
    {
        std::lock_guard lock(impl_->mutex_);
        if (impl_->stopping_) throw Error(ErrorCode::bad_option, "solver", "submit: the solver was stopped");
        state->id = impl_->next_id_++;
        const std::uint64_t first = impl_->options.nonce_start ? *impl_->options.nonce_start : impl_->random_();
        state->next_position = core::position_of(state->plan.kind, first);
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
        d.rate_10s = s.hashrate.rate(10.0, now, d.hashes);
        d.rate_60s = s.hashrate.rate(60.0, now, d.hashes);
        if (out.seconds > 0) d.rate_total = double(d.hashes) / out.seconds;
        d.failed = s.failed;
        d.failure = s.failure;
        out.total.threads += d.threads;
        out.total.hashes += d.hashes;
        out.total.candidates += d.candidates;
        out.total.solutions += d.solutions;
        out.total.compute_errors += d.compute_errors;
        add_rate(out.total.rate_10s, d.rate_10s);
        add_rate(out.total.rate_60s, d.rate_60s);
        add_rate(out.total.rate_total, d.rate_total);
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
    {
        std::lock_guard lock(impl_->monitor_mutex_);  // the sampler sees stopping_ before it sleeps again
    }
    impl_->work_cv_.notify_all();
    impl_->solution_cv_.notify_all();
    impl_->monitor_cv_.notify_all();
    if (impl_->crew_) impl_->crew_->join();
    if (impl_->monitor_.joinable()) impl_->monitor_.join();
}

}  // namespace btpow
