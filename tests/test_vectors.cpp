// Every entry of tests/data/vectors.json (docs/protocol.md §9) against the reference implementation, the
// rules and the fast core: intermediates, verdicts per rule, comparator edges, smallest nonces,
// SS58 decodings and the upstream SDK's own test values.
#include <catch2/catch.hpp>

#include <boost/multiprecision/cpp_int.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "btpow/core/seal_core.hpp"
#include "btpow/seal.hpp"
#include "lib/plan.hpp"
#include "tests/support/timing.hpp"

namespace {

using btpow::Account;
using btpow::Difficulty;
using btpow::Hash32;
using btpow::Rule;
using Integer = boost::multiprecision::cpp_int;

const nlohmann::json& vectors() {
    static const nlohmann::json data = [] {
        std::ifstream in(BTPOW_TEST_DATA "/vectors.json");
        REQUIRE(in.good());
        return nlohmann::json::parse(in);
    }();
    return data;
}

Hash32 hash_of(const nlohmann::json& hex) { return Hash32::parse(hex.get<std::string>()); }
Account account_of(const nlohmann::json& hex) { return Account{hash_of(hex)}; }
Difficulty difficulty_of(const std::string& decimal) { return Difficulty::parse(decimal); }
std::uint64_t u64_of(const nlohmann::json& decimal) { return btpow::parse_u64(decimal.get<std::string>(), "nonce"); }

std::vector<std::uint8_t> bytes_of(const std::string& hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

// The cubit rule is not one of the library's rules: x_be < floor(M / d) (docs/protocol.md §8).
bool meets_cubit(const Hash32& seal, const Difficulty& d) {
    return btpow::seal_value(seal, Rule::be) < btpow::threshold(d, Rule::be);
}

btpow::Job job_of(const nlohmann::json& entry, const Difficulty& d, Rule rule) {
    btpow::Job job;
    job.block_hash = hash_of(entry["block_hash"]);
    job.account = account_of(entry["hotkey_pubkey"]);
    job.difficulty = d;
    job.rule = rule;
    return job;
}

}  // namespace

TEST_CASE("docs/protocol.md §2 worked example: zero block, Alice, nonce 0", "[vectors]") {
    const Hash32 h =
        btpow::block_and_hotkey_hash(Hash32{}, Account::parse("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"));
    CHECK(h.hex() == "0xc0624595063eff7717b713bc2903b05ef476c0f969bb8e1342576dad3cf5932f");
    std::uint8_t pre_seal[40] = {};
    std::copy(h.bytes.begin(), h.bytes.end(), pre_seal + 8);
    CHECK(btpow::sha256(pre_seal, 40).hex() == "0xf0f8be73f957f14198ea15638dde3d9ea67b352c1e9a55c47fb26a5548696ce4");
    CHECK(btpow::seal(h, 0).hex() == "0x8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f");
}

TEST_CASE("seal vectors: every intermediate matches the reference", "[vectors]") {
    const auto& entries = vectors()["seal_vectors"];
    REQUIRE(entries.size() == 48);
    for (const auto& entry : entries) {
        INFO("pair " << entry["pair"].get<std::string>() << ", nonce " << entry["nonce"].get<std::string>());
        const Hash32 block = hash_of(entry["block_hash"]);
        const Account account = account_of(entry["hotkey_pubkey"]);
        CHECK(Account::parse(entry["hotkey_ss58"].get<std::string>()) == account);
        const Hash32 h = btpow::block_and_hotkey_hash(block, account);
        CHECK(h == hash_of(entry["block_and_hotkey_hash"]));

        const std::uint64_t nonce = u64_of(entry["nonce"]);
        const std::vector<std::uint8_t> pre_seal = bytes_of(entry["pre_seal"].get<std::string>());
        REQUIRE(pre_seal.size() == 40);
        for (int i = 0; i < 8; ++i) CHECK(pre_seal[i] == static_cast<std::uint8_t>(nonce >> (8 * i)));
        CHECK(std::equal(h.bytes.begin(), h.bytes.end(), pre_seal.begin() + 8));
        const Hash32 digest = btpow::sha256(pre_seal.data(), pre_seal.size());
        CHECK(digest == hash_of(entry["sha256_of_pre_seal"]));

        const Hash32 seal = btpow::seal(h, nonce);
        CHECK(seal == hash_of(entry["seal"]));
        CHECK(btpow::keccak256(digest.bytes.data(), digest.bytes.size()) == seal);
        CHECK(btpow::seal_value(seal, Rule::be).hex() == "0x" + entry["seal_uint_be_hex"].get<std::string>());
        CHECK(btpow::seal_value(seal, Rule::le).hex() == "0x" + entry["seal_uint_le_hex"].get<std::string>());
        CHECK(btpow::seal_value(seal, Rule::sdk) == btpow::seal_value(seal, Rule::be));
    }
}

TEST_CASE("seal vectors: verdicts for every difficulty under le, be, sdk and cubit", "[vectors]") {
    for (const auto& entry : vectors()["seal_vectors"]) {
        const Hash32 seal = hash_of(entry["seal"]);
        const std::uint64_t nonce = u64_of(entry["nonce"]);
        for (const auto& [decimal, check] : entry["checks"].items()) {
            INFO("pair " << entry["pair"].get<std::string>() << ", nonce " << nonce << ", d " << decimal);
            const Difficulty d = difficulty_of(decimal);
            CHECK(btpow::meets(seal, d, Rule::le) == check["meets_chain_le"].get<bool>());
            CHECK(btpow::meets(seal, d, Rule::be) == check["meets_chain_be"].get<bool>());
            CHECK(btpow::meets(seal, d, Rule::sdk) == check["meets_sdk"].get<bool>());
            CHECK(meets_cubit(seal, d) == check["meets_cubit"].get<bool>());

            const btpow::Verdict verdict = btpow::verify(job_of(entry, d, Rule::le), nonce);
            CHECK(verdict.seal == seal);
            CHECK(verdict.block_and_hotkey_hash == hash_of(entry["block_and_hotkey_hash"]));
            CHECK(verdict.le == check["meets_chain_le"].get<bool>());
            CHECK(verdict.be == check["meets_chain_be"].get<bool>());
            CHECK(verdict.sdk == check["meets_sdk"].get<bool>());
            for (Rule rule : btpow::kAllRules) CHECK(verdict.passes(rule) == btpow::meets(seal, d, rule));
        }
    }
}

TEST_CASE("seal vectors: the largest difficulty each rule accepts passes, one more fails", "[vectors]") {
    const std::pair<const char*, Rule> rules[] = {{"max_difficulty_chain_le", Rule::le},
                                                  {"max_difficulty_chain_be", Rule::be},
                                                  {"max_difficulty_sdk", Rule::sdk}};
    for (const auto& entry : vectors()["seal_vectors"]) {
        const Hash32 seal = hash_of(entry["seal"]);
        for (const auto& [key, rule] : rules) {
            INFO("pair " << entry["pair"].get<std::string>() << ", nonce " << entry["nonce"].get<std::string>() << ", "
                         << key);
            if (entry[key].is_null()) {
                // Unbounded: the seal reads as 0, which every difficulty accepts.
                CHECK(btpow::seal_value(seal, rule) == btpow::Uint256{});
                CHECK(btpow::meets(seal, difficulty_of(((Integer{1} << 256) - 1).str()), rule));
                continue;
            }
            const Integer d_max(entry[key].get<std::string>());
            CHECK(btpow::meets(seal, difficulty_of(d_max.str()), rule));
            CHECK_FALSE(btpow::meets(seal, difficulty_of(Integer(d_max + 1).str()), rule));
        }
        if (!entry["max_difficulty_cubit"].is_null()) {
            const Integer d_max(entry["max_difficulty_cubit"].get<std::string>());
            CHECK(meets_cubit(seal, difficulty_of(d_max.str())));
            CHECK_FALSE(meets_cubit(seal, difficulty_of(Integer(d_max + 1).str())));
        }
    }
}

TEST_CASE("seal vectors: the fast core gives the reference seal and never misses a passing seal", "[vectors][core]") {
    for (const auto& entry : vectors()["seal_vectors"]) {
        const std::uint64_t nonce = u64_of(entry["nonce"]);
        const Hash32 seal = hash_of(entry["seal"]);
        for (const auto& item : entry["checks"].items()) {
            const Difficulty d = difficulty_of(item.key());
            for (Rule rule : btpow::kAllRules) {
                INFO("pair " << entry["pair"].get<std::string>() << ", nonce " << nonce << ", d " << item.key()
                             << ", rule " << btpow::to_string(rule));
                const btpow::core::Plan plan = btpow::detail::make_plan(job_of(entry, d, rule));
                CHECK(btpow::detail::fast_seal(plan, nonce) == seal);
                CHECK(btpow::core::seal_top<true>(plan, nonce) == btpow::seal_value(seal, Rule::le).top64());
                CHECK(btpow::core::seal_top<false>(plan, nonce) == btpow::seal_value(seal, Rule::be).top64());
                if (btpow::meets(seal, d, rule)) CHECK(btpow::core::is_candidate(plan, nonce));
            }
        }
    }
}

TEST_CASE("comparator edge vectors: seals at T-1, T and T+1", "[vectors]") {
    const auto& entries = vectors()["comparator_edge_vectors"];
    REQUIRE(entries.size() == 47);
    for (const auto& entry : entries) {
        INFO("d " << entry["difficulty"].get<std::string>()
                  << ", x - T = " << entry["x_minus_floor_M_over_d"].get<int>());
        const Difficulty d = difficulty_of(entry["difficulty"].get<std::string>());
        const Hash32 seal_le = hash_of(entry["seal_for_le_rule"]);
        const Hash32 seal_be = hash_of(entry["seal_for_be_rules"]);
        const std::string x_hex = "0x" + entry["x_hex"].get<std::string>();
        CHECK(btpow::seal_value(seal_le, Rule::le).hex() == x_hex);
        CHECK(btpow::seal_value(seal_be, Rule::be).hex() == x_hex);

        const Integer x(x_hex);
        const Integer t = ((Integer{1} << 256) - 1) / Integer(entry["difficulty"].get<std::string>());
        CHECK(Integer(x - t) == entry["x_minus_floor_M_over_d"].get<int>());
        CHECK(btpow::threshold(d, Rule::le).hex() == btpow::threshold(d, Rule::be).hex());

        const bool chain_ok = entry["chain_ok"].get<bool>();
        CHECK(btpow::meets(seal_le, d, Rule::le) == chain_ok);
        CHECK(btpow::meets(seal_be, d, Rule::be) == chain_ok);
        CHECK(btpow::meets(seal_be, d, Rule::sdk) == entry["sdk_ok"].get<bool>());
        CHECK(meets_cubit(seal_be, d) == entry["cubit_ok"].get<bool>());
        // docs/protocol.md §3: the fast filter may let a failing seal through but never drops a passing one.
        for (Rule rule : btpow::kAllRules) {
            const Hash32& s = rule == Rule::le ? seal_le : seal_be;
            if (btpow::meets(s, d, rule))
                CHECK(btpow::seal_value(s, rule).top64() <= btpow::threshold(d, rule).top64());
        }
    }
}

TEST_CASE("min nonce vectors: the smallest passing nonce per rule, and nothing smaller passes", "[vectors][core]") {
    const std::pair<const char*, Rule> rules[] = {{"chain_le", Rule::le}, {"chain_be", Rule::be}, {"sdk", Rule::sdk}};
    const auto& entries = vectors()["min_nonce_vectors"];
    REQUIRE(entries.size() == 6);
    for (const auto& entry : entries) {
        const Difficulty d = difficulty_of(entry["difficulty"].get<std::string>());
        const Hash32 h = btpow::block_and_hotkey_hash(hash_of(entry["block_hash"]), account_of(entry["hotkey_pubkey"]));
        CHECK(h == hash_of(entry["block_and_hotkey_hash"]));
        std::uint64_t smallest[3] = {};
        btpow::Uint256 thresholds[3];
        for (int r = 0; r < 3; ++r) {
            const auto& [key, rule] = rules[r];
            INFO("pair " << entry["pair"].get<std::string>() << ", d " << entry["difficulty"].get<std::string>() << ", "
                         << key);
            const auto& expected = entry["smallest_nonce"][key];
            smallest[r] = u64_of(expected["nonce"]);
            thresholds[r] = btpow::threshold(d, rule);
            const btpow::Verdict verdict = btpow::verify(job_of(entry, d, rule), smallest[r]);
            CHECK(verdict.seal == hash_of(expected["seal"]));
            CHECK(verdict.passes(rule));
            CHECK(verdict.le == expected["checks"]["meets_chain_le"].get<bool>());
            CHECK(verdict.be == expected["checks"]["meets_chain_be"].get<bool>());
            CHECK(verdict.sdk == expected["checks"]["meets_sdk"].get<bool>());
            CHECK(btpow::core::is_candidate(btpow::detail::make_plan(job_of(entry, d, rule)), smallest[r]));
        }
        CHECK(entry["sdk_solution_accepted_by_chain_le"].get<bool>() ==
              btpow::verify(job_of(entry, d, Rule::sdk), smallest[2]).le);

        // One fast seal per nonce below the largest of them, judged under every rule still open.
        // Instrumented builds, which hash 20 to 50 times slower, take the last 2^16 nonces below it
        // (every nonce in the release build's run).
        const btpow::core::Plan plan = btpow::detail::make_plan(job_of(entry, d, Rule::le));
        const std::uint64_t scan_end = *std::max_element(std::begin(smallest), std::end(smallest));
#if defined(BTPOW_TEST_SANITIZED)
        const std::uint64_t scan_begin = scan_end > (1u << 16) ? scan_end - (1u << 16) : 0;
#else
        const std::uint64_t scan_begin = 0;
#endif
        std::uint64_t smaller_passing[3] = {};
        for (std::uint64_t n = scan_begin; n < scan_end; ++n) {
            const Hash32 seal = btpow::detail::fast_seal(plan, n);
            for (int r = 0; r < 3; ++r) {
                if (n >= smallest[r]) continue;
                const btpow::Uint256 x = btpow::seal_value(seal, rules[r].second);
                if (x.top64() <= thresholds[r].top64() && x <= thresholds[r]) ++smaller_passing[r];
            }
        }
        INFO("pair " << entry["pair"].get<std::string>() << ", d " << entry["difficulty"].get<std::string>());
        CHECK(smaller_passing[0] == 0);
        CHECK(smaller_passing[1] == 0);
        CHECK(smaller_passing[2] == 0);
    }
}

TEST_CASE("ss58 vectors: decoding, checksum and re-encoding", "[vectors][accounts]") {
    const auto& entries = vectors()["ss58"];
    REQUIRE(entries.size() == 6);
    for (const auto& entry : entries) {
        INFO(entry["name"].get<std::string>());
        REQUIRE(entry["prefix"].get<int>() == 42);
        const std::string address = entry["ss58"].get<std::string>();
        const Account account = Account::parse(address);
        CHECK(account == account_of(entry["pubkey"]));
        CHECK(account.ss58() == address);
        CHECK(account.hex() == "0x" + entry["pubkey"].get<std::string>());
        if (entry.contains("decoded_35_bytes")) {
            const std::string decoded = entry["decoded_35_bytes"].get<std::string>();
            CHECK(decoded == "2a" + entry["pubkey"].get<std::string>() + entry["checksum"].get<std::string>());
        }
    }
}

TEST_CASE("upstream SDK test vectors: hash_block_with_hotkey and create_seal_hash", "[vectors]") {
    const auto& upstream = vectors()["upstream_sdk_test_vectors"];
    const auto& block_with_hotkey = upstream["hash_block_with_hotkey"];
    CHECK(btpow::block_and_hotkey_hash(hash_of(block_with_hotkey["block_hash"]),
                                       account_of(block_with_hotkey["hotkey_pubkey"])) ==
          hash_of(block_with_hotkey["expected"]));
    const auto& create_seal = upstream["create_seal_hash"];
    CHECK(btpow::seal(hash_of(create_seal["block_and_hotkey_hash"]), u64_of(create_seal["nonce"])) ==
          hash_of(create_seal["expected_seal"]));
}
