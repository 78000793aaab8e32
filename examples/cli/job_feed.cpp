// The job feed of `solve --jobs -`: parsing its lines, the reader thread that submits them, and
// the loop that prints solutions and pauses the solver between jobs.
#include "job_feed.hpp"

#include <algorithm>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "exit_codes.hpp"
#include "inputs.hpp"
#include "output.hpp"

namespace btpow::cli {

namespace {

using Clock = std::chrono::steady_clock;

// A scalar of the line as text for the library's parsers: strings as they are, integers in
// decimal (negative ones too, so that the parser names the sign); anything else is refused here.
std::string scalar_text(const nlohmann::json& value, const std::string& field, bool numbers_allowed) {
    if (value.is_string()) return value.get<std::string>();
    if (numbers_allowed && value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
    if (numbers_allowed && value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
    throw Error(ErrorCode::bad_job, field,
                fmt::format("{}: expected {}, got {}", field, numbers_allowed ? "an integer or a string" : "a string",
                            value.dump()));
}

// Shared by the reader thread and the printing loop. The reader may outlive the loop (blocked on
// an input that never ends when the loop fails), so it holds this by shared_ptr and touches the
// solver only while `solver` is set.
struct FeedState {
    struct Progress {
        Job job;
        std::uint64_t wanted = 1;
        std::uint64_t printed = 0;
        Clock::time_point submitted;
    };

    std::mutex mutex;
    Solver* solver = nullptr;
    std::map<std::uint64_t, Progress> jobs;  // by job id
    std::uint64_t current = 0;
    bool current_open = false;  // the current job is being hashed (not paused)
    bool end_of_input = false;
    std::exception_ptr failure;
};

void read_feed(const std::shared_ptr<FeedState>& state, const std::string& source, Rule default_rule,
               std::uint64_t default_count) {
    try {
        std::ifstream file;
        std::istream* input = &std::cin;
        if (source != "-") {
            file.open(source);
            if (!file) throw Error(ErrorCode::bad_option, "--jobs", fmt::format("--jobs: cannot open {}", source));
            input = &file;
        }
        std::string line;
        std::size_t line_number = 0;
        while (std::getline(*input, line)) {
            ++line_number;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            const FeedJob feed = parse_job_line(line, line_number, default_rule, default_count);
            std::lock_guard lock(state->mutex);
            if (state->solver == nullptr) break;
            const std::uint64_t id = state->solver->submit(feed.job);
            state->jobs[id] = FeedState::Progress{feed.job, feed.count, 0, Clock::now()};
            state->current = id;
            state->current_open = true;
        }
        if (input->bad()) throw Error(ErrorCode::bad_option, "--jobs", "--jobs: reading the job feed failed");
    } catch (...) {
        std::lock_guard lock(state->mutex);
        state->failure = std::current_exception();
    }
    std::lock_guard lock(state->mutex);
    state->end_of_input = true;
}

}  // namespace

FeedJob parse_job_line(std::string_view line, std::size_t line_number, Rule default_rule, std::uint64_t default_count) {
    const std::string where = fmt::format("--jobs line {}", line_number);
    nlohmann::json object;
    try {
        object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& error) {
        throw Error(ErrorCode::bad_job, where,
                    fmt::format("{}: not valid JSON (syntax error at byte {})", where, error.byte));
    }
    if (!object.is_object())
        throw Error(ErrorCode::bad_job, where, fmt::format("{}: expected a JSON object, got {}", where, object.dump()));

    const auto field_of = [&](std::string_view key) { return fmt::format("{}, {}", where, key); };
    const auto required = [&](const char* key) -> const nlohmann::json& {
        const auto found = object.find(key);
        if (found == object.end())
            throw Error(ErrorCode::bad_job, field_of(key),
                        fmt::format("{}: missing (a job needs block_number, block_hash, account and difficulty)",
                                    field_of(key)));
        return *found;
    };

    FeedJob feed;
    std::string field = field_of("block_number");
    feed.job.block_number = parse_u64(scalar_text(required("block_number"), field, true), field);
    field = field_of("block_hash");
    feed.job.block_hash = Hash32::parse(scalar_text(required("block_hash"), field, false), field);
    field = field_of("account");
    feed.job.account = Account::parse(scalar_text(required("account"), field, false), field);
    field = field_of("difficulty");
    feed.job.difficulty = Difficulty::parse(scalar_text(required("difficulty"), field, true), field);
    feed.job.rule = default_rule;
    if (const auto rule = object.find("rule"); rule != object.end()) {
        field = field_of("rule");
        feed.job.rule = parse_rule(scalar_text(*rule, field, false), field);
    }
    feed.count = default_count;
    if (const auto count = object.find("count"); count != object.end()) {
        field = field_of("count");
        feed.count = parse_positive_count(scalar_text(*count, field, true), field);
    }
    return feed;
}

int solve_job_feed(Solver& solver, const std::string& source, Rule default_rule, const RunSettings& settings,
                   StatusLine& status) {
    auto state = std::make_shared<FeedState>();
    state->solver = &solver;
    std::thread reader(read_feed, state, source, default_rule, settings.count);

    // Joins the reader when it is done; otherwise (an error while the input is still open) leaves
    // it blocked on its input, cut off from the solver, to die with the process.
    const auto release_reader = [&] {
        bool reader_done = false;
        {
            std::lock_guard lock(state->mutex);
            state->solver = nullptr;
            reader_done = state->end_of_input || state->failure;
        }
        if (reader_done)
            reader.join();
        else
            reader.detach();
    };

    bool printed_any = false;
    try {
        while (true) {
            {
                std::lock_guard lock(state->mutex);
                if (state->failure) break;
            }
            const auto wait = std::clamp(status.until_due(), std::chrono::milliseconds(1), kPollInterval);
            if (const auto solution = solver.wait_for(wait)) {
                std::lock_guard lock(state->mutex);
                const auto progress = state->jobs.find(solution->job_id);
                if (progress == state->jobs.end() || progress->second.printed >= progress->second.wanted) continue;
                ++progress->second.printed;
                printed_any = true;
                emit_solution(*solution, settings.json, status);
                if (progress->second.printed == progress->second.wanted && solution->job_id == state->current &&
                    state->current_open) {
                    solver.pause();
                    state->current_open = false;
                }
                continue;
            }

            std::optional<Difficulty> active_difficulty;
            {
                std::lock_guard lock(state->mutex);
                if (state->current_open && settings.timeout) {
                    const FeedState::Progress& progress = state->jobs.at(state->current);
                    if (Clock::now() - progress.submitted >= *settings.timeout) {
                        solver.pause();
                        state->current_open = false;
                        status.finish();
                        status.note(fmt::format("block {}: no solution within {}", progress.job.block_number,
                                                human_duration(settings.timeout->count())));
                    }
                }
                if (state->end_of_input && !state->current_open) break;
                if (state->current_open) active_difficulty = state->jobs.at(state->current).job.difficulty;
            }
            if (active_difficulty) {
                const Stats stats = solver.stats();
                throw_if_every_device_failed(stats);
                status.update(stats, *active_difficulty);
            }
        }
    } catch (...) {
        release_reader();
        status.finish();
        throw;
    }
    release_reader();
    status.finish();
    if (state->failure) std::rethrow_exception(state->failure);
    return printed_any ? exit_ok : exit_not_found;
}

}  // namespace btpow::cli
