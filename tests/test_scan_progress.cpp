// scan()'s progress reports: the hashed prefix only grows, every hit is reported once and in
// range order, the reports add up to the result, and returning false stops the scan with what it
// completed from start on.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "btpow/seal.hpp"
#include "btpow/solver.hpp"
#include "tests/support/jobs.hpp"

TEST_CASE("scan progress: a growing prefix, each hit once and in order, summing to the result", "[scan]") {
    const btpow::Job job = btpow::test::alice_job(btpow::test::block_hash_ending(3), 64);
    btpow::ScanOptions options;
    options.cpu_threads = 2;
    std::vector<std::uint64_t> reported;
    std::uint64_t last_done = 0;
    int calls = 0;
    options.on_progress = [&](const btpow::ScanProgress& progress) {
        ++calls;
        CHECK(progress.done > last_done);
        last_done = progress.done;
        reported.insert(reported.end(), progress.hits.begin(), progress.hits.end());
        return true;
    };
    const std::uint64_t start = ~std::uint64_t{0} - 50'000;  // wraps past 2^64 - 1
    const btpow::ScanResult result = btpow::scan(job, start, 200'000, options);
    CHECK(result.complete);
    CHECK(result.done == 200'000);
    CHECK(last_done == 200'000);
    CHECK(calls > 1);
    CHECK(reported == result.hits);
    CHECK(result.hits.size() > 1000);
    for (std::size_t i = 1; i < result.hits.size(); ++i) CHECK(result.hits[i] - start > result.hits[i - 1] - start);
}

TEST_CASE("scan progress: returning false stops the scan with its completed prefix", "[scan]") {
    const btpow::Job job = btpow::test::alice_job(btpow::test::block_hash_ending(4), 64);
    btpow::ScanOptions options;
    options.cpu_threads = 2;
    options.on_progress = [](const btpow::ScanProgress& progress) { return progress.done < 100'000; };
    const std::uint64_t count = std::uint64_t{1} << 40;  // hours of work unless it stops
    const btpow::ScanResult result = btpow::scan(job, 0, count, options);
    CHECK_FALSE(result.complete);
    CHECK(result.done >= 100'000);
    CHECK(result.done < count);
    CHECK(result.hashes >= result.done);
    for (const std::uint64_t nonce : result.hits) {
        CHECK(nonce < result.done);
        CHECK(btpow::verify(job, nonce).passes(job.rule));
    }
    std::uint64_t expected = 0;
    for (std::uint64_t n = 0; n < result.done; ++n) expected += btpow::verify(job, n).passes(job.rule) ? 1 : 0;
    CHECK(result.hits.size() == expected);
}
