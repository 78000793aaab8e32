// CPU workers: one per thread, each pulling chunks of nonces from the engine and scanning them
// on the resolved ISA path. The loop allocates only while the candidate buffer warms up.
#include <algorithm>
#include <exception>
#include <thread>

#include "lib/cpu/cpu.hpp"
#include "lib/cpu/dispatch.hpp"

namespace btpow::cpu {
namespace {

// Nonces scanned between two looks at whether the job was replaced: a few milliseconds of work
// at most, so that a new job starts promptly (BENCHMARKS.md has the times per path).
constexpr std::uint64_t kPollEvery = 1u << 12;

class CpuWorker final : public detail::Worker {
public:
    CpuWorker(PathRunner path, std::string device) : path_(path), device_(std::move(device)) {}

    std::string id() const override { return "cpu"; }
    std::string backend() const override { return "cpu"; }
    std::string device() const override { return device_; }
    unsigned threads() const override { return 1; }

    void run(detail::WorkSource& source) override {
        try {
            std::vector<std::uint64_t> candidates;
            candidates.reserve(256);
            detail::Assignment assignment;
            while (source.next(path_.chunk, assignment)) {
                candidates.clear();
                std::uint64_t hashed = 0;
                while (hashed < assignment.count) {
                    const std::uint64_t step = std::min(kPollEvery, assignment.count - hashed);
                    scan_range(path_.scan, assignment.plan, assignment.start + hashed, step, candidates);
                    hashed += step;
                    if (hashed < assignment.count && source.superseded(assignment)) break;
                }
                source.report(assignment, hashed, candidates.data(), candidates.size());
            }
        } catch (const std::exception& e) {
            source.fail(std::string("CPU worker: ") + e.what());
        }
    }

private:
    PathRunner path_;
    std::string device_;
};

}  // namespace

detail::WorkerList make_workers(unsigned threads, const std::string& isa) {
    const PathRunner path = path_runner(isa);
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    const std::string device = model_name() + " (" + isa + ")";
    detail::WorkerList workers;
    workers.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) workers.push_back(std::make_unique<CpuWorker>(path, device));
    return workers;
}

}  // namespace btpow::cpu
