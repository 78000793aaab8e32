// Drives the btpow binary as a user would: arguments in, stdout/stderr/exit code out. Checks the
// fixed interface (JSON fields, exit codes 0/1/2/3, flags named in errors) against the spec's
// vectors and the in-process reference. The hostile cases are in test_cli_robust.cpp.
#include <catch2/catch.hpp>

#include <algorithm>

#ifdef BTPOW_CLI_PATH

#include "test_cli_harness.hpp"

using namespace btpow_cli_test;

TEST_CASE("cli: seal prints the docs/protocol.md §2 worked example", "[cli]") {
    const std::vector<std::string> args{"seal", "--block-hash", kZeroBlock, "--account",
                                        kAlice, "--nonce",      "0",        "--json"};
    const CliResult result = run_cli(args);
    INFO(describe(args, result));
    REQUIRE(result.exit_code == 0);
    const json out = json::parse(result.out);
    CHECK(out.at("block_and_hotkey_hash") == "0xc0624595063eff7717b713bc2903b05ef476c0f969bb8e1342576dad3cf5932f");
    CHECK(out.at("seal") == "0x8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f");
    CHECK(out.at("nonce") == "0");

    // The account as hex and the readable form give the same seal.
    const CliResult readable =
        run_cli({"seal", "--block-hash", std::string(kZeroBlock).substr(2), "--account", kAliceHex, "--nonce", "0"});
    CHECK(readable.exit_code == 0);
    CHECK(readable.out.find("0x8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f") != std::string::npos);
}

TEST_CASE("cli: verify exits 0 when the rule passes, 1 when not, with every rule's verdict", "[cli]") {
    const json min_nonces = pair_a_min_nonces();
    const std::string le_nonce = min_nonces.at("smallest_nonce").at("chain_le").at("nonce");
    const std::string be_nonce = min_nonces.at("smallest_nonce").at("chain_be").at("nonce");
    const auto verify_args = [](const std::string& nonce, const std::string& d, const std::string& rule) {
        std::vector<std::string> args{"verify",  "--block-hash", kZeroBlock,     "--account", kAlice,
                                      "--nonce", nonce,          "--difficulty", d,           "--json"};
        if (!rule.empty()) args.insert(args.end(), {"--rule", rule});
        return args;
    };

    SECTION("the smallest le nonce at d = 1000, default rule") {
        const auto args = verify_args(le_nonce, "1000", "");
        const CliResult result = run_cli(args);
        INFO(describe(args, result));
        REQUIRE(result.exit_code == 0);
        const json out = json::parse(result.out);
        CHECK(out.at("block_and_hotkey_hash") == "0xc0624595063eff7717b713bc2903b05ef476c0f969bb8e1342576dad3cf5932f");
        CHECK(out.at("seal") == "0x" + min_nonces.at("smallest_nonce").at("chain_le").at("seal").get<std::string>());
        CHECK(out.at("nonce") == le_nonce);
        CHECK(out.at("difficulty") == "1000");
        CHECK(out.at("rule") == "le");
        CHECK(out.at("passes") == true);
        CHECK(out.at("passes_by_rule") == json({{"le", true}, {"be", false}, {"sdk", false}}));
    }
    SECTION("the same nonce fails be: exit 1") {
        const auto args = verify_args(le_nonce, "1000", "be");
        const CliResult result = run_cli(args);
        INFO(describe(args, result));
        CHECK(result.exit_code == 1);
        CHECK(json::parse(result.out).at("passes") == false);
    }
    SECTION("the smallest be nonce passes sdk and fails le") {
        CHECK(run_cli(verify_args(be_nonce, "1000", "sdk")).exit_code == 0);
        CHECK(run_cli(verify_args(be_nonce, "1000", "be")).exit_code == 0);
        CHECK(run_cli(verify_args(be_nonce, "1000", "le")).exit_code == 1);
    }
    SECTION("the worked example's largest le difficulty is 4") {
        CHECK(run_cli(verify_args("0", "4", "le")).exit_code == 0);
        CHECK(run_cli(verify_args("0", "5", "le")).exit_code == 1);
        CHECK(run_cli(verify_args("0", "0", "sdk")).exit_code == 0);  // docs/protocol.md §3: d = 0 accepts everything
    }
}

TEST_CASE("cli: bad input exits 2 and names the flag", "[cli]") {
    const std::string two_to_256 = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
    struct Case {
        std::vector<std::string> args;
        std::string flag;
    };
    const std::vector<std::string> seal{"seal", "--account", kAlice, "--nonce", "0", "--block-hash"};
    const auto with = [](std::vector<std::string> base, std::initializer_list<std::string> more) {
        base.insert(base.end(), more);
        return base;
    };
    const auto verify = with({"verify"}, {"--block-hash", kZeroBlock, "--account", kAlice, "--nonce", "0"});
    const auto scan = with({"scan"}, {"--block-hash", kZeroBlock, "--account", kAlice, "--start", "0"});
    const auto solve = with({"solve"}, {"--block-hash", kZeroBlock, "--account", kAlice, "--block-number", "1",
                                        "--difficulty", "1000", "--quiet"});
    const std::vector<Case> cases{
        {with(seal, {"0x00"}), "--block-hash"},                       // too short
        {with(seal, {std::string(64, 'z')}), "--block-hash"},         // not hex
        {with(seal, {"0x" + std::string(66, '0')}), "--block-hash"},  // too long
        {{"seal", "--block-hash", kZeroBlock, "--nonce", "0", "--account",
          "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ"},
         "--account"},  // checksum
        {{"seal", "--block-hash", kZeroBlock, "--nonce", "0", "--account",
          "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"},
         "--account"},  // Polkadot prefix 0
        {{"seal", "--block-hash", kZeroBlock, "--nonce", "0", "--account", "5Grwva0OIl"}, "--account"},
        {with({"seal"}, {"--block-hash", kZeroBlock, "--account", kAlice, "--nonce", "18446744073709551616"}),
         "--nonce"},
        {with({"seal"}, {"--block-hash", kZeroBlock, "--account", kAlice, "--nonce=-1"}), "--nonce"},
        {with({"seal"}, {"--block-hash", kZeroBlock, "--account", kAlice, "--nonce", "12abc"}), "--nonce"},
        {with({"seal"}, {"--block-hash", kZeroBlock, "--account", kAlice}), "--nonce"},  // missing
        {with(verify, {"--difficulty", "1.5"}), "--difficulty"},
        {with(verify, {"--difficulty", two_to_256}), "--difficulty"},
        {with(verify, {"--difficulty=-5"}), "--difficulty"},
        {with(verify, {"--difficulty", "1e6"}), "--difficulty"},
        {with(verify, {"--difficulty", "1000", "--rule", "little"}), "--rule"},
        {with(scan, {"--difficulty", "1000", "--count", "0"}), "--count"},
        {with(scan, {"--difficulty", "1000", "--count", "10", "--backend", "gpu"}), "--backend"},
        {with(solve, {"--count", "0"}), "--count"},
        {with(solve, {"--timeout", "0"}), "--timeout"},
        {with(solve, {"--timeout", "soon"}), "--timeout"},
        {with(solve, {"--threads", "0"}), "--threads"},
        {with(solve, {"--devices", "0,,1"}), "--devices"},
        {with(solve, {"--cuda-batch-ms", "0"}), "--cuda-batch-ms"},
        {with(solve, {"--cuda-batch-ms", "5000"}), "--cuda-batch-ms"},
        {with(solve, {"--backend", "quantum"}), "--backend"},
        {with({"solve"}, {"--block-hash", kZeroBlock, "--account", kAlice, "--difficulty", "1000"}), "--block-number"},
        {with({"solve", "--jobs", "-"}, {"--block-hash", kZeroBlock}), "--block-hash"},  // exclusive
        {with({"bench"}, {"--seconds", "-1"}), "--seconds"},
    };
    for (const Case& c : cases) {
        const CliResult result = run_cli(c.args, "", 10);
        INFO(describe(c.args, result));
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(c.flag) != std::string::npos);
        CHECK(result.out.empty());
    }
}

TEST_CASE("cli: usage errors exit 2, --help documents the exit codes", "[cli]") {
    const auto with = [](std::vector<std::string> base, std::initializer_list<std::string> more) {
        base.insert(base.end(), more);
        return base;
    };
    {
        for (const auto& args : std::vector<std::vector<std::string>>{
                 {}, {"frobnicate"}, with({"seal", "--nonce", "0", "--bogus"}, {}), with({"devices", "extra"}, {})}) {
            const CliResult result = run_cli(args, "", 10);
            INFO(describe(args, result));
            CHECK(result.exit_code == 2);
            CHECK_FALSE(result.err.empty());
        }
        const CliResult help = run_cli({"--help"});
        CHECK(help.exit_code == 0);
        CHECK(help.out.find("Exit codes") != std::string::npos);
    }
}

TEST_CASE("cli: scan finds the vectors' smallest nonces and every reference hit", "[cli]") {
    const json min_nonces = pair_a_min_nonces();
    constexpr std::uint64_t kCount = 4000;
    for (const auto& [rule, key] : std::vector<std::pair<btpow::Rule, std::string>>{
             {btpow::Rule::le, "chain_le"}, {btpow::Rule::be, "chain_be"}, {btpow::Rule::sdk, "sdk"}}) {
        const std::vector<std::string> args{"scan",
                                            "--block-hash",
                                            kZeroBlock,
                                            "--account",
                                            kAlice,
                                            "--difficulty",
                                            "1000",
                                            "--rule",
                                            std::string(btpow::to_string(rule)),
                                            "--start",
                                            "0",
                                            "--count",
                                            std::to_string(kCount),
                                            "--threads",
                                            "2",
                                            "--json"};
        const CliResult result = run_cli(args);
        INFO(describe(args, result));
        REQUIRE(result.exit_code == 0);
        const json out = json::parse(result.out);
        const auto hits = json_strings(out.at("hits"));
        REQUIRE_FALSE(hits.empty());
        CHECK(hits.front() == min_nonces.at("smallest_nonce").at(key).at("nonce").get<std::string>());
        CHECK(hits == reference_hits(make_job(kZeroBlock, kAlice, 1000, rule), 0, kCount));
        CHECK(out.at("hashes") == std::to_string(kCount));
        CHECK(out.at("seconds").is_number());
        CHECK(out.at("setup_seconds").is_number());
    }
}

TEST_CASE("cli: scan wraps past 2^64 - 1 to 0", "[cli]") {
    constexpr std::uint64_t kStart = ~std::uint64_t{0} - 39;  // 2^64 - 40
    constexpr std::uint64_t kCount = 80;
    const std::vector<std::string> args{"scan",
                                        "--block-hash",
                                        kZeroBlock,
                                        "--account",
                                        kAlice,
                                        "--difficulty",
                                        "8",
                                        "--start",
                                        std::to_string(kStart),
                                        "--count",
                                        std::to_string(kCount),
                                        "--threads",
                                        "2",
                                        "--json"};
    const CliResult result = run_cli(args);
    INFO(describe(args, result));
    REQUIRE(result.exit_code == 0);
    const json out = json::parse(result.out);
    const auto expected = reference_hits(make_job(kZeroBlock, kAlice, 8, btpow::Rule::le), kStart, kCount);
    REQUIRE(expected.size() >= 2);
    CHECK(json_strings(out.at("hits")) == expected);
    CHECK(out.at("hashes") == std::to_string(kCount));
}

TEST_CASE("cli: solve --json finds solutions that verify", "[cli]") {
    const std::string block = block_hash_of(7);
    SECTION("one solution, rule le") {
        const std::vector<std::string> args{"solve", "--block-hash", block,  "--block-number", "4242",   "--account",
                                            kAlice,  "--difficulty", "5000", "--backend",      "cpu",    "--threads",
                                            "2",     "--timeout",    "30",   "--json",         "--quiet"};
        const CliResult result = run_cli(args);
        INFO(describe(args, result));
        REQUIRE(result.exit_code == 0);
        const auto lines = lines_of(result.out);
        REQUIRE(lines.size() == 1);
        const json solution = json::parse(lines[0]);
        CHECK(solution.at("block_number") == 4242);
        CHECK(solution.at("block_hash") == block);
        CHECK(solution.at("account") == kAliceHex);
        CHECK(solution.at("rule") == "le");
        CHECK(solution.at("difficulty") == "5000");
        CHECK(solution.at("hashes").is_string());
        CHECK(solution.at("seconds").is_number());
        const std::string nonce = solution.at("nonce");
        const std::string seal = solution.at("seal");
        CHECK(solution.at("faucet_call") == expected_faucet_call(4242, std::stoull(nonce), seal));

        const std::vector<std::string> verify_args{"verify", "--block-hash", block,  "--account", kAlice, "--nonce",
                                                   nonce,    "--difficulty", "5000", "--rule",    "le",   "--json"};
        const CliResult verified = run_cli(verify_args);
        INFO(describe(verify_args, verified));
        CHECK(verified.exit_code == 0);
        CHECK(json::parse(verified.out).at("seal") == seal);
    }
    SECTION("three solutions, rule sdk, all distinct and passing") {
        const std::vector<std::string> args{"solve", "--block-hash", block,    "--block-number", "1",   "--account",
                                            kAlice,  "--difficulty", "1000",   "--rule",         "sdk", "--threads",
                                            "2",     "--backend",    "cpu",    "--count",        "3",   "--timeout",
                                            "30",    "--json",       "--quiet"};
        const CliResult result = run_cli(args);
        INFO(describe(args, result));
        REQUIRE(result.exit_code == 0);
        const auto lines = lines_of(result.out);
        REQUIRE(lines.size() == 3);
        const btpow::Job job = make_job(block, kAlice, 1000, btpow::Rule::sdk, 1);
        std::vector<std::string> nonces;
        for (const std::string& line : lines) {
            const json solution = json::parse(line);
            const std::uint64_t nonce = std::stoull(solution.at("nonce").get<std::string>());
            const btpow::Verdict verdict = btpow::verify(job, nonce);
            CHECK(verdict.sdk);
            CHECK(solution.at("seal") == verdict.seal.hex());
            nonces.push_back(solution.at("nonce"));
        }
        std::sort(nonces.begin(), nonces.end());
        CHECK(std::adjacent_find(nonces.begin(), nonces.end()) == nonces.end());
    }
}

TEST_CASE("cli: solve gives up after --timeout with exit 1", "[cli]") {
    const std::vector<std::string> args{"solve",
                                        "--block-hash",
                                        kZeroBlock,
                                        "--block-number",
                                        "1",
                                        "--account",
                                        kAlice,
                                        "--difficulty",
                                        "0x" + std::string(16, 'f') + std::string(32, '0'),
                                        "--backend",
                                        "cpu",
                                        "--threads",
                                        "2",
                                        "--timeout",
                                        "1",
                                        "--json"};
    const auto started = Clock::now();
    const CliResult result = run_cli(args);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    INFO(describe(args, result));
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(seconds < 10);
}

TEST_CASE("cli: solve --jobs - streams solutions for each job as lines arrive", "[cli]") {
    const std::vector<std::string> args{"solve",     "--jobs", "-",      "--backend", "cpu",
                                        "--threads", "2",      "--json", "--quiet"};
    CliProcess process(args);
    const std::vector<std::uint64_t> blocks{100, 101, 102};
    for (const std::uint64_t block_number : blocks) {
        const std::string block_hash = block_hash_of(static_cast<unsigned>(block_number));
        // Standard input stays open: the solution must come while the feed waits for more.
        process.write(job_line(block_number, block_hash, "\"1000\""));
        const auto line = process.read_line(std::chrono::seconds(20));
        REQUIRE(line.has_value());
        INFO(*line);
        const json solution = json::parse(*line);
        CHECK(solution.at("block_number") == block_number);
        CHECK(solution.at("block_hash") == block_hash);
        const btpow::Job job = make_job(block_hash, kAlice, 1000, btpow::Rule::le, block_number);
        CHECK(btpow::verify(job, std::stoull(solution.at("nonce").get<std::string>())).le);
    }
    const CliResult result = process.finish(std::chrono::seconds(20));
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(lines_of(result.out).size() == blocks.size());
}

TEST_CASE("cli: solve --jobs - at end of input finishes the current job", "[cli]") {
    const std::vector<std::string> args{"solve", "--jobs", "-",       "--backend", "cpu", "--threads",
                                        "2",     "--json", "--quiet", "--timeout", "20"};
    SECTION("a job wanting two solutions, difficulty as a number, rule be") {
        const CliResult result = run_cli(args, job_line(9, block_hash_of(9), "1000", ",\"rule\":\"be\",\"count\":2"));
        INFO(describe(args, result));
        CHECK(result.exit_code == 0);
        const auto lines = lines_of(result.out);
        REQUIRE(lines.size() == 2);
        for (const std::string& line : lines) {
            const json solution = json::parse(line);
            CHECK(solution.at("block_number") == 9);
            CHECK(solution.at("rule") == "be");
        }
    }
    SECTION("an impossible job times out: exit 1") {
        auto timed = args;
        timed.back() = "1";
        const CliResult result = run_cli(timed, job_line(9, block_hash_of(9), "\"0x" + std::string(20, 'f') + "\""));
        INFO(describe(timed, result));
        CHECK(result.exit_code == 1);
        CHECK(result.out.empty());
    }
    SECTION("empty input: exit 1") { CHECK(run_cli(args, "").exit_code == 1); }
}

TEST_CASE("cli: with --strict a malformed job line exits 2 naming the line and the field", "[cli][feed]") {
    const std::vector<std::string> args{"solve",     "--jobs", "-",      "--backend", "cpu",
                                        "--threads", "2",      "--json", "--quiet",   "--strict"};
    struct Case {
        std::string input;
        std::vector<std::string> named;
    };
    const std::string good = job_line(1, block_hash_of(1), "\"1000\"");
    const std::vector<Case> cases{
        {good + job_line(2, "0x12", "\"1000\""), {"line 2", "block_hash"}},
        {good + "\n" + "this is not json\n", {"line 3"}},
        {job_line(1, block_hash_of(1), "\"-3\""), {"line 1", "difficulty"}},
        {job_line(1, block_hash_of(1), "1.5"), {"line 1", "difficulty"}},
        {"{\"block_number\":1,\"block_hash\":\"" + block_hash_of(1) + "\",\"account\":\"" + kAlice + "\"}\n",
         {"line 1", "difficulty"}},
        {job_line(1, block_hash_of(1), "\"1000\"", ",\"rule\":\"xx\""), {"line 1", "rule"}},
        {job_line(1, block_hash_of(1), "\"1000\"", ",\"count\":0"), {"line 1", "count"}},
        {"[1,2,3]\n", {"line 1"}},
    };
    for (const Case& c : cases) {
        const CliResult result = run_cli(args, c.input, 20);
        INFO(describe(args, result) << "\n  input: " << c.input);
        CHECK(result.exit_code == 2);
        for (const std::string& word : c.named) CHECK(result.err.find(word) != std::string::npos);
    }
}

TEST_CASE("cli: devices --json describes the CPU and the CUDA build", "[cli]") {
    const CliResult result = run_cli({"devices", "--json"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const json out = json::parse(result.out);
    const btpow::SystemInfo info = btpow::system_info();
    CHECK(out.at("cuda").at("compiled") == info.cuda_compiled);
    CHECK(out.at("cuda").at("devices").size() == info.cuda_devices.size());
    for (const json& device : out.at("cuda").at("devices")) {
        CHECK(device.at("compute_capability").is_string());
        CHECK(device.at("memory_bytes").is_number());
    }
    const json& cpu = out.at("cpu");
    CHECK(cpu.at("threads").get<unsigned>() >= 1);
    REQUIRE_FALSE(cpu.at("isas").empty());
    const auto isas = json_strings(cpu.at("isas"));
    CHECK(std::find(isas.begin(), isas.end(), cpu.at("default_isa").get<std::string>()) != isas.end());
    CHECK(run_cli({"devices"}).exit_code == 0);
}

TEST_CASE("cli: --backend cuda without a CUDA device exits 3", "[cli]") {
    if (!btpow::system_info().cuda_devices.empty()) {
        WARN("SKIPPED: this machine has a CUDA device");
        return;
    }
    const std::vector<std::vector<std::string>> commands{
        {"solve", "--block-hash", kZeroBlock, "--block-number", "1", "--account", kAlice, "--difficulty", "1000",
         "--backend", "cuda", "--timeout", "5", "--quiet"},
        {"scan", "--block-hash", kZeroBlock, "--account", kAlice, "--difficulty", "1000", "--start", "0", "--count",
         "100", "--backend", "cuda"},
        {"bench", "--backend", "cuda", "--seconds", "1"},
    };
    for (const auto& args : commands) {
        const CliResult result = run_cli(args, "", 20);
        INFO(describe(args, result));
        CHECK(result.exit_code == 3);
        CHECK(mentions(result.err, "cuda"));
    }
}

TEST_CASE("cli: bench --json reports a rate and a reproducible hit checksum for each seal", "[cli]") {
    const std::vector<std::string> args{"bench", "--backend", "cpu", "--seconds", "1", "--json"};
    const CliResult result = run_cli(args, "", 60);
    INFO(describe(args, result));
    REQUIRE(result.exit_code == 0);
    const json out = json::parse(result.out);
    REQUIRE(out.is_array());
    REQUIRE(out.size() == 3);
    for (const json& row : out) {
        INFO(row.dump());
        CHECK(row.at("backend") == "cpu");
        CHECK(row.at("device").is_string());
        CHECK(row.at("isa").is_string());
        CHECK(row.at("threads").get<unsigned>() >= 1);
        CHECK(row.at("seals_per_second").get<double>() > 0);
        CHECK(row.at("seconds").get<double>() > 0);
        CHECK(row.at("setup_seconds").get<double>() >= 0);
        CHECK(row.at("checksum").get<std::string>().size() == 66);

        // The checksum is keccak256 over the sorted hits (le64) of the reported range, whatever
        // ran it: the old seal for Alice, v1 on netuid 1 with Alice as hotkey and coldkey.
        const std::string seal = row.at("seal");
        btpow::Job job;
        job.block_hash = btpow::Hash32::parse("0x6274706f772062656e63683a206120666978656420626c6f636b20686173682e");
        job.difficulty = btpow::Difficulty::parse(row.at("difficulty").get<std::string>());
        job.rule = btpow::parse_rule(row.at("rule").get<std::string>());
        btpow::ScanOptions options;
        if (seal == "old") {
            job.account = btpow::Account::parse(kAlice);
        } else {
            REQUIRE((seal == "v1" || seal == "v1-nonce-order"));
            job.seal = btpow::SealKind::v1;
            job.netuid = 1;
            job.hotkey = job.coldkey = btpow::Account::parse(kAlice);
            options.order = seal == "v1" ? btpow::ScanOrder::search : btpow::ScanOrder::nonce;
        }
        btpow::ScanResult rescan = btpow::scan(job, std::stoull(row.at("start").get<std::string>()),
                                               std::stoull(row.at("nonces").get<std::string>()), options);
        std::sort(rescan.hits.begin(), rescan.hits.end());
        std::vector<std::uint8_t> bytes;
        for (const std::uint64_t nonce : rescan.hits)
            for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::uint8_t>(nonce >> (8 * i)));
        CHECK(row.at("hits") == rescan.hits.size());
        CHECK(row.at("checksum") == btpow::keccak256(bytes.data(), bytes.size()).hex());
    }
}

#endif  // BTPOW_CLI_PATH
