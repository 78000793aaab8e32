// The seam between the engine and the backends (internal). A backend supplies Workers; the engine
// owns jobs, the nonce counter, counting and verification, and hands out work through a
// WorkSource. Backends never see Jobs, Solutions or each other.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "btpow/core/plan.hpp"
#include "btpow/solver.hpp"

namespace btpow::detail {

// One chunk of one job: the positions start, start + 1, ..., start + count - 1 (mod 2^64) of the
// plan's order; position p is nonce core::nonce_at(plan, p) (the nonce itself but for a v1 plan
// in the search order). Backends report nonces, not positions.
struct Assignment {
    std::uint64_t job_id = 0;
    core::Plan plan{};
    std::uint64_t start = 0;
    std::uint64_t count = 0;
};

// The engine's side. Thread-safe; called from worker threads.
class WorkSource {
public:
    virtual ~WorkSource() = default;
    // Fills out with the next `count` nonces of the current job. Blocks while there is no job
    // (or the solver is paused). Returns false when the worker must return from run().
    virtual bool next(std::uint64_t count, Assignment& out) = 0;
    // Cheap (one atomic load): true once the assignment's job was replaced or the solver stops.
    // A backend may stop a chunk early then, reporting only what it hashed.
    virtual bool superseded(const Assignment& a) const = 0;
    // After each chunk: `hashed` nonces of it were hashed (from a.start on; all of them unless
    // the chunk was cut short), and every candidate among them (top 64 bits of the seal <=
    // plan.threshold_top), in any order. The engine re-verifies candidates on the host.
    virtual void report(const Assignment& a, std::uint64_t hashed, const std::uint64_t* candidates,
                        std::size_t candidate_count) = 0;
    // The worker failed for good (a device error): it is dropped, the others carry on. run()
    // returns right after.
    virtual void fail(const std::string& message) = 0;
    virtual void log(LogLevel level, const std::string& message) = 0;
};

class Worker {
public:
    virtual ~Worker() = default;
    virtual std::string id() const = 0;             // stats key: "cpu" (shared by all CPU threads), "cuda:0"
    virtual std::string backend() const = 0;        // "cpu" or "cuda"
    virtual std::string device() const = 0;         // readable name
    virtual unsigned threads() const { return 0; }  // CPU threads this worker stands for
    // Pull, hash, report until source.next() returns false. Runs on its own thread, started by
    // the engine. Must not throw (report failures through source.fail()).
    virtual void run(WorkSource& source) = 0;
};

using WorkerList = std::vector<std::unique_ptr<Worker>>;

// Builds a Solver that runs `extra_workers` besides those its options ask for: the seam through
// which tests stand in for a device that reports false candidates or fails mid-run.
struct SolverAccess {
    static std::unique_ptr<Solver> with_workers(SolverOptions options, WorkerList extra_workers);
};

}  // namespace btpow::detail
