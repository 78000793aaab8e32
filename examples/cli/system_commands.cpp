// devices and bench: what this build and machine offer, and how fast each backend hashes.
//
// bench times btpow::scan over a fixed puzzle (fixed H, start and difficulty 2^16, rule le). The
// range length is a power-of-two multiple of kBenchUnit sized by a short calibration to take about
// --seconds; its hits are host-verified, and their checksum (keccak256 over the sorted hits as
// le64) depends only on (start, nonces), so two runs or two backends over the same length must
// agree: a different checksum means a device missed or invented hits.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <btpow/seal.hpp>
#include <btpow/solver.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "inputs.hpp"
#include "output.hpp"

namespace btpow::cli {

namespace {

// ---- devices ----------------------------------------------------------------------------------

struct DevicesFlags {
    bool json = false;
};

std::string compute_capability(const CudaDeviceInfo& device) {
    return fmt::format("{}.{}", device.compute_major, device.compute_minor);
}

int run_devices(const DevicesFlags& flags) {
    const SystemInfo info = system_info();
    if (flags.json) {
        nlohmann::ordered_json devices = nlohmann::ordered_json::array();
        for (const CudaDeviceInfo& device : info.cuda_devices) {
            devices.push_back({
                {"ordinal", device.ordinal},
                {"name", device.name},
                {"compute_capability", compute_capability(device)},
                {"multiprocessors", device.multiprocessors},
                {"memory_bytes", device.memory_bytes},
                {"clock_khz", device.clock_khz},
                {"watchdog", device.watchdog},
            });
        }
        nlohmann::ordered_json cuda = {{"compiled", info.cuda_compiled}, {"devices", devices}};
        if (!info.cuda_error.empty()) cuda["error"] = info.cuda_error;
        print_json_line({
            {"cuda", cuda},
            {"cpu",
             {{"model", info.cpu.model},
              {"threads", info.cpu.hardware_threads},
              {"isas", info.cpu.isas},
              {"default_isa", info.cpu.default_isa}}},
        });
        return exit_ok;
    }

    std::string text = fmt::format("CPU   {}, {} hardware threads\n", info.cpu.model, info.cpu.hardware_threads);
    text += fmt::format("      ISA paths: {} (default {})\n", fmt::join(info.cpu.isas, ", "), info.cpu.default_isa);
    text += fmt::format("CUDA  {}\n", info.cuda_compiled ? "compiled in" : "not compiled in this build");
    if (!info.cuda_error.empty()) text += fmt::format("      {}\n", info.cuda_error);
    if (!info.cuda_devices.empty()) {
        text += fmt::format("      {:>2}  {:<28} {:>4} {:>5} {:>10} {:>9}  {}\n", "#", "name", "cc", "SMs", "memory",
                            "clock", "watchdog");
        for (const CudaDeviceInfo& device : info.cuda_devices)
            text += fmt::format("      {:>2}  {:<28} {:>4} {:>5} {:>6.1f} GiB {:>5} MHz  {}\n", device.ordinal,
                                device.name, compute_capability(device), device.multiprocessors,
                                static_cast<double>(device.memory_bytes) / (1024.0 * 1024 * 1024),
                                device.clock_khz / 1000, device.watchdog ? "yes" : "no");
    } else if (info.cuda_compiled) {
        text += "      no device visible\n";
    }
    print_text(text);
    return exit_ok;
}

// ---- bench ------------------------------------------------------------------------------------

// The fixed puzzle (the block hash is the ASCII of "btpow bench: a fixed block hash."): changing
// any of these changes every reported checksum.
constexpr std::string_view kBenchBlockHash = "0x6274706f772062656e63683a206120666978656420626c6f636b20686173682e";
constexpr std::string_view kBenchAccount = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
constexpr std::uint64_t kBenchDifficulty = 1ull << 16;
constexpr std::uint64_t kBenchStart = 1ull << 40;
constexpr std::uint64_t kBenchUnit = 1ull << 16;
constexpr double kCalibrationSeconds = 0.2;
constexpr std::uint64_t kMaxBenchNonces = 1ull << 48;

constexpr std::uint16_t kBenchNetuid = 1;

// The fixed puzzle of one seal kind; v1 registers Alice's key under itself (SPEC §10).
Job bench_job(SealKind seal) {
    Job job;
    job.block_hash = Hash32::parse(kBenchBlockHash, "bench block hash");
    job.difficulty = Difficulty::from_u64(kBenchDifficulty);
    job.rule = Rule::le;
    job.seal = seal;
    if (seal == SealKind::v1) {
        job.netuid = kBenchNetuid;
        job.hotkey = job.coldkey = Account::parse(kBenchAccount, "bench account");
    } else {
        job.account = Account::parse(kBenchAccount, "bench account");
    }
    return job;
}

// What bench times: the old seal, and v1 in the solver's order and in nonce order (scan and the
// miner drop-in).
struct BenchSeal {
    const char* name;
    SealKind seal;
    ScanOrder order;
};
constexpr BenchSeal kBenchSeals[] = {
    {"old", SealKind::old, ScanOrder::nonce},
    {"v1", SealKind::v1, ScanOrder::search},
    {"v1-nonce-order", SealKind::v1, ScanOrder::nonce},
};

struct BenchTarget {
    std::string backend;
    std::string device;
    std::string isa;
    unsigned threads = 0;
    ScanOptions options;
};

struct BenchFlags {
    std::string backend;
    std::string seconds = "10";
    std::string threads;
    bool json = false;
};

std::vector<BenchTarget> bench_targets(const BenchFlags& flags, const SystemInfo& info) {
    // Without --backend: every CUDA device and the CPU where there is a device, else the CPU.
    const Backend backend = flags.backend.empty() ? (info.cuda_devices.empty() ? Backend::cpu : Backend::all)
                                                  : parse_backend(flags.backend, "--backend");
    const bool want_cuda = backend != Backend::cpu;
    const bool want_cpu = backend == Backend::cpu || backend == Backend::all ||
                          (backend == Backend::auto_select && info.cuda_devices.empty());
    std::vector<BenchTarget> targets;
    if (want_cuda) {
        if (backend == Backend::cuda && info.cuda_devices.empty())
            throw Error(ErrorCode::no_device, "--backend",
                        fmt::format("--backend cuda: no CUDA device{}",
                                    info.cuda_error.empty() ? std::string() : " (" + info.cuda_error + ")"));
        for (const CudaDeviceInfo& device : info.cuda_devices) {
            BenchTarget target;
            target.backend = "cuda";
            target.device = device.name;
            target.isa = fmt::format("sm_{}{}", device.compute_major, device.compute_minor);
            target.options.backend = Backend::cuda;
            target.options.cuda_devices = {device.ordinal};
            targets.push_back(std::move(target));
        }
    }
    if (want_cpu) {
        BenchTarget target;
        target.backend = "cpu";
        target.device = info.cpu.model;
        target.isa = info.cpu.default_isa;
        target.options.backend = Backend::cpu;
        target.options.cpu_threads = flags.threads.empty() ? 0 : parse_thread_count(flags.threads, "--threads");
        target.threads = target.options.cpu_threads != 0 ? target.options.cpu_threads : info.cpu.hardware_threads;
        targets.push_back(std::move(target));
    }
    return targets;
}

// The range length: kBenchUnit times the power of two nearest to what takes `seconds`.
std::uint64_t calibrated_nonces(const Job& job, const ScanOptions& options, double seconds) {
    std::uint64_t count = kBenchUnit;
    ScanResult trial = scan(job, kBenchStart, count, options);
    while (trial.seconds < kCalibrationSeconds && count < kMaxBenchNonces) {
        count *= 4;
        trial = scan(job, kBenchStart, count, options);
    }
    const double rate = static_cast<double>(trial.hashes) / std::max(trial.seconds, 1e-6);
    const double units = std::max(1.0, rate * seconds / static_cast<double>(kBenchUnit));
    const double power = std::min(std::round(std::log2(units)),
                                  std::log2(static_cast<double>(kMaxBenchNonces) / static_cast<double>(kBenchUnit)));
    return kBenchUnit << static_cast<int>(power);
}

Hash32 hit_checksum(std::vector<std::uint64_t> hits) {
    std::sort(hits.begin(), hits.end());
    std::vector<std::uint8_t> bytes;
    bytes.reserve(hits.size() * 8);
    for (const std::uint64_t nonce : hits)
        for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::uint8_t>(nonce >> (8 * i)));
    return keccak256(bytes.data(), bytes.size());
}

struct BenchPlan {
    BenchFlags flags;
    double seconds = 0;
};

BenchPlan plan_bench(const BenchFlags& flags) {
    BenchPlan plan{flags, parse_seconds(flags.seconds, "--seconds")};
    if (!flags.backend.empty()) parse_backend(flags.backend, "--backend");
    if (!flags.threads.empty()) parse_thread_count(flags.threads, "--threads");
    return plan;
}

int run_bench(const BenchPlan& plan) {
    const BenchFlags& flags = plan.flags;
    const double seconds = plan.seconds;
    const SystemInfo info = system_info();
    const std::vector<BenchTarget> targets = bench_targets(flags, info);

    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const BenchTarget& base : targets)
        for (const BenchSeal& kind : kBenchSeals) {
            const Job job = bench_job(kind.seal);
            BenchTarget target = base;
            target.options.order = kind.order;
            const std::uint64_t nonces = calibrated_nonces(job, target.options, seconds);
            const ScanResult run = scan(job, kBenchStart, nonces, target.options);
            const double rate = run.seconds > 0 ? static_cast<double>(run.hashes) / run.seconds : 0;
            const Hash32 checksum = hit_checksum(run.hits);
            results.push_back({
                {"seal", kind.name},
                {"backend", target.backend},
                {"device", target.device},
                {"isa", target.isa},
                {"threads", target.threads},
                {"seals_per_second", rate},
                {"seconds", run.seconds},
                {"setup_seconds", run.setup_seconds},
                {"start", std::to_string(kBenchStart)},
                {"nonces", std::to_string(nonces)},
                {"difficulty", std::to_string(kBenchDifficulty)},
                {"rule", "le"},
                {"hits", run.hits.size()},
                {"checksum", checksum.hex()},
                {"compute_errors", std::to_string(run.compute_errors)},
            });
            if (!flags.json)
                print_text(fmt::format(
                    "{:<14} {:<5} {:<32} {:<12} {:>3} threads  {:>12}  ({} seals in {}, {} hits, checksum {}{})\n",
                    kind.name, target.backend, target.device, target.isa, target.threads, human_rate(rate),
                    human_count(static_cast<double>(nonces)), human_duration(run.seconds), run.hits.size(),
                    checksum.hex().substr(0, 18),
                    run.compute_errors ? fmt::format(", {} compute errors", run.compute_errors) : ""));
        }
    if (flags.json) print_json_line(results);
    return exit_ok;
}

}  // namespace

void add_system_commands(CLI::App& app, CommandBody& selected) {
    {
        auto flags = std::make_shared<DevicesFlags>();
        CLI::App* command = app.add_subcommand("devices", "List the CPU's ISA paths and the CUDA devices");
        command->add_flag("--json", flags->json, "One JSON object on stdout");
        command->callback([&selected, flags] { selected = [flags] { return run_devices(*flags); }; });
    }
    {
        auto flags = std::make_shared<BenchFlags>();
        CLI::App* command = app.add_subcommand(
            "bench",
            "Time each backend/device over a fixed puzzle of each seal (old; v1 in the solver's order and in nonce "
            "order; difficulty 2^16, rule le) and checksum its hits");
        command->add_option("--backend", flags->backend, "Default: every CUDA device and the CPU, or the CPU alone")
            ->type_name("cpu|cuda|all");
        command
            ->add_option("--seconds", flags->seconds,
                         "About how long to time each backend/device, > 0 and at most 100 years")
            ->type_name("S")
            ->capture_default_str();
        command->add_option("--threads", flags->threads, "CPU threads, 1-4096 (default: every hardware thread)")
            ->type_name("T");
        command->add_flag("--json", flags->json, "One JSON list on stdout, one object per backend/device");
        command->callback([&selected, flags] {
            auto plan = std::make_shared<const BenchPlan>(plan_bench(*flags));
            selected = [plan] { return run_bench(*plan); };
        });
    }
}

}  // namespace btpow::cli
