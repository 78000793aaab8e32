// The job feed of `solve --jobs -`: reading and checking its lines, the reader thread that
// submits them, and the loop that prints solutions and pauses the solver between jobs.
#include "job_feed.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "exit_codes.hpp"
#include "inputs.hpp"
#include "output.hpp"
#include "signals.hpp"

namespace btpow::cli {

namespace {

using Clock = std::chrono::steady_clock;

// How much of a line or a key a message quotes.
constexpr std::size_t kExcerptCharacters = 40;

constexpr std::string_view kKnownKeys[] = {"block_number", "block_hash", "account", "difficulty", "rule",
                                           "count",        "seal",       "netuid",  "hotkey",     "coldkey"};
constexpr std::string_view kIgnoredKeyPrefix = "x-";

// A top-level value of a job line, as the text the library's parsers read.
struct LineValue {
    enum class Kind { string, integer, number, other } kind = Kind::other;
    std::string text;  // the string, or the number's digits as written
};

// Reads a job line as a flat object without building a tree: nesting, duplicate keys and
// non-object lines are refused at the first token that shows them, so no line can exhaust the
// stack or the memory.
class JobLineReader final : public nlohmann::json_sax<nlohmann::json> {
public:
    std::vector<std::pair<std::string, LineValue>> values;
    std::string refusal;  // why the line was refused; empty while it is fine

    bool null() override { return value({LineValue::Kind::other, "null"}); }
    bool boolean(bool v) override { return value({LineValue::Kind::other, v ? "true" : "false"}); }
    bool number_integer(number_integer_t v) override { return value({LineValue::Kind::integer, std::to_string(v)}); }
    bool number_unsigned(number_unsigned_t v) override { return value({LineValue::Kind::integer, std::to_string(v)}); }
    bool number_float(number_float_t, const string_t& lexeme) override {
        // Integers beyond 64 bits land here too; their digits go to the parser, which names the range.
        return value({LineValue::Kind::number, lexeme});
    }
    bool string(string_t& v) override { return value({LineValue::Kind::string, std::move(v)}); }
    bool binary(binary_t&) override { return refuse("binary values are not JSON"); }
    bool start_object(std::size_t) override { return open("an object"); }
    bool end_object() override {
        --depth_;
        return true;
    }
    bool start_array(std::size_t) override {
        if (depth_ == 0) return refuse("expected a JSON object {…}, got an array");
        return open("an array");
    }
    bool end_array() override {
        --depth_;
        return true;
    }
    bool key(string_t& name) override {
        if (depth_ > 1) return true;  // inside an ignored x- value
        if (std::find(keys_.begin(), keys_.end(), name) != keys_.end())
            return refuse(fmt::format("{}: duplicate key (each key at most once)", quote(name)));
        keys_.push_back(name);
        key_ = std::move(name);
        return true;
    }
    bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& error) override {
        // byte is 1-based and counts bytes; the message counts characters.
        error_byte_ = byte == 0 ? 0 : byte - 1;
        number_overflow_ = error.id == kNumberOverflow;
        return false;
    }

    std::optional<std::size_t> error_byte() const { return error_byte_; }
    bool number_overflow() const { return number_overflow_; }

private:
    // The value of an x- key may be anything; any other value is a scalar.
    bool extension() const { return std::string_view(key_).starts_with(kIgnoredKeyPrefix); }
    bool open(std::string_view what) {
        if (depth_ == 1 && !extension())
            return refuse(fmt::format("{}: expected a string or a number, got {}", key_name(), what));
        ++depth_;
        return true;
    }
    bool value(LineValue v) {
        if (depth_ == 0) return refuse(fmt::format("expected a JSON object {{…}}, got {}", quote(v.text)));
        if (depth_ == 1 && !extension()) values.emplace_back(key_, std::move(v));
        return true;
    }
    bool refuse(std::string why) {
        refusal = std::move(why);
        return false;
    }
    std::string key_name() const { return printable(key_, kExcerptCharacters); }
    static std::string quote(std::string_view text) {
        return fmt::format("\"{}\"", printable(text, kExcerptCharacters));
    }

    static constexpr int kNumberOverflow = 406;  // nlohmann::json's out_of_range.406

    int depth_ = 0;
    std::vector<std::string> keys_;  // at the top level, in order
    std::string key_;
    std::optional<std::size_t> error_byte_;
    bool number_overflow_ = false;
};

std::size_t characters_before(std::string_view text, std::size_t byte) {
    std::size_t characters = 0;
    for (std::size_t i = 0; i < std::min(byte, text.size()); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) ++characters;
    return characters;
}

// Lines of at most kMaxJobLineBytes from a file descriptor; a longer line is skipped whole and
// reported as such. A read error is an IoError, never an end of input.
class LineReader {
public:
    enum class Result { line, too_long, end };

    LineReader(int descriptor, std::string name) : descriptor_(descriptor), name_(std::move(name)) {}

    Result next(std::string& line) {
        line.clear();
        bool too_long = false, any = false;
        while (true) {
            if (begin_ == end_ && !fill()) {
                if (!any) return Result::end;
                return too_long ? Result::too_long : Result::line;  // a last line without '\n'
            }
            any = true;
            const char* start = buffer_.data() + begin_;
            const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
            const std::size_t taken = newline ? static_cast<std::size_t>(newline - start) : end_ - begin_;
            if (!too_long && line.size() + taken <= kMaxJobLineBytes) {
                line.append(start, taken);
            } else {
                too_long = true;
                line.clear();
            }
            begin_ += taken;
            if (newline) {
                ++begin_;
                return too_long ? Result::too_long : Result::line;
            }
        }
    }

private:
    bool fill() {
        while (true) {
            const ssize_t n = ::read(descriptor_, buffer_.data(), buffer_.size());
            if (n > 0) {
                begin_ = 0;
                end_ = static_cast<std::size_t>(n);
                return true;
            }
            if (n == 0) return false;
            if (errno == EINTR) continue;
            throw IoError(fmt::format("--jobs: reading {} failed: {}", name_, std::strerror(errno)));
        }
    }

    int descriptor_;
    std::string name_;
    std::vector<char> buffer_ = std::vector<char>(64 * 1024);
    std::size_t begin_ = 0, end_ = 0;
};

std::string scalar_text(const LineValue& value, const std::string& field, bool numbers_allowed) {
    if (value.kind == LineValue::Kind::string) return value.text;
    if (numbers_allowed && value.kind != LineValue::Kind::other) return value.text;
    throw Error(ErrorCode::bad_job, field,
                fmt::format("{}: expected {}, got {}", field, numbers_allowed ? "an integer or a string" : "a string",
                            printable(value.text, kExcerptCharacters)));
}

// Shared by the reader thread and the printing loop. The reader may outlive the loop (blocked on
// an input that never ends when the loop stops), so it holds this by shared_ptr and touches the
// solver and the status line only while `solver` is set.
struct FeedState {
    struct Progress {
        Job job;
        std::uint64_t wanted = 1;
        std::uint64_t printed = 0;
        Clock::time_point submitted;
    };

    std::mutex mutex;
    Solver* solver = nullptr;
    StatusLine* status = nullptr;
    std::map<std::uint64_t, Progress> jobs;  // by job id
    std::uint64_t current = 0;
    bool current_open = false;  // the current job is being hashed (not paused)
    bool end_of_input = false;
    std::uint64_t refused_lines = 0;
    std::exception_ptr failure;
};

// Reports a refused line: stderr, and an error object on stdout under --json, so that a client
// reading stdout alone learns that its job was not taken.
void report_refused_line(FeedState& state, const Error& error, std::size_t line_number, bool json) {
    ++state.refused_lines;
    const std::string message = printable(describe(error), 400);
    state.status->log(LogLevel::error, message + " (line refused; the current job goes on)");
    if (json) {
        const nlohmann::ordered_json object = {{"error", message}, {"line", line_number}};
        state.status->print_stdout(object.dump() + "\n");
    }
}

void read_feed(const std::shared_ptr<FeedState>& state, const FeedSettings& feed, std::uint64_t default_count,
               bool json) {
    int descriptor = STDIN_FILENO;
    try {
        if (feed.source != "-") {
            descriptor = ::open(feed.source.c_str(), O_RDONLY | O_CLOEXEC);
            if (descriptor < 0)
                throw Error(
                    ErrorCode::bad_option, "--jobs",
                    fmt::format("--jobs: cannot open {}: {}", printable(feed.source, 200), std::strerror(errno)));
        }
        LineReader reader(descriptor, feed.source == "-" ? "standard input" : printable(feed.source, 200));
        std::string line;
        std::size_t line_number = 0;
        while (true) {
            const LineReader::Result result = reader.next(line);
            if (result == LineReader::Result::end) break;
            ++line_number;
            std::optional<FeedJob> job;
            std::optional<Error> refusal;
            if (result == LineReader::Result::too_long) {
                refusal.emplace(
                    ErrorCode::bad_job, fmt::format("--jobs line {}", line_number),
                    fmt::format("--jobs line {}: longer than {} KiB", line_number, kMaxJobLineBytes / 1024));
            } else if (line.find_first_not_of(" \t\r") == std::string::npos) {
                continue;
            } else {
                try {
                    job = parse_job_line(line, line_number, feed.default_rule, default_count);
                } catch (const Error& error) {
                    refusal = error;
                }
            }
            std::lock_guard lock(state->mutex);
            if (state->solver == nullptr) break;
            if (refusal) {
                if (feed.strict) throw *refusal;
                report_refused_line(*state, *refusal, line_number, json);
                continue;
            }
            const std::uint64_t id = state->solver->submit(job->job);
            state->jobs[id] = FeedState::Progress{job->job, job->count, 0, Clock::now()};
            state->current = id;
            state->current_open = true;
        }
    } catch (...) {
        std::lock_guard lock(state->mutex);
        state->failure = std::current_exception();
    }
    if (descriptor != STDIN_FILENO && descriptor >= 0) ::close(descriptor);
    std::lock_guard lock(state->mutex);
    state->end_of_input = true;
}

}  // namespace

FeedJob parse_job_line(std::string_view line, std::size_t line_number, Rule default_rule, std::uint64_t default_count) {
    const std::string where = fmt::format("--jobs line {}", line_number);
    JobLineReader reader;
    nlohmann::json::sax_parse(line, &reader, nlohmann::json::input_format_t::json, true);
    if (!reader.refusal.empty()) throw Error(ErrorCode::bad_job, where, fmt::format("{}: {}", where, reader.refusal));
    if (const auto byte = reader.error_byte()) {
        const std::size_t from = *byte > 10 ? *byte - 10 : 0;
        throw Error(
            ErrorCode::bad_job, where,
            fmt::format(
                "{}: {} (at character {}, near \"{}\")", where,
                reader.number_overflow() ? "a number too large to read (write it as a string)" : "not valid JSON",
                characters_before(line, *byte) + 1, printable(line.substr(from, 30), kExcerptCharacters)));
    }

    const auto field_of = [&](std::string_view key) { return fmt::format("{}, {}", where, key); };
    std::map<std::string_view, const LineValue*> known;
    for (const auto& [key, value] : reader.values) {
        if (key.starts_with(kIgnoredKeyPrefix)) continue;
        if (std::find(std::begin(kKnownKeys), std::end(kKnownKeys), key) == std::end(kKnownKeys))
            throw Error(ErrorCode::bad_job, where,
                        fmt::format("{}: unknown key \"{}\" (known: seal, block_number, block_hash, account, netuid, "
                                    "hotkey, coldkey, difficulty, rule, count; keys starting with x- are ignored)",
                                    where, printable(key, kExcerptCharacters)));
        known[key] = &value;
    }
    FeedJob feed;
    std::string field = field_of("seal");
    if (const auto seal = known.find("seal"); seal != known.end())
        feed.job.seal = parse_seal_kind(scalar_text(*seal->second, field, false), field);
    const bool v1 = feed.job.seal == SealKind::v1;
    // SPEC §10: a v1 job names its subnet, hotkey and coldkey instead of one account.
    const std::string_view needed =
        v1 ? "seal v1 needs block_number, block_hash, netuid, hotkey, coldkey and difficulty"
           : "a job needs block_number, block_hash, account and difficulty";
    const auto required = [&](std::string_view key) -> const LineValue& {
        const auto found = known.find(key);
        if (found == known.end())
            throw Error(ErrorCode::bad_job, field_of(key), fmt::format("{}: missing ({})", field_of(key), needed));
        return *found->second;
    };
    static constexpr std::string_view kOldSealKeys[] = {"account"};
    static constexpr std::string_view kV1Keys[] = {"netuid", "hotkey", "coldkey"};
    for (std::string_view key :
         v1 ? std::span<const std::string_view>(kOldSealKeys) : std::span<const std::string_view>(kV1Keys))
        if (known.contains(key))
            throw Error(ErrorCode::bad_job, field_of(key),
                        fmt::format("{}: not a key of {} ({})", field_of(key), v1 ? "a v1 job" : "an old-seal job",
                                    v1 ? needed : "the v1 keys netuid, hotkey and coldkey need \"seal\":\"v1\""));

    field = field_of("block_number");
    feed.job.block_number = parse_u64(scalar_text(required("block_number"), field, true), field);
    field = field_of("block_hash");
    feed.job.block_hash = Hash32::parse(scalar_text(required("block_hash"), field, false), field);
    if (v1) {
        field = field_of("netuid");
        feed.job.netuid = parse_netuid(scalar_text(required("netuid"), field, true), field);
        field = field_of("hotkey");
        feed.job.hotkey = Account::parse(scalar_text(required("hotkey"), field, false), field);
        field = field_of("coldkey");
        feed.job.coldkey = Account::parse(scalar_text(required("coldkey"), field, false), field);
    } else {
        field = field_of("account");
        feed.job.account = Account::parse(scalar_text(required("account"), field, false), field);
    }
    field = field_of("difficulty");
    feed.job.difficulty = Difficulty::parse(scalar_text(required("difficulty"), field, true), field);
    // The feed's --rule is the old seal's default; v1 is read little-endian only (SPEC §10).
    feed.job.rule = v1 ? Rule::le : default_rule;
    if (const auto rule = known.find("rule"); rule != known.end()) {
        field = field_of("rule");
        feed.job.rule = parse_rule(scalar_text(*rule->second, field, false), field);
        if (v1 && feed.job.rule != Rule::le)
            throw Error(ErrorCode::bad_rule, field,
                        fmt::format("{}: a v1 seal is read little-endian only: expected le (or no rule), got {}", field,
                                    to_string(feed.job.rule)));
    }
    feed.count = default_count;
    if (const auto count = known.find("count"); count != known.end()) {
        field = field_of("count");
        feed.count = parse_positive_count(scalar_text(*count->second, field, true), field);
    }
    return feed;
}

int solve_job_feed(Solver& solver, const FeedSettings& feed, const RunSettings& settings, StatusLine& status) {
    auto state = std::make_shared<FeedState>();
    state->solver = &solver;
    state->status = &status;
    std::thread reader(read_feed, state, feed, settings.count, settings.json);

    // Joins the reader when it is done; otherwise (a stop while the input is still open) leaves
    // it blocked on its input, cut off from the solver and the status line, to end with the process.
    bool released = false;
    const auto release_reader = [&] {
        if (released) return;
        released = true;
        bool reader_done = false;
        {
            std::lock_guard lock(state->mutex);
            state->solver = nullptr;
            state->status = nullptr;
            reader_done = state->end_of_input;
        }
        if (reader_done)
            reader.join();
        else
            reader.detach();
    };

    std::uint64_t printed = 0;
    // Prints a solution of a job that still wants one; the caller holds state->mutex.
    const auto deliver = [&](const Solution& solution) {
        const auto progress = state->jobs.find(solution.job_id);
        if (progress == state->jobs.end() || progress->second.printed >= progress->second.wanted) return;
        // The current job, once closed (its count reached or its time up), prints nothing more.
        if (solution.job_id == state->current && !state->current_open) return;
        ++progress->second.printed;
        ++printed;
        emit_solution(solution, settings.json, status);
        if (progress->second.printed == progress->second.wanted && solution.job_id == state->current &&
            state->current_open) {
            solver.pause();
            state->current_open = false;
        }
    };
    const auto summary = [&] {
        std::lock_guard lock(state->mutex);
        return run_summary(solver.stats(), state->jobs.size(), printed, state->refused_lines);
    };

    int code = exit_ok;
    try {
        int signal_number = 0;
        while (true) {
            {
                std::lock_guard lock(state->mutex);
                if (state->failure) break;
            }
            if ((signal_number = check_interruptions()) != 0) break;
            const auto wait = std::clamp(status.until_due(), std::chrono::milliseconds(1), kPollInterval);
            bool delivered = false;
            if (const auto solution = solver.wait_for(wait)) {
                std::lock_guard lock(state->mutex);
                deliver(*solution);
                delivered = true;
            }

            // The timeout is checked after every solution too: a job whose solutions keep coming
            // (a low difficulty, a large count) must still end on time.
            std::optional<Difficulty> active_difficulty;
            {
                std::lock_guard lock(state->mutex);
                if (state->current_open && settings.timeout) {
                    const FeedState::Progress& progress = state->jobs.at(state->current);
                    if (Clock::now() - progress.submitted >= *settings.timeout) {
                        solver.pause();
                        state->current_open = false;
                        status.finish();
                        status.notice(fmt::format("block {}: {} of {} solution(s) within {}; waiting for the next job",
                                                  progress.job.block_number, progress.printed, progress.wanted,
                                                  human_duration(settings.timeout->count())));
                    }
                }
                if (state->end_of_input && !state->current_open) break;
                if (state->current_open) active_difficulty = state->jobs.at(state->current).job.difficulty;
            }
            if (active_difficulty && (!delivered || status.until_due() == std::chrono::milliseconds(0))) {
                const Stats stats = solver.stats();
                throw_if_every_device_failed(stats);
                status.update(stats, *active_difficulty);
            }
        }

        if (signal_number != 0) {
            // Whatever the workers found before they stopped is still delivered.
            solver.stop();
            while (const auto solution = solver.wait_for(std::chrono::milliseconds(0))) {
                std::lock_guard lock(state->mutex);
                deliver(*solution);
            }
            release_reader();
            status.finish();
            status.notice(fmt::format("stopped by {}: {}", signal_name(signal_number), summary()));
            return exit_code_for_signal(signal_number);
        }
    } catch (...) {
        release_reader();
        status.finish();
        throw;
    }
    release_reader();
    status.finish();
    if (state->failure) std::rethrow_exception(state->failure);
    solver.stop();
    if (state->jobs.empty())
        status.notice(state->refused_lines > 0 ? "no job read: every line of the feed was refused"
                                               : "no job read: the feed ended before its first line");
    if (!feed.quiet) status.note(fmt::format("summary: {}", summary()));
    if (printed > 0)
        code = exit_ok;
    else if (state->jobs.empty() && state->refused_lines > 0)
        code = exit_bad_input;
    else
        code = exit_not_found;
    return code;
}

}  // namespace btpow::cli
