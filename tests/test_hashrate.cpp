// The rate window (lib/hashrate.hpp): no data is said as such, rates come from the newest sample
// older than the window, and the ring keeps only the newest samples.
#include <catch2/catch.hpp>

#include "lib/hashrate.hpp"

using btpow::detail::Hashrate;
using namespace std::chrono_literals;

TEST_CASE("a hash rate with no time elapsed is no data, not zero", "[engine][hashrate]") {
    const auto t0 = Hashrate::Clock::time_point{} + 1h;
    Hashrate rate(t0);
    CHECK_FALSE(rate.rate(10.0, t0, 0).has_value());
    REQUIRE(rate.rate(10.0, t0 + 2s, 0).has_value());
    CHECK(*rate.rate(10.0, t0 + 2s, 0) == 0.0);  // two seconds of nothing hashed is a real 0
}

TEST_CASE("a hash rate counts from the start while the device is younger than the window", "[engine][hashrate]") {
    const auto t0 = Hashrate::Clock::time_point{} + 1h;
    Hashrate rate(t0);
    for (int i = 1; i <= 8; ++i) rate.add(t0 + i * 250ms, std::uint64_t(i) * 250);
    CHECK(*rate.rate(10.0, t0 + 2s, 2000) == Approx(1000.0));
    CHECK(*rate.rate(60.0, t0 + 2s, 2000) == Approx(1000.0));
}

TEST_CASE("a hash rate measures from the newest sample older than its window", "[engine][hashrate]") {
    const auto t0 = Hashrate::Clock::time_point{} + 1h;
    Hashrate rate(t0);
    // 100 seals/s for 30 s, then 400 seals/s for 30 s, sampled every 250 ms.
    std::uint64_t hashes = 0;
    for (int i = 1; i <= 240; ++i) {
        hashes += i <= 120 ? 25 : 100;
        rate.add(t0 + i * 250ms, hashes);
    }
    const auto now = t0 + 60s;
    CHECK(*rate.rate(10.0, now, hashes) == Approx(400.0).epsilon(0.03));
    CHECK(*rate.rate(60.0, now, hashes) == Approx(250.0).epsilon(0.01));
}

TEST_CASE("a hash rate's ring keeps the newest samples once full", "[engine][hashrate]") {
    const auto t0 = Hashrate::Clock::time_point{} + 1h;
    Hashrate rate(t0);
    const int samples = int(Hashrate::kCapacity) * 3;
    for (int i = 1; i <= samples; ++i) rate.add(t0 + i * 250ms, std::uint64_t(i) * 50);  // 200 seals/s
    const auto now = t0 + samples * 250ms;
    CHECK(*rate.rate(10.0, now, std::uint64_t(samples) * 50) == Approx(200.0));
    CHECK(*rate.rate(60.0, now, std::uint64_t(samples) * 50) == Approx(200.0));
}
