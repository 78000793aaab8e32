// The C interface (include/btpow/btpow.h) over the public C++ API: converts types, turns every
// exception into a status and the calling thread's last error, and never lets one escape.
#include "btpow/btpow.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "btpow/btpow.hpp"

namespace {

struct LastError {
    std::string message;
    std::string field;
};
thread_local LastError last_error;

btpow_status fail(btpow_status status, std::string field, std::string message) {
    try {
        last_error.field = std::move(field);
        last_error.message = std::move(message);
    } catch (...) {
        last_error.field.clear();
        last_error.message.clear();
    }
    return status;
}

btpow_status status_of(btpow::ErrorCode code) {
    switch (code) {
        case btpow::ErrorCode::no_device: return BTPOW_ERR_NO_DEVICE;
        case btpow::ErrorCode::backend_failure: return BTPOW_ERR_DEVICE_FAILURE;
        default: return BTPOW_ERR_BAD_INPUT;
    }
}

// Runs body, mapping every exception to a status; body returns a status itself.
template <class Body>
btpow_status guarded(Body&& body) noexcept {
    try {
        return body();
    } catch (const btpow::Error& e) {
        return fail(status_of(e.code()), e.field(), e.what());
    } catch (const std::bad_alloc&) {
        return fail(BTPOW_ERR_INTERNAL, "", "out of memory");
    } catch (const std::exception& e) {
        return fail(BTPOW_ERR_INTERNAL, "", std::string("internal error: ") + e.what());
    } catch (...) {
        return fail(BTPOW_ERR_INTERNAL, "", "internal error: unknown exception");
    }
}

btpow_status null_argument(const char* name) {
    return fail(BTPOW_ERR_BAD_INPUT, name, std::string(name) + ": expected a non-NULL pointer");
}

btpow::Hash32 to_hash(const unsigned char bytes[32]) {
    btpow::Hash32 h;
    std::memcpy(h.bytes.data(), bytes, 32);
    return h;
}

void from_hash(const btpow::Hash32& h, unsigned char out[32]) { std::memcpy(out, h.bytes.data(), 32); }

btpow::Uint256 to_uint256(const unsigned char le[32]) {
    btpow::Uint256 v;
    for (int limb = 0; limb < 4; ++limb)
        for (int i = 0; i < 8; ++i) v.limbs[limb] |= std::uint64_t{le[8 * limb + i]} << (8 * i);
    return v;
}

void from_uint256(const btpow::Uint256& v, unsigned char out[32]) {
    for (int limb = 0; limb < 4; ++limb)
        for (int i = 0; i < 8; ++i) out[8 * limb + i] = static_cast<unsigned char>(v.limbs[limb] >> (8 * i));
}

// An enum field as C code filled it in: C lets any int through, and reading an out-of-range value
// through the enum type is undefined in C++, so the field's bytes are read as the int they are.
template <class Enum>
int raw_value(const Enum& field) {
    static_assert(sizeof(Enum) == sizeof(int), "C enums are int-sized on the supported compilers");
    int value = 0;
    std::memcpy(&value, &field, sizeof value);
    return value;
}

// A rule from C: the enum's values are checked.
bool to_rule(int rule, btpow::Rule& out) {
    switch (rule) {
        case BTPOW_RULE_LE: out = btpow::Rule::le; return true;
        case BTPOW_RULE_BE: out = btpow::Rule::be; return true;
        case BTPOW_RULE_SDK: out = btpow::Rule::sdk; return true;
        default: return false;
    }
}

void check_rule(const btpow_rule& field, btpow::Rule& out) {
    const int rule = raw_value(field);
    if (!to_rule(rule, out))
        throw btpow::Error(
            btpow::ErrorCode::bad_rule, "rule",
            "rule: expected BTPOW_RULE_LE, BTPOW_RULE_BE or BTPOW_RULE_SDK, got " + std::to_string(rule));
}

btpow::Job to_job(const btpow_job& in) {
    btpow::Job job;
    job.block_number = in.block_number;
    job.block_hash = to_hash(in.block_hash);
    job.account.public_key = to_hash(in.account);
    job.difficulty.value = to_uint256(in.difficulty);
    check_rule(in.rule, job.rule);
    return job;
}

// The struct sizes of btpow_job_ex and btpow_solution_ex this library reads: every published one
// (one so far), so that a program built against an older header keeps working.
void check_struct_size(std::size_t size, std::size_t expected, const char* type) {
    if (size != expected)
        throw btpow::Error(btpow::ErrorCode::bad_option, "struct_size",
                           std::string("struct_size: expected sizeof(") + type + ") = " + std::to_string(expected) +
                               " (initialise with btpow_job_ex_init), got " + std::to_string(size));
}

btpow::Job to_job(const btpow_job_ex& in) {
    check_struct_size(in.struct_size, sizeof(btpow_job_ex), "btpow_job_ex");
    btpow::Job job;
    const int seal = raw_value(in.seal);
    switch (seal) {
        case BTPOW_SEAL_OLD: job.seal = btpow::SealKind::old; break;
        case BTPOW_SEAL_V1: job.seal = btpow::SealKind::v1; break;
        default:
            throw btpow::Error(btpow::ErrorCode::bad_job, "seal",
                               "seal: expected BTPOW_SEAL_OLD or BTPOW_SEAL_V1, got " + std::to_string(seal));
    }
    job.block_number = in.block_number;
    job.block_hash = to_hash(in.block_hash);
    job.difficulty.value = to_uint256(in.difficulty);
    check_rule(in.rule, job.rule);
    if (job.seal == btpow::SealKind::v1) {
        // A C struct cannot leave a field out: all-zero keys are what a caller that forgot them has.
        for (const auto& [key, name] : {std::pair{in.hotkey, "hotkey"}, std::pair{in.coldkey, "coldkey"}})
            if (std::all_of(key, key + 32, [](unsigned char b) { return b == 0; }))
                throw btpow::Error(btpow::ErrorCode::bad_job, name,
                                   std::string(name) + ": a v1 job needs its " + name + " (all 32 bytes are zero)");
        job.netuid = in.netuid;
        job.hotkey.public_key = to_hash(in.hotkey);
        job.coldkey.public_key = to_hash(in.coldkey);
    } else {
        job.account.public_key = to_hash(in.account);
    }
    btpow::validate(job);
    return job;
}

void from_job(const btpow::Job& job, btpow_job_ex& out) {
    out = btpow_job_ex{};
    out.struct_size = sizeof(btpow_job_ex);
    out.seal = job.seal == btpow::SealKind::v1 ? BTPOW_SEAL_V1 : BTPOW_SEAL_OLD;
    out.block_number = job.block_number;
    from_hash(job.block_hash, out.block_hash);
    from_hash(job.account.public_key, out.account);
    from_uint256(job.difficulty.value, out.difficulty);
    out.rule = job.rule == btpow::Rule::le   ? BTPOW_RULE_LE
               : job.rule == btpow::Rule::be ? BTPOW_RULE_BE
                                             : BTPOW_RULE_SDK;
    out.netuid = job.netuid;
    from_hash(job.hotkey.public_key, out.hotkey);
    from_hash(job.coldkey.public_key, out.coldkey);
}

void to_device_options(const btpow_options& in, btpow::DeviceOptions& out) {
    const int backend = raw_value(in.backend);
    switch (backend) {
        case BTPOW_BACKEND_AUTO: out.backend = btpow::Backend::auto_select; break;
        case BTPOW_BACKEND_CPU: out.backend = btpow::Backend::cpu; break;
        case BTPOW_BACKEND_CUDA: out.backend = btpow::Backend::cuda; break;
        case BTPOW_BACKEND_ALL: out.backend = btpow::Backend::all; break;
        default:
            throw btpow::Error(
                btpow::ErrorCode::bad_option, "backend",
                "backend: expected BTPOW_BACKEND_AUTO, _CPU, _CUDA or _ALL, got " + std::to_string(backend));
    }
    out.cpu_threads = in.cpu_threads;
    out.cpu_isa = in.cpu_isa ? in.cpu_isa : "";
    if (in.cuda_device_count > 0 && !in.cuda_devices)
        throw btpow::Error(btpow::ErrorCode::bad_option, "cuda_devices",
                           "cuda_devices: NULL with a non-zero cuda_device_count");
    if (in.cuda_devices) out.cuda_devices.assign(in.cuda_devices, in.cuda_devices + in.cuda_device_count);
    out.cuda_batch_ms = in.cuda_batch_ms;
}

// Copies text into a fixed array, truncating, always NUL-terminated.
template <std::size_t N>
void copy_text(char (&out)[N], const std::string& text) {
    const std::size_t n = std::min(text.size(), N - 1);
    std::memcpy(out, text.data(), n);
    out[n] = '\0';
}

}  // namespace

struct btpow_solver {
    btpow::Solver solver;
    std::atomic<bool> stopped{false};
    explicit btpow_solver(btpow::SolverOptions options) : solver(std::move(options)) {}
};

namespace {

btpow_status verify_job(const btpow::Job& job, std::uint64_t nonce, btpow_verdict& verdict) {
    const btpow::Verdict v = btpow::verify(job, nonce);
    from_hash(v.block_and_hotkey_hash, verdict.block_and_hotkey_hash);
    from_hash(v.seal, verdict.seal);
    verdict.le = v.le;
    verdict.be = v.be;
    verdict.sdk = v.sdk;
    verdict.passes = v.passes(job.rule);
    return BTPOW_OK;
}

btpow_status scan_job(const btpow::Job& job, std::uint64_t start, std::uint64_t count, const btpow_options* options,
                      std::uint64_t* hits, std::size_t hits_capacity, std::size_t& found, btpow_scan_stats* stats) {
    btpow::ScanOptions scan_options;
    if (options) to_device_options(*options, scan_options);
    const btpow::ScanResult result = btpow::scan(job, start, count, scan_options);
    std::copy_n(result.hits.begin(), std::min(hits_capacity, result.hits.size()), hits);
    found = result.hits.size();
    if (stats) {
        stats->hashes = result.hashes;
        stats->candidates = result.candidates;
        stats->compute_errors = result.compute_errors;
        stats->seconds = result.seconds;
        stats->setup_seconds = result.setup_seconds;
    }
    return BTPOW_OK;
}

btpow_status submit_job(btpow_solver& solver, const btpow::Job& job, std::uint64_t* job_id) {
    if (solver.stopped) return fail(BTPOW_ERR_STOPPED, "solver", "submit: the solver was stopped");
    const std::uint64_t id = solver.solver.submit(job);
    if (job_id) *job_id = id;
    return BTPOW_OK;
}

btpow_status wait_solution(btpow_solver& solver, std::uint64_t timeout_ms, std::optional<btpow::Solution>& found) {
    // About a century: longer timeouts would overflow the clock's arithmetic.
    constexpr std::uint64_t kLongest = 3'000'000'000'000ull;
    found = solver.solver.wait_for(std::chrono::milliseconds(std::min(timeout_ms, kLongest)));
    if (found) return BTPOW_OK;
    if (solver.stopped) return fail(BTPOW_ERR_STOPPED, "solver", "wait: the solver was stopped");
    return fail(BTPOW_ERR_TIMEOUT, "timeout", "wait: no solution within " + std::to_string(timeout_ms) + " ms");
}

// btpow_scan and btpow_scan_ex: the same checks for either job struct.
template <class CJob>
btpow_status checked_scan(const CJob* job, uint64_t start, uint64_t count, const btpow_options* options, uint64_t* hits,
                          size_t hits_capacity, size_t* found, btpow_scan_stats* stats) {
    if (found) *found = 0;
    if (!job) return null_argument("job");
    if (!found) return null_argument("found");
    if (!hits && hits_capacity > 0) return null_argument("hits");
    return guarded([&] { return scan_job(to_job(*job), start, count, options, hits, hits_capacity, *found, stats); });
}

}  // namespace

extern "C" {

const char* btpow_version(void) { return BTPOW_VERSION_STRING; }

const char* btpow_status_name(int status) {
    switch (status) {
        case BTPOW_OK: return "ok";
        case BTPOW_ERR_BAD_INPUT: return "bad_input";
        case BTPOW_ERR_NO_DEVICE: return "no_device";
        case BTPOW_ERR_DEVICE_FAILURE: return "device_failure";
        case BTPOW_ERR_TIMEOUT: return "timeout";
        case BTPOW_ERR_STOPPED: return "stopped";
        case BTPOW_ERR_INTERNAL: return "internal";
        default: return "unknown";
    }
}

const char* btpow_last_error_message(void) { return last_error.message.c_str(); }
const char* btpow_last_error_field(void) { return last_error.field.c_str(); }

btpow_status btpow_parse_hash(unsigned char out[32], const char* text, const char* field) {
    if (!out) return null_argument("out");
    if (!text) return null_argument(field ? field : "text");
    return guarded([&] {
        from_hash(btpow::Hash32::parse(text, field ? field : "hash"), out);
        return BTPOW_OK;
    });
}

btpow_status btpow_parse_account(unsigned char public_key[32], const char* text) {
    if (!public_key) return null_argument("public_key");
    if (!text) return null_argument("account");
    return guarded([&] {
        from_hash(btpow::Account::parse(text, "account").public_key, public_key);
        return BTPOW_OK;
    });
}

btpow_status btpow_account_ss58(char out[49], const unsigned char public_key[32]) {
    if (!out) return null_argument("out");
    if (!public_key) return null_argument("public_key");
    return guarded([&] {
        btpow::Account account{to_hash(public_key)};
        const std::string text = account.ss58();
        const std::size_t n = std::min<std::size_t>(text.size(), 48);
        std::memcpy(out, text.data(), n);
        out[n] = '\0';
        return BTPOW_OK;
    });
}

btpow_status btpow_parse_difficulty(unsigned char out[32], const char* text) {
    if (!out) return null_argument("out");
    if (!text) return null_argument("difficulty");
    return guarded([&] {
        from_uint256(btpow::Difficulty::parse(text, "difficulty").value, out);
        return BTPOW_OK;
    });
}

btpow_status btpow_difficulty_from_u64(unsigned char out[32], uint64_t d) {
    if (!out) return null_argument("out");
    from_uint256(btpow::Uint256::from_u64(d), out);
    return BTPOW_OK;
}

btpow_status btpow_block_and_hotkey_hash(unsigned char out[32], const unsigned char block_hash[32],
                                         const unsigned char account[32]) {
    if (!out) return null_argument("out");
    if (!block_hash) return null_argument("block_hash");
    if (!account) return null_argument("account");
    return guarded([&] {
        from_hash(btpow::block_and_hotkey_hash(to_hash(block_hash), btpow::Account{to_hash(account)}), out);
        return BTPOW_OK;
    });
}

btpow_status btpow_seal(unsigned char out[32], const unsigned char block_and_hotkey_hash[32], uint64_t nonce) {
    if (!out) return null_argument("out");
    if (!block_and_hotkey_hash) return null_argument("block_and_hotkey_hash");
    return guarded([&] {
        from_hash(btpow::seal(to_hash(block_and_hotkey_hash), nonce), out);
        return BTPOW_OK;
    });
}

btpow_status btpow_verify(btpow_verdict* verdict, const btpow_job* job, uint64_t nonce) {
    if (!verdict) return null_argument("verdict");
    if (!job) return null_argument("job");
    return guarded([&] { return verify_job(to_job(*job), nonce, *verdict); });
}

btpow_status btpow_verify_ex(btpow_verdict* verdict, const btpow_job_ex* job, uint64_t nonce) {
    if (!verdict) return null_argument("verdict");
    if (!job) return null_argument("job");
    return guarded([&] { return verify_job(to_job(*job), nonce, *verdict); });
}

btpow_status btpow_job_ex_init(btpow_job_ex* job) {
    if (!job) return null_argument("job");
    *job = btpow_job_ex{};
    job->struct_size = sizeof(btpow_job_ex);
    job->seal = BTPOW_SEAL_OLD;
    job->rule = BTPOW_RULE_LE;
    return BTPOW_OK;
}

btpow_status btpow_v1_prefix(unsigned char prefix[BTPOW_V1_PREFIX_SIZE], const btpow_job_ex* job) {
    if (!prefix) return null_argument("prefix");
    if (!job) return null_argument("job");
    return guarded([&] {
        check_struct_size(job->struct_size, sizeof(btpow_job_ex), "btpow_job_ex");
        btpow::Job j;
        j.netuid = job->netuid;
        j.block_hash = to_hash(job->block_hash);
        j.hotkey.public_key = to_hash(job->hotkey);
        j.coldkey.public_key = to_hash(job->coldkey);
        const auto bytes = btpow::v1_prefix(j);
        std::memcpy(prefix, bytes.data(), bytes.size());
        return BTPOW_OK;
    });
}

btpow_status btpow_seal_v1(unsigned char out[32], const unsigned char prefix[BTPOW_V1_PREFIX_SIZE], uint64_t nonce) {
    if (!out) return null_argument("out");
    if (!prefix) return null_argument("prefix");
    return guarded([&] {
        std::array<std::uint8_t, btpow::kV1PrefixSize> bytes;
        std::memcpy(bytes.data(), prefix, bytes.size());
        from_hash(btpow::seal_v1(bytes, nonce), out);
        return BTPOW_OK;
    });
}

btpow_status btpow_options_init(btpow_options* options) {
    if (!options) return null_argument("options");
    std::memset(options, 0, sizeof *options);
    options->backend = BTPOW_BACKEND_AUTO;
    return BTPOW_OK;
}

btpow_status btpow_scan(const btpow_job* job, uint64_t start, uint64_t count, const btpow_options* options,
                        uint64_t* hits, size_t hits_capacity, size_t* found, btpow_scan_stats* stats) {
    return checked_scan(job, start, count, options, hits, hits_capacity, found, stats);
}

btpow_status btpow_scan_ex(const btpow_job_ex* job, uint64_t start, uint64_t count, const btpow_options* options,
                           uint64_t* hits, size_t hits_capacity, size_t* found, btpow_scan_stats* stats) {
    return checked_scan(job, start, count, options, hits, hits_capacity, found, stats);
}

btpow_status btpow_solver_create(btpow_solver** solver, const btpow_options* options) {
    if (!solver) return null_argument("solver");
    *solver = nullptr;
    return guarded([&] {
        btpow::SolverOptions solver_options;
        if (options) {
            to_device_options(*options, solver_options);
            if (options->has_nonce_start) solver_options.nonce_start = options->nonce_start;
        }
        *solver = new btpow_solver(std::move(solver_options));
        return BTPOW_OK;
    });
}

btpow_status btpow_solver_submit(btpow_solver* solver, const btpow_job* job, uint64_t* job_id) {
    if (!solver) return null_argument("solver");
    if (!job) return null_argument("job");
    return guarded([&] { return submit_job(*solver, to_job(*job), job_id); });
}

btpow_status btpow_solver_submit_ex(btpow_solver* solver, const btpow_job_ex* job, uint64_t* job_id) {
    if (!solver) return null_argument("solver");
    if (!job) return null_argument("job");
    return guarded([&] { return submit_job(*solver, to_job(*job), job_id); });
}

btpow_status btpow_solver_wait(btpow_solver* solver, uint64_t timeout_ms, btpow_solution* solution) {
    if (!solver) return null_argument("solver");
    if (!solution) return null_argument("solution");
    return guarded([&] {
        std::optional<btpow::Solution> found;
        if (const btpow_status status = wait_solution(*solver, timeout_ms, found); status != BTPOW_OK) return status;
        solution->job_id = found->job_id;
        solution->block_number = found->job.block_number;
        solution->nonce = found->nonce;
        from_hash(found->seal, solution->seal);
        copy_text(solution->device, found->device);
        solution->hashes = found->hashes;
        solution->seconds = found->seconds;
        return BTPOW_OK;
    });
}

btpow_status btpow_solver_wait_ex(btpow_solver* solver, uint64_t timeout_ms, btpow_solution_ex* solution) {
    if (!solver) return null_argument("solver");
    if (!solution) return null_argument("solution");
    return guarded([&] {
        check_struct_size(solution->struct_size, sizeof(btpow_solution_ex), "btpow_solution_ex");
        std::optional<btpow::Solution> found;
        if (const btpow_status status = wait_solution(*solver, timeout_ms, found); status != BTPOW_OK) return status;
        btpow_solution_ex out{};
        out.struct_size = sizeof(btpow_solution_ex);
        out.job_id = found->job_id;
        from_job(found->job, out.job);
        out.nonce = found->nonce;
        from_hash(found->seal, out.seal);
        copy_text(out.device, found->device);
        out.hashes = found->hashes;
        out.seconds = found->seconds;
        *solution = out;
        return BTPOW_OK;
    });
}

btpow_status btpow_solver_stats(const btpow_solver* solver, btpow_stats* stats) {
    if (!solver) return null_argument("solver");
    if (!stats) return null_argument("stats");
    return guarded([&] {
        const btpow::Stats s = solver->solver.stats();
        btpow_stats out{};
        out.hashes = s.total.hashes;
        out.candidates = s.total.candidates;
        out.solutions = s.total.solutions;
        out.compute_errors = s.total.compute_errors;
        out.rate_10s = s.total.rate_10s.value_or(0.0);
        out.rate_60s = s.total.rate_60s.value_or(0.0);
        out.rate_total = s.total.rate_total.value_or(0.0);
        out.seconds = s.seconds;
        out.job_id = s.job_id;
        out.job_hashes = s.job_hashes;
        out.job_seconds = s.job_seconds;
        for (const auto& d : s.devices) ++(d.failed ? out.failed_devices : out.devices);
        *stats = out;
        return BTPOW_OK;
    });
}

btpow_status btpow_solver_pause(btpow_solver* solver) {
    if (!solver) return null_argument("solver");
    return guarded([&] {
        solver->solver.pause();
        return BTPOW_OK;
    });
}

btpow_status btpow_solver_stop(btpow_solver* solver) {
    if (!solver) return null_argument("solver");
    solver->stopped = true;
    return guarded([&] {
        solver->solver.stop();
        return BTPOW_OK;
    });
}

void btpow_solver_destroy(btpow_solver* solver) {
    if (!solver) return;
    solver->stopped = true;
    try {
        solver->solver.stop();
    } catch (...) {
        // Destruction cannot report; the workers are joined by the destructor regardless.
    }
    delete solver;
}

btpow_status btpow_get_system_info(btpow_system_info* info) {
    if (!info) return null_argument("info");
    return guarded([&] {
        const btpow::SystemInfo s = btpow::system_info();
        btpow_system_info out{};
        copy_text(out.cpu_model, s.cpu.model);
        out.hardware_threads = s.cpu.hardware_threads;
        std::string isas;
        for (const auto& isa : s.cpu.isas) isas += (isas.empty() ? "" : ",") + isa;
        copy_text(out.cpu_isas, isas);
        copy_text(out.default_isa, s.cpu.default_isa);
        out.cuda_compiled = s.cuda_compiled;
        out.cuda_device_count = std::min<std::size_t>(s.cuda_devices.size(), BTPOW_MAX_CUDA_DEVICES);
        for (std::size_t i = 0; i < out.cuda_device_count; ++i) {
            const auto& d = s.cuda_devices[i];
            auto& o = out.cuda_devices[i];
            o.ordinal = d.ordinal;
            copy_text(o.name, d.name);
            o.compute_major = d.compute_major;
            o.compute_minor = d.compute_minor;
            o.multiprocessors = d.multiprocessors;
            o.memory_bytes = d.memory_bytes;
            o.clock_khz = d.clock_khz;
            o.watchdog = d.watchdog;
        }
        copy_text(out.cuda_error, s.cuda_error);
        *info = out;
        return BTPOW_OK;
    });
}

}  // extern "C"
