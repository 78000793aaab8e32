// Single-thread seal throughput: the reference (OpenSSL SHA-256 + plain Keccak) against the
// scalar fast core (the top-64-bit filter per rule, and the whole seal), in seals per second.
#include <benchmark/benchmark.h>

#include "btpow/core/seal_core.hpp"
#include "btpow/seal.hpp"
#include "lib/plan.hpp"

namespace {

btpow::Job sample_job(btpow::Rule rule) {
    btpow::Job job;
    job.block_hash = btpow::Hash32::parse("0x8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f");
    job.account = btpow::Account::parse("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    job.difficulty = btpow::Difficulty::from_u64(10'000'000);
    job.rule = rule;
    return job;
}

void BM_reference_seal(benchmark::State& state) {
    const btpow::Job job = sample_job(btpow::Rule::le);
    const btpow::Hash32 h = btpow::block_and_hotkey_hash(job.block_hash, job.account);
    std::uint64_t nonce = 0;
    for (auto _ : state) benchmark::DoNotOptimize(btpow::seal(h, nonce++));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_reference_seal);

template <bool TopIsLe>
void BM_core_seal_top(benchmark::State& state) {
    const btpow::core::Plan plan = btpow::detail::make_plan(sample_job(TopIsLe ? btpow::Rule::le : btpow::Rule::be));
    std::uint64_t nonce = 0;
    for (auto _ : state) benchmark::DoNotOptimize(btpow::core::seal_top<TopIsLe>(plan, nonce++));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK_TEMPLATE(BM_core_seal_top, true)->Name("BM_core_seal_top/le");
BENCHMARK_TEMPLATE(BM_core_seal_top, false)->Name("BM_core_seal_top/be");

void BM_core_fast_seal(benchmark::State& state) {
    const btpow::core::Plan plan = btpow::detail::make_plan(sample_job(btpow::Rule::le));
    std::uint64_t nonce = 0;
    for (auto _ : state) benchmark::DoNotOptimize(btpow::detail::fast_seal(plan, nonce++));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_core_fast_seal);

}  // namespace

BENCHMARK_MAIN();
