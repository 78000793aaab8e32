// Seals per second of each CPU path this machine runs (items/s = seals/s): one thread per path
// for the old seal under both lane choices and for v1 (docs/protocol.md §10) in the solver's order and in
// nonce order, then every hardware thread on the default path. `--cycles` instead prints cycles
// per seal against a reference loop (scripts/cpu_bounds.py runs it; docs/cpu-bounds.md).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "btpow/core/plan.hpp"
#include "btpow/types.hpp"
#include "lib/cpu/cpu.hpp"
#include "reference_loop.hpp"

namespace {

// Nonces per iteration: long enough that the per-call set-up does not count.
constexpr std::uint64_t kBatch = 1u << 16;
// The top 64 bits of T for d = 2^20: candidates are rare, as in real jobs.
constexpr std::uint64_t kThresholdTop = std::uint64_t{1} << 44;

// What one benchmark hashes.
enum class Seal { old_le, old_be, v1_search, v1_nonce_order };

btpow::core::Plan bench_plan(Seal seal) {
    if (seal == Seal::v1_search || seal == Seal::v1_nonce_order) {
        std::uint8_t prefix[btpow::core::kV1PrefixBytes];
        for (int i = 0; i < btpow::core::kV1PrefixBytes; ++i) prefix[i] = static_cast<std::uint8_t>(0x3c + 29 * i);
        prefix[25] = 1;  // netuid 1
        return btpow::core::make_v1_plan(
            prefix, kThresholdTop,
            seal == Seal::v1_search ? btpow::core::PlanKind::v1_search : btpow::core::PlanKind::v1_range);
    }
    std::uint8_t h[32];
    for (int i = 0; i < 32; ++i) h[i] = static_cast<std::uint8_t>(0x3c + 29 * i);
    return btpow::core::make_plan(h, kThresholdTop, seal == Seal::old_le);
}

void scan_path(benchmark::State& state, const std::string& isa, Seal seal) {
    const btpow::core::Plan plan = bench_plan(seal);
    std::vector<std::uint64_t> found;
    found.reserve(1024);
    std::uint64_t start = 0xfedc'ba98'0000'0000ull + (static_cast<std::uint64_t>(state.thread_index()) << 40);
    for (auto _ : state) {
        found.clear();
        btpow::cpu::scan_candidates(isa, plan, start, kBatch, found);
        benchmark::DoNotOptimize(found.data());
        start += kBatch;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
    state.counters["candidates"] = static_cast<double>(found.size());
}

const std::pair<Seal, const char*> kSeals[] = {
    {Seal::old_le, "le"}, {Seal::old_be, "be"}, {Seal::v1_search, "v1"}, {Seal::v1_nonce_order, "v1-nonce-order"}};

// Registered only when the binary runs as a Google Benchmark (not under --cycles).
void register_benchmarks() {
    const auto& seals = kSeals;
    for (const std::string& isa : btpow::cpu::supported_isas()) {
        for (const auto& [seal, name] : seals) {
            benchmark::RegisterBenchmark(("scan/" + isa + "/" + name).c_str(), [isa, seal = seal](benchmark::State& s) {
                scan_path(s, isa, seal);
            })->Unit(benchmark::kMillisecond);
        }
    }
    const std::string best = btpow::cpu::default_isa();
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    benchmark::RegisterBenchmark(("scan_all_threads/" + best + "/le").c_str(),
                                 [best](benchmark::State& s) { scan_path(s, best, Seal::old_le); })
        ->Threads(threads)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
}

// --- cycles mode -------------------------------------------------------------------------------
// The VM's clock moves and other processes share the cores, so a path's time is read from this
// thread's CPU clock (descheduled time does not count) and converted to cycles by a chain of
// dependent adds (one per cycle) timed on the same clock just before and after it.

double thread_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

using btpow::bench::kAddsPerPass;

// Seconds for passes * kAddsPerPass dependent adds: the reference for one cycle.
double reference_seconds(std::uint64_t passes) {
    const double begin = thread_seconds();
    const std::uint64_t x = btpow::bench::reference_adds(passes);
    const double end = thread_seconds();
    benchmark::DoNotOptimize(x);
    return end - begin;
}

struct CyclesOptions {
    std::vector<std::string> paths;
    std::vector<std::string> seals;
    int rounds = 5;
    std::uint64_t nonces = 1u << 20;  // per timed run
    std::uint64_t reference_passes = 200000;
};

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        items.emplace_back(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    }
    return items;
}

int run_cycles(int argc, char** argv) {
    CyclesOptions options;
    options.paths = btpow::cpu::supported_isas();
    for (const auto& seal : kSeals) options.seals.emplace_back(seal.second);
    for (int i = 2; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&](std::string_view key) {
            return arg.substr(0, key.size()) == key ? arg.substr(key.size()) : std::string_view{};
        };
        if (!value("--paths=").empty()) {
            options.paths = split_list(value("--paths="));
        } else if (!value("--seals=").empty()) {
            options.seals = split_list(value("--seals="));
        } else if (!value("--rounds=").empty()) {
            options.rounds = std::max(1, std::atoi(std::string(value("--rounds=")).c_str()));
        } else if (!value("--nonces=").empty()) {
            options.nonces =
                std::max<std::uint64_t>(4096, std::strtoull(std::string(value("--nonces=")).c_str(), nullptr, 10));
        } else {
            std::fprintf(stderr,
                         "btpow_bench_cpu --cycles: unknown argument '%s'; expected --paths=a,b --seals=le,be,v1,"
                         "v1-nonce-order --rounds=N --nonces=N\n",
                         argv[i]);
            return 2;
        }
    }
    struct Case {
        std::string path, seal_name;
        btpow::core::Plan plan;
        std::uint64_t start;
        std::vector<double> cycles;
    };
    std::vector<Case> cases;
    for (const std::string& path : options.paths) {
        const std::string isa = btpow::cpu::resolve_isa(path, "--paths");
        for (const std::string& name : options.seals) {
            const auto* seal =
                std::find_if(std::begin(kSeals), std::end(kSeals), [&](const auto& s) { return name == s.second; });
            if (seal == std::end(kSeals)) {
                std::fprintf(stderr, "btpow_bench_cpu --cycles: --seals: unknown seal '%s'\n", name.c_str());
                return 2;
            }
            cases.push_back({isa, name, bench_plan(seal->first), 0xfedc'ba98'0000'0000ull, {}});
        }
    }
    std::vector<std::uint64_t> found;
    found.reserve(kBatch);
    std::vector<double> hz;
    reference_seconds(options.reference_passes);  // warm-up
    // Rounds alternate over the cases, so a slow minute affects all of them alike.
    for (int round = 0; round < options.rounds; ++round) {
        for (Case& c : cases) {
            const double before = reference_seconds(options.reference_passes);
            const double begin = thread_seconds();
            for (std::uint64_t done = 0; done < options.nonces; done += kBatch) {
                found.clear();
                btpow::cpu::scan_candidates(c.path, c.plan, c.start, kBatch, found);
                benchmark::DoNotOptimize(found.data());
                c.start += kBatch;
            }
            const double seconds = thread_seconds() - begin;
            const double after = reference_seconds(options.reference_passes);
            const double cycle_seconds =
                (before + after) / 2 / static_cast<double>(options.reference_passes * kAddsPerPass);
            hz.push_back(1 / cycle_seconds);
            const std::uint64_t nonces = (options.nonces + kBatch - 1) / kBatch * kBatch;
            c.cycles.push_back(seconds / cycle_seconds / static_cast<double>(nonces));
        }
    }
    std::sort(hz.begin(), hz.end());
    for (Case& c : cases) {
        std::sort(c.cycles.begin(), c.cycles.end());
        std::printf(
            "{\"path\":\"%s\",\"seal\":\"%s\",\"cycles_median\":%.1f,\"cycles_min\":%.1f,\"cycles_max\":%.1f,"
            "\"rounds\":%d,\"ghz_median\":%.3f}\n",
            c.path.c_str(), c.seal_name.c_str(), c.cycles[c.cycles.size() / 2], c.cycles.front(), c.cycles.back(),
            options.rounds, hz[hz.size() / 2] / 1e9);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 2 && std::strcmp(argv[1], "--cycles") == 0) {
        try {
            return run_cycles(argc, argv);
        } catch (const btpow::Error& e) {
            std::fprintf(stderr, "btpow_bench_cpu --cycles: %s\n", e.what());
            return 2;
        }
    }
    register_benchmarks();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
