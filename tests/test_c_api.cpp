// The C interface (btpow/btpow.h) as a C caller relies on it: the same seals and hits as the C++
// API, statuses and the per-thread last error naming the field, NULL checked, a solver that
// solves, times out and reports being stopped.
#include <catch2/catch.hpp>

#include <btpow/btpow.h>

#include <btpow/btpow.hpp>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

btpow_job demo_job(std::uint64_t d, btpow_rule rule) {
    btpow_job job{};
    REQUIRE(btpow_parse_account(job.account, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY") == BTPOW_OK);
    REQUIRE(btpow_difficulty_from_u64(job.difficulty, d) == BTPOW_OK);
    job.rule = rule;
    return job;
}

std::string hex(const unsigned char* bytes, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) (out += digits[bytes[i] >> 4]) += digits[bytes[i] & 15];
    return out;
}

}  // namespace

TEST_CASE("C API: the worked example's seal (SPEC §2)", "[c_api]") {
    const btpow_job job = demo_job(0, BTPOW_RULE_LE);
    unsigned char h[32], seal[32];
    REQUIRE(btpow_block_and_hotkey_hash(h, job.block_hash, job.account) == BTPOW_OK);
    CHECK(hex(h, 32) == "c0624595063eff7717b713bc2903b05ef476c0f969bb8e1342576dad3cf5932f");
    REQUIRE(btpow_seal(seal, h, 0) == BTPOW_OK);
    CHECK(hex(seal, 32) == "8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f");
    char ss58[49];
    REQUIRE(btpow_account_ss58(ss58, job.account) == BTPOW_OK);
    CHECK(std::string(ss58) == "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
}

TEST_CASE("C API: verify and scan agree with the C++ API", "[c_api]") {
    for (const auto rule : {BTPOW_RULE_LE, BTPOW_RULE_BE, BTPOW_RULE_SDK}) {
        const btpow_job job = demo_job(1000, rule);
        std::vector<std::uint64_t> hits(64);
        std::size_t found = 0;
        btpow_scan_stats stats;
        REQUIRE(btpow_scan(&job, 0, 20000, nullptr, hits.data(), hits.size(), &found, &stats) == BTPOW_OK);
        CHECK(stats.hashes == 20000);

        btpow::Job cpp;
        cpp.account = btpow::Account::parse("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
        cpp.difficulty = btpow::Difficulty::from_u64(1000);
        cpp.rule = rule == BTPOW_RULE_LE ? btpow::Rule::le : rule == BTPOW_RULE_BE ? btpow::Rule::be : btpow::Rule::sdk;
        const auto want = btpow::scan(cpp, 0, 20000).hits;
        REQUIRE(found == want.size());
        hits.resize(found);
        CHECK(hits == want);
        for (const auto nonce : want) {
            btpow_verdict verdict;
            REQUIRE(btpow_verify(&verdict, &job, nonce) == BTPOW_OK);
            CHECK(verdict.passes == 1);
        }
        // A small buffer: found still counts every hit, the buffer holds the first ones.
        std::uint64_t first = 0;
        REQUIRE(btpow_scan(&job, 0, 20000, nullptr, &first, 1, &found, nullptr) == BTPOW_OK);
        CHECK(found == want.size());
        CHECK(first == want.front());
    }
}

TEST_CASE("C API: bad input is a status and a last error naming the field", "[c_api]") {
    unsigned char out[32];
    CHECK(btpow_parse_account(out, "5Grwva") == BTPOW_ERR_BAD_INPUT);
    CHECK(std::string(btpow_last_error_field()) == "account");
    CHECK(std::string(btpow_last_error_message()).find("account") != std::string::npos);
    CHECK(btpow_parse_difficulty(out, "-1") == BTPOW_ERR_BAD_INPUT);
    CHECK(std::string(btpow_last_error_field()) == "difficulty");
    CHECK(btpow_parse_hash(out, "0x12", "block_hash") == BTPOW_ERR_BAD_INPUT);
    CHECK(std::string(btpow_last_error_field()) == "block_hash");
    CHECK(btpow_parse_hash(nullptr, "00", nullptr) == BTPOW_ERR_BAD_INPUT);
    CHECK(btpow_seal(out, nullptr, 0) == BTPOW_ERR_BAD_INPUT);
    CHECK(std::string(btpow_last_error_field()) == "block_and_hotkey_hash");

    btpow_job job = demo_job(1000, BTPOW_RULE_LE);
    const int seven = 7;  // stored the way C code can: any int in the enum's field
    std::memcpy(&job.rule, &seven, sizeof seven);
    btpow_verdict verdict;
    CHECK(btpow_verify(&verdict, &job, 0) == BTPOW_ERR_BAD_INPUT);
    CHECK(std::string(btpow_last_error_field()) == "rule");
    std::size_t found = 99;
    job.rule = BTPOW_RULE_LE;
    CHECK(btpow_scan(&job, 0, 0, nullptr, nullptr, 0, &found, nullptr) == BTPOW_ERR_BAD_INPUT);
    CHECK(found == 0);
    CHECK(std::string(btpow_last_error_field()) == "count");
    btpow_options options;
    REQUIRE(btpow_options_init(&options) == BTPOW_OK);
    std::memcpy(&options.backend, &seven, sizeof seven);
    btpow_solver* solver = nullptr;
    CHECK(btpow_solver_create(&solver, &options) == BTPOW_ERR_BAD_INPUT);
    CHECK(solver == nullptr);
    CHECK(std::string(btpow_last_error_field()) == "backend");

    // The last error is per thread.
    std::string other_field = "unset";
    std::thread([&] { other_field = btpow_last_error_field(); }).join();
    CHECK(other_field.empty());
    CHECK(std::string(btpow_status_name(BTPOW_ERR_TIMEOUT)) == "timeout");
    CHECK(std::strlen(btpow_version()) > 0);
}

TEST_CASE("C API: a solver solves, times out, and reports being stopped", "[c_api]") {
    btpow_options options;
    REQUIRE(btpow_options_init(&options) == BTPOW_OK);
    options.backend = BTPOW_BACKEND_CPU;
    options.has_nonce_start = 1;
    options.nonce_start = 0;
    btpow_solver* solver = nullptr;
    REQUIRE(btpow_solver_create(&solver, &options) == BTPOW_OK);
    const btpow_job job = demo_job(1000, BTPOW_RULE_LE);
    std::uint64_t job_id = 0;
    REQUIRE(btpow_solver_submit(solver, &job, &job_id) == BTPOW_OK);
    CHECK(job_id == 1);
    btpow_solution solution;
    REQUIRE(btpow_solver_wait(solver, 60000, &solution) == BTPOW_OK);
    CHECK(solution.job_id == 1);
    CHECK(std::string(solution.device) == "cpu");
    btpow_verdict verdict;
    REQUIRE(btpow_verify(&verdict, &job, solution.nonce) == BTPOW_OK);
    CHECK(verdict.passes == 1);
    CHECK(std::memcmp(verdict.seal, solution.seal, 32) == 0);
    btpow_stats stats;
    REQUIRE(btpow_solver_stats(solver, &stats) == BTPOW_OK);
    CHECK(stats.job_id == 1);
    CHECK(stats.devices == 1);

    btpow_job hard = demo_job(0, BTPOW_RULE_LE);
    std::memset(hard.difficulty, 0xff, 32);
    REQUIRE(btpow_solver_submit(solver, &hard, nullptr) == BTPOW_OK);
    // Solutions of the replaced job may still arrive from chunks in flight: drain them first.
    btpow_status status;
    while ((status = btpow_solver_wait(solver, 300, &solution)) == BTPOW_OK) CHECK(solution.job_id == 1);
    CHECK(status == BTPOW_ERR_TIMEOUT);
    CHECK(std::string(btpow_last_error_field()) == "timeout");
    REQUIRE(btpow_solver_stop(solver) == BTPOW_OK);
    while ((status = btpow_solver_wait(solver, 100, &solution)) == BTPOW_OK) CHECK(solution.job_id == 1);
    CHECK(status == BTPOW_ERR_STOPPED);
    CHECK(btpow_solver_submit(solver, &job, nullptr) == BTPOW_ERR_STOPPED);
    btpow_solver_destroy(solver);
    btpow_solver_destroy(nullptr);
}

TEST_CASE("C API: system info and a missing device", "[c_api]") {
    btpow_system_info info;
    REQUIRE(btpow_get_system_info(&info) == BTPOW_OK);
    CHECK(info.hardware_threads >= 1);
    CHECK(std::strlen(info.default_isa) > 0);
    if (info.cuda_device_count == 0) {
        btpow_options options;
        btpow_options_init(&options);
        options.backend = BTPOW_BACKEND_CUDA;
        btpow_solver* solver = reinterpret_cast<btpow_solver*>(&options);
        CHECK(btpow_solver_create(&solver, &options) == BTPOW_ERR_NO_DEVICE);
        CHECK(solver == nullptr);
    }
}
