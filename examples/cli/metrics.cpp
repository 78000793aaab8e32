// Prometheus metrics of `solve`: a collectable that turns Solver::stats() into metric families
// at each scrape, so counters are exact and nothing runs between scrapes.
#include "metrics.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#ifdef BTPOW_CLI_METRICS
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
        return {std::move(seals),  std::move(solutions), std::move(errors), std::move(rates),
                std::move(failed), std::move(jobs),      std::move(block),  std::move(age)};
    }

private:
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
