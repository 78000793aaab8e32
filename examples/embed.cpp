// The smallest program that embeds btpow: one job, a Solver with default options, one solution,
// checked with btpow::verify. Build against the installed package with find_package(btpow).
#include <btpow/btpow.hpp>

#include <chrono>
#include <cstdio>

int main() {
    btpow::Job job;
    job.block_number = 1;
    job.block_hash = btpow::Hash32::parse("0x0000000000000000000000000000000000000000000000000000000000000000");
    job.account = btpow::Account::parse("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    job.difficulty = btpow::Difficulty::from_u64(1'000'000);  // the faucet's (docs/protocol.md §4)
    job.rule = btpow::Rule::le;

    btpow::Solver solver;
    solver.submit(job);
    const auto solution = solver.wait_for(std::chrono::minutes(10));
    if (!solution) {
        std::fprintf(stderr, "no solution within 10 minutes\n");
        return 1;
    }
    const bool passes = btpow::verify(job, solution->nonce).passes(job.rule);
    std::printf("nonce %llu\nseal  %s\nverify %s\n", static_cast<unsigned long long>(solution->nonce),
                solution->seal.hex().c_str(), passes ? "passes" : "FAILS");
    return passes ? 0 : 1;
}
