// The job feed of `solve --jobs -`: JSON lines, each a new job that replaces the current one at
// once. A reader thread submits lines as they arrive, so a slow or idle input never holds up the
// solutions; the calling thread prints solutions tagged with their own block.
//
// The feed is a protocol and is checked as one: a line is a flat JSON object of the known keys
// (below), each at most once; keys starting with "x-" are ignored (room for a client's own
// fields); anything else is refused with the key named. A refused line is reported (stderr, and
// {"error":…,"line":N} on stdout under --json) and the feed goes on with the current job, unless
// strict, where it ends the run (exit 2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <btpow/solver.hpp>
#include <btpow/types.hpp>

#include "solving.hpp"
#include "status.hpp"

namespace btpow::cli {

// A line longer than this is refused without being kept in memory.
inline constexpr std::size_t kMaxJobLineBytes = 64 * 1024;

struct FeedJob {
    Job job;
    std::uint64_t count = 1;  // solutions wanted before the solver pauses
};

// One line: {"block_number":N, "block_hash":"0x…", "account":"SS58 or hex", "difficulty":"D" or D,
// "rule":"le"?, "count":K?, "x-…": anything?} for the old seal, or (SPEC §10) {"seal":"v1",
// "block_number":N, "block_hash":"0x…", "netuid":N, "hotkey":"…", "coldkey":"…", "difficulty":…,
// "rule":"le"?, "count":K?} for v1; "seal":"old" is the default. Numbers may also be decimal strings, and a
// difficulty too large for a JSON integer is read from its digits. Errors are Error(bad_job or the
// parser's code) naming "--jobs line <n>" and the key; they quote at most a short excerpt.
FeedJob parse_job_line(std::string_view line, std::size_t line_number, Rule default_rule, std::uint64_t default_count);

struct FeedSettings {
    std::string source;  // "-": standard input, else a file
    Rule default_rule = Rule::le;
    bool strict = false;  // a refused line ends the run
    bool quiet = false;   // no summary at the end
};

// Reads the feed until its end; after each job's count of solutions (or its timeout) pauses until
// the next line. At the end of input finishes the current job and returns exit_ok if any solution
// was printed, exit_bad_input if lines were refused and no job was read, else exit_not_found. A
// stop signal returns exit_code_for_signal; output or input that fails throws IoError.
int solve_job_feed(Solver& solver, const FeedSettings& feed, const RunSettings& settings, StatusLine& status);

}  // namespace btpow::cli
