// Rates from the ring of counter samples (lib/hashrate.hpp).
#include "lib/hashrate.hpp"

namespace btpow::detail {

Hashrate::Hashrate(Clock::time_point started) : start_{started, 0} {}

void Hashrate::add(Clock::time_point at, std::uint64_t hashes) {
    std::lock_guard lock(mutex_);
    const Sample sample{at, hashes};
    if (size_ < kCapacity) {
        ring_[(oldest_ + size_++) % kCapacity] = sample;
    } else {
        ring_[oldest_] = sample;
        oldest_ = (oldest_ + 1) % kCapacity;
    }
}

std::optional<double> Hashrate::rate(double window_seconds, Clock::time_point now, std::uint64_t hashes_now) const {
    const auto age = [now](const Sample& s) { return std::chrono::duration<double>(now - s.at).count(); };
    Sample from = start_;
    {
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i < size_; ++i) {
            const Sample& s = ring_[(oldest_ + i) % kCapacity];
            if (age(s) <= window_seconds) break;
            from = s;
        }
    }
    const double seconds = age(from);
    if (seconds <= 0) return std::nullopt;
    return double(hashes_now - from.hashes) / seconds;
}

}  // namespace btpow::detail
