// The thread crew: one thread per Worker, each with a port that routes its reports to its
// device's slot in the owner (the Solver or a range scan). The owner supplies next, superseded,
// report, fail and log, as the WorkSource seam (lib/backend.hpp) describes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "lib/backend.hpp"
#include "lib/hashrate.hpp"

namespace btpow::detail {

// What an owner keeps per device (Worker::id(); the CPU threads share one slot). Counters are
// exact and lock-free; failure is written under the owner's lock.
struct DeviceSlot {
    explicit DeviceSlot(Hashrate::Clock::time_point started) : hashrate(started) {}
    std::string id, backend, device;
    unsigned threads = 0;
    std::atomic<std::uint64_t> hashes{0}, candidates{0}, solutions{0}, compute_errors{0};
    std::atomic<bool> failed{false};
    std::string failure;
    Hashrate hashrate;
};

template <class Owner>
class Port final : public WorkSource {
public:
    Port(Owner& owner, std::size_t slot) : owner_(owner), slot_(slot) {}
    bool next(std::uint64_t count, Assignment& out) override { return owner_.next(count, out); }
    bool superseded(const Assignment& a) const override { return owner_.superseded(a); }
    void report(const Assignment& a, std::uint64_t hashed, const std::uint64_t* c, std::size_t n) override {
        owner_.report(slot_, a, hashed, c, n);
    }
    void fail(const std::string& message) override { owner_.fail(slot_, message); }
    void log(LogLevel level, const std::string& message) override { owner_.log(level, message); }

private:
    Owner& owner_;
    std::size_t slot_;
};

template <class Owner>
class Crew {
public:
    // Adds a slot to `slots` for each device not seen yet (started: when its counting starts).
    Crew(Owner& owner, WorkerList workers, std::deque<DeviceSlot>& slots, Hashrate::Clock::time_point started)
        : workers_(std::move(workers)) {
        for (auto& w : workers_) {
            std::size_t index = slots.size();
            for (std::size_t i = 0; i < slots.size(); ++i)
                if (slots[i].id == w->id()) index = i;
            if (index == slots.size()) {
                DeviceSlot& s = slots.emplace_back(started);
                s.id = w->id();
                s.backend = w->backend();
                s.device = w->device();
            }
            slots[index].threads += w->threads();
            ports_.push_back(std::make_unique<Port<Owner>>(owner, index));
        }
    }
    Crew(const Crew&) = delete;
    Crew& operator=(const Crew&) = delete;
    ~Crew() { join(); }

    // Starts one thread per worker. Every thread waits at a gate until all exist: a worker that
    // ran before a later thread failed to start could wait in next() for a job that never comes
    // (a Solver's do), and joining it would hang. On a failure the gate tells the started threads
    // to return without running, they are joined, and the failure is thrown.
    // Throws: Error(backend_failure, "cpu_threads") when a thread cannot be created (a thread or
    //         memory limit); std::bad_alloc. Nothing is left running either way.
    void start() {
        try {
            threads_.reserve(workers_.size());
            for (std::size_t i = 0; i < workers_.size(); ++i)
                threads_.emplace_back([this, i] {
                    if (wait_at_gate()) workers_[i]->run(*ports_[i]);
                });
        } catch (const std::system_error& e) {
            const std::size_t started = threads_.size();
            abandon();
            throw Error(ErrorCode::backend_failure, "cpu_threads",
                        "cpu_threads: could not start worker thread " + std::to_string(started + 1) + " of " +
                            std::to_string(workers_.size()) + " (" + e.what() +
                            "); ask for fewer threads or raise the process's thread and memory limits");
        } catch (...) {
            abandon();
            throw;
        }
        open_gate(Gate::run);
    }
    void join() {
        for (auto& t : threads_)
            if (t.joinable()) t.join();
        threads_.clear();
    }

private:
    enum class Gate { closed, run, abandon };

    bool wait_at_gate() {
        std::unique_lock lock(gate_mutex_);
        gate_cv_.wait(lock, [&] { return gate_ != Gate::closed; });
        return gate_ == Gate::run;
    }
    void open_gate(Gate state) {
        {
            std::lock_guard lock(gate_mutex_);
            gate_ = state;
        }
        gate_cv_.notify_all();
    }
    void abandon() noexcept {
        open_gate(Gate::abandon);
        join();
    }

    WorkerList workers_;
    std::vector<std::unique_ptr<Port<Owner>>> ports_;
    std::vector<std::thread> threads_;
    std::mutex gate_mutex_;
    std::condition_variable gate_cv_;
    Gate gate_ = Gate::closed;
};

}  // namespace btpow::detail
