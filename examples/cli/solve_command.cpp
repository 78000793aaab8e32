// solve: the flags of one job (or --jobs for a feed of them), the solver's options, and which
// loop runs. Every flag is parsed before the solver starts, so bad input exits 2 without
// touching a device.
#include <memory>
#include <string>

#include <fmt/format.h>

#include <btpow/solver.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "inputs.hpp"
#include "job_feed.hpp"
#include "output.hpp"
#include "solving.hpp"
#include "status.hpp"

namespace btpow::cli {

namespace {

struct SolveFlags {
    std::string block_hash;
    std::string block_number;
    std::string account;
    std::string difficulty;
    std::string rule = "le";
    std::string backend = "auto";
    std::string devices;
    std::string batch_ms;
    std::string threads;
    std::string timeout;
    std::string count = "1";
    std::string jobs;
    bool json = false;
    bool quiet = false;
};

const std::string& required_flag(const std::string& value, std::string_view flag) {
    if (value.empty())
        throw Error(ErrorCode::bad_option, std::string(flag),
                    fmt::format("{} is required (or use --jobs - to read jobs from standard input)", flag));
    return value;
}

Job job_from_flags(const SolveFlags& flags) {
    Job job;
    job.block_hash = Hash32::parse(required_flag(flags.block_hash, "--block-hash"), "--block-hash");
    job.block_number = parse_u64(required_flag(flags.block_number, "--block-number"), "--block-number");
    job.account = Account::parse(required_flag(flags.account, "--account"), "--account");
    job.difficulty = Difficulty::parse(required_flag(flags.difficulty, "--difficulty"), "--difficulty");
    job.rule = parse_rule(flags.rule, "--rule");
    return job;
}

int run_solve(const SolveFlags& flags) {
    const bool from_feed = !flags.jobs.empty();
    const Rule rule = parse_rule(flags.rule, "--rule");
    const Job job = from_feed ? Job{} : job_from_flags(flags);

    RunSettings settings;
    settings.json = flags.json;
    settings.count = parse_positive_count(flags.count, "--count");
    if (!flags.timeout.empty())
        settings.timeout = std::chrono::duration<double>(parse_seconds(flags.timeout, "--timeout"));

    StatusLine status(!flags.quiet);
    SolverOptions options;
    options.backend = parse_backend(flags.backend, "--backend");
    if (!flags.threads.empty()) options.cpu_threads = parse_thread_count(flags.threads, "--threads");
    if (!flags.devices.empty()) options.cuda_devices = parse_device_list(flags.devices, "--devices");
    if (!flags.batch_ms.empty()) options.cuda_batch_ms = parse_batch_ms(flags.batch_ms, "--cuda-batch-ms");
    options.on_log = [&status](LogLevel level, std::string_view message) { status.log(level, message); };

    Solver solver(options);
    const int code = from_feed ? solve_job_feed(solver, flags.jobs, rule, settings, status)
                               : solve_single_job(solver, job, settings, status);
    solver.stop();
    return code;
}

}  // namespace

void add_solve_command(CLI::App& app, CommandBody& selected) {
    auto flags = std::make_shared<SolveFlags>();
    CLI::App* command = app.add_subcommand(
        "solve",
        "Search for nonces whose seal passes; print each solution (one JSON line with --json) with its faucet call");
    auto* block_hash = command->add_option("--block-hash", flags->block_hash, "Block hash: 64 hex digits, 0x optional")
                           ->type_name("HEX");
    auto* block_number =
        command->add_option("--block-number", flags->block_number, "The block's number (for the faucet call)")
            ->type_name("N");
    auto* account = command
                        ->add_option("--account", flags->account,
                                     "Hotkey (or faucet signer): SS58 address (prefix 42) or 64 hex digits")
                        ->type_name("SS58|HEX");
    auto* difficulty =
        command->add_option("--difficulty", flags->difficulty, "Difficulty d, 0 <= d <= 2^256-1")->type_name("D");
    command
        ->add_option("--rule", flags->rule,
                     "le (chain today), be (chain before 2025-06-30), sdk; default for --jobs lines")
        ->type_name("le|be|sdk")
        ->capture_default_str();
    command->add_option("--backend", flags->backend, "auto: every CUDA device if any, else the CPU; all: both")
        ->type_name("auto|cpu|cuda|all")
        ->capture_default_str();
    command->add_option("--devices", flags->devices, "CUDA ordinals to use (default: every visible device)")
        ->type_name("0,1");
    command
        ->add_option("--cuda-batch-ms", flags->batch_ms,
                     "GPU time per CUDA batch, 1-1000 ms (default 50, or 15 on a display GPU); a new job "
                     "reaches the GPU within about two batches")
        ->type_name("MS");
    command->add_option("--threads", flags->threads, "CPU threads (default: every hardware thread)")->type_name("T");
    command->add_option("--timeout", flags->timeout, "Give up on a job after this many seconds (default: never)")
        ->type_name("SECONDS");
    command->add_option("--count", flags->count, "Solutions to find per job (default for --jobs lines)")
        ->type_name("K")
        ->capture_default_str();
    auto* jobs = command->add_option(
        "--jobs", flags->jobs,
        "Read jobs as JSON lines from standard input (-) or a file: {\"block_number\":N,\"block_hash\":\"0x…\","
        "\"account\":\"…\",\"difficulty\":\"D\",\"rule\":\"le\",\"count\":K}; each line replaces the current job");
    jobs->type_name("-");
    jobs->excludes(block_hash)->excludes(block_number)->excludes(account)->excludes(difficulty);
    command->add_flag("--json", flags->json, "Each solution as one JSON line on stdout");
    command->add_flag("--quiet", flags->quiet, "No status line on stderr");
    command->callback([&selected, flags] { selected = [flags] { return run_solve(*flags); }; });
}

}  // namespace btpow::cli
