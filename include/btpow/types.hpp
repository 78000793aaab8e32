// Value types of the public API: hashes, accounts, difficulties, rules, jobs, solutions, and the
// one exception type the library throws.
//
// Rules for this header: the types are plain values (copyable, comparable, thread-compatible: one
// object may be read from several threads, written from one). Parsing functions take any text,
// never read past it, and either return a valid value or throw Error with the ErrorCode of the
// first fault; they take the name of the field they parse (a CLI passes its flag, e.g.
// "--block-hash"), which Error::field() returns and what() quotes, with the expected form.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace btpow {

enum class ErrorCode {
    bad_hex_length,        // hex text of the wrong length
    bad_hex_character,     // a character that is not a hex digit
    bad_ss58_length,       // SS58 text that does not decode to 35 bytes
    bad_ss58_character,    // a character outside the base58 alphabet
    bad_ss58_checksum,     // checksum bytes do not match BLAKE2b-512("SS58PRE" ‖ prefix ‖ key)
    bad_ss58_prefix,       // an address of another network than prefix 42
    bad_integer,           // not a decimal or 0x-hex integer (fractions and garbage land here)
    negative_integer,      // a leading minus sign
    integer_out_of_range,  // larger than the field allows (2^64 - 1 for nonces, 2^256 - 1 for d)
    bad_rule,              // a rule name other than le, be, sdk (or a rule other than le for a v1 seal)
    bad_option,            // an option value that makes no sense (zero threads, empty range, ...)
    bad_job,               // a job description (e.g. a JSON line of a job feed) that is malformed
    no_device,             // a backend was asked for that this machine or build does not have
    backend_failure,       // a device or backend failed at run time
};

// The exception thrown at every API boundary. what() names the field and the expected form.
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, std::string field, const std::string& message)
        : std::runtime_error(message), code_(code), field_(std::move(field)) {}
    ErrorCode code() const noexcept { return code_; }
    // The field or flag the error is about ("--nonce", "account", ...); empty when none.
    const std::string& field() const noexcept { return field_; }

private:
    ErrorCode code_;
    std::string field_;
};

// `text` made safe to show in a message on one line: well-formed UTF-8 characters as they are,
// stray bytes and control characters as \xNN. When it has more than max_characters characters it
// is cut there and "... (N characters)" is appended. Never throws but std::bad_alloc.
std::string printable(std::string_view text, std::size_t max_characters);

// 32 bytes, byte 0 first (the order of 0x… strings on the RPC, SPEC §1).
struct Hash32 {
    std::array<std::uint8_t, 32> bytes{};

    // 64 hex digits, with or without 0x, any case.
    // Throws: Error(bad_hex_length) or Error(bad_hex_character).
    static Hash32 parse(std::string_view text, std::string_view field = "hash");
    // Lowercase, with 0x.
    std::string hex() const;
    friend bool operator==(const Hash32&, const Hash32&) = default;
};

// An AccountId32 (32-byte public key): the hotkey for registration, the signer for the faucet.
struct Account {
    Hash32 public_key;

    // An SS58 address with prefix 42, or 64 hex digits (with or without 0x).
    // Throws: Error(bad_ss58_length | bad_ss58_character | bad_ss58_checksum | bad_ss58_prefix)
    //         for SS58 text, Error(bad_hex_length | bad_hex_character) for hex.
    static Account parse(std::string_view text, std::string_view field = "account");
    std::string ss58() const;  // prefix 42
    std::string hex() const;   // 0x…
    friend bool operator==(const Account&, const Account&) = default;
};

// An unsigned 256-bit integer, limbs[0] least significant.
struct Uint256 {
    std::array<std::uint64_t, 4> limbs{};

    static Uint256 from_u64(std::uint64_t v) { return Uint256{{v, 0, 0, 0}}; }
    std::string decimal() const;
    std::string hex() const;  // 0x followed by 64 lowercase digits
    // The top 64 bits (bits 192..255): what the fast filter compares (SPEC §3).
    std::uint64_t top64() const { return limbs[3]; }
    friend bool operator==(const Uint256&, const Uint256&) = default;
    friend std::strong_ordering operator<=>(const Uint256& a, const Uint256& b) {
        for (int i = 3; i >= 0; --i)
            if (a.limbs[i] != b.limbs[i]) return a.limbs[i] <=> b.limbs[i];
        return std::strong_ordering::equal;
    }
};

// The difficulty d, 0 <= d <= 2^256 - 1 (SPEC §3). d = 0 accepts every seal.
struct Difficulty {
    Uint256 value;

    // Decimal or 0x-hex; refuses negatives, fractions, exponents, values above 2^256 - 1 and
    // anything else, each with its own ErrorCode.
    static Difficulty parse(std::string_view text, std::string_view field = "difficulty");
    static Difficulty from_u64(std::uint64_t d) { return Difficulty{Uint256::from_u64(d)}; }
    std::string decimal() const { return value.decimal(); }
    // d as a double, for expected-time estimates only.
    double approx() const;
    friend bool operator==(const Difficulty&, const Difficulty&) = default;
};

// Which byte of the seal is most significant, and how the product is compared (SPEC §3).
enum class Rule : std::uint8_t {
    le,   // the chain since 2025-06-30 and the faucet today: seal[31] most significant, x <= M / d
    be,   // the chain before 2025-06-30: seal[0] most significant, x <= M / d
    sdk,  // the Python SDK and btcli: seal[0] most significant, x * d < M
};
inline constexpr std::array<Rule, 3> kAllRules = {Rule::le, Rule::be, Rule::sdk};

std::string_view to_string(Rule rule);
// "le", "be" or "sdk". Throws: Error(bad_rule).
Rule parse_rule(std::string_view text, std::string_view field = "rule");

// Which seal a job asks for (SPEC §2 and §10).
enum class SealKind : std::uint8_t {
    old,  // keccak256(sha256(le64(nonce) ‖ H)): the faucet, Torus, register before spec 474
    v1,   // keccak256(sha256(tag ‖ le16(netuid) ‖ block_hash ‖ hotkey ‖ coldkey ‖ le64(nonce))):
          // pow_register, spec 474 and later; read little-endian only
};
std::string_view to_string(SealKind kind);
// "old" or "v1". Throws: Error(bad_job).
SealKind parse_seal_kind(std::string_view text, std::string_view field = "seal");

// SPEC §10: the 25-byte tag that starts every v1 payload, and the payload's sizes.
inline constexpr std::string_view kV1Tag = "subtensor-pow-register-v1";
inline constexpr std::size_t kV1PrefixSize = 123;   // tag ‖ le16(netuid) ‖ block_hash ‖ hotkey ‖ coldkey
inline constexpr std::size_t kV1PayloadSize = 131;  // prefix ‖ le64(nonce)

// A decimal u64 (a nonce, a block number).
// Throws: Error(negative_integer), Error(integer_out_of_range) above 2^64 - 1, Error(bad_integer).
std::uint64_t parse_u64(std::string_view text, std::string_view field);

// One puzzle: which seal, which block, whose accounts, how hard, and by which rule.
struct Job {
    std::uint64_t block_number = 0;  // for v1: the work block (pow_register's work_block)
    Hash32 block_hash;
    Account account;  // old seal: the account in H (hotkey for register, signer for the faucet)
    Difficulty difficulty;
    Rule rule = Rule::le;
    // H itself (SPEC §2), for callers that know only H (a cubit-style caller): when set, the
    // solver, scan and verify use it and ignore block_hash and account. Old seal only.
    std::optional<Hash32> block_and_hotkey_hash;
    SealKind seal = SealKind::old;
    // v1 only (SPEC §10): the subnet (1..65535; root, 0, is refused), the hotkey to register and
    // the coldkey that signs pow_register. `account` is not used.
    std::uint16_t netuid = 0;
    Account hotkey;
    Account coldkey;
    friend bool operator==(const Job&, const Job&) = default;
};

// Checks what the types alone cannot: a v1 job has rule le, netuid 1..65535 and no
// block_and_hotkey_hash. Every entry point (Solver::submit, scan, verify's callers) calls it.
// Throws: Error(bad_rule, "rule"), Error(bad_job, "netuid" | "block_and_hotkey_hash").
void validate(const Job& job);

// A v1 netuid from a decimal number: 1..65535 (0 is the root subnet, which has no PoW).
// Throws: Error(bad_job) for 0, Error(integer_out_of_range) above 65535, as parse_u64 otherwise.
std::uint16_t parse_netuid(std::string_view text, std::string_view field = "netuid");

// A nonce that passed the host's full check under the job's rule.
struct Solution {
    Job job;                   // the job it solves (may be older than the current one)
    std::uint64_t job_id = 0;  // Solver::submit's return value for that job
    std::uint64_t nonce = 0;
    Hash32 seal;
    std::string device;        // the device that found it: "cpu", "cuda:0", ...
    std::uint64_t hashes = 0;  // seals hashed for this job, all backends, when it was found
    double seconds = 0;        // since the job was submitted
};

}  // namespace btpow
