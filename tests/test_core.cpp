// The fast seal core (include/btpow/core) against the reference implementation on a million
// random (H, nonce) pairs under every rule, drawn from the suite's seeded source
// (tests/support/random.hpp).
#include <catch2/catch.hpp>

#include <iostream>
#include <random>
#include <sstream>
#include <vector>

#include "btpow/core/seal_core.hpp"
#include "btpow/seal.hpp"
#include "lib/plan.hpp"
#include "tests/support/jobs.hpp"
#include "tests/support/random.hpp"
#include "tests/support/timing.hpp"

namespace {

using btpow::Difficulty;
using btpow::Hash32;
using btpow::Rule;

using btpow::test::random_hash;
using btpow::test::random_nonce;

std::string describe(const Hash32& h, std::uint64_t nonce, std::string_view what) {
    std::ostringstream out;
    out << what << " at H = " << h.hex() << ", nonce " << nonce;
    return out.str();
}

struct RuleThreshold {
    Rule rule;
    std::uint64_t top;  // threshold(d, rule).top64()
    std::string label;
};

// Difficulties from trivial to astronomic, so that the filter answers both ways; includes
// divisors of M, where sdk's threshold differs from be's (docs/protocol.md §3).
std::vector<RuleThreshold> rule_thresholds() {
    const char* difficulties[] = {"0",
                                  "1",
                                  "2",
                                  "3",
                                  "5",
                                  "255",
                                  "1000",
                                  "65537",
                                  "1000000",
                                  "4294967296",
                                  "18446744073709551615",
                                  "340282366920938463463374607431768211456"};
    std::vector<RuleThreshold> out;
    for (const char* d : difficulties)
        for (Rule rule : btpow::kAllRules)
            out.push_back({rule, btpow::threshold(Difficulty::parse(d), rule).top64(),
                           std::string("d ") + d + ", rule " + std::string(btpow::to_string(rule))});
    return out;
}

}  // namespace

TEST_CASE("fast core equals the reference on a million random (H, nonce) pairs under every rule", "[core]") {
    auto rng = btpow::test::rng(0);
    const std::vector<RuleThreshold> thresholds = rule_thresholds();
#if defined(NDEBUG) && !defined(BTPOW_TEST_SANITIZED)
    constexpr int kPairs = 1'000'000;
#else
    constexpr int kPairs = 100'000;  // unoptimised and sanitizer builds: keep the suite quick
#endif
    std::uint64_t mismatches = 0, candidates = 0, rejections = 0;
    std::string first_mismatch;
    auto record = [&](bool ok, const Hash32& h, std::uint64_t nonce, const char* what, const RuleThreshold& t) {
        if (ok) return;
        if (mismatches++ == 0) first_mismatch = describe(h, nonce, std::string(what) + ", " + t.label);
    };

    for (int i = 0; i < kPairs; ++i) {
        const Hash32 h = random_hash(rng);
        const std::uint64_t nonce = random_nonce(rng);
        const Hash32 reference = btpow::seal(h, nonce);
        const std::uint64_t top_le = btpow::seal_value(reference, Rule::le).top64();
        const std::uint64_t top_be = btpow::seal_value(reference, Rule::be).top64();

        // A rule and a difficulty drawn at random for each pair.
        const RuleThreshold& t = thresholds[rng() % thresholds.size()];
        const bool le = t.rule == Rule::le;
        const btpow::core::Plan plan = btpow::core::make_plan(h.bytes.data(), t.top, le);

        record(btpow::detail::fast_seal(plan, nonce) == reference, h, nonce, "fast_seal differs from seal", t);
        record(btpow::core::seal_top<true>(plan, nonce) == top_le, h, nonce, "seal_top<le> differs", t);
        record(btpow::core::seal_top<false>(plan, nonce) == top_be, h, nonce, "seal_top<be> differs", t);
        const bool expected = (le ? top_le : top_be) <= t.top;
        const bool candidate = btpow::core::is_candidate(plan, nonce);
        record(candidate == expected, h, nonce, "is_candidate differs", t);
        ++(candidate ? candidates : rejections);
    }
    INFO(first_mismatch);
    CHECK(mismatches == 0);
    // Both answers of the filter were exercised.
    CHECK(candidates > 0);
    CHECK(rejections > 0);
}

TEST_CASE("fast core filter at its boundary: threshold_top equal to and one below the seal's top", "[core]") {
    auto rng = btpow::test::rng(1);
    for (int i = 0; i < 20'000; ++i) {
        const Hash32 h = random_hash(rng);
        const std::uint64_t nonce = random_nonce(rng);
        const Hash32 reference = btpow::seal(h, nonce);
        for (Rule rule : {Rule::le, Rule::be}) {
            const std::uint64_t top = btpow::seal_value(reference, rule).top64();
            const bool le = rule == Rule::le;
            INFO(describe(h, nonce, le ? "rule le" : "rule be"));
            REQUIRE(btpow::core::is_candidate(btpow::core::make_plan(h.bytes.data(), top, le), nonce));
            if (top > 0)
                REQUIRE_FALSE(btpow::core::is_candidate(btpow::core::make_plan(h.bytes.data(), top - 1, le), nonce));
        }
    }
}

TEST_CASE("fast core at the edge nonces 0, 2^32 - 1, 2^32, 2^63 and 2^64 - 1", "[core]") {
    auto rng = btpow::test::rng(2);
    const std::uint64_t edges[] = {0,
                                   1,
                                   (std::uint64_t{1} << 32) - 1,
                                   std::uint64_t{1} << 32,
                                   (std::uint64_t{1} << 32) + 1,
                                   std::uint64_t{1} << 63,
                                   ~std::uint64_t{0} - 1,
                                   ~std::uint64_t{0}};
    for (int i = 0; i < 200; ++i) {
        btpow::Job job;
        job.block_hash = random_hash(rng);
        job.account = btpow::Account{random_hash(rng)};
        job.difficulty = Difficulty::from_u64(rng() % 1000);
        for (Rule rule : btpow::kAllRules) {
            job.rule = rule;
            const btpow::core::Plan plan = btpow::detail::make_plan(job);
            for (std::uint64_t nonce : edges) {
                const btpow::Verdict verdict = btpow::verify(job, nonce);
                INFO(describe(verdict.block_and_hotkey_hash, nonce, btpow::to_string(rule)));
                REQUIRE(btpow::detail::fast_seal(plan, nonce) == verdict.seal);
                // docs/protocol.md §3: a passing seal is always a candidate.
                if (verdict.passes(rule)) REQUIRE(btpow::core::is_candidate(plan, nonce));
            }
        }
    }
}

TEST_CASE("make_plan carries the job's rule and the top 64 bits of its threshold", "[core]") {
    btpow::Job job;
    job.block_hash = Hash32::parse("0x8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f");
    job.account = btpow::Account::parse(btpow::test::kAliceSs58);
    for (const char* d : {"0", "1", "3", "1000000", "18446744073709551615", "0x100000000000000000000000000000000"}) {
        job.difficulty = Difficulty::parse(d);
        for (Rule rule : btpow::kAllRules) {
            job.rule = rule;
            const btpow::core::Plan plan = btpow::detail::make_plan(job);
            INFO("d " << d << ", rule " << btpow::to_string(rule));
            CHECK(plan.threshold_top == btpow::threshold(job.difficulty, rule).top64());
            CHECK(plan.top_is_le == (rule == Rule::le ? 1u : 0u));
        }
    }
    job.difficulty = Difficulty::from_u64(0);
    CHECK(btpow::detail::make_plan(job).threshold_top == ~std::uint64_t{0});
}

namespace {

template <int N>
std::uint32_t plain_rotr32(std::uint32_t x) {
    return (x >> N) | (x << (32 - N));
}

template <int... N>
bool every_mul_rotr32_matches(std::uint32_t x, std::integer_sequence<int, N...>) {
    using Word = btpow::core::MulWord32<~std::uint32_t{0}>;
    return ((btpow::core::raw(btpow::core::rotr32<N + 1>(Word(x))) == plain_rotr32<N + 1>(x)) && ...) &&
           ((btpow::core::raw(btpow::core::shr32<N + 1>(Word(x))) == (x >> (N + 1))) && ...);
}

template <int... N>
bool every_mul_rotl64_matches(std::uint64_t x, std::integer_sequence<int, N...>) {
    using Lane = btpow::core::MulLane64<~std::uint64_t{0}>;
    return ((btpow::core::raw(btpow::core::rotl64<N>(Lane(x))) == ((x << N) | (x >> ((64 - N) & 63)))) && ...);
}

// The GPU kernel's body in one rotation policy, over both rules.
template <class Rotations>
std::uint64_t top_with(const btpow::core::Plan& plan, std::uint64_t nonce) {
    const std::uint32_t w0 = btpow::core::nonce_word0(nonce), w1 = btpow::core::nonce_word1(nonce);
    return plan.top_is_le ? btpow::core::seal_top_words<Rotations, true>(plan, w0, w1)
                          : btpow::core::seal_top_words<Rotations, false>(plan, w0, w1);
}

}  // namespace

TEST_CASE("rotations through the multiplier equal shifts for every count", "[core]") {
    auto rng = btpow::test::rng(3);
    for (int i = 0; i < 10'000; ++i) {
        const std::uint64_t x = i < 4 ? std::uint64_t{0} - (i & 1) : rng();  // 0, all ones, then random
        INFO("x = " << x);
        REQUIRE(every_mul_rotr32_matches(static_cast<std::uint32_t>(x), std::make_integer_sequence<int, 31>{}));
        REQUIRE(every_mul_rotl64_matches(x, std::make_integer_sequence<int, 64>{}));
    }
}

TEST_CASE("the seal core through the multiplier equals the fast core, rotations mixed", "[core]") {
    // Every variant the CUDA kernel is built with is checked in tests/test_cuda.cpp; here a policy
    // that mixes both pipes within each hash.
    using Mixed = btpow::core::MulRotations<0x0000aaaau, 0x5555555555555555ull>;
    auto rng = btpow::test::rng(4);
    for (int i = 0; i < 20'000; ++i) {
        const Hash32 h = random_hash(rng);
        const std::uint64_t nonce = random_nonce(rng);
        for (bool le : {true, false}) {
            const btpow::core::Plan plan = btpow::core::make_plan(h.bytes.data(), 0, le);
            const std::uint64_t expected =
                le ? btpow::core::seal_top<true>(plan, nonce) : btpow::core::seal_top<false>(plan, nonce);
            INFO(describe(h, nonce, le ? "rule le" : "rule be"));
            REQUIRE(top_with<Mixed>(plan, nonce) == expected);
        }
    }
}
