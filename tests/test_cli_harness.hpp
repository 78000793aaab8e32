// The harness of the CLI tests: the btpow binary as a child process (stdin, stdout and stderr on
// pipes, or stdout on a file or closed), and helpers shared by the test_cli*.cpp files.
#pragma once

#include <btpow/btpow.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

// Internal linkage: each test file has its own copy.
namespace btpow_cli_test {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr const char* kZeroBlock = "0x0000000000000000000000000000000000000000000000000000000000000000";
constexpr const char* kAlice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
constexpr const char* kAliceHex = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";

struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Where the child's stdout goes: a pipe read by the test, a file (/dev/full), or nowhere (closed).
struct StdoutTarget {
    enum class Kind { pipe, file, closed } kind = Kind::pipe;
    std::string path;
};

// The CLI as a child process with its three standard streams on pipes. Reading polls both output
// pipes so that a chatty stderr never blocks the child.
//
// The child starts with the stop signals (SIGINT, SIGTERM, SIGHUP) at their defaults, as from a
// terminal, however the tests were started: nohup or a background job leave SIGHUP or SIGINT
// ignored, and btpow keeps ignoring a signal that it was started with ignored. Those named in
// ignored_stop_signals are handed on ignored instead.
class CliProcess {
public:
    explicit CliProcess(const std::vector<std::string>& args, const StdoutTarget& target = {},
                        const std::vector<int>& ignored_stop_signals = {}) {
        std::signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the test
        int in[2], out[2], err[2];
        REQUIRE(pipe2(in, O_CLOEXEC) == 0);
        REQUIRE(pipe2(out, O_CLOEXEC) == 0);
        REQUIRE(pipe2(err, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
        if (target.kind == StdoutTarget::Kind::pipe)
            posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        else if (target.kind == StdoutTarget::Kind::file)
            posix_spawn_file_actions_addopen(&actions, 1, target.path.c_str(), O_WRONLY, 0);
        else
            posix_spawn_file_actions_addclose(&actions, 1);
        posix_spawn_file_actions_adddup2(&actions, err[1], 2);
        std::vector<std::string> argv_storage{BTPOW_CLI_PATH};
        argv_storage.insert(argv_storage.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (std::string& arg : argv_storage) argv.push_back(arg.data());
        argv.push_back(nullptr);
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t to_default;
        sigemptyset(&to_default);
        std::vector<std::pair<int, struct sigaction>> restore;
        for (const int stop_signal : {SIGINT, SIGTERM, SIGHUP}) {
            if (std::find(ignored_stop_signals.begin(), ignored_stop_signals.end(), stop_signal) ==
                ignored_stop_signals.end()) {
                sigaddset(&to_default, stop_signal);
                continue;
            }
            struct sigaction ignore {};
            ignore.sa_handler = SIG_IGN;
            struct sigaction previous {};
            sigaction(stop_signal, &ignore, &previous);  // inherited through the spawn
            restore.emplace_back(stop_signal, previous);
        }
        posix_spawnattr_setsigdefault(&attributes, &to_default);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
        const int spawned = posix_spawn(&pid_, BTPOW_CLI_PATH, &actions, &attributes, argv.data(), environ);
        for (const auto& [stop_signal, previous] : restore) sigaction(stop_signal, &previous, nullptr);
        posix_spawnattr_destroy(&attributes);
        posix_spawn_file_actions_destroy(&actions);
        close(in[0]);
        close(out[1]);
        close(err[1]);
        stdin_ = in[1];
        stdout_ = out[0];
        stderr_ = err[0];
        if (target.kind != StdoutTarget::Kind::pipe) close_stdout_reader();
        REQUIRE(spawned == 0);
    }

    // Sends a signal to the child.
    void signal(int signal_number) { ::kill(pid_, signal_number); }

    // Stops reading the child's stdout: its next write meets a broken pipe.
    void close_stdout_reader() {
        if (stdout_ >= 0) close(stdout_);
        stdout_ = -1;
    }

    // Waits up to timeout for stderr to contain text.
    bool wait_for_stderr(const std::string& text, std::chrono::duration<double> timeout) {
        return wait_for_text(err_, text, timeout);
    }

    // Waits up to timeout for stdout to contain text (a line need not be complete).
    bool wait_for_stdout(const std::string& text, std::chrono::duration<double> timeout) {
        return wait_for_text(out_, text, timeout);
    }

    // Waits up to timeout until the child runs at least `threads` threads (Linux: its entries in
    // /proc/PID/task). A solve has armed its stop signals before its solver starts a thread, so
    // more threads than start-up makes (main, the signal waiter, a sanitizer's own) mean a
    // signal from now on is taken as a clean stop.
    bool wait_for_threads(std::size_t threads, std::chrono::duration<double> timeout) {
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
        const std::filesystem::path tasks = "/proc/" + std::to_string(pid_) + "/task";
        while (true) {
            std::error_code error;
            std::size_t running = 0;
            for (std::filesystem::directory_iterator it(tasks, error), end; !error && it != end; it.increment(error))
                ++running;
            if (!error && running >= threads) return true;
            if (Clock::now() >= deadline) return false;
            pump(std::min(deadline, Clock::now() + std::chrono::milliseconds(10)));
        }
    }

    const std::string& stderr_so_far() const { return err_; }

    ~CliProcess() {
        close_stdin();
        if (pid_ > 0 && !reaped_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (stdout_ >= 0) close(stdout_);
        if (stderr_ >= 0) close(stderr_);
    }

    void write(const std::string& text) {
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(stdin_, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;  // the child closed its input (it exited); the exit code tells why
            done += static_cast<std::size_t>(n);
        }
    }

    void close_stdin() {
        if (stdin_ >= 0) close(stdin_);
        stdin_ = -1;
    }

    // The next complete stdout line (without '\n'), or nothing at end of output or after timeout.
    std::optional<std::string> read_line(std::chrono::duration<double> timeout) {
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
        while (true) {
            const std::size_t newline = out_.find('\n', line_start_);
            if (newline != std::string::npos) {
                std::string line = out_.substr(line_start_, newline - line_start_);
                line_start_ = newline + 1;
                return line;
            }
            if (stdout_ < 0 || Clock::now() >= deadline) return std::nullopt;
            pump(deadline);
        }
    }

    // Waits for the exit (killing the child after timeout) and returns everything it wrote.
    CliResult finish(std::chrono::duration<double> timeout) {
        close_stdin();
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
        while ((stdout_ >= 0 || stderr_ >= 0) && Clock::now() < deadline) pump(deadline);
        CliResult result;
        if (stdout_ >= 0 || stderr_ >= 0) {
            kill(pid_, SIGKILL);
            FAIL_CHECK("btpow did not finish in time; stderr so far: " << err_);
        }
        int status = 0;
        waitpid(pid_, &status, 0);
        reaped_ = true;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        result.out = out_;
        result.err = err_;
        return result;
    }

private:
    bool wait_for_text(const std::string& sink, const std::string& text, std::chrono::duration<double> timeout) {
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
        while (sink.find(text) == std::string::npos) {
            if ((stdout_ < 0 && stderr_ < 0) || Clock::now() >= deadline) return false;
            pump(std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
        }
        return true;
    }

    void pump(Clock::time_point deadline) {
        pollfd fds[2];
        nfds_t count = 0;
        int* owners[2];
        std::string* sinks[2];
        if (stdout_ >= 0) {
            fds[count] = {stdout_, POLLIN, 0};
            owners[count] = &stdout_;
            sinks[count++] = &out_;
        }
        if (stderr_ >= 0) {
            fds[count] = {stderr_, POLLIN, 0};
            owners[count] = &stderr_;
            sinks[count++] = &err_;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (poll(fds, count, static_cast<int>(std::max<long long>(1, left))) <= 0) return;
        for (nfds_t i = 0; i < count; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buffer[4096];
            const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                close(*owners[i]);
                *owners[i] = -1;
            }
        }
    }

    pid_t pid_ = -1;
    bool reaped_ = false;
    int stdin_ = -1, stdout_ = -1, stderr_ = -1;
    std::string out_, err_;
    std::size_t line_start_ = 0;
};

CliResult run_cli(const std::vector<std::string>& args, const std::string& input = "", double timeout_seconds = 30) {
    CliProcess process(args);
    process.write(input);
    return process.finish(std::chrono::duration<double>(timeout_seconds));
}

std::string describe(const std::vector<std::string>& args, const CliResult& result) {
    std::string text = "btpow";
    for (const std::string& arg : args) text += " " + arg;
    return text + "\n  exit " + std::to_string(result.exit_code) + "\n  stdout: " + result.out +
           "\n  stderr: " + result.err;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

json vectors() {
    std::ifstream file(BTPOW_TEST_DATA "/vectors.json");
    REQUIRE(file);
    return json::parse(file);
}

// min_nonce_vectors entry for pair A at d = 1000.
json pair_a_min_nonces() {
    const json all = vectors();
    for (const json& entry : all.at("min_nonce_vectors"))
        if (entry.at("pair") == "A_zero_block_alice" && entry.at("difficulty") == "1000") return entry;
    FAIL("min_nonce_vectors: no entry for pair A at d = 1000");
    return {};
}

btpow::Job make_job(const std::string& block_hash, const std::string& account, std::uint64_t d, btpow::Rule rule,
                    std::uint64_t block_number = 0) {
    btpow::Job job;
    job.block_number = block_number;
    job.block_hash = btpow::Hash32::parse(block_hash);
    job.account = btpow::Account::parse(account);
    job.difficulty = btpow::Difficulty::from_u64(d);
    job.rule = rule;
    return job;
}

// The reference's hits of [start, start + count) (mod 2^64), in scan order, as decimal strings.
std::vector<std::string> reference_hits(const btpow::Job& job, std::uint64_t start, std::uint64_t count) {
    std::vector<std::string> hits;
    for (std::uint64_t i = 0; i < count; ++i)
        if (btpow::verify(job, start + i).passes(job.rule)) hits.push_back(std::to_string(start + i));
    return hits;
}

std::vector<std::string> json_strings(const json& array) {
    std::vector<std::string> values;
    for (const json& value : array) values.push_back(value.get<std::string>());
    return values;
}

std::string expected_faucet_call(std::uint64_t block_number, std::uint64_t nonce, const std::string& seal_hex) {
    static const char* digits = "0123456789abcdef";
    std::string call = "0x073c";
    for (const std::uint64_t value : {block_number, nonce})
        for (int i = 0; i < 8; ++i) {
            const unsigned byte = (value >> (8 * i)) & 0xff;
            call += digits[byte >> 4];
            call += digits[byte & 15];
        }
    return call + "80" + seal_hex.substr(2);
}

bool mentions(const std::string& text, const std::string& word) {
    std::string lower_text = text, lower_word = word;
    for (char& c : lower_text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (char& c : lower_word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower_text.find(lower_word) != std::string::npos;
}

std::string job_line(std::uint64_t block_number, const std::string& block_hash, const std::string& difficulty,
                     const std::string& extra = "") {
    return "{\"block_number\":" + std::to_string(block_number) + ",\"block_hash\":\"" + block_hash +
           "\",\"account\":\"" + kAlice + "\",\"difficulty\":" + difficulty + extra + "}\n";
}

std::string block_hash_of(unsigned tag) {
    std::string hex = "0x";
    for (int i = 0; i < 32; ++i) {
        static const char* digits = "0123456789abcdef";
        const unsigned byte = (tag * 37 + static_cast<unsigned>(i)) & 0xff;
        hex += digits[byte >> 4];
        hex += digits[byte & 15];
    }
    return hex;
}

}  // namespace
}  // namespace btpow_cli_test
