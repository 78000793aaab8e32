// The CPU backend: every ISA path this machine runs finds exactly the candidates that the core's
// scalar filter finds, nonce by nonce, on awkward ranges (odd counts, unaligned starts, the
// wrap at 2^64, the carry across 2^32) under both lane choices; path names and BTPOW_CPU_ISA
// are validated; workers scan what the engine hands them and stop early when told.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "btpow/core/seal_core.hpp"
#include "btpow/types.hpp"
#include "lib/cpu/cpu.hpp"
#include "tests/support/random.hpp"
#include "tests/support/scripted_source.hpp"

namespace {

namespace core = btpow::core;
namespace cpu = btpow::cpu;
using btpow::test::assignment;
using btpow::test::ScriptedSource;

constexpr std::uint64_t kMax = ~std::uint64_t{0};
// About one nonce in 256 has its top 64 bits at or below 2^56 - 1.
constexpr std::uint64_t kOneIn256 = (std::uint64_t{1} << 56) - 1;

core::Plan test_plan(std::uint64_t threshold_top, bool top_is_le, std::uint8_t seed = 0x5a) {
    std::uint8_t h[32];
    for (int i = 0; i < 32; ++i) h[i] = static_cast<std::uint8_t>(seed + 37 * i);
    return core::make_plan(h, threshold_top, top_is_le);
}

std::vector<std::uint64_t> brute_force(const core::Plan& plan, std::uint64_t start, std::uint64_t count) {
    std::vector<std::uint64_t> hits;
    for (std::uint64_t i = 0; i < count; ++i)
        if (core::is_candidate(plan, start + i)) hits.push_back(start + i);
    return hits;
}

std::vector<std::uint64_t> scan(const std::string& isa, const core::Plan& plan, std::uint64_t start,
                                std::uint64_t count) {
    std::vector<std::uint64_t> found;
    cpu::scan_candidates(isa, plan, start, count, found);
    return found;
}

struct Range {
    std::uint64_t start, count;
};

const Range kAwkwardRanges[] = {
    {0, 1},
    {5, 7},
    {3, 15},
    {1, 17},
    {12'345, 1000 + 3},
    {kMax - 36, 100},                     // starts at 2^64 - 37, wraps to 0..62
    {(std::uint64_t{1} << 32) - 45, 96},  // the low word carries into the high word mid-vector
    {(std::uint64_t{7} << 32) - 3, 19},
    {0x0123'4567'89ab'cdefull, 2500},  // several of the dispatcher's blocks
};

// Restores BTPOW_CPU_ISA when a test that sets it ends.
class IsaEnvironment {
public:
    IsaEnvironment() {
        if (const char* old = std::getenv("BTPOW_CPU_ISA")) saved_ = old;
    }
    ~IsaEnvironment() {
        if (saved_)
            setenv("BTPOW_CPU_ISA", saved_->c_str(), 1);
        else
            unsetenv("BTPOW_CPU_ISA");
    }
    void set(const char* value) { setenv("BTPOW_CPU_ISA", value, 1); }
    void clear() { unsetenv("BTPOW_CPU_ISA"); }

private:
    std::optional<std::string> saved_;
};

}  // namespace

TEST_CASE("every supported path finds exactly the scalar filter's candidates", "[cpu]") {
    const auto isas = cpu::supported_isas();
    REQUIRE(!isas.empty());
    CHECK(isas.back() == "scalar");
    for (const bool top_is_le : {true, false}) {
        const core::Plan plan = test_plan(kOneIn256, top_is_le);
        for (const Range& range : kAwkwardRanges) {
            const auto expected = brute_force(plan, range.start, range.count);
            const auto scalar = scan("scalar", plan, range.start, range.count);
            for (const std::string& isa : isas) {
                INFO("isa " << isa << ", top_is_le " << top_is_le << ", start " << range.start << ", count "
                            << range.count);
                const auto found = scan(isa, plan, range.start, range.count);
                CHECK(found == expected);
                CHECK(found == scalar);
            }
        }
    }
}

TEST_CASE("every path agrees with the scalar filter on random ranges", "[cpu]") {
    auto random = btpow::test::rng(__LINE__);
    for (int round = 0; round < 12; ++round) {
        const bool top_is_le = round % 2 == 0;
        const core::Plan plan = test_plan(kOneIn256, top_is_le, static_cast<std::uint8_t>(random()));
        const std::uint64_t start = random();
        const std::uint64_t count = 1 + random() % 3000;
        INFO("start " << start << ", count " << count << ", top_is_le " << top_is_le);
        const auto expected = brute_force(plan, start, count);
        for (const std::string& isa : cpu::supported_isas()) {
            INFO("isa " << isa);
            CHECK(scan(isa, plan, start, count) == expected);
        }
    }
}

TEST_CASE("the threshold comparison is unsigned and inclusive on every path", "[cpu]") {
    // Each nonce's own top 64 bits as the threshold: it must be reported, and with one less,
    // not (half of these tops have the high bit set, where a signed compare would go wrong).
    for (const bool top_is_le : {true, false}) {
        const std::uint64_t start = kMax - 20;
        for (std::uint64_t i = 0; i < 40; ++i) {
            const std::uint64_t nonce = start + i;
            const core::Plan probe = test_plan(0, top_is_le);
            const std::uint64_t top =
                top_is_le ? core::seal_top<true>(probe, nonce) : core::seal_top<false>(probe, nonce);
            const core::Plan at_top = test_plan(top, top_is_le);
            const core::Plan below_top = test_plan(top - 1, top_is_le);
            for (const std::string& isa : cpu::supported_isas()) {
                INFO("isa " << isa << ", nonce " << nonce << ", top " << top);
                const auto at = scan(isa, at_top, start, 40);
                const auto below = scan(isa, below_top, start, 40);
                CHECK(std::find(at.begin(), at.end(), nonce) != at.end());
                if (top != 0) CHECK(std::find(below.begin(), below.end(), nonce) == below.end());
                CHECK(at == brute_force(at_top, start, 40));
            }
        }
    }
}

TEST_CASE("a threshold of 2^64 - 1 reports every nonce, in order, and nothing outside", "[cpu]") {
    const core::Plan plan = test_plan(kMax, true);
    for (const std::string& isa : cpu::supported_isas()) {
        for (const Range& range : kAwkwardRanges) {
            INFO("isa " << isa << ", start " << range.start << ", count " << range.count);
            const auto found = scan(isa, plan, range.start, range.count);
            REQUIRE(found.size() == range.count);
            bool in_order = true;
            for (std::uint64_t i = 0; i < range.count; ++i) in_order = in_order && found[i] == range.start + i;
            CHECK(in_order);
        }
    }
}

TEST_CASE("scan_candidates appends to what the vector already holds", "[cpu]") {
    const core::Plan plan = test_plan(kMax, false);
    std::vector<std::uint64_t> found = {42};
    cpu::scan_candidates("scalar", plan, 7, 3, found);
    CHECK(found == std::vector<std::uint64_t>{42, 7, 8, 9});
}

TEST_CASE("resolve_isa accepts auto and supported names, refuses the rest", "[cpu]") {
    IsaEnvironment env;
    env.clear();
    const auto isas = cpu::supported_isas();
    CHECK(cpu::default_isa() == isas.front());
    CHECK(cpu::resolve_isa("") == isas.front());
    CHECK(cpu::resolve_isa("auto") == isas.front());
    for (const std::string& isa : isas) CHECK(cpu::resolve_isa(isa) == isa);

    for (const char* bogus : {"avx1024", "AVX2", "scalar ", "sse2"}) {
        INFO("name '" << bogus << "'");
        try {
            cpu::resolve_isa(bogus, "--cpu-isa");
            FAIL("accepted");
        } catch (const btpow::Error& e) {
            CHECK(e.code() == btpow::ErrorCode::bad_option);
            CHECK(e.field() == "--cpu-isa");
            CHECK(std::string(e.what()).find("--cpu-isa") != std::string::npos);
        }
    }
    // Names the backend knows but this CPU cannot run are refused the same way.
    for (const char* known : {"avx512", "avx2+sha", "avx2", "sha"}) {
        if (std::find(isas.begin(), isas.end(), known) != isas.end()) continue;
        CHECK_THROWS_AS(cpu::resolve_isa(known, "--cpu-isa"), btpow::Error);
    }
    std::vector<std::uint64_t> found;
    CHECK_THROWS_AS(cpu::scan_candidates("avx1024", test_plan(kMax, true), 0, 1, found), btpow::Error);
}

TEST_CASE("BTPOW_CPU_ISA picks the default path and is validated", "[cpu]") {
    IsaEnvironment env;
    env.set("scalar");
    CHECK(cpu::default_isa() == "scalar");
    CHECK(cpu::resolve_isa("") == "scalar");
    CHECK(cpu::resolve_isa("auto") == "scalar");
    // An explicit request is not overridden by the environment.
    CHECK(cpu::resolve_isa(cpu::supported_isas().front()) == cpu::supported_isas().front());

    env.set("auto");
    CHECK(cpu::default_isa() == cpu::supported_isas().front());

    env.set("turbo");
    try {
        cpu::default_isa();
        FAIL("accepted BTPOW_CPU_ISA=turbo");
    } catch (const btpow::Error& e) {
        CHECK(e.code() == btpow::ErrorCode::bad_option);
        CHECK(e.field() == "BTPOW_CPU_ISA");
        CHECK(std::string(e.what()).find("BTPOW_CPU_ISA") != std::string::npos);
    }
    CHECK_THROWS_AS(cpu::resolve_isa(""), btpow::Error);
}

TEST_CASE("make_workers gives one single-thread worker per thread", "[cpu]") {
    const std::string isa = cpu::supported_isas().front();
    const auto workers = cpu::make_workers(3, isa);
    REQUIRE(workers.size() == 3);
    for (const auto& w : workers) {
        CHECK(w->id() == "cpu");
        CHECK(w->backend() == "cpu");
        CHECK(w->threads() == 1);
        CHECK(w->device() == cpu::model_name() + " (" + isa + ")");
    }
    CHECK(!cpu::make_workers(0, "scalar").empty());
    CHECK_THROWS_AS(cpu::make_workers(1, "avx1024"), btpow::Error);
    CHECK(!cpu::model_name().empty());
}

TEST_CASE("a worker scans each assignment and reports its candidates", "[cpu]") {
    for (const std::string& isa : cpu::supported_isas()) {
        INFO("isa " << isa);
        const core::Plan le = test_plan(kOneIn256, true);
        const core::Plan sdk = test_plan(kOneIn256, false);
        ScriptedSource source({assignment(le, kMax - 4000, 9000), assignment(sdk, 77, 5)});
        cpu::make_workers(1, isa).front()->run(source);
        CHECK(source.failures().empty());
        REQUIRE(source.reports().size() == 2);
        CHECK(source.reports()[0].hashed == 9000);
        CHECK(source.reports()[0].candidates == brute_force(le, kMax - 4000, 9000));
        CHECK(source.reports()[1].hashed == 5);
        CHECK(source.reports()[1].candidates == brute_force(sdk, 77, 5));
    }
}

TEST_CASE("a worker cuts a superseded chunk short and reports what it hashed", "[cpu]") {
    const core::Plan plan = test_plan(kMax, true);
    const std::uint64_t count = 1'000'000;
    ScriptedSource source({assignment(plan, 10, count)}, /*always_superseded=*/true);
    cpu::make_workers(1, "scalar").front()->run(source);
    REQUIRE(source.reports().size() == 1);
    const auto& report = source.reports()[0];
    CHECK(report.hashed > 0);
    CHECK(report.hashed < count);
    // Threshold 2^64 - 1: every hashed nonce is a candidate, and only those.
    REQUIRE(report.candidates.size() == report.hashed);
    CHECK(report.candidates.front() == 10);
    CHECK(report.candidates.back() == 10 + report.hashed - 1);
}
