// seal, verify and scan: compute one seal, check one nonce against the rules, or list every
// passing nonce of a range. No solver, no status line. Flags are parsed while the command line
// is; scan streams its hits chunk by chunk, so memory stays flat over any range and a stop signal
// ends it cleanly between chunks.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include <btpow/seal.hpp>
#include <btpow/solver.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "inputs.hpp"
#include "output.hpp"
#include "seal_flags.hpp"
#include "signals.hpp"

namespace btpow::cli {

namespace {

// The flags of the puzzle, as typed; parsed only when the command runs, so that the library's
// parsers name the flag in their errors.
struct PuzzleFlags {
    std::string block_hash;
    SealKindFlags seal;
    std::string difficulty;
    std::string rule = "le";
    bool json = false;

    Job job(bool with_difficulty) const {
        Job job;
        job.block_hash = Hash32::parse(block_hash, "--block-hash");
        if (with_difficulty) job.difficulty = Difficulty::parse(difficulty, "--difficulty");
        job.rule = parse_rule(rule, "--rule");
        apply_seal_flags(seal, job);
        return job;
    }
};

void add_block_and_account(CLI::App& command, PuzzleFlags& flags) {
    command.add_option("--block-hash", flags.block_hash, "Block hash: 64 hex digits, 0x optional")
        ->required()
        ->type_name("HEX");
    add_seal_flags(command, flags.seal);
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

// seal and verify, parsed.
struct SealPlan {
    Job job;
    std::uint64_t nonce = 0;
    bool json = false;
};

SealPlan plan_seal(const SealFlags& flags, bool with_difficulty) {
    SealPlan plan;
    plan.job = flags.puzzle.job(with_difficulty);
    plan.nonce = parse_u64(flags.nonce, "--nonce");
    plan.json = flags.puzzle.json;
    return plan;
}

int run_seal(const SealPlan& plan) {
    const Job& job = plan.job;
    const std::uint64_t nonce = plan.nonce;
    if (job.seal == SealKind::v1) {
        const auto prefix = v1_prefix(job);
        const Hash32 s = seal_v1(prefix, nonce);
        std::string prefix_hex = "0x";
        for (const std::uint8_t byte : prefix) prefix_hex += fmt::format("{:02x}", byte);
        if (plan.json)
            print_json_line(
                {{"seal_kind", "v1"}, {"prefix", prefix_hex}, {"seal", s.hex()}, {"nonce", std::to_string(nonce)}});
        else
            print_text(fmt::format("prefix  {}\nnonce   {}\nseal    {}\n", prefix_hex, nonce, s.hex()));
        return exit_ok;
    }
    const Hash32 h = block_and_hotkey_hash(job.block_hash, job.account);
    const Hash32 s = seal(h, nonce);
    if (plan.json) {
        print_json_line({{"block_and_hotkey_hash", h.hex()}, {"seal", s.hex()}, {"nonce", std::to_string(nonce)}});
    } else {
        print_text(fmt::format("block_and_hotkey_hash  {}\nnonce                  {}\nseal                   {}\n",
                               h.hex(), nonce, s.hex()));
    }
    return exit_ok;
}

int run_verify(const SealPlan& plan) {
    const Job& job = plan.job;
    const std::uint64_t nonce = plan.nonce;
    const Verdict verdict = verify(job, nonce);
    const bool passes = verdict.passes(job.rule);
    if (job.seal == SealKind::v1) {
        // SPEC §10: v1 has one reading, le.
        if (plan.json)
            print_json_line({{"seal_kind", "v1"},
                             {"seal", verdict.seal.hex()},
                             {"nonce", std::to_string(nonce)},
                             {"difficulty", job.difficulty.decimal()},
                             {"rule", "le"},
                             {"passes", passes}});
        else
            print_text(fmt::format("seal (v1)   {}\nnonce       {}\ndifficulty  {}\nrule le     {}\n",
                                   verdict.seal.hex(), nonce, job.difficulty.decimal(), passes ? "passes" : "fails"));
        return passes ? exit_ok : exit_not_found;
    }
    if (plan.json) {
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

struct ScanPlan {
    Job job;
    std::uint64_t start = 0;
    std::uint64_t count = 0;
    ScanOptions options;
    bool json = false;
};

ScanPlan plan_scan(const ScanFlags& flags) {
    ScanPlan plan;
    plan.job = flags.puzzle.job(true);
    plan.start = parse_u64(flags.start, "--start");
    plan.count = parse_positive_count(flags.count, "--count");
    plan.options.backend = parse_backend(flags.backend, "--backend");
    if (!flags.threads.empty()) plan.options.cpu_threads = parse_thread_count(flags.threads, "--threads");
    plan.json = flags.puzzle.json;
    return plan;
}

// Chunks are sized to take about this long (a device's set-up is paid once per chunk, so longer
// where CUDA takes part) and to hold at most kMaxChunkHits expected hits. A stop signal is seen
// between chunks; the first, sized before any rate is known, is small enough to end within a
// second or two even on one thread of a slow or instrumented build.
constexpr double kCpuChunkSeconds = 1.0;
constexpr double kCudaChunkSeconds = 5.0;
constexpr double kMaxChunkHits = 1 << 20;
constexpr std::uint64_t kFirstChunk = 1 << 16;

std::uint64_t next_chunk(const ScanPlan& plan, const ScanResult* last) {
    double nonces = static_cast<double>(kFirstChunk);
    if (last != nullptr && last->seconds > 0) {
        const double seconds = plan.options.backend == Backend::cpu ? kCpuChunkSeconds : kCudaChunkSeconds;
        nonces = static_cast<double>(last->hashes) / last->seconds * seconds;
    }
    // About count / d hits (SPEC §3), every nonce at d <= 1.
    nonces = std::min(nonces, kMaxChunkHits * std::max(1.0, plan.job.difficulty.approx()));
    return static_cast<std::uint64_t>(std::clamp(nonces, 1024.0, 1e18));
}

int run_scan(const ScanPlan& plan) {
    stop_cleanly_on_signals();
    ScanOptions options = plan.options;
    options.on_log = [](LogLevel level, std::string_view message) {
        if (level != LogLevel::info) print_error(message);
    };

    std::uint64_t done = 0, hits = 0, compute_errors = 0;
    double seconds = 0, setup_seconds = 0;
    bool opened = false;
    std::optional<ScanResult> last;
    int signal_number = 0;
    while (done < plan.count) {
        if ((signal_number = stop_signal()) != 0) break;
        const std::uint64_t chunk = std::min(next_chunk(plan, last ? &*last : nullptr), plan.count - done);
        last = scan(plan.job, plan.start + done, chunk, options);  // wraps modulo 2^64
        done += chunk;
        seconds += last->seconds;
        setup_seconds += last->setup_seconds;
        compute_errors += last->compute_errors;
        std::string text;
        if (!opened) {
            text = plan.json ? std::string("{\"hits\":[")
                             : fmt::format("scanning {} nonces from {} for rule {} at difficulty {}\n", plan.count,
                                           plan.start, to_string(plan.job.rule), plan.job.difficulty.decimal());
            opened = true;
        }
        for (const std::uint64_t nonce : last->hits)
            text += plan.json ? fmt::format("{}\"{}\"", hits++ == 0 ? "" : ",", nonce) : fmt::format("  {}\n", nonce);
        if (!text.empty()) print_text(text);
    }

    if (compute_errors > 0)
        print_error(fmt::format("{} candidate(s) failed the host check (compute errors); the hits are host-verified",
                                compute_errors));
    const bool complete = done == plan.count;
    if (plan.json) {
        // Closing the object keeps the output one valid JSON value, interrupted or not.
        print_text(fmt::format("{}],\"hashes\":\"{}\",\"seconds\":{},\"setup_seconds\":{},\"complete\":{}}}\n",
                               opened ? "" : "{\"hits\":[", done, nlohmann::json(seconds).dump(),
                               nlohmann::json(setup_seconds).dump(), complete));
    } else {
        const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
        print_text(fmt::format("{} hit(s); hashed {} seals in {} ({}){}\n", hits, done, human_duration(seconds),
                               human_rate(rate), complete ? "" : ", stopped early"));
    }
    if (signal_number != 0) {
        print_error(fmt::format("stopped by {} after {} of {} nonces; the rest is --start {} --count {}",
                                signal_name(signal_number), done, plan.count, plan.start + done, plan.count - done));
        return exit_code_for_signal(signal_number);
    }
    return exit_ok;
}

}  // namespace

void add_check_commands(CLI::App& app, CommandBody& selected) {
    {
        auto flags = std::make_shared<SealFlags>();
        CLI::App* command = app.add_subcommand(
            "seal", "Print the seal of one nonce (old: with H = keccak256(block_hash ‖ account); v1: with its prefix)");
        add_block_and_account(*command, flags->puzzle);
        command->add_option("--nonce", flags->nonce, "Nonce, 0 <= N < 2^64")->required()->type_name("N");
        command->add_flag("--json", flags->puzzle.json, "One JSON object on stdout");
        command->callback([&selected, flags] {
            auto plan = std::make_shared<const SealPlan>(plan_seal(*flags, false));
            selected = [plan] { return run_seal(*plan); };
        });
    }
    {
        auto flags = std::make_shared<SealFlags>();
        CLI::App* command = app.add_subcommand(
            "verify", "Check one nonce against a difficulty; exit 0 if it passes the chosen rule, 1 if not");
        add_block_and_account(*command, flags->puzzle);
        command->add_option("--nonce", flags->nonce, "Nonce, 0 <= N < 2^64")->required()->type_name("N");
        add_difficulty_and_rule(*command, flags->puzzle);
        command->add_flag("--json", flags->puzzle.json, "One JSON object on stdout");
        command->callback([&selected, flags] {
            auto plan = std::make_shared<const SealPlan>(plan_seal(*flags, true));
            selected = [plan] { return run_verify(*plan); };
        });
    }
    {
        auto flags = std::make_shared<ScanFlags>();
        CLI::App* command = app.add_subcommand(
            "scan", "List every nonce in [start, start + count) (wrapping mod 2^64) whose seal passes");
        add_block_and_account(*command, flags->puzzle);
        add_difficulty_and_rule(*command, flags->puzzle);
        command->add_option("--start", flags->start, "First nonce, 0 to 2^64-1")->required()->type_name("N");
        command->add_option("--count", flags->count, "How many nonces, 1 to 2^64-1; hits are printed as they are found")
            ->required()
            ->type_name("C");
        command->add_option("--backend", flags->backend, "Where to hash")
            ->type_name("cpu|cuda|all")
            ->capture_default_str();
        command->add_option("--threads", flags->threads, "CPU threads, 1-4096 (default: every hardware thread)")
            ->type_name("T");
        command->add_flag("--json", flags->puzzle.json, "One JSON object on stdout");
        command->callback([&selected, flags] {
            auto plan = std::make_shared<const ScanPlan>(plan_scan(*flags));
            selected = [plan] { return run_scan(*plan); };
        });
    }
}

}  // namespace btpow::cli
