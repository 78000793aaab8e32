// The job feed of `solve --jobs -`: JSON lines, each a new job that replaces the current one at
// once. A reader thread submits lines as they arrive, so a slow or idle input never holds up the
// solutions; the calling thread prints solutions tagged with their own block.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <btpow/solver.hpp>
#include <btpow/types.hpp>

#include "solving.hpp"
#include "status.hpp"

namespace btpow::cli {

struct FeedJob {
    Job job;
    std::uint64_t count = 1;  // solutions wanted before the solver pauses
};

// One line: {"block_number":N, "block_hash":"0x…", "account":"SS58 or hex", "difficulty":"D" or D,
// "rule":"le"?, "count":K?}. Numbers may also be decimal strings; other keys are ignored.
// Errors are Error(bad_job or the parser's code) naming "--jobs line <n>, <key>".
FeedJob parse_job_line(std::string_view line, std::size_t line_number, Rule default_rule, std::uint64_t default_count);

// Reads `source` ("-": standard input, else a file) until its end; after each job's count of
// solutions (or its timeout) pauses until the next line. At the end of input finishes the
// current job and returns exit_ok if any solution was printed, else exit_not_found. A malformed
// line rethrows its Error at once.
int solve_job_feed(Solver& solver, const std::string& source, Rule default_rule, const RunSettings& settings,
                   StatusLine& status);

}  // namespace btpow::cli
