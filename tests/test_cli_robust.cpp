// The CLI under hostile conditions, driven as a child process: output that cannot be written,
// hostile job-feed lines, a bad line in a live feed, read errors, flags that cannot be honoured,
// messages with odd bytes, stop signals during long work.
#include <catch2/catch.hpp>

#ifdef BTPOW_CLI_PATH

#include <algorithm>
#include <thread>

#include "test_cli_harness.hpp"

using namespace btpow_cli_test;

namespace {

constexpr const char* kImpossible = "0xffffffffffffffffffffffffffffffffffffffff";  // 2^160 - 1
// Threads of a solve whose solver runs (see CliProcess::wait_for_threads): start-up makes at most 3.
constexpr std::size_t kSolving = 4;

bool valid_utf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80         ? 1
                                   : (lead >> 5) == 6  ? 2
                                   : (lead >> 4) == 14 ? 3
                                   : (lead >> 3) == 30 ? 4
                                                       : 0;
        if (length == 0 || i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
        i += length;
    }
    return true;
}

std::vector<std::string> solve_args(std::initializer_list<std::string> more) {
    std::vector<std::string> args{"solve", "--block-hash", kZeroBlock, "--block-number", "1", "--account",
                                  kAlice,  "--backend",    "cpu",      "--threads",      "2"};
    args.insert(args.end(), more);
    return args;
}

const std::vector<std::string> kFeedArgs{"solve", "--jobs", "-", "--backend", "cpu", "--threads", "2", "--json"};

std::vector<std::string> with(std::vector<std::string> base, std::initializer_list<std::string> more) {
    base.insert(base.end(), more);
    return base;
}

}  // namespace

TEST_CASE("cli: output that cannot be written exits 4 with a message", "[cli][io]") {
    const std::vector<std::vector<std::string>> commands{
        {"seal", "--block-hash", kZeroBlock, "--account", kAlice, "--nonce", "0", "--json"},
        {"seal", "--block-hash", kZeroBlock, "--account", kAlice, "--nonce", "0"},
        {"verify", "--block-hash", kZeroBlock, "--account", kAlice, "--nonce", "0", "--difficulty", "4"},
        {"scan", "--block-hash", kZeroBlock, "--account", kAlice, "--difficulty", "8", "--start", "0", "--count", "100",
         "--json"},
        {"devices"},
        solve_args({"--difficulty", "1000", "--json", "--quiet"}),
        {"--help"},
    };
    for (const auto& kind : {StdoutTarget::Kind::file, StdoutTarget::Kind::closed}) {
        for (const auto& args : commands) {
            CliProcess process(args, StdoutTarget{kind, "/dev/full"});
            const CliResult result = process.finish(std::chrono::seconds(30));
            INFO((kind == StdoutTarget::Kind::file ? "stdout on /dev/full\n" : "stdout closed\n")
                 << describe(args, result));
            CHECK(result.exit_code == 4);
            CHECK(mentions(result.err, "standard output"));
        }
    }
}

TEST_CASE("cli: solve stops once the reader of its output is gone (SIGPIPE ignored)", "[cli][io]") {
    SECTION("one job asking for many solutions") {
        CliProcess process(solve_args({"--difficulty", "1000", "--count", "1000000000", "--json", "--quiet"}));
        REQUIRE(process.read_line(std::chrono::seconds(20)).has_value());
        process.close_stdout_reader();
        const CliResult result = process.finish(std::chrono::seconds(20));
        INFO(result.err);
        CHECK(result.exit_code == 4);
        CHECK(mentions(result.err, "standard output"));
    }
    SECTION("a job feed whose reader leaves while the solver waits for work") {
        CliProcess process(kFeedArgs);
        process.write(job_line(5, block_hash_of(5), "\"1000\""));
        REQUIRE(process.read_line(std::chrono::seconds(20)).has_value());
        process.write(job_line(6, block_hash_of(6), kImpossible));  // hashing, nothing to print
        process.close_stdout_reader();
        const auto began = Clock::now();
        REQUIRE(process.wait_for_stderr("standard output", std::chrono::seconds(10)));
        CHECK(Clock::now() - began < std::chrono::seconds(5));
        const CliResult result = process.finish(std::chrono::seconds(20));
        CHECK(result.exit_code == 4);
    }
}

TEST_CASE("cli: the job feed refuses unknown and duplicate keys, naming them; x- keys are ignored", "[cli][feed]") {
    const auto strict = with(kFeedArgs, {"--strict", "--quiet"});
    const std::string base = "{\"block_number\":1,\"block_hash\":\"" + block_hash_of(1) + "\",\"account\":\"" + kAlice +
                             "\",\"difficulty\":\"1000\"";
    struct Case {
        std::string line;
        std::vector<std::string> named;
    };
    for (const Case& c : std::vector<Case>{
             {base + ",\"rulez\":\"be\"}\n", {"line 1", "unknown key", "rulez"}},
             {base + ",\"Rule\":\"be\"}\n", {"unknown key", "Rule"}},
             {base + ",\"rule\":\"be\",\"rule\":\"le\"}\n", {"line 1", "duplicate", "rule"}},
             {base + ",\"difficulty\":\"5\"}\n", {"duplicate", "difficulty"}},
         }) {
        const CliResult result = run_cli(strict, c.line, 20);
        INFO(describe(strict, result) << "\n  input: " << c.line);
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        for (const std::string& word : c.named) CHECK(result.err.find(word) != std::string::npos);
    }
    const CliResult extended =
        run_cli(strict, base + ",\"x-client\":{\"id\":[1,{\"rule\":2}]},\"x-note\":\"hi\",\"x-n\":null}\n", 20);
    INFO(describe(strict, extended));
    CHECK(extended.exit_code == 0);
    CHECK(lines_of(extended.out).size() == 1);
}

TEST_CASE("cli: hostile job lines are refused with a short, valid excerpt, never a crash", "[cli][feed]") {
    const auto strict = with(kFeedArgs, {"--strict", "--quiet"});
    const std::string hash = block_hash_of(3);
    struct Case {
        std::string name;
        std::string line;
        std::vector<std::string> named;
    };
    const std::vector<Case> cases{
        {"deeply nested arrays", std::string(60000, '[') + "\n", {"line 1", "array"}},
        {"deeply nested objects",
         [] {
             std::string line;
             for (int i = 0; i < 10000; ++i) line += "{\"a\":";
             return line + "\n";
         }(),
         {"line 1", "a: expected a string or a number, got an object"}},
        {"deep nesting inside an x- value", "{\"x-a\":" + std::string(60000, '[') + "\n", {"line 1", "not valid JSON"}},
        {"a 1 MB line", "{\"block_hash\":\"" + std::string(1 << 20, 'a') + "\"}\n", {"line 1", "64 KiB"}},
        {"a 60 KB value",
         "{\"block_number\":1,\"block_hash\":\"" + std::string(60000, 'a') + "\"}\n",
         {"line 1, block_hash", "60000 characters"}},
        {"a huge block number",
         "{\"block_number\":123456789012345678901234567890,\"block_hash\":\"" + hash + "\",\"account\":\"" + kAlice +
             "\",\"difficulty\":1}\n",
         {"line 1", "block_number", "18446744073709551615"}},
        {"a number beyond double",
         "{\"block_number\":1e400,\"block_hash\":\"" + hash + "\",\"account\":\"" + kAlice + "\",\"difficulty\":1}\n",
         {"line 1", "number too large"}},
        {"invalid UTF-8", "{\"block_hash\":\"\xff\xfe\x80\"}\n", {"line 1", "not valid JSON"}},
        {"a non-hex character beyond ASCII",
         "{\"block_number\":1,\"block_hash\":\"0x" + std::string(63, '0') + "é\",\"account\":\"" + kAlice +
             "\",\"difficulty\":1}\n",
         {"line 1", "block_hash", "'é' at digit 63"}},
        {"a string that is not an object", "\"" + std::string(5000, 'x') + "\"\n", {"line 1", "JSON object"}},
    };
    for (const Case& c : cases) {
        const CliResult result = run_cli(strict, c.line, 30);
        INFO(c.name << "\n" << describe(strict, {result.exit_code, result.out, result.err.substr(0, 3000)}));
        CHECK(result.exit_code == 2);
        CHECK(result.err.size() < 2000);
        CHECK(valid_utf8(result.err));
        for (const std::string& word : c.named) CHECK(result.err.find(word) != std::string::npos);
    }

    // A difficulty beyond 64 bits may be a bare JSON number: its digits are read exactly.
    const std::string big = "{\"block_number\":4,\"block_hash\":\"" + hash + "\",\"account\":\"" + kAlice +
                            "\",\"difficulty\":340282366920938463463374607431768211456}\n";  // 2^128
    const CliResult parsed = run_cli(with(strict, {"--timeout", "0.5"}), big, 20);
    INFO(describe(strict, parsed));
    CHECK(parsed.exit_code == 1);  // read and hashed, no solution in 0.5 s
    CHECK(mentions(parsed.err, "0 of 1 solution"));
}

TEST_CASE("cli: a bad line in a live feed is reported with its number and the feed goes on", "[cli][feed]") {
    CliProcess process(kFeedArgs);
    // The current job wants two solutions; the bad line arrives while it is being solved.
    process.write(job_line(10, block_hash_of(10), "\"20000\"", ",\"count\":2"));
    process.write("{\"block_number\":11,\"rulez\":\"be\"}\n");
    std::vector<json> seen;
    for (int i = 0; i < 3; ++i) {
        const auto line = process.read_line(std::chrono::seconds(30));
        REQUIRE(line.has_value());
        seen.push_back(json::parse(*line));
    }
    process.write(job_line(12, block_hash_of(12), "\"1000\""));
    const auto last = process.read_line(std::chrono::seconds(30));
    REQUIRE(last.has_value());
    const CliResult result = process.finish(std::chrono::seconds(20));
    INFO(result.err);
    CHECK(result.exit_code == 0);

    int solutions_10 = 0, errors = 0;
    for (const json& object : seen) {
        if (object.contains("error")) {
            ++errors;
            CHECK(object.at("line") == 2);
            CHECK(object.at("error").get<std::string>().find("rulez") != std::string::npos);
        } else {
            CHECK(object.at("block_number") == 10);
            ++solutions_10;
        }
    }
    CHECK(errors == 1);
    CHECK(solutions_10 == 2);
    CHECK(json::parse(*last).at("block_number") == 12);
    CHECK(result.err.find("line 2") != std::string::npos);
    CHECK(result.err.find("summary: 2 job(s), 3 solution(s), 1 line(s) refused") != std::string::npos);
}

TEST_CASE("cli: a feed that cannot be read is an error, not an end of input", "[cli][feed]") {
    const auto args = std::vector<std::string>{"solve", "--jobs", "/", "--backend", "cpu", "--quiet"};
    const CliResult result = run_cli(args, "", 20);
    INFO(describe(args, result));
    CHECK(result.exit_code == 4);
    CHECK(mentions(result.err, "reading"));

    const auto missing = std::vector<std::string>{"solve", "--jobs", "/nonexistent/jobs", "--backend", "cpu"};
    const CliResult absent = run_cli(missing, "", 20);
    CHECK(absent.exit_code == 2);
    CHECK(absent.err.find("--jobs") != std::string::npos);
}

TEST_CASE("cli: no job read, and a count not reached before the timeout, each get a notice", "[cli][feed]") {
    const CliResult empty = run_cli(with(kFeedArgs, {"--quiet"}), "");
    CHECK(empty.exit_code == 1);
    CHECK(mentions(empty.err, "no job read"));

    const CliResult refused = run_cli(with(kFeedArgs, {"--quiet"}), "{}\n");
    CHECK(refused.exit_code == 2);
    CHECK(mentions(refused.err, "no job read"));

    const auto args = solve_args({"--difficulty", kImpossible, "--count", "2", "--timeout", "0.5", "--quiet"});
    const CliResult timed_out = run_cli(args);
    INFO(describe(args, timed_out));
    CHECK(timed_out.exit_code == 1);
    CHECK(mentions(timed_out.err, "0 of 2 solution"));

    const CliResult feed_timeout = run_cli(with(kFeedArgs, {"--quiet", "--timeout", "0.5"}),
                                           job_line(3, block_hash_of(3), "\"1000\"", ",\"count\":1000000000"));
    // Exit 0 when the half second gave any solution, 1 when it gave none (an instrumented build).
    CHECK(feed_timeout.exit_code == (feed_timeout.out.empty() ? 1 : 0));
    CHECK(mentions(feed_timeout.err, "of 1000000000 solution(s) within"));
}

TEST_CASE("cli: --devices that cannot be honoured is an error", "[cli]") {
    const auto cpu = solve_args({"--difficulty", "1000", "--devices", "0", "--quiet"});
    const CliResult refused = run_cli(cpu, "", 20);
    INFO(describe(cpu, refused));
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("--devices") != std::string::npos);

    const btpow::SystemInfo info = btpow::system_info();
    for (const std::string& backend : {"auto", "all", "cuda"}) {
        std::vector<std::string> args{"solve", "--block-hash", kZeroBlock, "--block-number", "1", "--account",
                                      kAlice,  "--difficulty", "1000",     "--timeout",      "5", "--backend",
                                      backend, "--devices",    "1023",     "--quiet"};
        const CliResult result = run_cli(args, "", 20);
        INFO(describe(args, result));
        CHECK(result.exit_code == 3);  // no machine has 1024 GPUs
        CHECK(result.err.find("--devices") != std::string::npos);
        if (info.cuda_devices.empty()) {
            args[args.size() - 2] = "0";
            CHECK(run_cli(args, "", 20).exit_code == 3);
        }
    }
}

TEST_CASE("cli: every numeric flag states its range when refused", "[cli]") {
    struct Case {
        std::vector<std::string> args;
        std::string flag, range;
    };
    const auto scan =
        std::vector<std::string>{"scan", "--block-hash", kZeroBlock, "--account", kAlice, "--difficulty", "8"};
    const std::vector<Case> cases{
        {{"solve", "--block-hash", kZeroBlock, "--block-number", "1", "--account", kAlice, "--difficulty", "1",
          "--threads", "5000"},
         "--threads",
         "1 to 4096"},
        {{"bench", "--threads", "many"}, "--threads", "1 to 4096"},
        {solve_args({"--difficulty", "1", "--count", "0"}), "--count", "1 to 18446744073709551615"},
        {solve_args({"--difficulty", "1", "--count", "-3"}), "--count", "1 to 18446744073709551615"},
        {solve_args({"--difficulty", "1", "--cuda-batch-ms", "1001"}), "--cuda-batch-ms", "1 to 1000"},
        {solve_args({"--difficulty", "1", "--timeout", "1e99"}), "--timeout", "at most"},
        {solve_args({"--difficulty", "1", "--devices", "2000"}), "--devices", "0 to 1023"},
        {with(scan, {"--start", "0", "--count", "99999999999999999999"}), "--count", "1 to 18446744073709551615"},
        {with(scan, {"--start", "x", "--count", "1"}), "--start", "0 to 18446744073709551615"},
        {{"bench", "--seconds", "0"}, "--seconds", "at most"},
        {{"seal", "--block-hash", kZeroBlock, "--account", kAlice, "--nonce", "-1"},
         "--nonce",
         "0 to 18446744073709551615"},
    };
    for (const Case& c : cases) {
        const CliResult result = run_cli(c.args, "", 10);
        INFO(describe(c.args, result));
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(c.flag) != std::string::npos);
        CHECK(result.err.find(c.range) != std::string::npos);
    }
}

TEST_CASE("cli: messages count characters and never emit broken UTF-8", "[cli]") {
    SECTION("64 characters, some beyond ASCII, are the right length with a bad character") {
        const std::vector<std::string> args{
            "seal", "--account", kAlice, "--nonce", "0", "--block-hash", std::string(63, '0') + "€"};
        const CliResult result = run_cli(args);
        INFO(describe(args, result));
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("'€' at digit 63") != std::string::npos);
    }
    SECTION("a length is counted in characters") {
        const std::vector<std::string> args{"seal", "--account", kAlice, "--nonce", "0", "--block-hash", "éééé"};
        const CliResult result = run_cli(args);
        INFO(describe(args, result));
        CHECK(result.err.find("got 4 characters") != std::string::npos);
    }
    SECTION("stray bytes are shown escaped, and a long value is cut by characters") {
        for (const std::string& account : {std::string("5Grw\xff\xfe"), std::string(300, 'z') + "\xc3",
                                           std::string(100, 'x') + std::string(200, '\xe2')}) {
            const std::vector<std::string> args{"seal", "--block-hash", kZeroBlock, "--nonce",
                                                "0",    "--account",    account};
            const CliResult result = run_cli(args);
            INFO(describe(args, result));
            CHECK(result.exit_code == 2);
            CHECK(valid_utf8(result.err));
            CHECK(result.err.size() < 1000);
        }
    }
    SECTION("an SS58 character beyond ASCII is named whole, at its character position") {
        const std::vector<std::string> args{
            "seal", "--block-hash", kZeroBlock, "--nonce", "0", "--account", "5Grwé" + std::string(42, 'z')};
        const CliResult result = run_cli(args);
        INFO(describe(args, result));
        CHECK(result.err.find("'é' at position 4") != std::string::npos);
    }
}

TEST_CASE("cli: stop signals end a long solve cleanly with 128 + the signal", "[cli][feed]") {
    for (const auto& [signal_number, code, name] : std::vector<std::tuple<int, int, std::string>>{
             {SIGINT, 130, "SIGINT"}, {SIGTERM, 143, "SIGTERM"}, {SIGHUP, 129, "SIGHUP"}}) {
        CliProcess process(solve_args({"--difficulty", kImpossible, "--json", "--quiet"}));
        REQUIRE(process.wait_for_threads(kSolving, std::chrono::seconds(20)));
        process.signal(signal_number);
        const auto began = Clock::now();
        const CliResult result = process.finish(std::chrono::seconds(20));
        INFO(name << "\n" << result.err);
        CHECK(result.exit_code == code);
        CHECK(Clock::now() - began < std::chrono::seconds(3));
        CHECK(result.err.find("stopped by " + name) != std::string::npos);
        CHECK(result.err.find("seals hashed") != std::string::npos);
        CHECK(result.out.empty());
    }
}

TEST_CASE("cli: a stop signal that btpow was started with ignored stays ignored (nohup)", "[cli][feed]") {
    CliProcess process(solve_args({"--difficulty", kImpossible, "--json", "--quiet"}), {}, {SIGHUP});
    REQUIRE(process.wait_for_threads(kSolving, std::chrono::seconds(20)));
    process.signal(SIGHUP);
    // A SIGHUP taken would stop the solve within a poll interval; it must still be running after.
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    process.signal(SIGTERM);
    const CliResult result = process.finish(std::chrono::seconds(20));
    INFO(result.err);
    CHECK(result.exit_code == 143);
    CHECK(result.err.find("stopped by SIGTERM") != std::string::npos);
    CHECK(result.err.find("SIGHUP") == std::string::npos);
}

TEST_CASE("cli: a signal during a stream of solutions never cuts a line", "[cli][feed]") {
    CliProcess process(kFeedArgs);
    process.write(job_line(8, block_hash_of(8), "\"20000\"", ",\"count\":1000000000"));
    REQUIRE(process.read_line(std::chrono::seconds(20)).has_value());
    REQUIRE(process.read_line(std::chrono::seconds(20)).has_value());  // solutions are streaming
    process.signal(SIGINT);
    const CliResult result = process.finish(std::chrono::seconds(20));
    INFO(result.err.substr(0, 2000));
    CHECK(result.exit_code == 130);
    REQUIRE_FALSE(result.out.empty());
    CHECK(result.out.back() == '\n');
    std::size_t lines = 0;
    for (const std::string& line : lines_of(result.out)) {
        const json solution = json::parse(line);  // throws on half a line
        CHECK(solution.at("block_number") == 8);
        ++lines;
    }
    CHECK(lines > 1);
    CHECK(result.err.find("stopped by SIGINT: 1 job(s), " + std::to_string(lines) + " solution(s)") !=
          std::string::npos);
}

TEST_CASE("cli: scan streams its hits and stays one valid JSON value when stopped", "[cli]") {
    const std::vector<std::string> args{"scan",          "--block-hash", kZeroBlock, "--account", kAlice,
                                        "--difficulty",  "1000",         "--start",  "0",         "--count",
                                        "1099511627776", "--threads",    "1",        "--json"};
    CliProcess process(args);
    REQUIRE(process.wait_for_stdout("{\"hits\":[", std::chrono::seconds(20)));  // a chunk is done
    process.signal(SIGTERM);
    const CliResult result = process.finish(std::chrono::seconds(20));
    INFO(describe(args, result));
    CHECK(result.exit_code == 143);
    const json out = json::parse(result.out);
    CHECK(out.at("complete") == false);
    const std::uint64_t hashed = std::stoull(out.at("hashes").get<std::string>());
    CHECK(hashed > 0);
    // Every hit passes, in order; the nonces hashed (up to the first 2^16, which a slow, instrumented
    // build may not reach) hold exactly the reference's hits.
    const auto hits = json_strings(out.at("hits"));
    const btpow::Job job = make_job(kZeroBlock, kAlice, 1000, btpow::Rule::le);
    const std::uint64_t checked = std::min<std::uint64_t>(hashed, 65536);
    std::vector<std::string> prefix;
    std::uint64_t previous = 0;
    bool first = true;
    for (const std::string& hit : hits) {
        const std::uint64_t nonce = std::stoull(hit);
        CHECK((first || nonce > previous));
        CHECK(nonce < hashed);
        CHECK(btpow::verify(job, nonce).le);
        if (nonce < checked) prefix.push_back(hit);
        previous = nonce;
        first = false;
    }
    CHECK(prefix == reference_hits(job, 0, checked));
    CHECK(result.err.find("--start " + std::to_string(hashed)) != std::string::npos);
}

#endif  // BTPOW_CLI_PATH
