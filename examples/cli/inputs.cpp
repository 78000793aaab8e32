// Parsing of the CLI's own flag values; every failure is a btpow::Error naming the flag.
#include "inputs.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include <btpow/types.hpp>

namespace btpow::cli {

namespace {

[[noreturn]] void refuse(std::string_view field, std::string_view expected, std::string_view text) {
    throw Error(ErrorCode::bad_option, std::string(field),
                std::string(field) + ": expected " + std::string(expected) + ", got \"" + std::string(text) + "\"");
}

}  // namespace

std::uint64_t parse_positive_count(std::string_view text, std::string_view field) {
    const std::uint64_t value = parse_u64(text, field);
    if (value == 0) refuse(field, "a positive integer", text);
    return value;
}

unsigned parse_thread_count(std::string_view text, std::string_view field) {
    constexpr std::uint64_t kMaxThreads = 4096;
    const std::uint64_t value = parse_u64(text, field);
    if (value == 0 || value > kMaxThreads) refuse(field, "a thread count from 1 to 4096", text);
    return static_cast<unsigned>(value);
}

unsigned parse_batch_ms(std::string_view text, std::string_view field) {
    constexpr std::uint64_t kMaxMs = 1000;
    const std::uint64_t value = parse_u64(text, field);
    if (value == 0 || value > kMaxMs) refuse(field, "milliseconds from 1 to 1000", text);
    return static_cast<unsigned>(value);
}

double parse_seconds(std::string_view text, std::string_view field) {
    constexpr double kMaxSeconds = 100.0 * 365 * 24 * 3600;
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
        value <= 0 || value > kMaxSeconds)
        refuse(field, "a positive number of seconds (e.g. 30 or 0.5)", text);
    return value;
}

std::vector<int> parse_device_list(std::string_view text, std::string_view field) {
    constexpr std::uint64_t kMaxOrdinal = 1023;
    std::vector<int> ordinals;
    std::size_t begin = 0;
    while (true) {
        const std::size_t comma = text.find(',', begin);
        const std::string_view item = text.substr(begin, comma == std::string_view::npos ? text.npos : comma - begin);
        if (item.empty()) refuse(field, "comma-separated CUDA device ordinals like 0,1", text);
        const std::uint64_t ordinal = parse_u64(item, field);
        if (ordinal > kMaxOrdinal) refuse(field, "CUDA device ordinals from 0 to 1023", text);
        if (std::find(ordinals.begin(), ordinals.end(), static_cast<int>(ordinal)) != ordinals.end())
            refuse(field, "each device ordinal once", text);
        ordinals.push_back(static_cast<int>(ordinal));
        if (comma == std::string_view::npos) break;
        begin = comma + 1;
    }
    return ordinals;
}

}  // namespace btpow::cli
