// The CLI's v1 seal (docs/protocol.md §10) as a user drives it: seal and verify against the chain's own vector,
// scan's exact hit set, solve and the job feed printing what pow_register needs, every solution
// re-checked by the in-process reference, and v1's bad input refused with the flag or key named.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "btpow/seal.hpp"
#include "tests/test_cli_harness.hpp"

#ifdef BTPOW_CLI_PATH

using namespace btpow_cli_test;

namespace {

std::string repeated(const char* byte) {
    std::string hex = "0x";
    for (int i = 0; i < 32; ++i) hex += byte;
    return hex;
}

std::vector<std::string> v1_flags() {
    return {"--seal", "v1",       "--block-hash", repeated("01"), "--netuid",
            "1",      "--hotkey", repeated("02"), "--coldkey",    repeated("03")};
}

btpow::Job v1_job(const std::string& difficulty) {
    btpow::Job job;
    job.seal = btpow::SealKind::v1;
    job.netuid = 1;
    job.block_hash = btpow::Hash32::parse(repeated("01"));
    job.hotkey = btpow::Account::parse(repeated("02"));
    job.coldkey = btpow::Account::parse(repeated("03"));
    job.difficulty = btpow::Difficulty::parse(difficulty);
    return job;
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

}  // namespace

TEST_CASE("cli v1: seal and verify give the chain's own vector", "[cli][v1]") {
    std::vector<std::string> args{"seal"};
    args = with(with(args, v1_flags()), {"--nonce", "1", "--json"});
    const CliResult sealed = run_cli(args);
    INFO(describe(args, sealed));
    REQUIRE(sealed.exit_code == 0);
    const json out = json::parse(sealed.out);
    CHECK(out.at("seal") == "0xc2291b632879447b6fe0785b0f25b5151c85a7e07df23a7860cf029e8a03f466");
    CHECK(out.at("seal_kind") == "v1");
    CHECK(out.at("prefix").get<std::string>().size() == 2 + 2 * 123);

    // d = 1 accepts every seal (docs/protocol.md §10); at 2^64 - 1 this seal fails.
    args = with(with({"verify"}, v1_flags()), {"--nonce", "18446744073709551615", "--difficulty", "1", "--json"});
    const CliResult passes = run_cli(args);
    INFO(describe(args, passes));
    CHECK(passes.exit_code == 0);
    CHECK(json::parse(passes.out).at("seal") == "0x69f1aef50783893195365b4fb62a4745085c31fee525a0984bc20301ab377aaf");
    args = with(with({"verify"}, v1_flags()), {"--nonce", "0", "--difficulty", "18446744073709551615"});
    CHECK(run_cli(args).exit_code == 1);
}

TEST_CASE("cli v1: scan lists exactly the reference's hits", "[cli][v1]") {
    const btpow::Job job = v1_job("50");
    const std::uint64_t start = (std::uint64_t{1} << 40) - 300;
    std::vector<std::string> expected;
    for (std::uint64_t i = 0; i < 1000; ++i)
        if (btpow::verify(job, start + i).le) expected.push_back(std::to_string(start + i));
    REQUIRE(!expected.empty());
    const auto args = with(with({"scan"}, v1_flags()),
                           {"--difficulty", "50", "--start", std::to_string(start), "--count", "1000", "--json"});
    const CliResult result = run_cli(args);
    INFO(describe(args, result));
    REQUIRE(result.exit_code == 0);
    CHECK(json::parse(result.out).at("hits").get<std::vector<std::string>>() == expected);
}

TEST_CASE("cli v1: solve --json prints what pow_register needs, and it verifies", "[cli][v1]") {
    const auto args = with(with({"solve"}, v1_flags()), {"--block-number", "77", "--difficulty", "3000", "--count", "2",
                                                         "--json", "--quiet", "--backend", "cpu"});
    const CliResult result = run_cli(args, "", 120);
    INFO(describe(args, result));
    REQUIRE(result.exit_code == 0);
    const auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 2);
    const btpow::Job job = v1_job("3000");
    for (const auto& line : lines) {
        const json out = json::parse(line);
        CHECK(out.at("seal_kind") == "v1");
        CHECK(out.at("netuid") == 1);
        CHECK(out.at("work_block") == 77);
        CHECK(out.at("hotkey") == repeated("02"));
        CHECK(out.at("coldkey") == repeated("03"));
        CHECK(out.at("work") == out.at("seal"));
        const std::uint64_t nonce = std::stoull(out.at("nonce").get<std::string>());
        const btpow::Verdict verdict = btpow::verify(job, nonce);
        CHECK(verdict.le);
        CHECK(verdict.seal.hex() == out.at("work").get<std::string>());
    }
}

TEST_CASE("cli v1: the job feed takes v1 lines beside old ones", "[cli][v1][feed]") {
    const std::string v1_line = "{\"seal\":\"v1\",\"block_number\":5,\"block_hash\":\"" + repeated("01") +
                                "\",\"netuid\":1,\"hotkey\":\"" + repeated("02") + "\",\"coldkey\":\"" +
                                repeated("03") + "\",\"difficulty\":\"2000\",\"count\":2}\n";
    const std::vector<std::string> args{"solve", "--jobs", "-", "--json", "--quiet", "--backend", "cpu"};
    const CliResult result = run_cli(args, v1_line, 120);
    INFO(describe(args, result));
    REQUIRE(result.exit_code == 0);
    const auto lines = lines_of(result.out);
    REQUIRE(lines.size() == 2);
    for (const auto& line : lines) {
        const json out = json::parse(line);
        CHECK(out.at("seal_kind") == "v1");
        CHECK(btpow::verify(v1_job("2000"), std::stoull(out.at("nonce").get<std::string>())).le);
    }
}

TEST_CASE("cli v1: bad v1 input exits 2 naming the flag or key", "[cli][v1]") {
    struct Case {
        std::vector<std::string> args;
        std::string input;
        std::string names;
    };
    const std::string base = "\"block_number\":5,\"block_hash\":\"" + repeated("01") + "\",\"difficulty\":\"10\"";
    const std::string keys = ",\"hotkey\":\"" + repeated("02") + "\",\"coldkey\":\"" + repeated("03") + "\"";
    const std::vector<std::string> strict{"solve", "--jobs", "-", "--strict", "--quiet"};
    const std::vector<Case> cases = {
        {with(with({"seal"}, v1_flags()), {"--nonce", "0", "--rule", "be"}), "", "--rule"},
        {with({"verify", "--seal", "v1", "--block-hash", repeated("01"), "--netuid", "0", "--hotkey", repeated("02"),
               "--coldkey", repeated("03")},
              {"--nonce", "0", "--difficulty", "1"}),
         "", "--netuid"},
        {{"seal", "--seal", "v1", "--block-hash", repeated("01"), "--netuid", "70000", "--hotkey", repeated("02"),
          "--coldkey", repeated("03"), "--nonce", "0"},
         "",
         "--netuid"},
        {{"seal", "--seal", "v1", "--block-hash", repeated("01"), "--netuid", "1", "--coldkey", repeated("03"),
          "--nonce", "0"},
         "",
         "--hotkey"},
        {{"seal", "--seal", "v2", "--block-hash", repeated("01"), "--account", repeated("02"), "--nonce", "0"},
         "",
         "--seal"},
        {{"seal", "--block-hash", repeated("01"), "--account", repeated("02"), "--netuid", "1", "--nonce", "0"},
         "",
         "--netuid"},
        {strict, "{\"seal\":\"v1\"," + base + keys + "}\n", "netuid"},
        {strict, "{\"seal\":\"v1\"," + base + ",\"netuid\":0" + keys + "}\n", "netuid"},
        {strict, "{\"seal\":\"v1\"," + base + ",\"netuid\":1" + keys + ",\"rule\":\"be\"}\n", "rule"},
        {strict, "{\"seal\":\"v3\"," + base + "}\n", "seal"},
        {strict, "{\"seal\":\"v1\"," + base + ",\"netuid\":1,\"coldkey\":\"" + repeated("03") + "\"}\n", "hotkey"},
        {strict, "{" + base + ",\"account\":\"" + repeated("02") + "\",\"netuid\":1}\n", "netuid"},
    };
    for (const Case& c : cases) {
        const CliResult result = run_cli(c.args, c.input, 20);
        INFO(describe(c.args, result) << "input: " << c.input);
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(c.names) != std::string::npos);
    }
}

#endif
