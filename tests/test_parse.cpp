// Parsing of hashes, difficulties, u64 fields and rule names: what is accepted, and for each
// refusal the exact ErrorCode and a message that starts with the field's name.
#include <catch2/catch.hpp>

#include <string>

#include "btpow/seal.hpp"
#include "btpow/solver.hpp"
#include "btpow/types.hpp"
#include "tests/support/jobs.hpp"

namespace {

using btpow::Difficulty;
using btpow::ErrorCode;
using btpow::Hash32;

constexpr const char* kMaxDecimal =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";  // 2^256 - 1
constexpr const char* kTwoTo256Decimal =
    "115792089237316195423570985008687907853269984665640564039457584007913129639936";

// Runs parse, expects a btpow::Error naming field, returns its code.
template <class Parse>
ErrorCode refusal(Parse parse, const std::string& field) {
    try {
        parse();
    } catch (const btpow::Error& e) {
        INFO("what(): " << e.what());
        CHECK(e.field() == field);
        CHECK_THAT(std::string(e.what()), Catch::StartsWith(field + ": "));
        return e.code();
    }
    FAIL("the value was accepted");
    return ErrorCode::bad_option;
}

ErrorCode hash_refusal(const std::string& text) {
    return refusal([&] { Hash32::parse(text, "--block-hash"); }, "--block-hash");
}
ErrorCode difficulty_refusal(const std::string& text) {
    return refusal([&] { Difficulty::parse(text, "--difficulty"); }, "--difficulty");
}
ErrorCode u64_refusal(const std::string& text) {
    return refusal([&] { btpow::parse_u64(text, "--nonce"); }, "--nonce");
}

std::string what_of(void (*parse)(const std::string&), const std::string& text) {
    try {
        parse(text);
    } catch (const btpow::Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("Hash32: 64 hex digits with or without 0x, any case, printed lowercase with 0x", "[parse]") {
    const std::string digits = "8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f";
    std::string upper = digits;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const Hash32 h = Hash32::parse(digits);
    CHECK(h.bytes[0] == 0x8f);
    CHECK(h.bytes[31] == 0x3f);
    CHECK(h.hex() == "0x" + digits);
    CHECK(Hash32::parse("0x" + digits) == h);
    CHECK(Hash32::parse("0X" + digits) == h);
    CHECK(Hash32::parse(upper) == h);
    CHECK(Hash32::parse("0x" + upper).hex() == "0x" + digits);
    CHECK(Hash32::parse(std::string(64, '0')) == Hash32{});
}

TEST_CASE("Hash32: wrong length and bad characters", "[parse]") {
    const std::string digits = "8f451590e942a76be6bad67804a7858b8ac3d5c04d1aa6204a10ff61c601b03f";
    CHECK(hash_refusal(digits.substr(0, 63)) == ErrorCode::bad_hex_length);
    CHECK(hash_refusal("0x" + digits.substr(0, 63)) == ErrorCode::bad_hex_length);
    CHECK(hash_refusal(digits + "0") == ErrorCode::bad_hex_length);
    CHECK(hash_refusal("") == ErrorCode::bad_hex_length);
    CHECK(hash_refusal("0x") == ErrorCode::bad_hex_length);
    std::string spaced = digits;
    spaced[0] = ' ';
    CHECK(hash_refusal(spaced) == ErrorCode::bad_hex_character);
    CHECK(hash_refusal("0x" + digits.substr(0, 62) + "zz") == ErrorCode::bad_hex_character);
    CHECK(hash_refusal("x0" + digits.substr(2)) == ErrorCode::bad_hex_character);
    CHECK(what_of([](const std::string& t) { Hash32::parse(t, "--block-hash"); }, digits.substr(0, 63)) ==
          "--block-hash: expected 32 bytes as 64 hex digits (optionally 0x-prefixed), got 63 characters");
    CHECK_THAT(what_of([](const std::string& t) { Hash32::parse(t, "--block-hash"); }, digits.substr(0, 62) + "zz"),
               Catch::Contains("'z'") && Catch::Contains("digit 62"));
}

TEST_CASE("Difficulty: decimal and 0x hex up to 2^256 - 1", "[parse]") {
    CHECK(Difficulty::parse("0") == Difficulty::from_u64(0));
    CHECK(Difficulty::parse("1000000") == Difficulty::from_u64(1'000'000));
    CHECK(Difficulty::parse("0001000") == Difficulty::from_u64(1000));
    CHECK(Difficulty::parse("0xff") == Difficulty::from_u64(255));
    CHECK(Difficulty::parse("0XFF") == Difficulty::from_u64(255));
    CHECK(Difficulty::parse("0xDeadBeef") == Difficulty::from_u64(0xdeadbeef));
    CHECK(Difficulty::parse("18446744073709551615") == Difficulty::from_u64(~std::uint64_t{0}));
    const Difficulty two_to_64 = Difficulty::parse("18446744073709551616");
    CHECK(two_to_64.value.limbs == std::array<std::uint64_t, 4>{0, 1, 0, 0});
    CHECK(two_to_64.decimal() == "18446744073709551616");
    CHECK(Difficulty::parse("0x10000000000000000") == two_to_64);

    const Difficulty max = Difficulty::parse(kMaxDecimal);
    CHECK(max.value.limbs == std::array<std::uint64_t, 4>{~0ull, ~0ull, ~0ull, ~0ull});
    CHECK(max.decimal() == kMaxDecimal);
    CHECK(max.value.hex() == "0x" + std::string(64, 'f'));
    CHECK(Difficulty::parse("0x" + std::string(64, 'f')) == max);
    CHECK(Difficulty::parse("0x0000" + std::string(64, 'F')) == max);
    CHECK(Difficulty::parse("1000000").decimal() == "1000000");
    CHECK(Difficulty::from_u64(0).value.hex() == "0x" + std::string(64, '0'));
}

TEST_CASE("Difficulty: refusals, each with its own code", "[parse]") {
    CHECK(difficulty_refusal(kTwoTo256Decimal) == ErrorCode::integer_out_of_range);
    CHECK(difficulty_refusal("0x1" + std::string(64, '0')) == ErrorCode::integer_out_of_range);
    CHECK(difficulty_refusal(std::string(200, '9')) == ErrorCode::integer_out_of_range);
    CHECK(difficulty_refusal("-1") == ErrorCode::negative_integer);
    CHECK(difficulty_refusal("-0") == ErrorCode::negative_integer);
    CHECK(difficulty_refusal("-0x10") == ErrorCode::negative_integer);
    CHECK(difficulty_refusal("1.5") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("1.0") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("1e6") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("1E6") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("0x") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("abc") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("0xg") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("1_000_000") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("1,000") == ErrorCode::bad_integer);
    // Decided: no sign and no surrounding whitespace; a '+' is refused like any other garbage.
    CHECK(difficulty_refusal("+5") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal(" 5") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("5 ") == ErrorCode::bad_integer);
    CHECK(difficulty_refusal("5\n") == ErrorCode::bad_integer);

    auto what = [](const std::string& text) {
        return what_of([](const std::string& t) { Difficulty::parse(t, "--difficulty"); }, text);
    };
    CHECK_THAT(what("1.5"), Catch::Contains("fraction") && Catch::Contains("'1.5'"));
    CHECK_THAT(what("1e6"), Catch::Contains("exponent"));
    CHECK_THAT(what("-1"), Catch::Contains("negative"));
    CHECK_THAT(what(kTwoTo256Decimal), Catch::Contains("2^256-1"));
    CHECK_THAT(what("abc"), Catch::Contains("decimal") && Catch::Contains("0x"));
}

TEST_CASE("Difficulty: approx and the thresholds it implies", "[parse]") {
    CHECK(Difficulty::from_u64(1'000'000).approx() == 1e6);
    CHECK(Difficulty::parse("18446744073709551616").approx() == 18446744073709551616.0);
    CHECK(Difficulty::parse(kMaxDecimal).approx() == Approx(1.157920892373162e77));
    // docs/protocol.md §3: d = 0 accepts everything; sdk's threshold is one lower only when d divides M.
    const btpow::Uint256 m{{~0ull, ~0ull, ~0ull, ~0ull}};
    for (btpow::Rule rule : btpow::kAllRules) CHECK(btpow::threshold(Difficulty::from_u64(0), rule) == m);
    CHECK(btpow::threshold(Difficulty::from_u64(1), btpow::Rule::le) == m);
    CHECK(btpow::threshold(Difficulty::from_u64(1), btpow::Rule::sdk).limbs[0] == ~0ull - 1);
    CHECK(btpow::threshold(Difficulty::from_u64(3), btpow::Rule::be).hex() == "0x" + std::string(64, '5'));
    CHECK(btpow::threshold(Difficulty::from_u64(3), btpow::Rule::sdk).hex() == "0x" + std::string(63, '5') + "4");
    CHECK(btpow::threshold(Difficulty::from_u64(1000), btpow::Rule::sdk) ==
          btpow::threshold(Difficulty::from_u64(1000), btpow::Rule::be));
    CHECK(btpow::threshold(Difficulty::parse(kMaxDecimal), btpow::Rule::le) == btpow::Uint256::from_u64(1));
    CHECK(btpow::threshold(Difficulty::parse(kMaxDecimal), btpow::Rule::sdk) == btpow::Uint256::from_u64(0));
}

TEST_CASE("parse_u64: decimal 0 .. 2^64 - 1 only", "[parse]") {
    CHECK(btpow::parse_u64("0", "--nonce") == 0);
    CHECK(btpow::parse_u64("42", "--nonce") == 42);
    CHECK(btpow::parse_u64("007", "--nonce") == 7);
    CHECK(btpow::parse_u64("18446744073709551615", "--nonce") == ~std::uint64_t{0});
    CHECK(u64_refusal("18446744073709551616") == ErrorCode::integer_out_of_range);
    CHECK(u64_refusal("99999999999999999999") == ErrorCode::integer_out_of_range);
    CHECK(u64_refusal(std::string(100, '1')) == ErrorCode::integer_out_of_range);
    CHECK(u64_refusal("-1") == ErrorCode::negative_integer);
    CHECK(u64_refusal("") == ErrorCode::bad_integer);
    CHECK(u64_refusal("0x10") == ErrorCode::bad_integer);
    CHECK(u64_refusal("1.5") == ErrorCode::bad_integer);
    CHECK(u64_refusal("1e3") == ErrorCode::bad_integer);
    CHECK(u64_refusal("+1") == ErrorCode::bad_integer);
    CHECK(u64_refusal(" 1") == ErrorCode::bad_integer);
    CHECK(u64_refusal("12a") == ErrorCode::bad_integer);
    CHECK_THAT(what_of([](const std::string& t) { btpow::parse_u64(t, "--nonce"); }, "18446744073709551616"),
               Catch::Contains("18446744073709551615"));
}

TEST_CASE("rules: le, be, sdk by name, anything else refused", "[parse]") {
    for (btpow::Rule rule : btpow::kAllRules) CHECK(btpow::parse_rule(btpow::to_string(rule)) == rule);
    CHECK(btpow::to_string(btpow::Rule::le) == "le");
    CHECK(btpow::to_string(btpow::Rule::be) == "be");
    CHECK(btpow::to_string(btpow::Rule::sdk) == "sdk");
    for (const char* bad : {"", "LE", "little", "chain", "sdk ", "cubit"}) {
        INFO("rule '" << bad << "'");
        CHECK(refusal([&] { btpow::parse_rule(bad, "--rule"); }, "--rule") == ErrorCode::bad_rule);
    }
    CHECK_THAT(what_of([](const std::string& t) { btpow::parse_rule(t, "--rule"); }, "x"),
               Catch::Contains("le, be, sdk"));
}

TEST_CASE("printable: UTF-8 kept, stray bytes and controls as \\xNN, long text cut", "[parse]") {
    CHECK(btpow::printable("héllo", 10) == "héllo");
    CHECK(btpow::printable("a\nb\x7f", 10) == "a\\x0ab\\x7f");
    CHECK(btpow::printable("\xff\xc3", 10) == "\\xff\\xc3");           // a stray byte, a cut sequence
    CHECK(btpow::printable("\xed\xa0\x80", 10) == "\\xed\\xa0\\x80");  // a surrogate is not well-formed
    CHECK(btpow::printable("ééééé", 3) == "ééé... (5 characters)");
    CHECK(btpow::printable("", 0).empty());
    CHECK(btpow::printable("abc", 0) == "... (3 characters)");
}

TEST_CASE("names the library refuses are quoted printable: backend and CPU path", "[parse]") {
    // Found by fuzzing the CLI's arguments: the raw bytes reached the message.
    const std::string bad = "c~u\xf4\xf4\xf4";
    try {
        btpow::parse_backend(bad, "--backend");
        FAIL("parse_backend accepted a bad name");
    } catch (const btpow::Error& error) {
        CHECK(error.field() == "--backend");
        CHECK(std::string(error.what()).find("got 'c~u\\xf4\\xf4\\xf4'") != std::string::npos);
    }
    btpow::ScanOptions options;
    options.cpu_isa = bad;
    try {
        btpow::scan(btpow::test::alice_job(btpow::test::block_hash_ending(0), 1000), 0, 1, options);
        FAIL("scan accepted a bad CPU path");
    } catch (const btpow::Error& error) {
        CHECK(std::string(error.what()).find("'c~u\\xf4\\xf4\\xf4'") != std::string::npos);
    }
}
