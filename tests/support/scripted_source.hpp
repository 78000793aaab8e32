// A scripted engine for backend tests: hands out a fixed list of assignments in order and records
// every report and failure. Thread-safe, so several workers may run against it.
#pragma once

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "lib/backend.hpp"

namespace btpow::test {

class ScriptedSource final : public detail::WorkSource {
public:
    struct Report {
        detail::Assignment assignment;
        std::uint64_t hashed = 0;
        std::vector<std::uint64_t> candidates;  // in range order (ascending from the chunk's start)
    };

    explicit ScriptedSource(std::vector<detail::Assignment> script, bool always_superseded = false)
        : script_(std::move(script)), always_superseded_(always_superseded) {}

    bool next(std::uint64_t, detail::Assignment& out) override {
        std::lock_guard lock(mutex_);
        if (handed_ == script_.size()) return false;
        out = script_[handed_++];
        return true;
    }
    bool superseded(const detail::Assignment&) const override { return always_superseded_; }
    void report(const detail::Assignment& a, std::uint64_t hashed, const std::uint64_t* candidates,
                std::size_t count) override {
        std::lock_guard lock(mutex_);
        Report r{a, hashed, std::vector<std::uint64_t>(candidates, candidates + count)};
        std::sort(r.candidates.begin(), r.candidates.end(),
                  [start = a.start](std::uint64_t x, std::uint64_t y) { return x - start < y - start; });
        reports_.push_back(std::move(r));
    }
    void fail(const std::string& message) override {
        std::lock_guard lock(mutex_);
        failures_.push_back(message);
    }
    void log(LogLevel, const std::string&) override {}

    const std::vector<Report>& reports() const { return reports_; }
    const std::vector<std::string>& failures() const { return failures_; }

private:
    std::mutex mutex_;
    std::vector<detail::Assignment> script_;
    bool always_superseded_;
    std::size_t handed_ = 0;
    std::vector<Report> reports_;
    std::vector<std::string> failures_;
};

// One chunk of job 1.
inline detail::Assignment assignment(const core::Plan& plan, std::uint64_t start, std::uint64_t count) {
    detail::Assignment a;
    a.job_id = 1;
    a.plan = plan;
    a.start = start;
    a.count = count;
    return a;
}

}  // namespace btpow::test
