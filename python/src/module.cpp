// btpow._btpow: the pybind11 extension under the Python package. It speaks in plain values (bytes,
// int, str, tuples); python/btpow/__init__.py turns them into the documented Python API. Long
// calls release the GIL and look for Ctrl-C (PyErr_CheckSignals) every kPollInterval.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "btpow/btpow.hpp"

namespace py = pybind11;
using namespace std::chrono_literals;

namespace {

constexpr auto kPollInterval = 50ms;
// Scans run in chunks of about this much hashing time, so that an interrupted scan stops soon
// (the caller returns at once; the worker finishes its chunk) and chunk tails stay rare;
// a device whose set-up is slow gets chunks long enough that set-up stays a small share.
constexpr double kChunkSeconds = 1.0;
constexpr double kSetupShareCap = 0.02;
constexpr std::uint64_t kFirstCpuChunk = std::uint64_t{1} << 18;
constexpr std::uint64_t kFirstDeviceChunk = std::uint64_t{1} << 30;

const char* code_name(btpow::ErrorCode code) {
    switch (code) {
        case btpow::ErrorCode::bad_hex_length: return "bad_hex_length";
        case btpow::ErrorCode::bad_hex_character: return "bad_hex_character";
        case btpow::ErrorCode::bad_ss58_length: return "bad_ss58_length";
        case btpow::ErrorCode::bad_ss58_character: return "bad_ss58_character";
        case btpow::ErrorCode::bad_ss58_checksum: return "bad_ss58_checksum";
        case btpow::ErrorCode::bad_ss58_prefix: return "bad_ss58_prefix";
        case btpow::ErrorCode::bad_integer: return "bad_integer";
        case btpow::ErrorCode::negative_integer: return "negative_integer";
        case btpow::ErrorCode::integer_out_of_range: return "integer_out_of_range";
        case btpow::ErrorCode::bad_rule: return "bad_rule";
        case btpow::ErrorCode::bad_option: return "bad_option";
        case btpow::ErrorCode::bad_job: return "bad_job";
        case btpow::ErrorCode::no_device: return "no_device";
        case btpow::ErrorCode::backend_failure: return "backend_failure";
    }
    return "unknown";
}

btpow::Hash32 to_hash(const py::bytes& value, const char* field) {
    const std::string bytes = value;
    if (bytes.size() != 32)
        throw btpow::Error(btpow::ErrorCode::bad_hex_length, field,
                           std::string(field) + ": expected 32 bytes, got " + std::to_string(bytes.size()));
    btpow::Hash32 h;
    std::memcpy(h.bytes.data(), bytes.data(), 32);
    return h;
}

py::bytes from_hash(const btpow::Hash32& h) {
    return py::bytes(reinterpret_cast<const char*>(h.bytes.data()), h.bytes.size());
}

// (block_number, block_hash, account, difficulty as decimal text, rule, H or None): the Python
// layer has already checked the types.
using JobSpec = std::tuple<std::uint64_t, py::bytes, py::bytes, std::string, std::string, std::optional<py::bytes>>;

btpow::Job to_job(const JobSpec& spec) {
    btpow::Job job;
    job.block_number = std::get<0>(spec);
    job.block_hash = to_hash(std::get<1>(spec), "block_hash");
    job.account.public_key = to_hash(std::get<2>(spec), "account");
    job.difficulty = btpow::Difficulty::parse(std::get<3>(spec), "difficulty");
    job.rule = btpow::parse_rule(std::get<4>(spec), "rule");
    if (std::get<5>(spec)) job.block_and_hotkey_hash = to_hash(*std::get<5>(spec), "block_and_hotkey_hash");
    return job;
}

// (backend, cpu threads, cpu isa, cuda devices, cuda batch ms).
using DeviceSpec = std::tuple<std::string, unsigned, std::string, std::vector<int>, unsigned>;

void to_device_options(const DeviceSpec& spec, btpow::DeviceOptions& out) {
    out.backend = btpow::parse_backend(std::get<0>(spec), "backend");
    out.cpu_threads = std::get<1>(spec);
    out.cpu_isa = std::get<2>(spec);
    out.cuda_devices = std::get<3>(spec);
    out.cuda_batch_ms = std::get<4>(spec);
}

// Raises KeyboardInterrupt (or whatever a signal handler raised) in the calling thread.
void check_signals() {
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

// The work of one scan, owned jointly by the caller and the worker thread: an interrupted caller
// returns at once and the worker finishes its current chunk on its own.
struct ScanWork {
    btpow::Job job;
    btpow::ScanOptions options;
    std::uint64_t start = 0, count = 0;
    std::optional<btpow::Uint256> cubit_upper;  // stop at the first seal with x_be < upper

    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    bool cancelled = false;
    std::exception_ptr error;
    btpow::ScanResult total;
    std::optional<std::uint64_t> cubit_nonce;

    bool is_cancelled() {
        std::lock_guard lock(mutex);
        return cancelled;
    }

    void run() {
        try {
            std::uint64_t offset = 0;
            // The first chunk measures the rate. A CUDA device pays its set-up on every scan(), so
            // its first chunk is already large (a fraction of a second on a large GPU).
            const std::uint64_t first = options.backend == btpow::Backend::cpu ? kFirstCpuChunk : kFirstDeviceChunk;
            std::uint64_t chunk = std::min(count, first);
            while (offset < count && !is_cancelled()) {
                const std::uint64_t n = std::min(chunk, count - offset);
                btpow::ScanResult part = btpow::scan(job, start + offset, n, options);
                offset += n;
                total.hashes += part.hashes;
                total.candidates += part.candidates;
                total.compute_errors += part.compute_errors;
                total.seconds += part.seconds;
                total.setup_seconds += part.setup_seconds;
                if (cubit_upper) {
                    // SPEC §8: the seal read big-endian, strictly below upper.
                    for (std::uint64_t nonce : part.hits) {
                        const btpow::Hash32 s = btpow::seal(*job.block_and_hotkey_hash, nonce);
                        if (btpow::seal_value(s, btpow::Rule::be) < *cubit_upper) {
                            cubit_nonce = nonce;
                            break;
                        }
                    }
                    if (cubit_nonce) break;
                } else {
                    total.hits.insert(total.hits.end(), part.hits.begin(), part.hits.end());
                }
                chunk = next_chunk(part, n);
            }
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard lock(mutex);
        done = true;
        done_cv.notify_all();
    }

    std::uint64_t next_chunk(const btpow::ScanResult& part, std::uint64_t n) const {
        const double rate = part.seconds > 0 ? double(n) / part.seconds : 1e9;
        const double seconds = std::max(kChunkSeconds, part.setup_seconds / kSetupShareCap);
        const double want = rate * seconds;
        return want >= 1.8e19 ? ~std::uint64_t{0} : std::max<std::uint64_t>(1u << 16, std::uint64_t(want));
    }
};

// Runs work on a worker thread, the GIL released, until it is done or a signal interrupts.
void run_scan(const std::shared_ptr<ScanWork>& work) {
    std::thread worker([work] { work->run(); });
    worker.detach();
    for (;;) {
        {
            py::gil_scoped_release release;
            std::unique_lock lock(work->mutex);
            if (work->done_cv.wait_for(lock, kPollInterval, [&] { return work->done; })) break;
        }
        try {
            check_signals();
        } catch (...) {
            std::lock_guard lock(work->mutex);
            work->cancelled = true;
            throw;
        }
    }
    if (work->error) std::rethrow_exception(work->error);
}

py::tuple stats_tuple(const btpow::ScanResult& r) {
    return py::make_tuple(r.hashes, r.candidates, r.compute_errors, r.seconds, r.setup_seconds);
}

py::tuple scan(const JobSpec& spec, std::uint64_t start, std::uint64_t count, const DeviceSpec& devices) {
    auto work = std::make_shared<ScanWork>();
    work->job = to_job(spec);
    to_device_options(devices, work->options);
    if (count == 0)
        throw btpow::Error(btpow::ErrorCode::bad_option, "count", "count: expected 1..2^64-1 nonces, got 0");
    work->start = start;
    work->count = count;
    run_scan(work);
    return py::make_tuple(py::cast(work->total.hits), stats_tuple(work->total));
}

// SPEC §8: the smallest nonce of [start, start + count) whose seal, read big-endian, is below
// upper; -1 when none. The job's rule (be) and difficulty only narrow the candidates: the strict
// comparison with upper is made here on every hit.
py::tuple cubit_scan(const JobSpec& spec, std::uint64_t start, std::uint64_t count, const py::bytes& upper_le,
                     const DeviceSpec& devices) {
    auto work = std::make_shared<ScanWork>();
    work->job = to_job(spec);
    if (!work->job.block_and_hotkey_hash)
        throw btpow::Error(btpow::ErrorCode::bad_job, "bahh_hex", "bahh_hex: expected the block-and-hotkey hash");
    to_device_options(devices, work->options);
    const btpow::Hash32 upper_bytes = to_hash(upper_le, "upper");
    work->cubit_upper = btpow::seal_value(upper_bytes, btpow::Rule::le);
    work->start = start;
    work->count = count;
    if (count > 0) run_scan(work);
    // A Python int: 2^64 - 1 is a nonce like any other, not -1.
    py::object nonce = work->cubit_nonce ? py::object(py::int_(*work->cubit_nonce)) : py::object(py::int_(-1));
    return py::make_tuple(nonce, stats_tuple(work->total));
}

py::tuple verify(const JobSpec& spec, std::uint64_t nonce) {
    const btpow::Job job = to_job(spec);
    const btpow::Verdict v = btpow::verify(job, nonce);
    return py::make_tuple(from_hash(v.block_and_hotkey_hash), from_hash(v.seal), v.le, v.be, v.sdk, v.passes(job.rule));
}

py::object optional_float(const std::optional<double>& value) {
    return value ? py::object(py::float_(*value)) : py::object(py::none());
}

py::dict device_stats(const btpow::DeviceStats& d) {
    py::dict out;
    out["id"] = d.id;
    out["backend"] = d.backend;
    out["device"] = d.device;
    out["threads"] = d.threads;
    out["hashes"] = d.hashes;
    out["candidates"] = d.candidates;
    out["solutions"] = d.solutions;
    out["compute_errors"] = d.compute_errors;
    out["rate_10s"] = optional_float(d.rate_10s);
    out["rate_60s"] = optional_float(d.rate_60s);
    out["rate_total"] = optional_float(d.rate_total);
    out["failed"] = d.failed;
    out["failure"] = d.failure;
    return out;
}

// The Solver with waits that release the GIL and notice Ctrl-C.
class NativeSolver {
public:
    NativeSolver(const DeviceSpec& devices, std::optional<std::uint64_t> nonce_start) {
        btpow::SolverOptions options;
        to_device_options(devices, options);
        options.nonce_start = nonce_start;
        py::gil_scoped_release release;
        solver_ = std::make_unique<btpow::Solver>(std::move(options));
    }
    ~NativeSolver() {
        py::gil_scoped_release release;
        solver_.reset();
    }

    std::uint64_t submit(const JobSpec& spec) {
        const btpow::Job job = to_job(spec);
        if (stopped_) throw btpow::Error(btpow::ErrorCode::bad_option, "solver", "submit: the solver was stopped");
        return solver_->submit(job);
    }

    void pause() { solver_->pause(); }

    // (job_id, nonce, seal, device, hashes, seconds) or None after timeout seconds (None: forever).
    py::object wait(std::optional<double> timeout) {
        const auto began = std::chrono::steady_clock::now();
        for (;;) {
            auto slice = std::chrono::duration_cast<std::chrono::milliseconds>(kPollInterval);
            if (timeout) {
                const double left =
                    *timeout - std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
                if (left <= 0 && *timeout > 0) return py::none();
                slice = std::min(slice, std::chrono::milliseconds(static_cast<long long>(std::max(0.0, left) * 1000)));
            }
            std::optional<btpow::Solution> s;
            {
                py::gil_scoped_release release;
                s = solver_->wait_for(slice);
            }
            if (s) return py::make_tuple(s->job_id, s->nonce, from_hash(s->seal), s->device, s->hashes, s->seconds);
            if (stopped_) return py::none();
            if (timeout && *timeout <= 0) return py::none();
            check_signals();
        }
    }

    py::dict stats() const {
        const btpow::Stats s = solver_->stats();
        py::dict out;
        py::list devices;
        for (const auto& d : s.devices) devices.append(device_stats(d));
        out["devices"] = devices;
        out["total"] = device_stats(s.total);
        out["seconds"] = s.seconds;
        out["job_id"] = s.job_id;
        out["job_hashes"] = s.job_hashes;
        out["job_seconds"] = s.job_seconds;
        return out;
    }

    void stop() {
        stopped_ = true;
        py::gil_scoped_release release;
        solver_->stop();
    }

    bool stopped() const { return stopped_; }

private:
    std::unique_ptr<btpow::Solver> solver_;
    std::atomic<bool> stopped_{false};
};

py::dict system_info() {
    btpow::SystemInfo info;
    {
        py::gil_scoped_release release;
        info = btpow::system_info();
    }
    py::dict cpu;
    cpu["model"] = info.cpu.model;
    cpu["hardware_threads"] = info.cpu.hardware_threads;
    cpu["isas"] = info.cpu.isas;
    cpu["default_isa"] = info.cpu.default_isa;
    py::list devices;
    for (const auto& d : info.cuda_devices) {
        py::dict device;
        device["ordinal"] = d.ordinal;
        device["name"] = d.name;
        device["compute_capability"] = py::make_tuple(d.compute_major, d.compute_minor);
        device["multiprocessors"] = d.multiprocessors;
        device["memory_bytes"] = d.memory_bytes;
        device["clock_khz"] = d.clock_khz;
        device["watchdog"] = d.watchdog;
        devices.append(device);
    }
    py::dict out;
    out["cpu"] = cpu;
    out["cuda_compiled"] = info.cuda_compiled;
    out["cuda_devices"] = devices;
    out["cuda_error"] = info.cuda_error;
    return out;
}

}  // namespace

PYBIND11_MODULE(_btpow, m) {
    m.doc() = "The native core of the btpow package; use the btpow module instead.";

    // btpow::Error becomes the matching class of btpow._errors (a ValueError for bad input).
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const btpow::Error& e) {
            py::object error =
                py::module_::import("btpow._errors").attr("from_native")(code_name(e.code()), e.field(), e.what());
            PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
        }
    });

    m.def("parse_hash", [](const std::string& text, const std::string& field) {
        return from_hash(btpow::Hash32::parse(text, field));
    });
    m.def("parse_account", [](const std::string& text, const std::string& field) {
        return from_hash(btpow::Account::parse(text, field).public_key);
    });
    m.def("account_ss58", [](const py::bytes& key) { return btpow::Account{to_hash(key, "account")}.ss58(); });
    m.def("parse_difficulty", [](const std::string& text, const std::string& field) {
        return btpow::Difficulty::parse(text, field).decimal();
    });
    m.def("parse_rule", [](const std::string& text, const std::string& field) {
        return std::string(btpow::to_string(btpow::parse_rule(text, field)));
    });
    m.def("block_and_hotkey_hash", [](const py::bytes& block_hash, const py::bytes& account) {
        return from_hash(btpow::block_and_hotkey_hash(to_hash(block_hash, "block_hash"),
                                                      btpow::Account{to_hash(account, "account")}));
    });
    m.def("seal", [](const py::bytes& h, std::uint64_t nonce) {
        return from_hash(btpow::seal(to_hash(h, "block_and_hotkey_hash"), nonce));
    });
    m.def("verify", &verify);
    m.def("scan", &scan);
    m.def("cubit_scan", &cubit_scan);
    m.def("system_info", &system_info);

    py::class_<NativeSolver>(m, "NativeSolver")
        .def(py::init<const DeviceSpec&, std::optional<std::uint64_t>>())
        .def("submit", &NativeSolver::submit)
        .def("pause", &NativeSolver::pause)
        .def("wait", &NativeSolver::wait)
        .def("stats", &NativeSolver::stats)
        .def("stop", &NativeSolver::stop)
        .def_property_readonly("stopped", &NativeSolver::stopped);
}
