// Parsing of the CLI's own flag values; every failure is a btpow::Error naming the flag.
#include "inputs.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include <btpow/types.hpp>

#include "output.hpp"

namespace btpow::cli {

namespace {

[[noreturn]] void refuse(std::string_view field, std::string_view expected, std::string_view text,
                         ErrorCode code = ErrorCode::bad_option) {
    throw Error(code, std::string(field),
                std::string(field) + ": expected " + std::string(expected) + ", got \"" + printable(text, 40) + "\"");
}

// A decimal u64 whose refusal states the flag's own range rather than the u64's.
std::uint64_t parse_in_range(std::string_view text, std::string_view field, std::string_view expected) {
    try {
        return parse_u64(text, field);
    } catch (const Error& error) {
        refuse(field, expected, text, error.code());
    }
}

}  // namespace

std::uint64_t parse_positive_count(std::string_view text, std::string_view field) {
    constexpr std::string_view kRange = "an integer from 1 to 18446744073709551615 (2^64-1)";
    const std::uint64_t value = parse_in_range(text, field, kRange);
    if (value == 0) refuse(field, kRange, text);
    return value;
}

unsigned parse_thread_count(std::string_view text, std::string_view field) {
    constexpr std::uint64_t kMaxThreads = 4096;
    constexpr std::string_view kRange = "a thread count from 1 to 4096";
    const std::uint64_t value = parse_in_range(text, field, kRange);
    if (value == 0 || value > kMaxThreads) refuse(field, kRange, text);
    return static_cast<unsigned>(value);
}

unsigned parse_batch_ms(std::string_view text, std::string_view field) {
    constexpr std::uint64_t kMaxMs = 1000;
    constexpr std::string_view kRange = "milliseconds from 1 to 1000";
    const std::uint64_t value = parse_in_range(text, field, kRange);
    if (value == 0 || value > kMaxMs) refuse(field, kRange, text);
    return static_cast<unsigned>(value);
}

double parse_seconds(std::string_view text, std::string_view field) {
    constexpr double kMaxSeconds = 3155760000.0;  // 100 years of 365.25 days
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
        value <= 0 || value > kMaxSeconds)
        refuse(field, "a number of seconds greater than 0 and at most 3155760000 (100 years), e.g. 30 or 0.5", text);
    return value;
}

std::vector<int> parse_device_list(std::string_view text, std::string_view field) {
    constexpr std::uint64_t kMaxOrdinal = 1023;
    std::vector<int> ordinals;
    std::size_t begin = 0;
    while (true) {
        const std::size_t comma = text.find(',', begin);
        const std::string_view item = text.substr(begin, comma == std::string_view::npos ? text.npos : comma - begin);
        constexpr std::string_view kForm = "comma-separated CUDA device ordinals from 0 to 1023, like 0,1";
        if (item.empty()) refuse(field, kForm, text);
        const std::uint64_t ordinal = parse_in_range(item, field, kForm);
        if (ordinal > kMaxOrdinal) refuse(field, kForm, text);
        if (std::find(ordinals.begin(), ordinals.end(), static_cast<int>(ordinal)) != ordinals.end())
            refuse(field, "each device ordinal once", text);
        ordinals.push_back(static_cast<int>(ordinal));
        if (comma == std::string_view::npos) break;
        begin = comma + 1;
    }
    return ordinals;
}

}  // namespace btpow::cli
