// The engine as users rely on it: scan finds every hit (checked against the reference, nonce by
// nonce), Solver replaces jobs in place, labels solutions with their own job, counts exactly and
// stops promptly.
#include <catch2/catch.hpp>

#include <btpow/btpow.hpp>

#include <chrono>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "tests/support/jobs.hpp"
#include "tests/support/timing.hpp"

namespace {

using namespace std::chrono_literals;

btpow::Job demo_job(std::uint64_t d, btpow::Rule rule, std::uint64_t block_number = 7) {
    return btpow::test::alice_job(btpow::test::block_hash_ending(0x2a), d, rule, block_number);
}

std::vector<std::uint64_t> reference_hits(const btpow::Job& job, std::uint64_t start, std::uint64_t count) {
    std::vector<std::uint64_t> hits;
    for (std::uint64_t i = 0; i < count; ++i)
        if (btpow::verify(job, start + i).passes(job.rule)) hits.push_back(start + i);
    return hits;
}

}  // namespace

TEST_CASE("scan returns exactly the reference's hits under every rule", "[engine]") {
    const std::uint64_t starts[] = {0, 4'294'967'296ull - 3000, 18'446'744'073'709'551'615ull - 2999};
    for (const auto rule : btpow::kAllRules) {
        for (const std::uint64_t start : starts) {
            const auto job = demo_job(64, rule);
            const std::uint64_t count = 6000;
            const auto result = btpow::scan(job, start, count);
            INFO("rule " << btpow::to_string(rule) << " start " << start);
            CHECK(result.hashes == count);
            CHECK(result.compute_errors == 0);
            CHECK(result.hits == reference_hits(job, start, count));
            CHECK(!result.hits.empty());
        }
    }
}

TEST_CASE("scan with d = 0 reports every nonce of the range", "[engine]") {
    const auto job = demo_job(0, btpow::Rule::le);
    const auto result = btpow::scan(job, 18'446'744'073'709'551'615ull - 9, 20);
    REQUIRE(result.hits.size() == 20);
    CHECK(result.hits.front() == 18'446'744'073'709'551'606ull);
    CHECK(result.hits.back() == 9);
}

TEST_CASE("scan refuses an empty range", "[engine]") {
    try {
        btpow::scan(demo_job(1000, btpow::Rule::le), 0, 0);
        FAIL("no error");
    } catch (const btpow::Error& e) {
        CHECK(e.code() == btpow::ErrorCode::bad_option);
        CHECK(std::string(e.what()).find("count") != std::string::npos);
    }
}

TEST_CASE("the solver finds a solution that passes the reference under the job's rule", "[engine]") {
    for (const auto rule : btpow::kAllRules) {
        btpow::SolverOptions options;
        options.backend = btpow::Backend::cpu;
        options.nonce_start = 0;
        btpow::Solver solver(options);
        const auto job = demo_job(1000, rule, 11);
        const auto id = solver.submit(job);
        const auto solution = solver.wait_for(30s);
        REQUIRE(solution.has_value());
        CHECK(solution->job_id == id);
        CHECK(solution->job == job);
        CHECK(solution->seal == btpow::verify(job, solution->nonce).seal);
        CHECK(btpow::verify(job, solution->nonce).passes(rule));
        CHECK(solution->device == "cpu");
        solver.stop();
    }
}

TEST_CASE("a replaced job's solutions keep their own label", "[engine]") {
    btpow::SolverOptions options;
    options.backend = btpow::Backend::cpu;
    btpow::Solver solver(options);
    // Job 1 is solved within milliseconds; job 2 practically never.
    const auto easy = demo_job(1000, btpow::Rule::le, 100);
    const auto hard = demo_job(~0ull, btpow::Rule::le, 101);
    const auto easy_id = solver.submit(easy);
    REQUIRE(solver.wait_for(10s).has_value());
    const auto hard_id = solver.submit(hard);
    CHECK(hard_id == easy_id + 1);
    // Until the hard job has been hashed: every solution still queued then is the easy job's.
    CHECK(btpow::test::eventually([&] { return solver.stats().job_hashes > 0; }));
    while (auto s = solver.wait_for(0ms)) {
        CHECK(s->job_id == easy_id);
        CHECK(s->job.block_number == 100);
        CHECK(btpow::verify(easy, s->nonce).passes(btpow::Rule::le));
    }
    CHECK(solver.stats().job_id == hard_id);
}

TEST_CASE("stats count every hashed nonce and rates are positive while hashing", "[engine]") {
    btpow::SolverOptions options;
    options.backend = btpow::Backend::cpu;
    options.cpu_threads = 2;
    btpow::Solver solver(options);
    solver.submit(demo_job(~0ull, btpow::Rule::be));
    REQUIRE(btpow::test::eventually([&] { return solver.stats().total.hashes > 0; }));
    solver.pause();
    // Each worker finishes at most its current chunk: wait (up to 10 s on a busy machine) until the
    // counters settle, then they must stay put.
    auto a = solver.stats();
    for (int i = 0; i < 100; ++i) {
        std::this_thread::sleep_for(100ms);
        const auto now = solver.stats();
        if (now.total.hashes == a.total.hashes) break;
        a = now;
    }
    std::this_thread::sleep_for(200ms);
    const auto b = solver.stats();
    REQUIRE(a.devices.size() == 1);
    CHECK(a.devices[0].id == "cpu");
    CHECK(a.devices[0].threads == 2);
    CHECK(a.total.hashes > 0);
    CHECK(a.total.hashes == b.total.hashes);  // paused: nothing more is counted
    CHECK(a.job_hashes == a.total.hashes);    // one job: the two counters agree exactly
    REQUIRE(a.total.rate_total.has_value());
    CHECK(*a.total.rate_total > 0);
    CHECK(a.total.compute_errors == 0);
}

TEST_CASE("stop returns within 100 ms while hashing", "[engine]") {
    btpow::SolverOptions options;
    options.backend = btpow::Backend::cpu;
    btpow::Solver solver(options);
    solver.submit(demo_job(~0ull, btpow::Rule::le));
    REQUIRE(btpow::test::eventually([&] { return solver.stats().job_hashes > 0; }));
    const auto t0 = std::chrono::steady_clock::now();
    solver.stop();
    const auto took = std::chrono::steady_clock::now() - t0;
    // A worker looks at stop every few milliseconds (longer in an instrumented build).
    CHECK(took < 100ms * btpow::test::kSlowdown);
    solver.stop();  // idempotent
    CHECK_THROWS_AS(solver.submit(demo_job(1, btpow::Rule::le)), btpow::Error);
}

TEST_CASE("a CUDA-only solver without a device is refused with no_device", "[engine]") {
    const auto info = btpow::system_info();
    if (!info.cuda_devices.empty()) {
        WARN("SKIPPED: a CUDA device is present, so the no-device path cannot be exercised");
        return;
    }
    btpow::SolverOptions options;
    options.backend = btpow::Backend::cuda;
    try {
        btpow::Solver solver(options);
        FAIL("no error");
    } catch (const btpow::Error& e) {
        CHECK(e.code() == btpow::ErrorCode::no_device);
    }
}

TEST_CASE("a CUDA batch time over 1000 ms is refused, naming the option", "[engine]") {
    btpow::SolverOptions options;
    options.backend = btpow::Backend::cpu;
    options.cuda_batch_ms = 1001;
    try {
        btpow::Solver solver(options);
        FAIL("no error");
    } catch (const btpow::Error& e) {
        CHECK(e.code() == btpow::ErrorCode::bad_option);
        CHECK(e.field() == "cuda_batch_ms");
        CHECK_THAT(e.what(), Catch::Contains("1..1000 milliseconds"));
    }
    options.cuda_batch_ms = 20;  // any value in range is taken, with or without a GPU
    btpow::Solver solver(options);
    solver.stop();
}

TEST_CASE("parse_backend names the field on a bad value", "[engine]") {
    CHECK(btpow::parse_backend("all") == btpow::Backend::all);
    CHECK(btpow::to_string(btpow::Backend::auto_select) == "auto");
    try {
        btpow::parse_backend("gpu", "--backend");
        FAIL("no error");
    } catch (const btpow::Error& e) {
        CHECK(e.field() == "--backend");
        CHECK(std::string(e.what()).find("--backend") != std::string::npos);
    }
}
