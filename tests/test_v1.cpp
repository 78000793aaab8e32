// The v1 seal (docs/protocol.md §10): the chain's own vectors and tests/data/v1_independent_vectors.json (computed
// with Python's hashlib and pycryptodome, sharing no code with btpow) against the reference and
// the fast core in both orders; every CPU path against the core's scalar filter on ranges that
// cross the orders' run boundaries; scan() and the Solver end to end; and v1's refusals.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "btpow/core/seal_core.hpp"
#include "btpow/seal.hpp"
#include "btpow/solver.hpp"
#include "lib/cpu/cpu.hpp"
#include "lib/plan.hpp"

namespace {

namespace core = btpow::core;
using btpow::Account;
using btpow::Difficulty;
using btpow::Hash32;
using btpow::Job;
using btpow::Rule;
using btpow::SealKind;

constexpr std::uint64_t kMax = ~std::uint64_t{0};

const nlohmann::json& vectors() {
    static const nlohmann::json data = [] {
        std::ifstream in(BTPOW_TEST_DATA "/v1_independent_vectors.json");
        REQUIRE(in.good());
        return nlohmann::json::parse(in);
    }();
    return data;
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return out;
}

std::array<std::uint8_t, btpow::kV1PrefixSize> prefix_of(const std::string& hex) {
    const auto bytes = from_hex(hex);
    REQUIRE(bytes.size() == btpow::kV1PrefixSize);
    std::array<std::uint8_t, btpow::kV1PrefixSize> prefix{};
    std::copy(bytes.begin(), bytes.end(), prefix.begin());
    return prefix;
}

// A v1 job whose prefix is `prefix` (the fields read back out of its bytes).
Job job_of_prefix(const std::array<std::uint8_t, btpow::kV1PrefixSize>& prefix, const Difficulty& d) {
    Job job;
    job.seal = SealKind::v1;
    job.netuid = static_cast<std::uint16_t>(prefix[25] | (prefix[26] << 8));
    std::copy(prefix.begin() + 27, prefix.begin() + 59, job.block_hash.bytes.begin());
    std::copy(prefix.begin() + 59, prefix.begin() + 91, job.hotkey.public_key.bytes.begin());
    std::copy(prefix.begin() + 91, prefix.begin() + 123, job.coldkey.public_key.bytes.begin());
    job.difficulty = d;
    return job;
}

Job sample_job(std::uint64_t difficulty, std::uint8_t seed = 7) {
    Job job;
    job.seal = SealKind::v1;
    job.netuid = 3;
    for (int i = 0; i < 32; ++i) {
        job.block_hash.bytes[i] = static_cast<std::uint8_t>(seed + 11 * i);
        job.hotkey.public_key.bytes[i] = static_cast<std::uint8_t>(seed * 3 + 5 * i);
        job.coldkey.public_key.bytes[i] = static_cast<std::uint8_t>(seed * 7 + 13 * i);
    }
    job.difficulty = Difficulty::from_u64(difficulty);
    job.block_number = 100;
    return job;
}

Hash32 hash_of(const std::string& hex) { return Hash32::parse(hex); }

}  // namespace

TEST_CASE("v1: the chain's own test vectors, through the reference and both fast orders") {
    for (const auto& v : vectors()["chain_test_vectors"]) {
        const auto prefix = prefix_of(v["prefix"]);
        const std::uint64_t nonce = std::stoull(v["nonce"].get<std::string>());
        const Hash32 expected = hash_of(v["seal"]);
        CHECK(btpow::seal_v1(prefix, nonce) == expected);
        const Job job = job_of_prefix(prefix, Difficulty::from_u64(1));
        CHECK(btpow::v1_prefix(job) == prefix);
        CHECK(btpow::seal(job, nonce) == expected);
        CHECK(btpow::detail::fast_seal(btpow::detail::make_plan(job), nonce) == expected);
        CHECK(btpow::detail::fast_seal(btpow::detail::make_range_plan(job), nonce) == expected);
    }
}

TEST_CASE("v1: every independent seal vector, its intermediates and its verdicts") {
    const auto& all = vectors()["seal_vectors"];
    REQUIRE(all.size() >= 100);
    for (const auto& v : all) {
        Job job;
        job.seal = SealKind::v1;
        job.netuid = v["netuid"].get<std::uint16_t>();
        job.block_hash = hash_of(v["block_hash"]);
        job.hotkey = Account::parse(v["hotkey"].get<std::string>());
        job.coldkey = Account::parse(v["coldkey"].get<std::string>());
        const auto prefix = prefix_of(v["prefix"]);
        REQUIRE(btpow::v1_prefix(job) == prefix);
        const std::uint64_t nonce = std::stoull(v["nonce"].get<std::string>());
        INFO("nonce " << nonce);
        std::uint8_t payload[btpow::kV1PayloadSize];
        std::copy(prefix.begin(), prefix.end(), payload);
        for (int i = 0; i < 8; ++i) payload[btpow::kV1PrefixSize + i] = static_cast<std::uint8_t>(nonce >> (8 * i));
        CHECK(btpow::sha256(payload, sizeof payload) == hash_of(v["sha256"]));
        const Hash32 seal = hash_of(v["seal"]);
        CHECK(btpow::seal(job, nonce) == seal);
        CHECK(btpow::seal_value(seal, Rule::le).decimal() == v["seal_le_int"].get<std::string>());
        CHECK(btpow::detail::fast_seal(btpow::detail::make_plan(job), nonce) == seal);
        CHECK(btpow::detail::fast_seal(btpow::detail::make_range_plan(job), nonce) == seal);
        for (const auto& [d, passes] : v["passes"].items()) {
            job.difficulty = Difficulty::parse(d);
            const btpow::Verdict verdict = btpow::verify(job, nonce);
            CHECK(verdict.seal == seal);
            CHECK(verdict.passes(Rule::le) == passes.get<bool>());
            // docs/protocol.md §10: no other reading exists for v1.
            CHECK_FALSE(verdict.be);
            CHECK_FALSE(verdict.sdk);
        }
        const Difficulty largest = Difficulty::parse(v["largest_passing_d"].get<std::string>());
        CHECK(btpow::meets(seal, largest, Rule::le));
        if (largest.value != btpow::Uint256{{kMax, kMax, kMax, kMax}}) {
            btpow::Uint256 next = largest.value;
            for (auto& limb : next.limbs)
                if (++limb != 0) break;
            CHECK_FALSE(btpow::meets(seal, Difficulty{next}, Rule::le));
        }
    }
}

TEST_CASE("v1: the fast core's candidate filter agrees with the reference at the threshold's edge") {
    const Job job = sample_job(1);
    for (std::uint64_t nonce : {std::uint64_t{0}, std::uint64_t{1} << 40, kMax, std::uint64_t{0xfedcba9876543210}}) {
        const Hash32 seal = btpow::seal(job, nonce);
        const std::uint64_t top = btpow::seal_value(seal, Rule::le).top64();
        for (core::PlanKind kind : {core::PlanKind::v1_search, core::PlanKind::v1_range}) {
            const auto prefix = btpow::v1_prefix(job);
            CHECK(core::is_candidate(core::make_v1_plan(prefix.data(), top, kind), nonce));
            if (top > 0) CHECK_FALSE(core::is_candidate(core::make_v1_plan(prefix.data(), top - 1, kind), nonce));
        }
    }
}

namespace {

// A compression through its step form (core/sha256.hpp), one step at a time.
template <class Steps, class Plan, int... J>
void run_steps(const Plan& plan, core::Sha256Work<std::uint32_t>& work, std::integer_sequence<int, J...>) {
    (Steps::template step<J>(plan, work), ...);
}

// A v1 nonce-order plan with the member names Sha256V1PayloadSteps reads.
struct V1PayloadWords {
    core::V1Middle middle;
    core::V1LastWords last;
    const std::uint32_t* midstate;
};

}  // namespace

TEST_CASE("v1: the SHA-256 step forms the wide CPU paths interleave equal the one-call compressions") {
    const std::uint8_t block_and_hotkey[32] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
                                               2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5};
    const core::Plan old_plan = core::make_plan(block_and_hotkey, 0, true);
    const auto prefix = btpow::v1_prefix(sample_job(1));
    for (const std::uint64_t nonce : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0x0123456789abcdef}, kMax}) {
        INFO("nonce " << nonce);
        std::uint32_t expected[8], got[8];
        core::Sha256Work<std::uint32_t> work{};

        core::sha256_pre_seal(old_plan, core::nonce_word0(nonce), core::nonce_word1(nonce), expected);
        core::Sha256PreSealSteps::begin(old_plan, core::nonce_word0(nonce), core::nonce_word1(nonce), work);
        run_steps<core::Sha256PreSealSteps>(old_plan, work, std::make_integer_sequence<int, 63>{});
        core::Sha256PreSealSteps::finish(old_plan, work, got);
        CHECK(std::equal(got, got + 8, expected));

        core::Plan search = core::make_v1_plan(prefix.data(), 0, core::PlanKind::v1_search);
        core::plan_v1_search_run(search, nonce & (core::kV1SearchRun - 1));
        const std::uint32_t w0 = core::v1_search_word0(nonce);
        core::sha256_v1_last_block(search, w0, expected);
        core::Sha256V1LastBlockSteps::begin(search, w0, work);
        run_steps<core::Sha256V1LastBlockSteps>(search, work, std::make_integer_sequence<int, 63>{});
        core::Sha256V1LastBlockSteps::finish(search, work, got);
        CHECK(std::equal(got, got + 8, expected));

        core::Plan range = core::make_v1_plan(prefix.data(), 0, core::PlanKind::v1_range);
        core::plan_v1_range_run(range, static_cast<std::uint32_t>(nonce >> core::kV1SearchLowBits));
        core::plan_digest(range, nonce, expected);
        const V1PayloadWords words{range.v1_middle, core::V1LastWords{range.v1_last_kw}, range.v1_midstate};
        const std::uint32_t w14 = core::v1_middle_w14(range.v1_middle, nonce), w15 = core::v1_middle_w15(nonce);
        core::Sha256V1PayloadSteps::begin(words, w14, w15, work);
        run_steps<core::Sha256V1PayloadSteps>(words, work,
                                              std::make_integer_sequence<int, core::Sha256V1PayloadSteps::kSteps>{});
        core::Sha256V1PayloadSteps::finish(words, work, got);
        CHECK(std::equal(got, got + 8, expected));
    }
}

TEST_CASE("v1: the search order visits every nonce once, runs of 2^24 sharing nonce bytes 0..4") {
    for (std::uint64_t position : {std::uint64_t{0}, std::uint64_t{1}, core::kV1SearchRun - 1, core::kV1SearchRun, kMax,
                                   std::uint64_t{0x0123456789abcdef}}) {
        const std::uint64_t nonce = core::nonce_at(
            core::make_v1_plan(btpow::v1_prefix(sample_job(1)).data(), 0, core::PlanKind::v1_search), position);
        CHECK(core::position_of(core::PlanKind::v1_search, nonce) == position);
        CHECK((nonce & ((std::uint64_t{1} << 40) - 1)) == position >> 24);
        CHECK(nonce >> 40 == (position & (core::kV1SearchRun - 1)));
    }
}

namespace {

struct Span {
    std::uint64_t start, count;
};

// Awkward spans for both orders: odd counts, the run boundaries of the search order (2^24
// positions) and of the nonce order (2^40 nonces), and the wrap at 2^64.
const Span kSpans[] = {
    {0, 1},
    {5, 77},
    {core::kV1SearchRun - 37, 100},
    {(std::uint64_t{1} << 40) - 45, 96},
    {kMax - 20, 50},
    {0x0123'4567'89ab'cdefull, 2100},
};

std::vector<std::uint64_t> brute_force(const core::Plan& plan, std::uint64_t start, std::uint64_t count) {
    std::vector<std::uint64_t> hits;
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t nonce = core::nonce_at(plan, start + i);
        if (core::is_candidate(plan, nonce)) hits.push_back(nonce);
    }
    return hits;
}

}  // namespace

TEST_CASE("v1: every CPU path finds exactly the core's candidates, in both orders") {
    // About one nonce in 64 has its top 64 bits at or below 2^58 - 1.
    const std::uint64_t threshold = (std::uint64_t{1} << 58) - 1;
    const auto prefix = btpow::v1_prefix(sample_job(1, 21));
    for (const std::string& isa : btpow::cpu::supported_isas()) {
        for (core::PlanKind kind : {core::PlanKind::v1_search, core::PlanKind::v1_range}) {
            const core::Plan plan = core::make_v1_plan(prefix.data(), threshold, kind);
            for (const Span& span : kSpans) {
                INFO(isa << ", kind " << static_cast<int>(kind) << ", start " << span.start << ", count "
                         << span.count);
                std::vector<std::uint64_t> found;
                btpow::cpu::scan_candidates(isa, plan, span.start, span.count, found);
                CHECK(found == brute_force(plan, span.start, span.count));
            }
        }
    }
}

TEST_CASE("v1: scan() finds every hit of a range exactly, on every CPU path, each verified") {
    const Job job = sample_job(40, 3);
    std::vector<std::uint64_t> expected;
    const std::uint64_t start = (std::uint64_t{1} << 40) - 700;  // crosses a change of nonce bytes 5..7
    const std::uint64_t count = 3000;
    for (std::uint64_t i = 0; i < count; ++i)
        if (btpow::verify(job, start + i).le) expected.push_back(start + i);
    REQUIRE(expected.size() > 20);
    for (const std::string& isa : btpow::cpu::supported_isas()) {
        INFO(isa);
        btpow::ScanOptions options;
        options.cpu_isa = isa;
        options.cpu_threads = 2;
        const btpow::ScanResult result = btpow::scan(job, start, count, options);
        CHECK(result.hits == expected);
        CHECK(result.hashes == count);
        CHECK(result.compute_errors == 0);
    }
}

TEST_CASE("v1: the miner contract's first hits (the first passing nonce from start, wrapping)") {
    for (const auto& v : vectors()["first_hit_vectors"]) {
        const auto prefix = prefix_of(v["prefix"]);
        const Job job = job_of_prefix(prefix, Difficulty::parse(v["difficulty"].get<std::string>()));
        const std::uint64_t start = std::stoull(v["start"].get<std::string>());
        const auto attempts = v["attempts"].get<std::uint64_t>();
        const btpow::ScanResult result = btpow::scan(job, start, attempts);
        if (v["first"].is_null()) {
            CHECK(result.hits.empty());
        } else {
            REQUIRE_FALSE(result.hits.empty());
            CHECK(result.hits.front() == std::stoull(v["first"].get<std::string>()));
        }
    }
}

TEST_CASE("v1: the solver's solutions on every CPU path pass an independent check of the chain's rule") {
    for (const std::string& isa : btpow::cpu::supported_isas()) {
        INFO(isa);
        btpow::SolverOptions options;
        options.backend = btpow::Backend::cpu;
        options.cpu_threads = 2;
        options.cpu_isa = isa;
        // The solver's first position is this nonce's; the run crosses a change of nonce bytes 0..4.
        options.nonce_start = (std::uint64_t{1} << 40) - 5;
        btpow::Solver solver(options);
        const Job job = sample_job(2000, 9);
        const std::uint64_t id = solver.submit(job);
        for (int found = 0; found < 3; ++found) {
            const auto solution = solver.wait_for(std::chrono::seconds(60));
            REQUIRE(solution);
            CHECK(solution->job_id == id);
            CHECK(solution->job.seal == SealKind::v1);
            CHECK(btpow::seal_v1(btpow::v1_prefix(job), solution->nonce) == solution->seal);
            CHECK(btpow::meets(solution->seal, job.difficulty, Rule::le));
        }
        CHECK(solver.stats().total.compute_errors == 0);
    }
}

TEST_CASE("v1: refusals name their field") {
    Job job = sample_job(10);
    job.rule = Rule::be;
    try {
        btpow::scan(job, 0, 10);
        FAIL("a v1 job read big-endian was accepted");
    } catch (const btpow::Error& e) {
        CHECK(e.code() == btpow::ErrorCode::bad_rule);
        CHECK(e.field() == "rule");
    }
    job.rule = Rule::le;
    job.netuid = 0;
    try {
        btpow::Solver solver(btpow::SolverOptions{});
        solver.submit(job);
        FAIL("a v1 job on root was accepted");
    } catch (const btpow::Error& e) {
        CHECK(e.code() == btpow::ErrorCode::bad_job);
        CHECK(e.field() == "netuid");
    }
    CHECK_THROWS_AS(btpow::parse_netuid("0"), btpow::Error);
    CHECK_THROWS_AS(btpow::parse_netuid("65536"), btpow::Error);
    CHECK(btpow::parse_netuid("65535") == 65535);
    CHECK_THROWS_AS(btpow::parse_seal_kind("v2"), btpow::Error);
    CHECK(btpow::parse_seal_kind("v1") == SealKind::v1);
}
