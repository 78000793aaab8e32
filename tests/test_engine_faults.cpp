// The engine's safety net, with scripted workers standing in for a faulty device (the seam is
// detail::SolverAccess): a backend's false candidates are caught by the host's check, counted
// as compute errors and never reach the caller; a worker that fails is dropped and reported while
// the CPU carries on and still solves.
#include <catch2/catch.hpp>

#include <btpow/btpow.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/backend.hpp"
#include "tests/support/jobs.hpp"
#include "tests/support/timing.hpp"

namespace {

using namespace std::chrono_literals;

btpow::Job fault_job(std::uint64_t d) {
    return btpow::test::alice_job(btpow::test::block_hash_ending(0x5e), d, btpow::Rule::le, 11);
}

// A device that hashes nothing: it reports the first nonce of each chunk as a candidate (a lie
// at any real difficulty), and after `fail_after` chunks (when > 0) fails for good.
class ScriptedDevice final : public btpow::detail::Worker {
public:
    explicit ScriptedDevice(int fail_after) : fail_after_(fail_after) {}
    std::string id() const override { return "fake:0"; }
    std::string backend() const override { return "fake"; }
    std::string device() const override { return "scripted device"; }
    void run(btpow::detail::WorkSource& source) override {
        btpow::detail::Assignment a;
        for (int chunk = 0; source.next(1024, a); ++chunk) {
            if (fail_after_ > 0 && chunk == fail_after_) {
                source.fail("simulated device error");
                return;
            }
            const std::uint64_t lie = a.start;
            source.report(a, a.count, &lie, 1);
            std::this_thread::sleep_for(2ms);
        }
    }

private:
    int fail_after_;
};

// A solver running the scripted device beside what its options ask for.
std::unique_ptr<btpow::Solver> with_scripted_device(btpow::SolverOptions options, int fail_after) {
    btpow::detail::WorkerList extra;
    extra.push_back(std::make_unique<ScriptedDevice>(fail_after));
    return btpow::detail::SolverAccess::with_workers(std::move(options), std::move(extra));
}

// Log lines, collected from the solver's threads.
struct LogLines {
    std::mutex mutex;
    std::vector<std::string> lines;
    btpow::LogCallback callback() {
        return [this](btpow::LogLevel, std::string_view m) {
            std::lock_guard lock(mutex);
            lines.emplace_back(m);
        };
    }
    bool any_contains(const std::string& text) {
        std::lock_guard lock(mutex);
        for (const auto& line : lines)
            if (line.find(text) != std::string::npos) return true;
        return false;
    }
};

const btpow::DeviceStats* find_device(const btpow::Stats& stats, const std::string& id) {
    for (const auto& d : stats.devices)
        if (d.id == id) return &d;
    return nullptr;
}

// One CPU thread beside the scripted device, logging into `log`.
btpow::SolverOptions one_cpu_thread(LogLines& log) {
    btpow::SolverOptions options;
    options.backend = btpow::Backend::cpu;
    options.cpu_threads = 1;
    options.on_log = log.callback();
    return options;
}

}  // namespace

TEST_CASE("a backend's false candidates are compute errors and never reach the caller", "[engine][faults]") {
    LogLines log;
    btpow::SolverOptions options = one_cpu_thread(log);
    std::vector<btpow::Solution> delivered;
    std::mutex delivered_mutex;
    options.on_solution = [&](const btpow::Solution& s) {
        std::lock_guard lock(delivered_mutex);
        delivered.push_back(s);
    };
    auto solver_ptr = with_scripted_device(options, 0);
    btpow::Solver& solver = *solver_ptr;
    solver.submit(fault_job(std::uint64_t(1) << 40));  // about 1 seal in 10^12 passes
    REQUIRE(btpow::test::eventually([&] {
        const btpow::Stats now = solver.stats();
        const btpow::DeviceStats* fake = find_device(now, "fake:0");
        return fake != nullptr && fake->compute_errors > 0;
    }));
    CHECK_FALSE(solver.wait_for(0ms));
    solver.stop();

    const btpow::Stats stats = solver.stats();
    const btpow::DeviceStats* fake = find_device(stats, "fake:0");
    REQUIRE(fake != nullptr);
    CHECK(fake->candidates > 0);
    CHECK(fake->compute_errors == fake->candidates);  // every lie caught
    CHECK(fake->solutions == 0);
    CHECK_FALSE(fake->failed);
    CHECK(stats.total.solutions == 0);
    CHECK(delivered.empty());
    CHECK(log.any_contains("fake:0 reported nonce"));
    CHECK(log.any_contains("compute error"));
}

TEST_CASE("a worker that fails is dropped and reported, and the CPU carries on and solves", "[engine][faults]") {
    LogLines log;
    auto solver_ptr = with_scripted_device(one_cpu_thread(log), 3);
    btpow::Solver& solver = *solver_ptr;
    solver.submit(fault_job(~0ull));  // nothing passes: the CPU just hashes
    const auto cpu_hashes = [&] {
        const btpow::Stats now = solver.stats();
        const btpow::DeviceStats* cpu = find_device(now, "cpu");
        return cpu != nullptr ? cpu->hashes : 0;
    };
    CHECK(btpow::test::eventually([&] {
        const btpow::Stats now = solver.stats();
        const btpow::DeviceStats* fake = find_device(now, "fake:0");
        return fake != nullptr && fake->failed && cpu_hashes() > 0;
    }));

    const btpow::Stats first = solver.stats();
    const btpow::DeviceStats* fake = find_device(first, "fake:0");
    REQUIRE(fake != nullptr);
    CHECK(fake->failed);
    CHECK(fake->failure == "simulated device error");
    CHECK(fake->solutions == 0);
    CHECK(log.any_contains("fake:0 dropped: simulated device error"));
    const btpow::DeviceStats* cpu = find_device(first, "cpu");
    REQUIRE(cpu != nullptr);
    CHECK_FALSE(cpu->failed);

    const std::uint64_t hashed = cpu->hashes;
    CHECK(btpow::test::eventually([&] { return cpu_hashes() > hashed; }));  // still hashing after the failure

    const btpow::Job easy = fault_job(1000);
    solver.submit(easy);
    const auto solution = solver.wait_for(10s);
    REQUIRE(solution);
    CHECK(solution->device == "cpu");
    CHECK(btpow::verify(easy, solution->nonce).passes(easy.rule));
}
