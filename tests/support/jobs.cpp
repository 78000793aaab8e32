// Job builders (tests/support/jobs.hpp).
#include "tests/support/jobs.hpp"

namespace btpow::test {

Hash32 block_hash_ending(std::uint8_t last) {
    Hash32 h;
    h.bytes[31] = last;
    return h;
}

Job alice_job(const Hash32& block_hash, std::uint64_t difficulty, Rule rule, std::uint64_t block_number) {
    Job job;
    job.block_number = block_number;
    job.block_hash = block_hash;
    job.account = Account::parse(kAliceSs58);
    job.difficulty = Difficulty::from_u64(difficulty);
    job.rule = rule;
    return job;
}

}  // namespace btpow::test
