// Time in tests: wait for a condition instead of sleeping a fixed time, and scale the time limits
// that depend on hashing speed for instrumented builds (AddressSanitizer or ThreadSanitizer hash
// 20 to 50 times slower, so a step that takes a millisecond in a release build can take 100).
#pragma once

#include <chrono>
#include <thread>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BTPOW_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define BTPOW_TEST_SANITIZED 1
#endif
#endif

namespace btpow::test {

// How many times longer a speed-bound step may take in this build.
#if defined(BTPOW_TEST_SANITIZED)
inline constexpr int kSlowdown = 10;
#else
inline constexpr int kSlowdown = 1;
#endif

// Polls condition() every 10 ms until it holds or `limit` has passed; returns its last value.
// The default limit is far beyond what any condition needs, so that only a real fault reaches it.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return condition();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace btpow::test
