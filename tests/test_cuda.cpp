// The CUDA backend, held to the CPU's results. Tests tagged [host] run the kernel's own loop and
// rotation policies on the host, without a GPU. Tests that need a device print "SKIPPED: ..."
// without one (or without CUDA in the build), and ctest shows them as skipped.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "btpow/btpow.hpp"
#include "btpow/core/seal_core.hpp"
#include "cuda/checksum.hpp"
#include "cuda/cuda.hpp"
#include "cuda/scan_loop.hpp"
#include "cuda/testing.hpp"
#include "cuda/variant_policy.hpp"
#include "cuda/variants.hpp"
#include "lib/cpu/cpu.hpp"
#include "lib/plan.hpp"
#include "tests/support/jobs.hpp"
#include "tests/support/scripted_source.hpp"

namespace {

namespace core = btpow::core;
namespace cuda = btpow::cuda;
using btpow::test::ScriptedSource;

constexpr std::uint64_t kTwoTo32 = std::uint64_t(1) << 32;
constexpr std::uint64_t kCompletenessRange = std::uint64_t(1) << 24;
constexpr std::uint64_t kChecksumRange = 100'000'000;

// The visible devices; empty after printing the skip notice ctest looks for.
std::vector<btpow::CudaDeviceInfo> devices_or_skip() {
    std::string why;
    std::vector<btpow::CudaDeviceInfo> list = cuda::devices(&why);
    if (list.empty()) WARN("SKIPPED: no CUDA device: " << why);
    return list;
}

btpow::Job test_job(btpow::Rule rule, std::uint64_t difficulty, std::uint8_t block_seed = 0) {
    btpow::Job job;
    job.block_number = 1;
    for (int i = 0; i < 32; ++i) job.block_hash.bytes[i] = static_cast<std::uint8_t>(block_seed * (i + 1));
    job.account = btpow::Account::parse(btpow::test::kAliceSs58);
    job.difficulty = btpow::Difficulty::from_u64(difficulty);
    job.rule = rule;
    return job;
}

unsigned cpu_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

// Runs body(first, count) over `threads` consecutive pieces of [start, start + count).
template <class Body>
void split_range(std::uint64_t start, std::uint64_t count, unsigned threads, Body body) {
    std::vector<std::thread> pool;
    const std::uint64_t piece = (count + threads - 1) / threads;
    for (unsigned t = 0; t < threads; ++t) {
        const std::uint64_t offset = std::min<std::uint64_t>(count, t * piece);
        const std::uint64_t n = std::min<std::uint64_t>(piece, count - offset);
        pool.emplace_back([&body, t, first = start + offset, n] { body(t, first, n); });
    }
    for (auto& thread : pool) thread.join();
}

// The CPU backend's candidates (best ISA path, all cores), ascending from start.
std::vector<std::uint64_t> cpu_candidates(const core::Plan& plan, std::uint64_t start, std::uint64_t count) {
    const std::string isa = btpow::cpu::default_isa();
    const unsigned threads = cpu_threads();
    std::vector<std::vector<std::uint64_t>> parts(threads);
    split_range(start, count, threads, [&](unsigned t, std::uint64_t first, std::uint64_t n) {
        if (n > 0) btpow::cpu::scan_candidates(isa, plan, first, n, parts[t]);
    });
    std::vector<std::uint64_t> all;
    for (auto& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
}

std::uint64_t cpu_checksum(const core::Plan& plan, std::uint64_t start, std::uint64_t count) {
    const unsigned threads = cpu_threads();
    std::vector<std::uint64_t> sums(threads, 0);
    split_range(start, count, threads, [&](unsigned t, std::uint64_t first, std::uint64_t n) {
        std::uint64_t sum = 0;
        for (std::uint64_t i = 0; i < n; ++i) {
            const std::uint64_t nonce = first + i;
            const std::uint64_t top =
                plan.top_is_le ? core::seal_top<true>(plan, nonce) : core::seal_top<false>(plan, nonce);
            sum += cuda::checksum_term(nonce, top);
        }
        sums[t] = sum;
    });
    std::uint64_t total = 0;
    for (std::uint64_t s : sums) total += s;
    return total;
}

std::vector<std::uint64_t> every_nonce(std::uint64_t start, std::uint64_t count) {
    std::vector<std::uint64_t> all(count);
    for (std::uint64_t i = 0; i < count; ++i) all[i] = start + i;
    return all;
}

// The kernel's loop (cuda/scan_loop.hpp) run on the host for a simulated grid: every launch of
// for_each_piece, every thread of the launch's grid, in order. Returns the candidates; `visits`
// gets every nonce the threads hashed.
struct HostSink {
    std::vector<std::uint64_t>& candidates;
    std::vector<std::uint64_t>& visits;
    void take(const core::Plan& plan, std::uint64_t nonce, std::uint64_t top) {
        visits.push_back(nonce);
        if (top <= plan.threshold_top) candidates.push_back(nonce);
    }
};

template <class Rot>
std::vector<std::uint64_t> simulated_grid_scan(const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                                               const cuda::kernels::LaunchShape& shape,
                                               std::vector<std::uint64_t>& visits) {
    namespace kernels = cuda::kernels;
    std::vector<std::uint64_t> candidates;
    HostSink sink{candidates, visits};
    kernels::for_each_plan_piece(
        plan, start, count, shape, true, [&](const kernels::Piece& piece, const core::Plan& p) {
            const std::uint32_t stride = piece.blocks * shape.threads_per_block;
            for (std::uint32_t thread = 0; thread < stride; ++thread) {
                if (p.kind == core::PlanKind::v1_search)
                    kernels::scan_thread<Rot, core::PlanKind::v1_search, true>(p, piece, thread, stride, sink);
                else if (p.kind == core::PlanKind::v1_range)
                    kernels::scan_thread<Rot, core::PlanKind::v1_range, true>(p, piece, thread, stride, sink);
                else if (p.top_is_le)
                    kernels::scan_thread<Rot, core::PlanKind::old_seal, true>(p, piece, thread, stride, sink);
                else
                    kernels::scan_thread<Rot, core::PlanKind::old_seal, false>(p, piece, thread, stride, sink);
            }
            return true;
        });
    return candidates;
}

// Calls visit(row) with row an std::integral_constant for each row of cuda::kVariants, so that
// visit can instantiate cuda::VariantPolicy<decltype(row)::value>: the kernels' own policies.
template <class Visit, std::size_t... Row>
void for_each_variant_policy(Visit visit, std::index_sequence<Row...>) {
    (visit(std::integral_constant<std::size_t, Row>{}), ...);
}
template <class Visit>
void for_each_variant_policy(Visit visit) {
    for_each_variant_policy(visit, std::make_index_sequence<cuda::kVariantCount>{});
}

// Sorts nonces by their offset from start (the order of the range, wrap included).
std::vector<std::uint64_t> in_range_order(std::vector<std::uint64_t> nonces, std::uint64_t start) {
    std::sort(nonces.begin(), nonces.end(),
              [start](std::uint64_t x, std::uint64_t y) { return x - start < y - start; });
    return nonces;
}

}  // namespace

TEST_CASE("cuda: compiled() matches the build and devices() never throws", "[cuda]") {
#if defined(BTPOW_WITH_CUDA)
    CHECK(cuda::compiled());
#else
    CHECK_FALSE(cuda::compiled());
#endif
    std::string error;
    std::vector<btpow::CudaDeviceInfo> list;
    REQUIRE_NOTHROW(list = cuda::devices(&error));
    REQUIRE_NOTHROW(cuda::devices(nullptr));
    if (list.empty()) {
        CHECK_FALSE(error.empty());
        if (!cuda::compiled()) CHECK(error == "built without CUDA");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        CHECK(list[i].ordinal == int(i));
        CHECK_FALSE(list[i].name.empty());
        CHECK(list[i].compute_major >= 7);
        CHECK(list[i].multiprocessors > 0);
        CHECK(list[i].memory_bytes > 0);
    }
}

TEST_CASE("cuda: make_workers refuses missing and bad ordinals with no_device", "[cuda]") {
    std::string why;
    const auto list = cuda::devices(&why);
    const btpow::LogCallback quiet;
    if (list.empty()) {
        try {
            cuda::make_workers({}, quiet);
            FAIL("make_workers succeeded without a device");
        } catch (const btpow::Error& e) {
            CHECK(e.code() == btpow::ErrorCode::no_device);
            CHECK_FALSE(std::string(e.what()).empty());
        }
        CHECK_THROWS_AS(cuda::testing::self_test(0), btpow::Error);
        return;
    }
    try {
        cuda::make_workers({int(list.size()) + 7}, quiet);
        FAIL("make_workers accepted an ordinal past the last device");
    } catch (const btpow::Error& e) {
        CHECK(e.code() == btpow::ErrorCode::no_device);
        CHECK(e.field() == "--devices");
    }
    try {
        cuda::make_workers({-1}, quiet);
        FAIL("make_workers accepted a negative ordinal");
    } catch (const btpow::Error& e) {
        CHECK(e.code() == btpow::ErrorCode::no_device);
    }
    CHECK_THROWS_AS(cuda::make_workers({0, 0}, quiet), btpow::Error);
}

TEST_CASE("cuda: kernel variants are named, and a bad BTPOW_CUDA_ROTATIONS is refused", "[cuda]") {
    for (const cuda::Variant variant : cuda::kVariants) CHECK(cuda::parse_variant(cuda::to_string(variant)) == variant);
    // The names users pass in BTPOW_CUDA_ROTATIONS and read in the benchmark and the log.
    CHECK(cuda::variant_names() == "funnel, split, multiply, funnel-loop, split-loop or multiply-loop");
    CHECK_FALSE(cuda::parse_variant("Funnel"));
    CHECK_FALSE(cuda::parse_variant("funnel_loop"));
    CHECK_FALSE(cuda::parse_variant(""));
    if (!cuda::compiled()) return;  // the stub refuses every call with no_device
    struct Setting {
        Setting() { ::setenv(cuda::kRotationsVariable, "sideways", 1); }
        ~Setting() { ::unsetenv(cuda::kRotationsVariable); }
    } setting;
    try {
        cuda::make_workers({}, {});
        FAIL("make_workers accepted BTPOW_CUDA_ROTATIONS=sideways");
    } catch (const btpow::Error& e) {
        CHECK(e.code() == btpow::ErrorCode::bad_option);
        CHECK(e.field() == cuda::kRotationsVariable);
        CHECK_THAT(e.what(), Catch::Contains("sideways") && Catch::Contains(cuda::variant_names()));
    }
}

TEST_CASE("cuda kernel loop (host): launches cover a range exactly, never cross 2^32, and stop at an error",
          "[cuda][host]") {
    namespace kernels = cuda::kernels;
    const kernels::LaunchShape shape{528};
    struct Case {
        std::uint64_t start, count;
    };
    const Case cases[] = {{0, 1},
                          {kTwoTo32 - 1, 2},
                          {5, 1000},
                          {std::numeric_limits<std::uint64_t>::max() - (kTwoTo32 << 1) - 5, kTwoTo32 << 3},
                          {std::numeric_limits<std::uint64_t>::max(), 3},
                          {123, kernels::kMaxLaunchNonces * 3 + 7}};
    for (const Case& c : cases) {
        INFO("start " << c.start << ", count " << c.count);
        std::uint64_t next = c.start, covered = 0;
        kernels::for_each_piece(c.start, c.count, shape, true, [&](const kernels::Piece& piece) {
            const std::uint64_t first = (std::uint64_t(piece.nonce_high) << 32) | piece.low_start;
            CHECK(first == next);
            CHECK(piece.count > 0);
            CHECK(piece.count <= kernels::kMaxLaunchNonces);
            CHECK(std::uint64_t(piece.low_start) + piece.count <= kTwoTo32);
            CHECK(piece.blocks >= 1);
            CHECK(piece.blocks <= shape.blocks);
            CHECK(std::uint64_t(piece.blocks - 1) * shape.threads_per_block < piece.count);  // no idle block
            next = first + piece.count;
            covered += piece.count;
            return true;
        });
        CHECK(covered == c.count);
    }
    int launches = 0;
    CHECK(kernels::for_each_piece(0, kTwoTo32 * 2, shape, 0, [&](const kernels::Piece&) { return ++launches; }) == 1);
    CHECK(launches == 1);
    CHECK(kernels::for_each_piece(7, 0, shape, 0, [](const kernels::Piece&) { return 1; }) == 0);
}

TEST_CASE(
    "cuda kernel loop (host): a simulated grid hashes every nonce once and finds the CPU's candidates, "
    "in every variant and rule, across 2^32 and 2^64",
    "[cuda][host]") {
    struct Range {
        std::uint64_t start, count;
    };
    const Range ranges[] = {{1000, 3001}, {kTwoTo32 - 1500, 3000}, {std::uint64_t(0) - 1500, 3000}};
    const cuda::kernels::LaunchShape shapes[] = {{3}, {100}};  // 768 threads; more threads than nonces
    for (const btpow::Rule rule : btpow::kAllRules) {
        const core::Plan plan = btpow::detail::make_plan(test_job(rule, 64, 7));
        for (const Range& range : ranges) {
            const std::vector<std::uint64_t> expected =
                in_range_order(cpu_candidates(plan, range.start, range.count), range.start);
            REQUIRE(!expected.empty());
            for (const auto& shape : shapes) {
                INFO("rule " << btpow::to_string(rule) << ", start " << range.start << ", blocks " << shape.blocks);
                std::vector<std::uint64_t> visits;
                auto check = [&](std::vector<std::uint64_t> found) {
                    CHECK(in_range_order(std::move(found), range.start) == expected);
                    CHECK(in_range_order(visits, range.start) == every_nonce(range.start, range.count));
                    visits.clear();
                };
                for_each_variant_policy([&](auto row) {
                    using Policy = cuda::VariantPolicy<decltype(row)::value>;
                    INFO("variant " << cuda::to_string(cuda::kVariants[row]));
                    check(simulated_grid_scan<Policy>(plan, range.start, range.count, shape, visits));
                });
            }
        }
    }
}

namespace {

// A v1 job (docs/protocol.md §10) on netuid 3 with made-up block hash and keys.
btpow::Job v1_test_job(std::uint64_t difficulty, std::uint8_t seed) {
    btpow::Job job;
    job.seal = btpow::SealKind::v1;
    job.netuid = 3;
    job.block_number = 1;
    for (int i = 0; i < 32; ++i) {
        job.block_hash.bytes[i] = static_cast<std::uint8_t>(seed * (i + 1));
        job.hotkey.public_key.bytes[i] = static_cast<std::uint8_t>(seed + 3 * i);
        job.coldkey.public_key.bytes[i] = static_cast<std::uint8_t>(seed + 5 * i);
    }
    job.difficulty = btpow::Difficulty::from_u64(difficulty);
    return job;
}

}  // namespace

TEST_CASE(
    "cuda kernel loop (host): v1 in both orders, every variant, finds the CPU's candidates and hashes "
    "every position once, across the orders' runs",
    "[cuda][host]") {
    struct Range {
        std::uint64_t start, count;
    };
    const Range ranges[] = {
        {core::kV1SearchRun - 1500, 3000}, {(std::uint64_t(1) << 40) - 1500, 3000}, {std::uint64_t(0) - 1500, 3000}};
    const cuda::kernels::LaunchShape shape{3};
    const btpow::Job job = v1_test_job(64, 11);
    for (const core::Plan& plan : {btpow::detail::make_plan(job), btpow::detail::make_range_plan(job)}) {
        for (const Range& range : ranges) {
            const std::vector<std::uint64_t> expected = cpu_candidates(plan, range.start, range.count);
            REQUIRE(!expected.empty());
            std::vector<std::uint64_t> every;
            for (std::uint64_t i = 0; i < range.count; ++i) every.push_back(core::nonce_at(plan, range.start + i));
            std::sort(every.begin(), every.end());
            for_each_variant_policy([&](auto row) {
                using Policy = cuda::VariantPolicy<decltype(row)::value>;
                INFO("variant " << cuda::to_string(cuda::kVariants[row]) << ", kind " << static_cast<int>(plan.kind)
                                << ", start " << range.start);
                std::vector<std::uint64_t> visits;
                std::vector<std::uint64_t> found =
                    simulated_grid_scan<Policy>(plan, range.start, range.count, shape, visits);
                std::sort(found.begin(), found.end());
                std::vector<std::uint64_t> sorted_expected = expected;
                std::sort(sorted_expected.begin(), sorted_expected.end());
                CHECK(found == sorted_expected);
                std::sort(visits.begin(), visits.end());
                CHECK(visits == every);
            });
        }
    }
}

TEST_CASE("cuda kernel body (host): the seal top equals the fast core in every variant", "[cuda][host]") {
    // The policies the kernels instantiate (cuda/kernel_variant.cu), built for the host: only where
    // the powers of two come from and the high multiply differ on the GPU.
    const std::uint64_t seed = Catch::rngSeed() != 0 ? Catch::rngSeed() : std::random_device{}();
    std::cout << "test_cuda: random seed " << seed << " (replay with --rng-seed " << seed << ")\n";
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 20'000; ++i) {
        btpow::Hash32 h;
        for (auto& byte : h.bytes) byte = static_cast<std::uint8_t>(rng());
        const std::uint64_t nonce = i % 4 == 0 ? kTwoTo32 - 1 - (rng() % 4) : rng();  // also across 2^32
        for (const bool le : {true, false}) {
            const core::Plan plan = core::make_plan(h.bytes.data(), 0, le);
            const std::uint64_t expected = le ? core::seal_top<true>(plan, nonce) : core::seal_top<false>(plan, nonce);
            const std::uint32_t w0 = core::nonce_word0(nonce), w1 = core::nonce_word1(nonce);
            for_each_variant_policy([&](auto row) {
                using Policy = cuda::VariantPolicy<decltype(row)::value>;
                INFO("variant " << cuda::to_string(cuda::kVariants[row]) << ", H " << h.hex() << ", nonce " << nonce
                                << (le ? ", rule le" : ", rule be"));
                const std::uint64_t top = le ? core::seal_top_words<Policy, true>(plan, w0, w1)
                                             : core::seal_top_words<Policy, false>(plan, w0, w1);
                REQUIRE(top == expected);
            });
        }
    }
}

TEST_CASE("cuda: every device passes the self-test and gets a worker", "[cuda][short]") {
    const auto list = devices_or_skip();
    if (list.empty()) return;
    for (const auto& device : list) {
        INFO("device " << device.ordinal << ": " << device.name);
        CHECK(cuda::testing::self_test(device.ordinal).empty());
        CHECK(cuda::testing::tuned_batch(device.ordinal) > 0);
    }
    std::vector<std::string> log;
    const auto workers = cuda::make_workers({}, [&](btpow::LogLevel, std::string_view m) { log.emplace_back(m); });
    REQUIRE(workers.size() == list.size());
    for (std::size_t i = 0; i < workers.size(); ++i) {
        CHECK(workers[i]->id() == "cuda:" + std::to_string(list[i].ordinal));
        CHECK(workers[i]->backend() == "cuda");
        CHECK(workers[i]->device() == list[i].name);
    }
    CHECK(log.size() >= workers.size());  // one "self-test passed" line per device
}

TEST_CASE("cuda: the benchmark's cubit-style baseline computes the chain's seals", "[cuda][short]") {
    // Its first hit under cubit's comparison (seal read big-endian, strictly below M / d) equals
    // the reference's first nonce passing rule be: the speed-up compares like with like.
    const auto list = devices_or_skip();
    if (list.empty()) return;
    constexpr std::uint64_t kDifficulty = 100;
    constexpr std::uint64_t kCount = 4096;
    const btpow::Job job = test_job(btpow::Rule::be, kDifficulty, 9);
    std::uint64_t expected = ~std::uint64_t{0};
    for (std::uint64_t n = 0; n < kCount; ++n)
        if (btpow::verify(job, n).passes(btpow::Rule::be)) {
            expected = n;
            break;
        }
    REQUIRE(expected != ~std::uint64_t{0});  // d = 100: a hit in 4096 nonces all but surely
    const btpow::Hash32 h = btpow::block_and_hotkey_hash(job.block_hash, job.account);
    for (const auto& device : list) {
        INFO("device " << device.ordinal << ": " << device.name);
        CHECK(cuda::testing::baseline_first_hit(device.ordinal, h, kDifficulty, kCount) == expected);
    }
}

TEST_CASE("cuda: the solver finds a solution at d = 10^6 under every rule, with no compute error", "[cuda]") {
    const auto list = devices_or_skip();
    if (list.empty()) return;
    btpow::SolverOptions options;
    options.backend = btpow::Backend::cuda;
    btpow::Solver solver(options);
    for (const btpow::Rule rule : btpow::kAllRules) {
        INFO("rule " << btpow::to_string(rule));
        const btpow::Job job = test_job(rule, 1'000'000, 11);
        const std::uint64_t id = solver.submit(job);
        // A GPU batch at d = 10^6 holds many solutions: those of the previous rule's job still
        // arrive after the switch, labelled with their own job, and must pass under it.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        std::optional<btpow::Solution> solution;
        while (!solution && std::chrono::steady_clock::now() < deadline) {
            std::optional<btpow::Solution> next = solver.wait_for(std::chrono::seconds(5));
            if (!next) continue;
            CHECK(next->job_id <= id);
            CHECK(btpow::verify(next->job, next->nonce).passes(next->job.rule));
            if (next->job_id == id) solution = std::move(next);
        }
        REQUIRE(solution);
        CHECK(solution->job == job);
        CHECK(solution->device.rfind("cuda:", 0) == 0);
        CHECK(btpow::verify(job, solution->nonce).passes(rule));
    }
    const btpow::Stats stats = solver.stats();
    CHECK(stats.total.compute_errors == 0);
    for (const auto& device : stats.devices) CHECK_FALSE(device.failed);
}

TEST_CASE("cuda: candidate sets equal the CPU's on 2^24 nonces per rule, across 2^32 and 2^64", "[cuda]") {
    const auto list = devices_or_skip();
    if (list.empty()) return;
    // d = 2^14: about 1000 candidates per 2^24 nonces, so the sets are far from empty.
    const std::uint64_t starts[] = {123'456'789, kTwoTo32 - kCompletenessRange / 2,
                                    std::uint64_t(0) - kCompletenessRange / 2};
    for (const btpow::Rule rule : btpow::kAllRules) {
        const core::Plan plan = btpow::detail::make_plan(test_job(rule, 1 << 14, 3));
        for (const std::uint64_t start : starts) {
            INFO("rule " << btpow::to_string(rule) << ", start " << start);
            const std::vector<std::uint64_t> expected = cpu_candidates(plan, start, kCompletenessRange);
            CHECK(expected.size() > 500);
            for (const auto& device : list) {
                INFO("device " << device.ordinal);
                // The worker's tuned batches, and small batches that cut the range in 16, in the
                // calibrated variant and in each rotation variant.
                CHECK(cuda::testing::scan_candidates(device.ordinal, plan, start, kCompletenessRange) == expected);
                for (const cuda::Variant variant : cuda::kVariants) {
                    INFO("variant " << cuda::to_string(variant));
                    CHECK(cuda::testing::scan_candidates(device.ordinal, plan, start, kCompletenessRange,
                                                         kCompletenessRange / 16, cuda::kCandidateCapacity,
                                                         cuda::kRecoveryCapacity, nullptr, variant) == expected);
                }
            }
        }
    }
}

// The first batch of a freshly opened scanner, with no calibration in between: the candidate
// buffers' initial clearing once ran on the legacy default stream, which the scanner's
// non-blocking stream does not wait for, and erased part of a first batch's candidates.
TEST_CASE("cuda: a freshly opened scanner's first batches keep every candidate", "[cuda][short]") {
    const auto list = devices_or_skip();
    if (list.empty()) return;
    constexpr std::uint64_t kStart = 987'654'321, kCount = std::uint64_t(1) << 20;
    const core::Plan plan = btpow::detail::make_plan(test_job(btpow::Rule::le, 1 << 10, 5));
    const std::vector<std::uint64_t> expected = cpu_candidates(plan, kStart, kCount);
    REQUIRE(expected.size() > 500);
    for (const auto& device : list) {
        INFO("device " << device.ordinal);
        for (int round = 0; round < 8; ++round)
            for (const cuda::Variant variant : cuda::kVariants) {
                INFO("round " << round << ", variant " << cuda::to_string(variant));
                CHECK(cuda::testing::scan_candidates(device.ordinal, plan, kStart, kCount, kCount / 4,
                                                     cuda::kCandidateCapacity, cuda::kRecoveryCapacity, nullptr,
                                                     variant) == expected);
            }
    }
}

TEST_CASE("cuda: scan with backend cuda returns the CPU's hit set", "[cuda]") {
    const auto list = devices_or_skip();
    if (list.empty()) return;
    for (const btpow::Rule rule : btpow::kAllRules) {
        const btpow::Job job = test_job(rule, 1 << 12, 9);
        const std::uint64_t start = kTwoTo32 - (1 << 21);
        btpow::ScanOptions on_cpu;
        on_cpu.backend = btpow::Backend::cpu;
        btpow::ScanOptions on_gpu;
        on_gpu.backend = btpow::Backend::cuda;
        const btpow::ScanResult expected = btpow::scan(job, start, 1 << 22, on_cpu);
        const btpow::ScanResult got = btpow::scan(job, start, 1 << 22, on_gpu);
        INFO("rule " << btpow::to_string(rule));
        CHECK(expected.hits.size() > 100);
        CHECK(got.hits == expected.hits);
        CHECK(got.hashes == std::uint64_t(1) << 22);
        CHECK(got.compute_errors == 0);
    }
}

TEST_CASE("cuda: v1 candidate sets equal the CPU's in both orders, and scan and the solver do v1", "[cuda]") {
    const auto list = devices_or_skip();
    if (list.empty()) return;
    const btpow::Job job = v1_test_job(1 << 14, 4);
    const std::uint64_t start = (std::uint64_t(1) << 40) - kCompletenessRange / 2;
    for (const core::Plan& plan : {btpow::detail::make_plan(job), btpow::detail::make_range_plan(job)}) {
        const std::vector<std::uint64_t> expected = cpu_candidates(plan, start, kCompletenessRange);
        CHECK(expected.size() > 500);
        for (const auto& device : list)
            for (const cuda::Variant variant : cuda::kVariants) {
                INFO("device " << device.ordinal << ", variant " << cuda::to_string(variant) << ", kind "
                               << static_cast<int>(plan.kind));
                CHECK(cuda::testing::scan_candidates(device.ordinal, plan, start, kCompletenessRange,
                                                     kCompletenessRange / 16, cuda::kCandidateCapacity,
                                                     cuda::kRecoveryCapacity, nullptr, variant) == expected);
            }
    }
    btpow::ScanOptions on_cpu;
    btpow::ScanOptions on_gpu;
    on_gpu.backend = btpow::Backend::cuda;
    const btpow::ScanResult expected = btpow::scan(job, start, 1 << 22, on_cpu);
    const btpow::ScanResult got = btpow::scan(job, start, 1 << 22, on_gpu);
    CHECK(expected.hits.size() > 100);
    CHECK(got.hits == expected.hits);
    btpow::SolverOptions options;
    options.backend = btpow::Backend::cuda;
    btpow::Solver solver(options);
    const btpow::Job hard = v1_test_job(1'000'000, 6);
    solver.submit(hard);
    const auto solution = solver.wait_for(std::chrono::seconds(60));
    REQUIRE(solution);
    CHECK(btpow::verify(hard, solution->nonce).le);
    CHECK(solver.stats().total.compute_errors == 0);
}

TEST_CASE("cuda: seal tops agree with the CPU's over 10^8 nonces (checksum)", "[cuda]") {
    const auto list = devices_or_skip();
    if (list.empty()) return;
    const core::Plan le = btpow::detail::make_plan(test_job(btpow::Rule::le, 1'000'000, 5));
    const core::Plan be = btpow::detail::make_plan(test_job(btpow::Rule::be, 1'000'000, 5));
    const std::uint64_t start = kTwoTo32 - kChecksumRange / 2;  // across 2^32
    const std::uint64_t expected_le = cpu_checksum(le, start, kChecksumRange);
    const std::uint64_t expected_be = cpu_checksum(be, std::uint64_t(0) - kCompletenessRange / 2, kCompletenessRange);
    for (const auto& device : list) {
        for (const cuda::Variant variant : cuda::kVariants) {
            INFO("device " << device.ordinal << ", variant " << cuda::to_string(variant));
            CHECK(cuda::testing::top_checksum(device.ordinal, le, start, kChecksumRange, variant) == expected_le);
            CHECK(cuda::testing::top_checksum(device.ordinal, be, std::uint64_t(0) - kCompletenessRange / 2,
                                              kCompletenessRange, variant) == expected_be);
        }
    }
}

TEST_CASE("cuda: a batch where every nonce is a candidate returns all of them", "[cuda][short]") {
    const auto list = devices_or_skip();
    if (list.empty()) return;
    constexpr std::uint64_t kCount = 100'000;
    const core::Plan every = btpow::detail::make_plan(test_job(btpow::Rule::le, 0));  // d = 0 accepts every seal
    REQUIRE(every.threshold_top == std::numeric_limits<std::uint64_t>::max());
    const std::uint64_t start = kTwoTo32 - kCount / 3;
    const std::vector<std::uint64_t> all = every_nonce(start, kCount);
    for (const auto& device : list) {
        INFO("device " << device.ordinal);
        cuda::ScanReport report;
        // One batch: 100 000 candidates against 1024 slots, recovered by one rescan.
        CHECK(cuda::testing::scan_candidates(device.ordinal, every, start, kCount, kCount, cuda::kCandidateCapacity,
                                             cuda::kRecoveryCapacity, &report) == all);
        CHECK(report.overflows == 1);
        CHECK(report.rescans == 1);
        // A recovery buffer smaller than the batch: the rescan itself overflows and is split.
        CHECK(cuda::testing::scan_candidates(device.ordinal, every, start, kCount, kCount, 1024, 4096, &report) == all);
        CHECK(report.rescans > 10);
    }
    // Through the engine: d = 0 makes every nonce of the range a hit.
    btpow::ScanOptions on_gpu;
    on_gpu.backend = btpow::Backend::cuda;
    const btpow::ScanResult got = btpow::scan(test_job(btpow::Rule::be, 0), start, kCount, on_gpu);
    CHECK(got.hits == all);
}

TEST_CASE("cuda: a worker reports every batch under its own job through job switches", "[cuda][short]") {
    const auto list = devices_or_skip();
    if (list.empty()) return;
    const core::Plan job_a = btpow::detail::make_plan(test_job(btpow::Rule::le, 1 << 10, 1));
    const core::Plan job_b = btpow::detail::make_plan(test_job(btpow::Rule::be, 1 << 11, 2));
    std::vector<btpow::detail::Assignment> script;
    auto add = [&](std::uint64_t job_id, const core::Plan& plan, std::uint64_t start, std::uint64_t count) {
        btpow::detail::Assignment a;
        a.job_id = job_id;
        a.plan = plan;
        a.start = start;
        a.count = count;
        script.push_back(a);
    };
    add(1, job_a, 1000, 1 << 20);
    add(1, job_a, 1000 + (1 << 20), 1 << 20);
    add(2, job_b, kTwoTo32 - (1 << 19), 1 << 20);     // switch, and across 2^32
    add(1, job_a, 1000 + (2 << 20), 777);             // a stale assignment of the old job, odd size
    add(2, job_b, std::uint64_t(0) - 4096, 1 << 18);  // across the 2^64 wrap
    add(2, job_b, 5, 3 << 18);

    for (const auto& device : list) {
        INFO("device " << device.ordinal);
        auto workers = cuda::make_workers({device.ordinal}, {});
        REQUIRE(workers.size() == 1);
        ScriptedSource source(script);
        std::thread runner([&] { workers[0]->run(source); });
        runner.join();
        REQUIRE(source.failures().empty());
        REQUIRE(source.reports().size() == script.size());
        for (std::size_t i = 0; i < script.size(); ++i) {
            const auto& r = source.reports()[i];
            INFO("batch " << i);
            CHECK(r.assignment.job_id == script[i].job_id);
            CHECK(r.assignment.start == script[i].start);
            CHECK(r.hashed == script[i].count);
            CHECK(r.candidates == cpu_candidates(script[i].plan, script[i].start, script[i].count));
        }
    }
}
