// The start-up self-test: a device earns a worker only if the production kernel reproduces the
// spec's vectors and the host core's candidate sets.
#include "cuda/self_test.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "btpow/core/seal_core.hpp"
#include "btpow/seal.hpp"

namespace btpow::cuda {
namespace {

constexpr std::uint64_t kVectorDifficulty = 1000;
constexpr std::uint64_t kVectorRange = 4096;

struct SmallestNonce {
    Rule rule;
    std::uint64_t nonce;
};
// tests/data/vectors.json, min_nonce_vectors, d = 1000: the smallest passing nonce per rule.
constexpr SmallestNonce kSmallestNonces[] = {{Rule::le, 3029}, {Rule::be, 1538}, {Rule::sdk, 1538}};

// Several batches per range, so the double buffering is part of what is tested.
constexpr std::uint64_t kSelfTestBatch = 1024;
constexpr std::uint64_t kTwoTo32 = std::uint64_t(1) << 32;

std::vector<std::uint64_t> host_candidates(const core::Plan& plan, std::uint64_t start, std::uint64_t count) {
    std::vector<std::uint64_t> found;
    for (std::uint64_t i = 0; i < count; ++i)
        if (core::is_candidate(plan, start + i)) found.push_back(start + i);
    return found;
}

// The GPU's candidates of the range in ascending order of n - start, or an error text in `error`.
std::vector<std::uint64_t> gpu_candidates(DeviceScanner& scanner, const core::Plan& plan, std::uint64_t start,
                                          std::uint64_t count, std::uint64_t batch, std::string& error) {
    std::vector<std::uint64_t> found;
    if (const Status s = scanner.scan_range(plan, start, count, batch, found); !s.ok()) {
        error = describe(s);
        return {};
    }
    std::sort(found.begin(), found.end(), [start](std::uint64_t a, std::uint64_t b) { return a - start < b - start; });
    return found;
}

std::string compare_with_host(DeviceScanner& scanner, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                              std::uint64_t batch, const std::string& what) {
    std::string error;
    const std::vector<std::uint64_t> gpu = gpu_candidates(scanner, plan, start, count, batch, error);
    if (!error.empty()) return what + ": " + error;
    const std::vector<std::uint64_t> host = host_candidates(plan, start, count);
    if (gpu == host) return {};
    const auto [g, h] = std::mismatch(gpu.begin(), gpu.end(), host.begin(), host.end());
    std::string text = what + ": the GPU found " + std::to_string(gpu.size()) + " candidates, the host core " +
                       std::to_string(host.size());
    if (g != gpu.end()) text += "; GPU has nonce " + std::to_string(*g);
    if (h != host.end()) text += "; host has nonce " + std::to_string(*h);
    return text;
}

}  // namespace

std::string run_self_test(DeviceScanner& scanner) {
    const Hash32 block_and_hotkey = Hash32::parse(kWorkedExampleH, "self-test H");
    const Difficulty difficulty = Difficulty::from_u64(kVectorDifficulty);

    for (const SmallestNonce& vector : kSmallestNonces) {
        const std::string rule_name(to_string(vector.rule));
        const core::Plan plan = core::make_plan(block_and_hotkey.bytes.data(),
                                                threshold(difficulty, vector.rule).top64(), vector.rule == Rule::le);
        const std::string what = "rule " + rule_name + ", d = 1000, nonces [0, 4096)";
        if (std::string e = compare_with_host(scanner, plan, 0, kVectorRange, kSelfTestBatch, what); !e.empty())
            return e;
        std::string error;
        std::uint64_t smallest = std::numeric_limits<std::uint64_t>::max();
        for (std::uint64_t nonce : gpu_candidates(scanner, plan, 0, kVectorRange, kSelfTestBatch, error))
            if (meets(seal(block_and_hotkey, nonce), difficulty, vector.rule)) {
                smallest = nonce;
                break;
            }
        if (!error.empty()) return what + ": " + error;
        if (smallest != vector.nonce)
            return what + ": smallest passing nonce " +
                   (smallest == std::numeric_limits<std::uint64_t>::max() ? std::string("none")
                                                                          : std::to_string(smallest)) +
                   ", expected " + std::to_string(vector.nonce) + " (docs/protocol.md §2 worked example)";
    }

    // The high word of the nonce is a kernel argument: ranges across 2^32 and across 2^64.
    const core::Plan le_plan =
        core::make_plan(block_and_hotkey.bytes.data(), threshold(difficulty, Rule::le).top64(), true);
    if (std::string e = compare_with_host(scanner, le_plan, kTwoTo32 - kVectorRange / 2, kVectorRange, kSelfTestBatch,
                                          "rule le, across 2^32");
        !e.empty())
        return e;
    if (std::string e = compare_with_host(scanner, le_plan, std::uint64_t(0) - kVectorRange / 2, kVectorRange,
                                          kSelfTestBatch, "rule le, across 2^64");
        !e.empty())
        return e;

    // d = 0: every nonce is a candidate; one batch of 4096 overflows the candidate buffer.
    const core::Plan every_nonce =
        core::make_plan(block_and_hotkey.bytes.data(), std::numeric_limits<std::uint64_t>::max(), true);
    if (std::string e = compare_with_host(scanner, every_nonce, kTwoTo32 - kVectorRange / 2, kVectorRange, kVectorRange,
                                          "d = 0, one overflowing batch");
        !e.empty())
        return e;
    return {};
}

}  // namespace btpow::cuda
