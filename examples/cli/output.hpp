// What the CLI writes: JSON objects for stdout (one per line), human units for rates, counts and
// durations, the faucet call data, and error messages for stderr.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <btpow/types.hpp>

namespace btpow::cli {

// One JSON value on one line of stdout, flushed (a reader may be waiting for it).
void print_json_line(const nlohmann::ordered_json& value);
// Text on stdout, flushed.
void print_text(std::string_view text);
// "btpow: error: <message>" on stderr.
void print_error(std::string_view message);
// The error's message; prefixed with its field when the message does not name it already.
std::string describe(const Error& error);

// SPEC §4: 07 3c ‖ le64(block_number) ‖ le64(nonce) ‖ 80 ‖ work[32], as 0x… hex.
std::string faucet_call_hex(std::uint64_t block_number, std::uint64_t nonce, const Hash32& seal);

// The JSON line of a solution (big integers as decimal strings).
nlohmann::ordered_json solution_json(const Solution& solution);
// A readable block about a solution, ending with the verify command that checks it.
std::string solution_text(const Solution& solution);

// 12.3 MH/s
std::string human_rate(double seals_per_second);
// 1.23 G
std::string human_count(double count);
// 850 ms, 12.3 s, 4m05s, 3h12m, 5.2 d, 1.3e+04 y
std::string human_duration(double seconds);

}  // namespace btpow::cli
