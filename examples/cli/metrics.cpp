// Prometheus metrics of `solve`: a collectable that turns Solver::stats() into metric families
// at each scrape, so counters are exact and nothing runs between scrapes.
#include "metrics.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#ifdef BTPOW_CLI_METRICS
#include <dlfcn.h>

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>
#endif

namespace btpow::cli {

namespace {

// The block of the job last submitted, once there is one.
std::atomic<bool> have_job{false};
std::atomic<std::uint64_t> current_block{0};

}  // namespace

void note_job_for_metrics(const Job& job) {
    current_block.store(job.block_number, std::memory_order_relaxed);
    have_job.store(true, std::memory_order_release);
}

void check_metrics_address(std::string_view address) {
    const auto colon = address.rfind(':');
    unsigned port = 0;
    const char* end = address.data() + address.size();
    const bool parsed = colon != std::string_view::npos && colon > 0 && colon + 1 < address.size() &&
                        std::from_chars(address.data() + colon + 1, end, port).ptr == end;
    if (!parsed || port == 0 || port > 65535)
        throw Error(ErrorCode::bad_option, "--metrics",
                    fmt::format("--metrics: expected HOST:PORT (e.g. 127.0.0.1:9100), got \"{}\"",
                                std::string(address.substr(0, 80))));
    if (!metrics_available())
        throw Error(ErrorCode::bad_option, "--metrics",
                    "--metrics: this build has no metrics (install prometheus-cpp-dev, e.g. through "
                    "scripts/deps.sh, and configure again)");
}

#ifdef BTPOW_CLI_METRICS

bool metrics_available() { return true; }

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// NVIDIA's management library, opened at run time (libnvidia-ml.so.1 comes with the driver, so
// a machine without an NVIDIA driver simply has no GPU readings). The declarations are NVML's C
// interface: every call returns 0 (NVML_SUCCESS) or an error code; a reading that fails (e.g.
// NVML_ERROR_NOT_SUPPORTED on an older GPU) is left out, never reported as 0.
class Nvml {
public:
    struct Reading {
        unsigned index = 0;
        std::string name;
        std::optional<double> temperature_celsius, power_watts, energy_joules;
        std::optional<double> graphics_hertz, sm_hertz, memory_hertz;
    };

    Nvml() {
        library_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
        if (library_ == nullptr) return;
        const bool loaded = load(init_, "nvmlInit_v2") && load(shutdown_, "nvmlShutdown") &&
                            load(count_, "nvmlDeviceGetCount_v2") && load(handle_, "nvmlDeviceGetHandleByIndex_v2") &&
                            load(name_, "nvmlDeviceGetName") && load(temperature_, "nvmlDeviceGetTemperature") &&
                            load(power_, "nvmlDeviceGetPowerUsage") && load(clock_, "nvmlDeviceGetClockInfo") &&
                            load(energy_, "nvmlDeviceGetTotalEnergyConsumption");
        if (!loaded || init_() != kSuccess) {
            dlclose(library_);
            library_ = nullptr;
            return;
        }
        unsigned count = 0;
        if (count_(&count) != kSuccess) count = 0;
        for (unsigned i = 0; i < count; ++i) {
            Device device{};
            char name[kNameLength] = {};
            if (handle_(i, &device) != kSuccess) continue;
            devices_.push_back({i, device, name_(device, name, kNameLength) == kSuccess ? name : "unknown"});
        }
    }
    ~Nvml() {
        if (library_ == nullptr) return;
        shutdown_();
        dlclose(library_);
    }
    Nvml(const Nvml&) = delete;
    Nvml& operator=(const Nvml&) = delete;

    std::vector<Reading> read() const {
        std::vector<Reading> out;
        for (const auto& d : devices_) {
            Reading r;
            r.index = d.index;
            r.name = d.name;
            unsigned value = 0;
            unsigned long long millijoules = 0;
            if (temperature_(d.handle, kTemperatureGpu, &value) == kSuccess) r.temperature_celsius = value;
            if (power_(d.handle, &value) == kSuccess) r.power_watts = value / 1000.0;  // milliwatts
            if (energy_(d.handle, &millijoules) == kSuccess) r.energy_joules = millijoules / 1000.0;
            if (clock_(d.handle, kClockGraphics, &value) == kSuccess) r.graphics_hertz = value * 1e6;  // MHz
            if (clock_(d.handle, kClockSm, &value) == kSuccess) r.sm_hertz = value * 1e6;
            if (clock_(d.handle, kClockMemory, &value) == kSuccess) r.memory_hertz = value * 1e6;
            out.push_back(std::move(r));
        }
        return out;
    }

private:
    using Device = void*;  // nvmlDevice_t: an opaque handle
    static constexpr int kSuccess = 0;
    static constexpr int kTemperatureGpu = 0;                                 // NVML_TEMPERATURE_GPU
    static constexpr int kClockGraphics = 0, kClockSm = 1, kClockMemory = 2;  // nvmlClockType_t
    static constexpr unsigned kNameLength = 96;                               // NVML_DEVICE_NAME_V2_BUFFER_SIZE

    struct Known {
        unsigned index;
        Device handle;
        std::string name;
    };

    template <typename Function>
    bool load(Function*& function, const char* symbol) {
        function = reinterpret_cast<Function*>(dlsym(library_, symbol));
        return function != nullptr;
    }

    void* library_ = nullptr;
    int (*init_)() = nullptr;
    int (*shutdown_)() = nullptr;
    int (*count_)(unsigned*) = nullptr;
    int (*handle_)(unsigned, Device*) = nullptr;
    int (*name_)(Device, char*, unsigned) = nullptr;
    int (*temperature_)(Device, int, unsigned*) = nullptr;
    int (*power_)(Device, unsigned*) = nullptr;
    int (*clock_)(Device, int, unsigned*) = nullptr;
    int (*energy_)(Device, unsigned long long*) = nullptr;
    std::vector<Known> devices_;
};

class SolverCollectable final : public prometheus::Collectable {
public:
    explicit SolverCollectable(const Solver& solver) : solver_(solver) {}

    std::vector<MetricFamily> Collect() const override {
        const Stats stats = solver_.stats();
        MetricFamily seals{"btpow_seals_total", "Seals hashed, per device", MetricType::Counter, {}};
        MetricFamily solutions{"btpow_solutions_total",
                               "Solutions found (verified by the reference), per device",
                               MetricType::Counter,
                               {}};
        MetricFamily errors{
            "btpow_compute_errors_total", "Candidates the reference refuted, per device", MetricType::Counter, {}};
        MetricFamily rates{
            "btpow_seals_per_second", "Seals per second over a window, per device", MetricType::Gauge, {}};
        MetricFamily failed{
            "btpow_device_failed", "1 when a device was dropped after a failure", MetricType::Gauge, {}};
        for (const DeviceStats& d : stats.devices) {
            seals.metric.push_back(counter(d.id, static_cast<double>(d.hashes)));
            solutions.metric.push_back(counter(d.id, static_cast<double>(d.solutions)));
            errors.metric.push_back(counter(d.id, static_cast<double>(d.compute_errors)));
            // A window with no data yet has no sample, never a made-up 0.
            if (d.rate_10s) rates.metric.push_back(gauge({{"device", d.id}, {"window", "10s"}}, *d.rate_10s));
            if (d.rate_60s) rates.metric.push_back(gauge({{"device", d.id}, {"window", "60s"}}, *d.rate_60s));
            failed.metric.push_back(gauge({{"device", d.id}}, d.failed ? 1 : 0));
        }
        MetricFamily jobs{"btpow_jobs_received_total",
                          "Jobs submitted to the solver",
                          MetricType::Counter,
                          {counter_unlabelled(static_cast<double>(stats.job_id))}};
        MetricFamily block{"btpow_job_block", "The current job's block number", MetricType::Gauge, {}};
        MetricFamily age{"btpow_job_age_seconds", "Seconds since the current job was submitted", MetricType::Gauge, {}};
        if (stats.job_id != 0 && have_job.load(std::memory_order_acquire)) {
            block.metric.push_back(gauge({}, static_cast<double>(current_block.load(std::memory_order_relaxed))));
            age.metric.push_back(gauge({}, stats.job_seconds));
        }
        std::vector<MetricFamily> out{std::move(seals),  std::move(solutions), std::move(errors), std::move(rates),
                                      std::move(failed), std::move(jobs),      std::move(block),  std::move(age)};
        for (MetricFamily& family : gpu_families()) out.push_back(std::move(family));
        return out;
    }

private:
    // Every GPU NVML lists, by NVML's index (PCI order) and name: seals per joule is
    // rate(btpow_seals_total) / rate(btpow_gpu_energy_joules_total).
    std::vector<MetricFamily> gpu_families() const {
        MetricFamily temperature{"btpow_gpu_temperature_celsius", "GPU temperature (NVML)", MetricType::Gauge, {}};
        MetricFamily power{"btpow_gpu_power_watts", "GPU power draw (NVML)", MetricType::Gauge, {}};
        MetricFamily energy{
            "btpow_gpu_energy_joules_total", "GPU energy since the driver loaded (NVML)", MetricType::Counter, {}};
        MetricFamily clocks{"btpow_gpu_clock_hertz", "GPU clocks (NVML)", MetricType::Gauge, {}};
        for (const Nvml::Reading& r : nvml_.read()) {
            const ClientMetric::Label gpu{"gpu", std::to_string(r.index)}, name{"name", r.name};
            if (r.temperature_celsius) temperature.metric.push_back(gauge({gpu, name}, *r.temperature_celsius));
            if (r.power_watts) power.metric.push_back(gauge({gpu, name}, *r.power_watts));
            if (r.energy_joules) {
                ClientMetric m;
                m.label = {gpu, name};
                m.counter.value = *r.energy_joules;
                energy.metric.push_back(std::move(m));
            }
            if (r.graphics_hertz) clocks.metric.push_back(gauge({gpu, name, {"clock", "graphics"}}, *r.graphics_hertz));
            if (r.sm_hertz) clocks.metric.push_back(gauge({gpu, name, {"clock", "sm"}}, *r.sm_hertz));
            if (r.memory_hertz) clocks.metric.push_back(gauge({gpu, name, {"clock", "memory"}}, *r.memory_hertz));
        }
        std::vector<MetricFamily> out;
        for (MetricFamily* family : {&temperature, &power, &energy, &clocks})
            if (!family->metric.empty()) out.push_back(std::move(*family));
        return out;
    }

    static ClientMetric counter(const std::string& device, double value) {
        ClientMetric m;
        m.label = {{"device", device}};
        m.counter.value = value;
        return m;
    }
    static ClientMetric counter_unlabelled(double value) {
        ClientMetric m;
        m.counter.value = value;
        return m;
    }
    static ClientMetric gauge(std::vector<ClientMetric::Label> labels, double value) {
        ClientMetric m;
        m.label = std::move(labels);
        m.gauge.value = value;
        return m;
    }

    const Solver& solver_;
    Nvml nvml_;
};

}  // namespace

struct MetricsServer::Impl {
    std::unique_ptr<prometheus::Exposer> exposer;
    std::shared_ptr<SolverCollectable> collectable;
};

MetricsServer::MetricsServer(const std::string& address, const Solver& solver) : impl_(std::make_unique<Impl>()) {
    check_metrics_address(address);
    try {
        impl_->exposer = std::make_unique<prometheus::Exposer>(address, 2);
    } catch (const std::exception& error) {
        throw Error(ErrorCode::bad_option, "--metrics",
                    fmt::format("--metrics: cannot listen on {} ({})", address, error.what()));
    }
    impl_->collectable = std::make_shared<SolverCollectable>(solver);
    impl_->exposer->RegisterCollectable(impl_->collectable);
}

#else

bool metrics_available() { return false; }

struct MetricsServer::Impl {};

MetricsServer::MetricsServer(const std::string& address, const Solver&) { check_metrics_address(address); }

#endif

MetricsServer::~MetricsServer() = default;

}  // namespace btpow::cli
