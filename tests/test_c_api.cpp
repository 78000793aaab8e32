// The C interface (btpow/btpow.h) as a C caller relies on it: the same seals and hits as the C++
// API, statuses and the per-thread last error naming the field, NULL checked, a solver that
// solves, times out and reports being stopped.
#include <catch2/catch.hpp>

#include <btpow/btpow.h>

#include <btpow/btpow.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/timing.hpp"

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

// docs/protocol.md §10's chain vector: tag ‖ 01 00 ‖ 32×01 ‖ 32×02 ‖ 32×03, at difficulty d.
btpow_job_ex chain_v1_job(std::uint64_t d) {
    btpow_job_ex job;
    REQUIRE(btpow_job_ex_init(&job) == BTPOW_OK);
    job.seal = BTPOW_SEAL_V1;
    job.netuid = 1;
    std::memset(job.block_hash, 1, 32);
    std::memset(job.hotkey, 2, 32);
    std::memset(job.coldkey, 3, 32);
    REQUIRE(btpow_difficulty_from_u64(job.difficulty, d) == BTPOW_OK);
    return job;
}

}  // namespace

TEST_CASE("C API: the worked example's seal (docs/protocol.md §2)", "[c_api]") {
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

TEST_CASE("C API: v1 seals of the chain's vectors (docs/protocol.md §10)", "[c_api][v1]") {
    const btpow_job_ex job = chain_v1_job(1);
    unsigned char prefix[BTPOW_V1_PREFIX_SIZE];
    REQUIRE(btpow_v1_prefix(prefix, &job) == BTPOW_OK);
    CHECK(std::string(reinterpret_cast<const char*>(prefix), 25) == "subtensor-pow-register-v1");
    CHECK(prefix[25] == 1);
    CHECK(prefix[26] == 0);
    CHECK(prefix[27] == 1);
    CHECK(prefix[59] == 2);
    CHECK(prefix[122] == 3);
    unsigned char seal[32];
    REQUIRE(btpow_seal_v1(seal, prefix, 0) == BTPOW_OK);
    CHECK(hex(seal, 32) == "7cdaced691a70795a7656ad9b76ef2c16b961686a14a790bcb22eed6226ef103");
    REQUIRE(btpow_seal_v1(seal, prefix, 1) == BTPOW_OK);
    CHECK(hex(seal, 32) == "c2291b632879447b6fe0785b0f25b5151c85a7e07df23a7860cf029e8a03f466");
    btpow_verdict verdict;
    REQUIRE(btpow_verify_ex(&verdict, &job, ~std::uint64_t{0}) == BTPOW_OK);
    CHECK(hex(verdict.seal, 32) == "69f1aef50783893195365b4fb62a4745085c31fee525a0984bc20301ab377aaf");
    CHECK(verdict.passes == 1);
    CHECK(verdict.le == 1);
    CHECK(verdict.be == 0);
    CHECK(verdict.sdk == 0);

    // The old-seal job through the _ex functions: the same as btpow_verify.
    btpow_job_ex old_ex;
    REQUIRE(btpow_job_ex_init(&old_ex) == BTPOW_OK);
    const btpow_job old = demo_job(1000, BTPOW_RULE_BE);
    std::memcpy(old_ex.account, old.account, 32);
    std::memcpy(old_ex.difficulty, old.difficulty, 32);
    old_ex.rule = BTPOW_RULE_BE;
    btpow_verdict a, b;
    REQUIRE(btpow_verify(&a, &old, 42) == BTPOW_OK);
    REQUIRE(btpow_verify_ex(&b, &old_ex, 42) == BTPOW_OK);
    CHECK(std::memcmp(&a, &b, sizeof a) == 0);
}

TEST_CASE("C API: bad v1 jobs are refused by field", "[c_api][v1]") {
    btpow_verdict verdict;
    const auto refused = [&](const btpow_job_ex& job, const char* field) {
        CHECK(btpow_verify_ex(&verdict, &job, 0) == BTPOW_ERR_BAD_INPUT);
        CHECK(std::string(btpow_last_error_field()) == field);
        std::size_t found = 7;
        CHECK(btpow_scan_ex(&job, 0, 10, nullptr, nullptr, 0, &found, nullptr) == BTPOW_ERR_BAD_INPUT);
        CHECK(found == 0);
    };
    btpow_job_ex job = chain_v1_job(1);
    job.struct_size = sizeof(btpow_job_ex) - 8;
    refused(job, "struct_size");
    job = chain_v1_job(1);
    job.rule = BTPOW_RULE_BE;
    refused(job, "rule");
    job = chain_v1_job(1);
    job.netuid = 0;
    refused(job, "netuid");
    job = chain_v1_job(1);
    std::memset(job.hotkey, 0, 32);
    refused(job, "hotkey");
    job = chain_v1_job(1);
    std::memset(job.coldkey, 0, 32);
    refused(job, "coldkey");
    job = chain_v1_job(1);
    const int bad_seal = 7;
    std::memcpy(&job.seal, &bad_seal, sizeof bad_seal);
    refused(job, "seal");
    CHECK(btpow_verify_ex(&verdict, nullptr, 0) == BTPOW_ERR_BAD_INPUT);
    CHECK(btpow_job_ex_init(nullptr) == BTPOW_ERR_BAD_INPUT);
    unsigned char prefix[BTPOW_V1_PREFIX_SIZE];
    CHECK(btpow_v1_prefix(prefix, nullptr) == BTPOW_ERR_BAD_INPUT);
    CHECK(btpow_seal_v1(prefix, nullptr, 0) == BTPOW_ERR_BAD_INPUT);
}

TEST_CASE("C API: a v1 scan finds exactly the nonces that verify", "[c_api][v1][engine]") {
    const btpow_job_ex job = chain_v1_job(300);
    const std::uint64_t start = ~std::uint64_t{0} - 2000;
    std::vector<std::uint64_t> hits(64);
    std::size_t found = 0;
    REQUIRE(btpow_scan_ex(&job, start, 4000, nullptr, hits.data(), hits.size(), &found, nullptr) == BTPOW_OK);
    std::vector<std::uint64_t> want;
    for (std::uint64_t i = 0; i < 4000; ++i) {
        btpow_verdict verdict;
        REQUIRE(btpow_verify_ex(&verdict, &job, start + i) == BTPOW_OK);
        if (verdict.passes) want.push_back(start + i);
    }
    REQUIRE(!want.empty());
    hits.resize(std::min(found, hits.size()));
    CHECK(found == want.size());
    CHECK(hits == want);
}

TEST_CASE("C API: a solver solves a v1 job and names it in the solution", "[c_api][v1][engine]") {
    btpow_options options;
    REQUIRE(btpow_options_init(&options) == BTPOW_OK);
    options.backend = BTPOW_BACKEND_CPU;
    options.cpu_threads = 2;
    btpow_solver* solver = nullptr;
    REQUIRE(btpow_solver_create(&solver, &options) == BTPOW_OK);
    btpow_job_ex job = chain_v1_job(2000);
    job.block_number = 77;
    std::uint64_t job_id = 0;
    REQUIRE(btpow_solver_submit_ex(solver, &job, &job_id) == BTPOW_OK);
    btpow_solution_ex solution;
    solution.struct_size = sizeof solution;
    REQUIRE(btpow_solver_wait_ex(solver, 120000, &solution) == BTPOW_OK);
    btpow_solver_destroy(solver);
    CHECK(solution.job_id == job_id);
    CHECK(std::memcmp(&solution.job, &job, sizeof job) == 0);
    btpow_verdict verdict;
    REQUIRE(btpow_verify_ex(&verdict, &solution.job, solution.nonce) == BTPOW_OK);
    CHECK(verdict.passes == 1);
    CHECK(std::memcmp(verdict.seal, solution.seal, 32) == 0);
}

TEST_CASE("C API: ten megabytes of text are refused at once (length before decoding)", "[c_api][robust]") {
    for (const std::string& text : {std::string(10 << 20, '1'), std::string(10 << 20, '9'),
                                    "0x" + std::string(10 << 20, 'f'), std::string(10 << 20, '0') + "1"}) {
        const std::clock_t began = std::clock();  // CPU time: a busy machine does not slow it
        unsigned char out[32];
        CHECK(btpow_parse_account(out, text.c_str()) == BTPOW_ERR_BAD_INPUT);
        CHECK(btpow_parse_hash(out, text.c_str(), "block_hash") == BTPOW_ERR_BAD_INPUT);
        const btpow_status d = btpow_parse_difficulty(out, text.c_str());
        CHECK((d == BTPOW_ERR_BAD_INPUT || text.back() == '1'));
        CHECK(std::strlen(btpow_last_error_message()) < 1000);
        // A second of CPU time per text (ten under the sanitizers, where one took just over a
        // second on a busy machine): linear work only, no decoding that grows faster.
        CHECK(double(std::clock() - began) / CLOCKS_PER_SEC < 1.0 * btpow::test::kSlowdown);
    }
}

TEST_CASE("C API: more than 4096 threads are refused for a scan and a solver", "[c_api][robust]") {
    btpow_options options;
    REQUIRE(btpow_options_init(&options) == BTPOW_OK);
    options.backend = BTPOW_BACKEND_CPU;
    options.cpu_threads = 4097;
    const btpow_job job = demo_job(1000, BTPOW_RULE_LE);
    std::size_t found = 0;
    CHECK(btpow_scan(&job, 0, 10, &options, nullptr, 0, &found, nullptr) == BTPOW_ERR_BAD_INPUT);
    CHECK(std::string(btpow_last_error_field()) == "cpu_threads");
    btpow_solver* solver = nullptr;
    CHECK(btpow_solver_create(&solver, &options) == BTPOW_ERR_BAD_INPUT);
    CHECK(solver == nullptr);
}

TEST_CASE("C API: a solver whose threads cannot all start fails instead of hanging", "[c_api][robust]") {
    // Issue 21: the crew joined idle workers never told to stop. The child gets about 400 MB more
    // address space than it has: 4096 threads cannot all start, whatever the stack size.
    std::fflush(nullptr);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        long vm_kb = 0;
        std::ifstream status("/proc/self/status");
        for (std::string line; std::getline(status, line);)
            if (line.rfind("VmSize:", 0) == 0) vm_kb = std::stol(line.substr(7));
        rlimit limit{};
        getrlimit(RLIMIT_AS, &limit);
        limit.rlim_cur = static_cast<rlim_t>(vm_kb) * 1024 + (rlim_t{400} << 20);
        if (setrlimit(RLIMIT_AS, &limit) != 0) _exit(10);
        btpow_options options;
        btpow_options_init(&options);
        options.backend = BTPOW_BACKEND_CPU;
        options.cpu_threads = 4096;
        btpow_solver* solver = nullptr;
        if (btpow_solver_create(&solver, &options) != BTPOW_ERR_DEVICE_FAILURE) _exit(11);
        if (solver != nullptr || std::string(btpow_last_error_field()) != "cpu_threads") _exit(12);
        const btpow_job job = demo_job(1000, BTPOW_RULE_LE);
        std::size_t found = 0;
        if (btpow_scan(&job, 0, 5000, &options, nullptr, 0, &found, nullptr) != BTPOW_ERR_DEVICE_FAILURE) _exit(13);
        options.cpu_threads = 1;  // what was started was stopped: one thread still fits
        if (btpow_scan(&job, 0, 100, &options, nullptr, 0, &found, nullptr) != BTPOW_OK) _exit(14);
        _exit(0);
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    pid_t done = 0;
    while ((done = waitpid(child, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (done == 0) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
        FAIL("the child hung creating a solver under an address-space limit");
    }
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("C API: the longest wait ends when the solver is stopped", "[c_api][robust]") {
    btpow_options options;
    REQUIRE(btpow_options_init(&options) == BTPOW_OK);
    options.backend = BTPOW_BACKEND_CPU;
    options.cpu_threads = 1;
    btpow_solver* solver = nullptr;
    REQUIRE(btpow_solver_create(&solver, &options) == BTPOW_OK);
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        btpow_solver_stop(solver);
    });
    btpow_solution solution;
    CHECK(btpow_solver_wait(solver, ~std::uint64_t{0}, &solution) == BTPOW_ERR_STOPPED);
    stopper.join();
    btpow_solver_destroy(solver);
}
