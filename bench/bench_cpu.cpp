// Seals per second of each CPU path this machine runs (items/s = seals/s): one thread per path
// for the old seal under both lane choices and for v1 (SPEC §10) in the solver's order and in
// nonce order, then every hardware thread on the default path.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "btpow/core/plan.hpp"
#include "lib/cpu/cpu.hpp"

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

const int registered = [] {
    const std::pair<Seal, const char*> seals[] = {
        {Seal::old_le, "le"}, {Seal::old_be, "be"}, {Seal::v1_search, "v1"}, {Seal::v1_nonce_order, "v1-nonce-order"}};
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
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();
