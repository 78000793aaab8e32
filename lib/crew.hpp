// The thread crew: one thread per Worker, each with a port that routes its reports to its
// device's slot in the owner (the Solver or a range scan). The owner supplies next, superseded,
// report, fail and log, as the WorkSource seam (lib/backend.hpp) describes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
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

    void start() {
        for (std::size_t i = 0; i < workers_.size(); ++i)
            threads_.emplace_back([this, i] { workers_[i]->run(*ports_[i]); });
    }
    void join() {
        for (auto& t : threads_)
            if (t.joinable()) t.join();
        threads_.clear();
    }

private:
    WorkerList workers_;
    std::vector<std::unique_ptr<Port<Owner>>> ports_;
    std::vector<std::thread> threads_;
};

}  // namespace btpow::detail
