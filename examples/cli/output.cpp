// What the CLI writes to stdout and stderr, and the units it writes them in.
#include "output.hpp"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

namespace btpow::cli {

namespace {

// Messages are short: a pasted blob or a megabyte line is cut to this many characters.
constexpr std::size_t kMessageCharacters = 2000;

[[noreturn]] void throw_write_failure(int error) {
    throw IoError(fmt::format("cannot write to standard output: {}; output is lost, stopping",
                              std::strerror(error != 0 ? error : EIO)));
}

}  // namespace

void print_json_line(const nlohmann::ordered_json& value) { print_text(value.dump() + "\n"); }

void print_text(std::string_view text) {
    // Nothing buffered is left behind: one fwrite of the whole text, then a flush; a short write
    // or a failed flush means the reader did not get it.
    errno = 0;
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0 ||
        std::ferror(stdout))
        throw_write_failure(errno);
}

void close_stdout() {
    errno = 0;
    const bool failed_before = std::ferror(stdout) != 0;
    if (std::fclose(stdout) != 0 || failed_before) throw_write_failure(errno);
}

bool stdout_lost() {
    pollfd descriptor{STDOUT_FILENO, 0, 0};
    return poll(&descriptor, 1, 0) == 1 && (descriptor.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
}

void print_error(std::string_view message) {
    const std::string line = fmt::format("btpow: error: {}\n", printable(message, kMessageCharacters));
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

std::string describe(const Error& error) {
    std::string message = error.what();
    if (error.field().empty() || message.find(error.field()) != std::string::npos) return message;
    return error.field() + ": " + message;
}

std::string faucet_call_hex(std::uint64_t block_number, std::uint64_t nonce, const Hash32& seal) {
    // SPEC §4: pallet 7, call 60; 0x80 is the SCALE compact length 32 of the work vector.
    constexpr std::uint8_t kPallet = 0x07, kCall = 0x3c, kCompactLen32 = 0x80;
    std::string hex = fmt::format("0x{:02x}{:02x}", kPallet, kCall);
    for (int i = 0; i < 8; ++i) hex += fmt::format("{:02x}", (block_number >> (8 * i)) & 0xff);
    for (int i = 0; i < 8; ++i) hex += fmt::format("{:02x}", (nonce >> (8 * i)) & 0xff);
    hex += fmt::format("{:02x}", kCompactLen32);
    hex += seal.hex().substr(2);
    return hex;
}

nlohmann::ordered_json solution_json(const Solution& solution) {
    const Job& job = solution.job;
    if (job.seal == SealKind::v1) {
        // SPEC §10: what pow_register(netuid, work_block, nonce, work, hotkey) takes, and the
        // coldkey that must sign it.
        return {
            {"seal_kind", "v1"},
            {"block_number", job.block_number},
            {"work_block", job.block_number},
            {"block_hash", job.block_hash.hex()},
            {"netuid", job.netuid},
            {"hotkey", job.hotkey.hex()},
            {"coldkey", job.coldkey.hex()},
            {"nonce", std::to_string(solution.nonce)},
            {"seal", solution.seal.hex()},
            {"work", solution.seal.hex()},
            {"rule", "le"},
            {"difficulty", job.difficulty.decimal()},
            {"hashes", std::to_string(solution.hashes)},
            {"seconds", solution.seconds},
            {"backend", solution.device},
        };
    }
    return {
        {"seal_kind", "old"},
        {"block_number", job.block_number},
        {"block_hash", job.block_hash.hex()},
        {"account", job.account.hex()},
        {"nonce", std::to_string(solution.nonce)},
        {"seal", solution.seal.hex()},
        {"rule", std::string(to_string(job.rule))},
        {"difficulty", job.difficulty.decimal()},
        {"hashes", std::to_string(solution.hashes)},
        {"seconds", solution.seconds},
        {"backend", solution.device},
        {"faucet_call", faucet_call_hex(job.block_number, solution.nonce, solution.seal)},
    };
}

std::string solution_text(const Solution& solution) {
    const Job& job = solution.job;
    const double rate = solution.seconds > 0 ? static_cast<double>(solution.hashes) / solution.seconds : 0;
    if (job.seal == SealKind::v1)
        return fmt::format(
            "v1 solution for work block {} (netuid {}, difficulty {})\n"
            "  nonce        {}\n"
            "  work         {}\n"
            "  hashed       {} seals in {} ({}, found by {})\n"
            "  submit       pow_register(netuid {}, work_block {}, nonce {}, work, hotkey {}) signed by {}\n"
            "  check        btpow verify --seal v1 --block-hash {} --netuid {} --hotkey {} --coldkey {} --nonce {} "
            "--difficulty {}\n",
            job.block_number, job.netuid, job.difficulty.decimal(), solution.nonce, solution.seal.hex(),
            human_count(static_cast<double>(solution.hashes)), human_duration(solution.seconds), human_rate(rate),
            solution.device, job.netuid, job.block_number, solution.nonce, job.hotkey.ss58(), job.coldkey.ss58(),
            job.block_hash.hex(), job.netuid, job.hotkey.ss58(), job.coldkey.ss58(), solution.nonce,
            job.difficulty.decimal());
    return fmt::format(
        "solution for block {} (rule {}, difficulty {})\n"
        "  nonce        {}\n"
        "  seal         {}\n"
        "  work         {} seals in {} ({}, found by {})\n"
        "  faucet call  {}\n"
        "  check        btpow verify --block-hash {} --account {} --nonce {} --difficulty {} --rule {}\n",
        job.block_number, to_string(job.rule), job.difficulty.decimal(), solution.nonce, solution.seal.hex(),
        human_count(static_cast<double>(solution.hashes)), human_duration(solution.seconds), human_rate(rate),
        solution.device, faucet_call_hex(job.block_number, solution.nonce, solution.seal), job.block_hash.hex(),
        job.account.ss58(), solution.nonce, job.difficulty.decimal(), to_string(job.rule));
}

std::string human_count(double count) {
    static constexpr std::array<const char*, 7> kPrefixes = {"", " k", " M", " G", " T", " P", " E"};
    std::size_t prefix = 0;
    while (std::fabs(count) >= 1000 && prefix + 1 < kPrefixes.size()) {
        count /= 1000;
        ++prefix;
    }
    if (prefix == 0) return fmt::format("{:.0f}", count);
    return fmt::format("{:.{}f}{}", count, count < 10 ? 2 : count < 100 ? 1 : 0, kPrefixes[prefix]);
}

std::string human_rate(double seals_per_second) {
    std::string count = human_count(seals_per_second);
    // "12.3 M" -> "12.3 MH/s"; plain numbers get a space before the unit.
    return count + (count.back() >= '0' && count.back() <= '9' ? " H/s" : "H/s");
}

std::string human_duration(double seconds) {
    if (!std::isfinite(seconds)) return "forever";
    if (seconds < 1) return fmt::format("{:.0f} ms", seconds * 1000);
    if (seconds < 60) return fmt::format("{:.1f} s", seconds);
    if (seconds < 3600) {
        const auto whole = static_cast<long long>(seconds);
        return fmt::format("{}m{:02}s", whole / 60, whole % 60);
    }
    if (seconds < 86400) {
        const auto minutes = static_cast<long long>(seconds / 60);
        return fmt::format("{}h{:02}m", minutes / 60, minutes % 60);
    }
    constexpr double kDay = 86400, kYear = 365.25 * kDay;
    if (seconds < kYear) return fmt::format("{:.1f} d", seconds / kDay);
    if (seconds < 1e4 * kYear) return fmt::format("{:.1f} y", seconds / kYear);
    return fmt::format("{:.1e} y", seconds / kYear);
}

}  // namespace btpow::cli
