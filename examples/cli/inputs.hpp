// Parsing of the CLI's own flag values (counts, seconds, device lists, thread counts). Hashes,
// accounts, difficulties, nonces and rules go straight to the library's parsers with the flag as
// their field, so every message names the flag.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace btpow::cli {

// A decimal integer >= 1 (a count of nonces or of solutions).
std::uint64_t parse_positive_count(std::string_view text, std::string_view field);

// A thread count, 1 .. 4096.
unsigned parse_thread_count(std::string_view text, std::string_view field);

// Milliseconds of GPU time per CUDA batch, 1 .. 1000.
unsigned parse_batch_ms(std::string_view text, std::string_view field);

// A finite number of seconds > 0 (decimals allowed), at most about 100 years.
double parse_seconds(std::string_view text, std::string_view field);

// Comma-separated CUDA ordinals ("0,1"); no duplicates, not empty.
std::vector<int> parse_device_list(std::string_view text, std::string_view field);

}  // namespace btpow::cli
