// What the CLI writes: JSON objects for stdout (one per line), human units for rates, counts and
// durations, the faucet call data, and error messages for stderr.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <btpow/types.hpp>

namespace btpow::cli {

// Standard output could not be written (a full disk, a closed stdout, a reader that went away) or
// the job feed could not be read: main maps it to exit_io_failure.
class IoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One JSON value on one line of stdout, flushed (a reader may be waiting for it).
void print_json_line(const nlohmann::ordered_json& value);
// Text on stdout, flushed; written whole or not at all from the reader's point of view (one
// write per call). Throws IoError when it could not be written.
void print_text(std::string_view text);
// Flushes and closes stdout; throws IoError when what was written earlier could not be delivered.
void close_stdout();
// True when nobody can read stdout any more (a pipe whose reader closed it, a closed descriptor):
// checked while solving, so that the work stops before a solution is lost.
bool stdout_lost();
// "btpow: error: <message>" on stderr.
void print_error(std::string_view message);

// The error's message; prefixed with its field when the message does not name it already.
std::string describe(const Error& error);

// docs/protocol.md §4: 07 3c ‖ le64(block_number) ‖ le64(nonce) ‖ 80 ‖ work[32], as 0x… hex.
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
