// solve: the flags of one job (or --jobs for a feed of them), the solver's options, and which
// loop runs. Every flag is parsed while the command line is (before the solver starts), so bad
// input exits 2 without touching a device.
#include <algorithm>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <btpow/solver.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "inputs.hpp"
#include "job_feed.hpp"
#include "output.hpp"
#include "seal_flags.hpp"
#include "signals.hpp"
#include "solving.hpp"
#include "status.hpp"

namespace btpow::cli {

namespace {

struct SolveFlags {
    std::string block_hash;
    std::string block_number;
    SealKindFlags seal;
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
    bool strict = false;
};

// What the flags mean, checked: the solve command ready to run.
struct SolvePlan {
    bool from_feed = false;
    FeedSettings feed;
    Job job;
    RunSettings settings;
    SolverOptions options;
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
    job.difficulty = Difficulty::parse(required_flag(flags.difficulty, "--difficulty"), "--difficulty");
    job.rule = parse_rule(flags.rule, "--rule");
    apply_seal_flags(flags.seal, job, " (or use --jobs - to read jobs from standard input)");
    return job;
}

SolvePlan plan_solve(const SolveFlags& flags) {
    SolvePlan plan;
    plan.from_feed = !flags.jobs.empty();
    const Rule rule = parse_rule(flags.rule, "--rule");
    if (!plan.from_feed) plan.job = job_from_flags(flags);
    if (plan.from_feed) plan.feed = FeedSettings{flags.jobs, rule, flags.strict, flags.quiet};
    if (plan.from_feed)
        for (const auto& [value, flag] :
             {std::pair{flags.seal.seal == "old" ? std::string() : flags.seal.seal, "--seal"},
              std::pair{flags.seal.netuid, "--netuid"}, std::pair{flags.seal.hotkey, "--hotkey"},
              std::pair{flags.seal.coldkey, "--coldkey"}})
            if (!value.empty())
                throw Error(ErrorCode::bad_option, flag,
                            fmt::format("{}: not with --jobs (each job line says its seal and accounts)", flag));
    if (flags.strict && !plan.from_feed)
        throw Error(ErrorCode::bad_option, "--strict", "--strict applies to a job feed (--jobs)");

    plan.settings.json = flags.json;
    plan.settings.count = parse_positive_count(flags.count, "--count");
    if (!flags.timeout.empty())
        plan.settings.timeout = std::chrono::duration<double>(parse_seconds(flags.timeout, "--timeout"));

    plan.options.backend = parse_backend(flags.backend, "--backend");
    if (!flags.threads.empty()) plan.options.cpu_threads = parse_thread_count(flags.threads, "--threads");
    if (!flags.devices.empty()) {
        plan.options.cuda_devices = parse_device_list(flags.devices, "--devices");
        if (plan.options.backend == Backend::cpu)
            throw Error(ErrorCode::bad_option, "--devices",
                        "--devices: names CUDA devices, but --backend cpu uses none (drop --devices, or use "
                        "--backend auto, cuda or all)");
    }
    if (!flags.batch_ms.empty()) plan.options.cuda_batch_ms = parse_batch_ms(flags.batch_ms, "--cuda-batch-ms");
    plan.quiet = flags.quiet;
    return plan;
}

// An explicit --devices is a promise to hash there: every listed device must exist, whatever the
// backend would otherwise fall back to.
void check_devices_exist(const std::vector<int>& ordinals) {
    if (ordinals.empty()) return;
    const SystemInfo info = system_info();
    if (!info.cuda_compiled)
        throw Error(ErrorCode::no_device, "--devices",
                    "--devices: this build has no CUDA backend (configure with -DBTPOW_ENABLE_CUDA=ON)");
    std::string visible;
    for (const CudaDeviceInfo& device : info.cuda_devices)
        visible += fmt::format("{}{}", visible.empty() ? "" : ",", device.ordinal);
    for (const int ordinal : ordinals) {
        const bool present = std::any_of(info.cuda_devices.begin(), info.cuda_devices.end(),
                                         [&](const CudaDeviceInfo& device) { return device.ordinal == ordinal; });
        if (!present)
            throw Error(ErrorCode::no_device, "--devices",
                        fmt::format("--devices: no CUDA device {} ({})", ordinal,
                                    visible.empty() ? "no CUDA device is visible" +
                                                          (info.cuda_error.empty() ? "" : ": " + info.cuda_error)
                                                    : "visible: " + visible));
    }
}

int run_solve(const SolvePlan& plan) {
    check_devices_exist(plan.options.cuda_devices);
    stop_cleanly_on_signals();
    StatusLine status(!plan.quiet);
    SolverOptions options = plan.options;
    options.on_log = [&status](LogLevel level, std::string_view message) { status.log(level, message); };

    Solver solver(options);
    const int code = plan.from_feed ? solve_job_feed(solver, plan.feed, plan.settings, status)
                                    : solve_single_job(solver, plan.job, plan.settings, status);
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
        command
            ->add_option("--block-number", flags->block_number, "The block's number, 0 to 2^64-1 (for the faucet call)")
            ->type_name("N");
    auto* account = add_seal_flags(*command, flags->seal);
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
    command
        ->add_option(
            "--devices", flags->devices,
            "CUDA ordinals 0-1023 to use, each must exist (default: every visible device); not with --backend cpu")
        ->type_name("0,1");
    command
        ->add_option("--cuda-batch-ms", flags->batch_ms,
                     "GPU time per CUDA batch, 1-1000 ms (default 50, or 15 on a display GPU); a new job "
                     "reaches the GPU within about two batches")
        ->type_name("MS");
    command->add_option("--threads", flags->threads, "CPU threads, 1-4096 (default: every hardware thread)")
        ->type_name("T");
    command
        ->add_option(
            "--timeout", flags->timeout,
            "Give up on a job after this many seconds, > 0 and at most 100 years; decimals allowed (default: never)")
        ->type_name("SECONDS");
    command->add_option("--count", flags->count, "Solutions to find per job, 1 to 2^64-1 (default for --jobs lines)")
        ->type_name("K")
        ->capture_default_str();
    auto* jobs = command->add_option(
        "--jobs", flags->jobs,
        "Read jobs as JSON lines from standard input (-) or a file: {\"block_number\":N,\"block_hash\":\"0x…\","
        "\"account\":\"…\",\"difficulty\":\"D\",\"rule\":\"le\",\"count\":K}, or for the v1 seal {\"seal\":\"v1\","
        "\"block_number\":N,\"block_hash\":\"0x…\",\"netuid\":N,\"hotkey\":\"…\",\"coldkey\":\"…\",\"difficulty\":"
        "\"D\"}; "
        "each line replaces the current job; "
        "other keys are refused except x-…; a refused line is reported (on stdout too with --json) and skipped");
    jobs->type_name("-");
    jobs->excludes(block_hash)->excludes(block_number)->excludes(account)->excludes(difficulty);
    command->add_flag("--json", flags->json, "Each solution as one JSON line on stdout");
    command->add_flag("--strict", flags->strict,
                      "With --jobs: a refused line ends the run (exit 2) instead of being reported and skipped");
    command->add_flag("--quiet", flags->quiet, "No status line or summary on stderr (notices and errors stay)");
    command->callback([&selected, flags] {
        auto plan = std::make_shared<const SolvePlan>(plan_solve(*flags));
        selected = [plan] { return run_solve(*plan); };
    });
}

}  // namespace btpow::cli
