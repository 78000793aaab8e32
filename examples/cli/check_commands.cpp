// seal, verify and scan: compute one seal, check one nonce against the rules, or list every
// passing nonce of a range. No solver, no status line.
#include <memory>
#include <string>

#include <fmt/format.h>

#include <btpow/seal.hpp>
#include <btpow/solver.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "inputs.hpp"
#include "output.hpp"

namespace btpow::cli {

namespace {

// The flags of the puzzle, as typed; parsed only when the command runs, so that the library's
// parsers name the flag in their errors.
struct PuzzleFlags {
    std::string block_hash;
    std::string account;
    std::string difficulty;
    std::string rule = "le";
    bool json = false;

    Job job(bool with_difficulty) const {
        Job job;
        job.block_hash = Hash32::parse(block_hash, "--block-hash");
        job.account = Account::parse(account, "--account");
        if (with_difficulty) job.difficulty = Difficulty::parse(difficulty, "--difficulty");
        job.rule = parse_rule(rule, "--rule");
        return job;
    }
};

void add_block_and_account(CLI::App& command, PuzzleFlags& flags) {
    command.add_option("--block-hash", flags.block_hash, "Block hash: 64 hex digits, 0x optional")
        ->required()
        ->type_name("HEX");
    command
        .add_option("--account", flags.account, "Hotkey (or faucet signer): SS58 address (prefix 42) or 64 hex digits")
        ->required()
        ->type_name("SS58|HEX");
}

void add_difficulty_and_rule(CLI::App& command, PuzzleFlags& flags) {
    command.add_option("--difficulty", flags.difficulty, "Difficulty d, 0 <= d <= 2^256-1, decimal or 0x-hex")
        ->required()
        ->type_name("D");
    command
        .add_option("--rule", flags.rule,
                    "Byte order and comparison: le (chain today), be (chain before 2025-06-30), sdk")
        ->type_name("le|be|sdk")
        ->capture_default_str();
}

struct SealFlags {
    PuzzleFlags puzzle;
    std::string nonce;
};

int run_seal(const SealFlags& flags) {
    const Job job = flags.puzzle.job(false);
    const std::uint64_t nonce = parse_u64(flags.nonce, "--nonce");
    const Hash32 h = block_and_hotkey_hash(job.block_hash, job.account);
    const Hash32 s = seal(h, nonce);
    if (flags.puzzle.json) {
        print_json_line({{"block_and_hotkey_hash", h.hex()}, {"seal", s.hex()}, {"nonce", std::to_string(nonce)}});
    } else {
        print_text(fmt::format("block_and_hotkey_hash  {}\nnonce                  {}\nseal                   {}\n",
                               h.hex(), nonce, s.hex()));
    }
    return exit_ok;
}

int run_verify(const SealFlags& flags) {
    const Job job = flags.puzzle.job(true);
    const std::uint64_t nonce = parse_u64(flags.nonce, "--nonce");
    const Verdict verdict = verify(job, nonce);
    const bool passes = verdict.passes(job.rule);
    if (flags.puzzle.json) {
        print_json_line({
            {"block_and_hotkey_hash", verdict.block_and_hotkey_hash.hex()},
            {"seal", verdict.seal.hex()},
            {"nonce", std::to_string(nonce)},
            {"difficulty", job.difficulty.decimal()},
            {"rule", std::string(to_string(job.rule))},
            {"passes", passes},
            {"passes_by_rule", {{"le", verdict.le}, {"be", verdict.be}, {"sdk", verdict.sdk}}},
        });
    } else {
        const auto word = [](bool ok) { return ok ? "passes" : "fails"; };
        print_text(
            fmt::format("block_and_hotkey_hash  {}\nnonce                  {}\nseal                   {}\n"
                        "difficulty             {}\n"
                        "rule {:<3}               {}\n"
                        "  by rule              le {}, be {}, sdk {}\n",
                        verdict.block_and_hotkey_hash.hex(), nonce, verdict.seal.hex(), job.difficulty.decimal(),
                        to_string(job.rule), word(passes), word(verdict.le), word(verdict.be), word(verdict.sdk)));
    }
    return passes ? exit_ok : exit_not_found;
}

struct ScanFlags {
    PuzzleFlags puzzle;
    std::string start;
    std::string count;
    std::string backend = "cpu";
    std::string threads;
};

int run_scan(const ScanFlags& flags) {
    const Job job = flags.puzzle.job(true);
    const std::uint64_t start = parse_u64(flags.start, "--start");
    const std::uint64_t count = parse_positive_count(flags.count, "--count");
    ScanOptions options;
    options.backend = parse_backend(flags.backend, "--backend");
    if (!flags.threads.empty()) options.cpu_threads = parse_thread_count(flags.threads, "--threads");
    options.on_log = [](LogLevel level, std::string_view message) {
        if (level != LogLevel::info) print_error(message);
    };

    const ScanResult result = scan(job, start, count, options);
    if (result.compute_errors > 0)
        print_error(fmt::format("{} candidate(s) failed the host check (compute errors); the hits are host-verified",
                                result.compute_errors));
    if (flags.puzzle.json) {
        nlohmann::ordered_json hits = nlohmann::ordered_json::array();
        for (const std::uint64_t nonce : result.hits) hits.push_back(std::to_string(nonce));
        print_json_line({{"hits", hits},
                         {"hashes", std::to_string(result.hashes)},
                         {"seconds", result.seconds},
                         {"setup_seconds", result.setup_seconds}});
    } else {
        std::string text = fmt::format("{} hit(s) for rule {} at difficulty {} in {} nonces from {}\n",
                                       result.hits.size(), to_string(job.rule), job.difficulty.decimal(), count, start);
        for (const std::uint64_t nonce : result.hits) text += fmt::format("  {}\n", nonce);
        const double rate = result.seconds > 0 ? static_cast<double>(result.hashes) / result.seconds : 0;
        text += fmt::format("hashed {} seals in {} ({})\n", result.hashes, human_duration(result.seconds),
                            human_rate(rate));
        print_text(text);
    }
    return exit_ok;
}

}  // namespace

void add_check_commands(CLI::App& app, CommandBody& selected) {
    {
        auto flags = std::make_shared<SealFlags>();
        CLI::App* command =
            app.add_subcommand("seal", "Print H = keccak256(block_hash ‖ account) and the seal of one nonce");
        add_block_and_account(*command, flags->puzzle);
        command->add_option("--nonce", flags->nonce, "Nonce, 0 <= N < 2^64")->required()->type_name("N");
        command->add_flag("--json", flags->puzzle.json, "One JSON object on stdout");
        command->callback([&selected, flags] { selected = [flags] { return run_seal(*flags); }; });
    }
    {
        auto flags = std::make_shared<SealFlags>();
        CLI::App* command = app.add_subcommand(
            "verify", "Check one nonce against a difficulty; exit 0 if it passes the chosen rule, 1 if not");
        add_block_and_account(*command, flags->puzzle);
        command->add_option("--nonce", flags->nonce, "Nonce, 0 <= N < 2^64")->required()->type_name("N");
        add_difficulty_and_rule(*command, flags->puzzle);
        command->add_flag("--json", flags->puzzle.json, "One JSON object on stdout");
        command->callback([&selected, flags] { selected = [flags] { return run_verify(*flags); }; });
    }
    {
        auto flags = std::make_shared<ScanFlags>();
        CLI::App* command = app.add_subcommand(
            "scan", "List every nonce in [start, start + count) (wrapping mod 2^64) whose seal passes");
        add_block_and_account(*command, flags->puzzle);
        add_difficulty_and_rule(*command, flags->puzzle);
        command->add_option("--start", flags->start, "First nonce")->required()->type_name("N");
        command->add_option("--count", flags->count, "How many nonces (>= 1)")->required()->type_name("C");
        command->add_option("--backend", flags->backend, "Where to hash")
            ->type_name("cpu|cuda|all")
            ->capture_default_str();
        command->add_option("--threads", flags->threads, "CPU threads (default: every hardware thread)")
            ->type_name("T");
        command->add_flag("--json", flags->puzzle.json, "One JSON object on stdout");
        command->callback([&selected, flags] { selected = [flags] { return run_scan(*flags); }; });
    }
}

}  // namespace btpow::cli
