// btpow._btpow: the pybind11 extension under the Python package. It binds the library's own types
// by name (Job, DeviceOptions, Verdict, ScanResult, Solution); python/btpow/__init__.py checks
// Python-side types and builds the documented API on them. Long calls release the GIL and look
// for Ctrl-C (PyErr_CheckSignals) every kPollInterval.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "btpow/btpow.hpp"

namespace py = pybind11;
using namespace std::chrono_literals;

namespace {

constexpr auto kPollInterval = 50ms;
btpow::Hash32 to_hash(const std::string& bytes, const char* field) {
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

// The Python layer has checked every argument's type and range; the library checks the rest
// (validate(): a v1 job's rule, netuid and the absence of H).
btpow::Job make_job(const std::string& seal, std::uint64_t block_number, const py::bytes& block_hash,
                    const py::bytes& account, const std::string& difficulty, const std::string& rule,
                    const std::optional<py::bytes>& block_and_hotkey_hash, std::uint16_t netuid,
                    const py::bytes& hotkey, const py::bytes& coldkey) {
    btpow::Job job;
    job.seal = btpow::parse_seal_kind(seal, "seal");
    job.block_number = block_number;
    job.block_hash = to_hash(block_hash, "block_hash");
    job.account.public_key = to_hash(account, "account");
    job.difficulty = btpow::Difficulty::parse(difficulty, "difficulty");
    job.rule = btpow::parse_rule(rule, "rule");
    if (block_and_hotkey_hash) job.block_and_hotkey_hash = to_hash(*block_and_hotkey_hash, "block_and_hotkey_hash");
    job.netuid = netuid;
    job.hotkey.public_key = to_hash(hotkey, "hotkey");
    job.coldkey.public_key = to_hash(coldkey, "coldkey");
    btpow::validate(job);
    return job;
}

btpow::DeviceOptions make_device_options(const std::string& backend, unsigned cpu_threads, const std::string& cpu_isa,
                                         const std::vector<int>& cuda_devices, unsigned cuda_batch_ms) {
    btpow::DeviceOptions out;
    out.backend = btpow::parse_backend(backend, "backend");
    out.cpu_threads = cpu_threads;
    out.cpu_isa = cpu_isa;
    out.cuda_devices = cuda_devices;
    out.cuda_batch_ms = cuda_batch_ms;
    return out;
}

// Raises KeyboardInterrupt (or whatever a signal handler raised) in the calling thread.
void check_signals() {
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

// The work of one scan, owned jointly by the caller and the worker thread: an interrupted caller
// returns at once, and the scan stops at its next progress report (every few milliseconds of
// work) on its own.
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

    bool is_cancelled() {
        std::lock_guard lock(mutex);
        return cancelled;
    }

    void run() {
        try {
            std::optional<std::uint64_t> first_below;
            btpow::ScanOptions scan_options = options;
            scan_options.on_progress = [&](const btpow::ScanProgress& progress) {
                if (cubit_upper) {
                    // docs/protocol.md §8: the seal read big-endian, strictly below upper; the first one only.
                    for (const std::uint64_t n : progress.hits)
                        if (btpow::seal_value(btpow::seal(job, n), btpow::Rule::be) < *cubit_upper) {
                            first_below = n;
                            return false;
                        }
                }
                return !is_cancelled();
            };
            total = btpow::scan(job, start, count, scan_options);
            if (cubit_upper)
                total.hits = first_below ? std::vector<std::uint64_t>{*first_below} : std::vector<std::uint64_t>{};
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard lock(mutex);
        done = true;
        done_cv.notify_all();
    }
};

// Runs work on a worker thread, the GIL released, until it is done or a signal interrupts.
void run_scan(const std::shared_ptr<ScanWork>& work) {
    try {
        std::thread([work] { work->run(); }).detach();
    } catch (const std::system_error& e) {
        throw btpow::Error(btpow::ErrorCode::backend_failure, "threads",
                           std::string("threads: could not start the scan's thread (") + e.what() +
                               "); raise the process's thread and memory limits");
    }
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

btpow::ScanResult scan(const btpow::Job& job, std::uint64_t start, std::uint64_t count,
                       const btpow::DeviceOptions& devices) {
    if (count == 0)
        throw btpow::Error(btpow::ErrorCode::bad_option, "count", "count: expected 1..2^64-1 nonces, got 0");
    auto work = std::make_shared<ScanWork>();
    work->job = job;
    static_cast<btpow::DeviceOptions&>(work->options) = devices;
    work->start = start;
    work->count = count;
    run_scan(work);
    return std::move(work->total);
}

// docs/protocol.md §8: hits holds the smallest nonce of [start, start + count) whose seal, read big-endian, is
// below upper, or nothing. The job's rule (be) and difficulty only narrow the candidates: the
// strict comparison with upper is made here on every hit.
btpow::ScanResult cubit_scan(const btpow::Job& job, std::uint64_t start, std::uint64_t count, const py::bytes& upper_le,
                             const btpow::DeviceOptions& devices) {
    if (!job.block_and_hotkey_hash)
        throw btpow::Error(btpow::ErrorCode::bad_job, "bahh_hex", "bahh_hex: expected the block-and-hotkey hash");
    auto work = std::make_shared<ScanWork>();
    work->job = job;
    static_cast<btpow::DeviceOptions&>(work->options) = devices;
    work->cubit_upper = btpow::seal_value(to_hash(upper_le, "upper"), btpow::Rule::le);
    work->start = start;
    work->count = count;
    if (count > 0) run_scan(work);
    return std::move(work->total);
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
    NativeSolver(const btpow::DeviceOptions& devices, std::optional<std::uint64_t> nonce_start) {
        btpow::SolverOptions options;
        static_cast<btpow::DeviceOptions&>(options) = devices;
        options.nonce_start = nonce_start;
        py::gil_scoped_release release;
        solver_ = std::make_unique<btpow::Solver>(std::move(options));
    }
    ~NativeSolver() {
        py::gil_scoped_release release;
        solver_.reset();
    }

    std::uint64_t submit(const btpow::Job& job) {
        if (stopped_) throw btpow::Error(btpow::ErrorCode::bad_option, "solver", "submit: the solver was stopped");
        return solver_->submit(job);
    }

    void pause() { solver_->pause(); }

    // The next solution, or nothing after `timeout` seconds (nothing or infinite: no limit).
    // Waits in slices of kPollInterval; the time left is compared in double seconds so that no
    // timeout, however large, overflows a duration.
    std::optional<btpow::Solution> wait(std::optional<double> timeout) {
        if (timeout && std::isinf(*timeout)) timeout.reset();
        const auto began = std::chrono::steady_clock::now();
        constexpr double kSliceMs = std::chrono::duration<double, std::milli>(kPollInterval).count();
        for (;;) {
            double slice_ms = kSliceMs;
            if (timeout) {
                const double left =
                    *timeout - std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
                if (left <= 0 && *timeout > 0) return std::nullopt;
                slice_ms = std::clamp(left * 1000, 0.0, kSliceMs);
            }
            std::optional<btpow::Solution> s;
            {
                py::gil_scoped_release release;
                s = solver_->wait_for(std::chrono::milliseconds(static_cast<long long>(slice_ms)));
            }
            if (s || stopped_) return s;
            if (timeout && *timeout <= 0) return std::nullopt;
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
    m.attr("__version__") = BTPOW_VERSION_STRING;

    // btpow::Error becomes the matching class of btpow._errors (a ValueError for bad input).
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const btpow::Error& e) {
            py::object error = py::module_::import("btpow._errors")
                                   .attr("from_native")(std::string(btpow::to_string(e.code())), e.field(), e.what());
            PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
        }
    });

    py::class_<btpow::Job>(m, "Job")
        .def(py::init(&make_job), py::kw_only(), py::arg("seal"), py::arg("block_number"), py::arg("block_hash"),
             py::arg("account"), py::arg("difficulty"), py::arg("rule"), py::arg("block_and_hotkey_hash"),
             py::arg("netuid"), py::arg("hotkey"), py::arg("coldkey"))
        .def_property_readonly("v1_prefix", [](const btpow::Job& job) {
            const auto prefix = btpow::v1_prefix(job);
            return py::bytes(reinterpret_cast<const char*>(prefix.data()), prefix.size());
        });

    py::class_<btpow::DeviceOptions>(m, "DeviceOptions")
        .def(py::init(&make_device_options), py::kw_only(), py::arg("backend"), py::arg("cpu_threads"),
             py::arg("cpu_isa"), py::arg("cuda_devices"), py::arg("cuda_batch_ms"));

    py::class_<btpow::Verdict>(m, "Verdict")
        .def_property_readonly("block_and_hotkey_hash",
                               [](const btpow::Verdict& v) { return from_hash(v.block_and_hotkey_hash); })
        .def_property_readonly("seal", [](const btpow::Verdict& v) { return from_hash(v.seal); })
        .def_readonly("le", &btpow::Verdict::le)
        .def_readonly("be", &btpow::Verdict::be)
        .def_readonly("sdk", &btpow::Verdict::sdk)
        .def("passes", [](const btpow::Verdict& v, const btpow::Job& job) { return v.passes(job.rule); });

    py::class_<btpow::ScanResult>(m, "ScanResult")
        .def_readonly("hits", &btpow::ScanResult::hits)
        .def_readonly("hashes", &btpow::ScanResult::hashes)
        .def_readonly("candidates", &btpow::ScanResult::candidates)
        .def_readonly("compute_errors", &btpow::ScanResult::compute_errors)
        .def_readonly("seconds", &btpow::ScanResult::seconds)
        .def_readonly("setup_seconds", &btpow::ScanResult::setup_seconds);

    py::class_<btpow::Solution>(m, "Solution")
        .def_readonly("job_id", &btpow::Solution::job_id)
        .def_readonly("nonce", &btpow::Solution::nonce)
        .def_property_readonly("seal", [](const btpow::Solution& s) { return from_hash(s.seal); })
        .def_readonly("device", &btpow::Solution::device)
        .def_readonly("hashes", &btpow::Solution::hashes)
        .def_readonly("seconds", &btpow::Solution::seconds);

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
    m.def("parse_seal_kind", [](const std::string& text, const std::string& field) {
        return std::string(btpow::to_string(btpow::parse_seal_kind(text, field)));
    });
    m.def("block_and_hotkey_hash", [](const py::bytes& block_hash, const py::bytes& account) {
        return from_hash(btpow::block_and_hotkey_hash(to_hash(block_hash, "block_hash"),
                                                      btpow::Account{to_hash(account, "account")}));
    });
    m.def("seal", [](const py::bytes& h, std::uint64_t nonce) {
        return from_hash(btpow::seal(to_hash(h, "block_and_hotkey_hash"), nonce));
    });
    m.def("seal_v1", [](const py::bytes& prefix, std::uint64_t nonce) {
        const std::string bytes = prefix;
        std::array<std::uint8_t, btpow::kV1PrefixSize> p{};
        if (bytes.size() != p.size())
            throw btpow::Error(
                btpow::ErrorCode::bad_hex_length, "prefix",
                "prefix: expected " + std::to_string(p.size()) + " bytes, got " + std::to_string(bytes.size()));
        std::memcpy(p.data(), bytes.data(), p.size());
        return from_hash(btpow::seal_v1(p, nonce));
    });
    m.def("verify", &btpow::verify);
    m.def("scan", &scan);
    m.def("cubit_scan", &cubit_scan);
    m.def("system_info", &system_info);

    py::class_<NativeSolver>(m, "NativeSolver")
        .def(py::init<const btpow::DeviceOptions&, std::optional<std::uint64_t>>())
        .def("submit", &NativeSolver::submit)
        .def("pause", &NativeSolver::pause)
        .def("wait", &NativeSolver::wait)
        .def("stats", &NativeSolver::stats)
        .def("stop", &NativeSolver::stop)
        .def_property_readonly("stopped", &NativeSolver::stopped);
}
