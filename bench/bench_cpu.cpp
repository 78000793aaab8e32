// Seals per second of each CPU path this machine runs (items/s = seals/s): one thread per path
// under both lane choices, then every hardware thread on the default path.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "btpow/core/plan.hpp"
#include "lib/cpu/cpu.hpp"

namespace {

// Nonces per iteration: long enough that the per-call set-up does not count.
constexpr std::uint64_t kBatch = 1u << 16;
// The top 64 bits of T for d = 2^20: candidates are rare, as in real jobs.
constexpr std::uint64_t kThresholdTop = std::uint64_t{1} << 44;

btpow::core::Plan bench_plan(bool top_is_le) {
    std::uint8_t h[32];
    for (int i = 0; i < 32; ++i) h[i] = static_cast<std::uint8_t>(0x3c + 29 * i);
    return btpow::core::make_plan(h, kThresholdTop, top_is_le);
}

void scan_path(benchmark::State& state, const std::string& isa, bool top_is_le) {
    const btpow::core::Plan plan = bench_plan(top_is_le);
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

const int registered = [] {
    for (const std::string& isa : btpow::cpu::supported_isas()) {
        for (const bool top_is_le : {true, false}) {
            benchmark::RegisterBenchmark(("scan/" + isa + (top_is_le ? "/le" : "/be")).c_str(),
                                         [isa, top_is_le](benchmark::State& s) { scan_path(s, isa, top_is_le); })
                ->Unit(benchmark::kMillisecond);
        }
    }
    const std::string best = btpow::cpu::default_isa();
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    benchmark::RegisterBenchmark(("scan_all_threads/" + best + "/le").c_str(),
                                 [best](benchmark::State& s) { scan_path(s, best, true); })
        ->Threads(threads)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();
