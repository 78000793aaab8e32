// Parsing and printing of the public value types: hex hashes, SS58/hex accounts (SPEC §5),
// 256-bit integers and difficulties (SPEC §3), rule names and u64 fields. Every refusal is a
// btpow::Error whose message names the field and the form that was expected.
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "btpow/types.hpp"
#include "reference.hpp"

namespace btpow {
namespace {

using reference::Integer;

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr std::size_t kQuotedTextLimit = 80;

// SPEC §5: the Bitcoin base58 alphabet, prefix 42, 35 decoded bytes.
constexpr char kBase58Alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::uint8_t kSs58Prefix = 42;
constexpr std::size_t kSs58Bytes = 35;
constexpr std::size_t kSs58ChecksumBytes = 2;
constexpr std::string_view kSs58ChecksumContext = "SS58PRE";

// The length of the UTF-8 sequence that starts text[i] if it is a well-formed one, else 0.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;  // the second byte's range (RFC 3629, section 4)
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        if (lead == 0xe0) low = 0xa0;
        if (lead == 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        if (lead == 0xf0) low = 0x90;
        if (lead == 0xf4) high = 0x8f;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    if (byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < length; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
    return length;
}

// One character of the input as it may appear in a message: a well-formed UTF-8 character as it
// is, anything else (a stray byte, a control character) as \xNN, so that a message is always valid
// UTF-8 on one line.
std::string printable_character(std::string_view text, std::size_t i, std::size_t length) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (length == 0 || lead < 0x20 || lead == 0x7f) {
        constexpr char digits[] = "0123456789abcdef";
        return std::string("\\x") + digits[lead >> 4] + digits[lead & 15];
    }
    return std::string(text.substr(i, length));
}

// The first max_characters characters of text, printable; *characters gets the whole count.
std::string printable_prefix(std::string_view text, std::size_t max_characters, std::size_t* characters) {
    std::string out;
    std::size_t count = 0, i = 0;
    while (i < text.size()) {
        const std::size_t length = utf8_sequence_length(text, i);
        if (count < max_characters) out += printable_character(text, i, length);
        ++count;
        i += length == 0 ? 1 : length;
    }
    *characters = count;
    return out;
}

// The offending text in quotes, cut short (in characters) so that a pasted blob does not flood
// the message.
std::string quoted(std::string_view text) {
    std::size_t characters = 0;
    std::string out = "'" + printable_prefix(text, kQuotedTextLimit, &characters);
    if (characters > kQuotedTextLimit) return out + "...' (" + std::to_string(characters) + " characters)";
    return out + "'";
}

// The number of characters (well-formed UTF-8 sequences; a stray byte counts as one).
std::size_t character_count(std::string_view text) {
    std::size_t characters = 0;
    for (std::size_t i = 0; i < text.size(); ++characters) {
        const std::size_t length = utf8_sequence_length(text, i);
        i += length == 0 ? 1 : length;
    }
    return characters;
}

// The character at byte offset i, quoted, and its place counted in characters ("at position 4").
std::string character_at(std::string_view text, std::size_t i, std::string_view place = "position") {
    const std::size_t length = utf8_sequence_length(text, i);
    return "'" + printable_character(text, i, length) + "' at " + std::string(place) + " " +
           std::to_string(character_count(text.substr(0, i)));
}

std::string prefix(std::string_view field) { return std::string(field) + ": "; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool has_hex_prefix(std::string_view text) {
    return text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

std::string hex_of(const std::uint8_t* bytes, std::size_t size) {
    std::string out = "0x";
    out.reserve(2 + 2 * size);
    for (std::size_t i = 0; i < size; ++i) {
        out += kHexDigits[bytes[i] >> 4];
        out += kHexDigits[bytes[i] & 15];
    }
    return out;
}

int base58_value(char c) {
    for (int i = 0; i < 58; ++i)
        if (kBase58Alphabet[i] == c) return i;
    return -1;
}

// Base58 text -> bytes, big-endian, one leading zero byte per leading '1'. The caller has
// checked the characters.
std::vector<std::uint8_t> base58_decode(std::string_view text) {
    std::vector<std::uint8_t> number;  // little-endian while accumulating
    for (char c : text) {
        unsigned carry = static_cast<unsigned>(base58_value(c));
        for (auto& byte : number) {
            carry += 58u * byte;
            byte = static_cast<std::uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        while (carry > 0) {
            number.push_back(static_cast<std::uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }
    const auto leading_ones = static_cast<std::size_t>(
        std::find_if(text.begin(), text.end(), [](char c) { return c != '1'; }) - text.begin());
    std::vector<std::uint8_t> out(leading_ones, 0);
    out.insert(out.end(), number.rbegin(), number.rend());
    return out;
}

std::string base58_encode(const std::uint8_t* bytes, std::size_t size) {
    std::vector<std::uint8_t> digits;  // base-58 digits, little-endian
    for (std::size_t i = 0; i < size; ++i) {
        unsigned carry = bytes[i];
        for (auto& digit : digits) {
            carry += 256u * digit;
            digit = static_cast<std::uint8_t>(carry % 58);
            carry /= 58;
        }
        while (carry > 0) {
            digits.push_back(static_cast<std::uint8_t>(carry % 58));
            carry /= 58;
        }
    }
    std::string out;
    for (std::size_t i = 0; i < size && bytes[i] == 0; ++i) out += '1';
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) out += kBase58Alphabet[*it];
    return out;
}

// SPEC §5: blake2b-512("SS58PRE" ‖ prefix ‖ key)[0..2].
std::array<std::uint8_t, kSs58ChecksumBytes> ss58_checksum(const std::uint8_t* prefix_and_key, std::size_t size) {
    std::vector<std::uint8_t> input(kSs58ChecksumContext.begin(), kSs58ChecksumContext.end());
    input.insert(input.end(), prefix_and_key, prefix_and_key + size);
    std::uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_blake2b512(), nullptr) != 1 || length < 2)
        throw Error(ErrorCode::backend_failure, "", "ss58: OpenSSL BLAKE2b-512 failed");
    return {digest[0], digest[1]};
}

std::string account_form() {
    return "expected an SS58 address with prefix 42 (48 base58 characters) or 32 bytes as 64 hex digits "
           "(optionally 0x-prefixed)";
}

Account parse_ss58(std::string_view text, std::string_view field) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (base58_value(text[i]) < 0)
            throw Error(ErrorCode::bad_ss58_character, std::string(field),
                        prefix(field) + account_form() + "; character " + character_at(text, i) +
                            " is not in the base58 alphabet (no 0, O, I or l)");
    }
    const std::vector<std::uint8_t> decoded = base58_decode(text);
    // SPEC §5: first byte < 64 is a one-byte prefix, 64..127 the first of a two-byte prefix.
    if (decoded.size() == kSs58Bytes && decoded[0] < 64 && decoded[0] != kSs58Prefix)
        throw Error(ErrorCode::bad_ss58_prefix, std::string(field),
                    prefix(field) + "expected an SS58 address with prefix 42 (generic Substrate/Bittensor), got " +
                        "an address with prefix " + std::to_string(decoded[0]) + ": " + quoted(text));
    if (decoded.size() == kSs58Bytes + 1 && decoded[0] >= 64 && decoded[0] < 128) {
        const unsigned network = ((decoded[0] & 0x3fu) << 2) | (decoded[1] >> 6) | ((decoded[1] & 0x3fu) << 8);
        throw Error(ErrorCode::bad_ss58_prefix, std::string(field),
                    prefix(field) + "expected an SS58 address with prefix 42 (generic Substrate/Bittensor), got " +
                        "an address with prefix " + std::to_string(network) + ": " + quoted(text));
    }
    if (decoded.size() != kSs58Bytes)
        throw Error(ErrorCode::bad_ss58_length, std::string(field),
                    prefix(field) + account_form() + "; " + quoted(text) + " has " +
                        std::to_string(character_count(text)) + " characters and decodes to " +
                        std::to_string(decoded.size()) + " bytes, not 35");
    const auto checksum = ss58_checksum(decoded.data(), 1 + 32);
    if (decoded[33] != checksum[0] || decoded[34] != checksum[1])
        throw Error(ErrorCode::bad_ss58_checksum, std::string(field),
                    prefix(field) + "SS58 checksum mismatch in " + quoted(text) +
                        " (a mistyped character?); expected a valid SS58 address with prefix 42");
    Account account;
    std::copy(decoded.begin() + 1, decoded.begin() + 33, account.public_key.bytes.begin());
    return account;
}

Hash32 parse_hex32(std::string_view text, std::string_view field, std::string_view form) {
    const std::string_view digits = has_hex_prefix(text) ? text.substr(2) : text;
    // Counted in characters: 64 characters with a non-hex one among them is a bad character.
    if (const std::size_t characters = character_count(digits); characters != 64)
        throw Error(ErrorCode::bad_hex_length, std::string(field),
                    prefix(field) + std::string(form) + ", got " + std::to_string(characters) +
                        (characters == 1 ? " character" : " characters"));
    Hash32 out;
    for (std::size_t i = 0; i < 64; ++i) {
        const int v = hex_value(digits[i]);
        if (v < 0)
            throw Error(
                ErrorCode::bad_hex_character, std::string(field),
                prefix(field) + std::string(form) + ", got the non-hex character " + character_at(digits, i, "digit"));
        out.bytes[i / 2] = static_cast<std::uint8_t>((out.bytes[i / 2] << 4) | v);
    }
    return out;
}

[[noreturn]] void throw_bad_integer(std::string_view text, std::string_view field, std::string_view form) {
    std::string hint;
    if (text.empty())
        hint = "got an empty value";
    else if (text.find('.') != std::string_view::npos)
        hint = "fractions are not allowed, got " + quoted(text);
    else if (text.front() == '+')
        hint = "a sign is not allowed, got " + quoted(text);
    else if (!has_hex_prefix(text) && text.find_first_of("eE") != std::string_view::npos)
        hint = "exponents are not allowed, got " + quoted(text);
    else
        hint = "got " + quoted(text);
    throw Error(ErrorCode::bad_integer, std::string(field), prefix(field) + std::string(form) + ", " + hint);
}

constexpr std::string_view kDifficultyForm =
    "expected a non-negative integer up to 2^256-1, in decimal or 0x-prefixed hex";
constexpr std::string_view kU64Form = "expected a decimal integer from 0 to 18446744073709551615";

}  // namespace

std::string printable(std::string_view text, std::size_t max_characters) {
    std::size_t characters = 0;
    std::string out = printable_prefix(text, max_characters, &characters);
    if (characters > max_characters) out += "... (" + std::to_string(characters) + " characters)";
    return out;
}

Hash32 Hash32::parse(std::string_view text, std::string_view field) {
    return parse_hex32(text, field, "expected 32 bytes as 64 hex digits (optionally 0x-prefixed)");
}

std::string Hash32::hex() const { return hex_of(bytes.data(), bytes.size()); }

Account Account::parse(std::string_view text, std::string_view field) {
    // SS58 addresses (47-48 characters, base58 has no 'x') never look like these two forms.
    if (has_hex_prefix(text) || text.size() == 64) {
        return Account{parse_hex32(text, field, account_form())};
    }
    return parse_ss58(text, field);
}

std::string Account::ss58() const {
    std::array<std::uint8_t, kSs58Bytes> raw{};
    raw[0] = kSs58Prefix;
    std::copy(public_key.bytes.begin(), public_key.bytes.end(), raw.begin() + 1);
    const auto checksum = ss58_checksum(raw.data(), 1 + 32);
    raw[33] = checksum[0];
    raw[34] = checksum[1];
    return base58_encode(raw.data(), raw.size());
}

std::string Account::hex() const { return public_key.hex(); }

std::string Uint256::decimal() const { return reference::to_integer(*this).str(); }

std::string Uint256::hex() const {
    std::string out = "0x";
    for (int i = 3; i >= 0; --i)
        for (int shift = 60; shift >= 0; shift -= 4) out += kHexDigits[(limbs[i] >> shift) & 15];
    return out;
}

Difficulty Difficulty::parse(std::string_view text, std::string_view field) {
    if (!text.empty() && text.front() == '-')
        throw Error(ErrorCode::negative_integer, std::string(field),
                    prefix(field) + std::string(kDifficultyForm) + ", got the negative value " + quoted(text));
    const bool hex = has_hex_prefix(text);
    const std::string_view digits = hex ? text.substr(2) : text;
    if (digits.empty()) throw_bad_integer(text, field, kDifficultyForm);
    Integer value = 0;
    const Integer& max = reference::max_uint256();
    for (char c : digits) {
        const int v = hex ? hex_value(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
        if (v < 0) throw_bad_integer(text, field, kDifficultyForm);
    }
    for (char c : digits) {
        value = value * (hex ? 16 : 10) + (hex ? hex_value(c) : c - '0');
        if (value > max)
            throw Error(ErrorCode::integer_out_of_range, std::string(field),
                        prefix(field) + std::string(kDifficultyForm) + " (2^256-1 = " + max.str() +
                            "), got a larger value " + quoted(text));
    }
    return Difficulty{reference::from_integer(value)};
}

double Difficulty::approx() const {
    double d = 0;
    for (int i = 3; i >= 0; --i) d = d * 18446744073709551616.0 + static_cast<double>(value.limbs[i]);
    return d;
}

std::string_view to_string(Rule rule) {
    switch (rule) {
        case Rule::le: return "le";
        case Rule::be: return "be";
        case Rule::sdk: return "sdk";
    }
    return "unknown";
}

Rule parse_rule(std::string_view text, std::string_view field) {
    for (Rule rule : kAllRules)
        if (text == to_string(rule)) return rule;
    throw Error(ErrorCode::bad_rule, std::string(field),
                prefix(field) + "expected one of le, be, sdk, got " + quoted(text));
}

std::uint64_t parse_u64(std::string_view text, std::string_view field) {
    if (!text.empty() && text.front() == '-')
        throw Error(ErrorCode::negative_integer, std::string(field),
                    prefix(field) + std::string(kU64Form) + ", got the negative value " + quoted(text));
    if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw_bad_integer(text, field, kU64Form);
    std::uint64_t value = 0;
    for (char c : text) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (~std::uint64_t{0} - digit) / 10)
            throw Error(ErrorCode::integer_out_of_range, std::string(field),
                        prefix(field) + std::string(kU64Form) + ", got a larger value " + quoted(text));
        value = value * 10 + digit;
    }
    return value;
}

std::string_view to_string(SealKind kind) {
    switch (kind) {
        case SealKind::old: return "old";
        case SealKind::v1: return "v1";
    }
    return "unknown";
}

SealKind parse_seal_kind(std::string_view text, std::string_view field) {
    for (SealKind kind : {SealKind::old, SealKind::v1})
        if (text == to_string(kind)) return kind;
    throw Error(ErrorCode::bad_job, std::string(field), prefix(field) + "expected old or v1, got " + quoted(text));
}

std::uint16_t parse_netuid(std::string_view text, std::string_view field) {
    const std::uint64_t value = parse_u64(text, field);
    // SPEC §10: the chain refuses PoW registration on root (netuid 0); netuid is a u16.
    if (value == 0)
        throw Error(ErrorCode::bad_job, std::string(field),
                    prefix(field) + "expected a subnet 1..65535, got 0 (root has no PoW registration)");
    if (value > 65535)
        throw Error(ErrorCode::integer_out_of_range, std::string(field),
                    prefix(field) + "expected a subnet 1..65535, got " + quoted(text));
    return static_cast<std::uint16_t>(value);
}

void validate(const Job& job) {
    if (job.seal != SealKind::v1) return;
    if (job.rule != Rule::le)
        throw Error(ErrorCode::bad_rule, "rule",
                    "rule: a v1 seal is read little-endian only (SPEC §10): expected le, got " +
                        std::string(to_string(job.rule)));
    if (job.netuid == 0)
        throw Error(ErrorCode::bad_job, "netuid",
                    "netuid: expected a subnet 1..65535 for a v1 seal, got 0 (root has no PoW registration)");
    if (job.block_and_hotkey_hash)
        throw Error(ErrorCode::bad_job, "block_and_hotkey_hash",
                    "block_and_hotkey_hash: belongs to the old seal; a v1 job gives its block hash, hotkey and coldkey");
}

}  // namespace btpow
