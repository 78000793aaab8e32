// `solve --metrics HOST:PORT`: the solver's counters and rates served as Prometheus text at
// http://HOST:PORT/metrics (prometheus-cpp's pull exposer), read from Solver::stats() when scraped.
// A build without prometheus-cpp refuses the flag; docs/fleet.md lists every metric.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <btpow/solver.hpp>
#include <btpow/types.hpp>

namespace btpow::cli {

// Whether this build serves metrics (prometheus-cpp was found when it was configured).
bool metrics_available();

// Checks a --metrics value: HOST:PORT with a port 1..65535.
// Throws: Error(bad_option, "--metrics") for another form, or when the build has no metrics.
void check_metrics_address(std::string_view address);

// Records the job just submitted: its block is the btpow_job_block gauge. Cheap; no effect while
// no server runs.
void note_job_for_metrics(const Job& job);

// Serves the metrics of solver until destroyed; solver must outlive it.
// Throws: Error(bad_option, "--metrics") when the address cannot be listened on.
class MetricsServer {
public:
    MetricsServer(const std::string& address, const Solver& solver);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace btpow::cli
