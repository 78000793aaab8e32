// Accounts (docs/protocol.md §5): SS58 prefix-42 round trips, hex accounts, and every malformed SS58 class
// refused with its own ErrorCode and a message that names the field.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "btpow/types.hpp"
#include "tests/support/jobs.hpp"

namespace {

using btpow::Account;
using btpow::ErrorCode;

using btpow::test::kAliceHex;
using btpow::test::kAliceSs58;
using btpow::test::kBobSs58;
constexpr const char* kBobHex = "0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48";

// Alice's key under other networks, with valid checksums: Polkadot (0), Kusama (2), and the
// two-byte prefixes 255 and 1284.
constexpr const char* kAlicePolkadot = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5";
constexpr const char* kAliceKusama = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F";
constexpr const char* kAlicePrefix255 = "yGHXkYLYqxijLKKfd9Q2CB9shRVu8rPNBS53wvwGTutYg4zTg";
constexpr const char* kAlicePrefix1284 = "VdvKmYJfD4VXA9fzz1SbmCo2eYHSzUFbaDCZSuaNKJAe8YNg6";

ErrorCode code_of_parse(const std::string& text, const std::string& field = "--hotkey") {
    try {
        Account::parse(text, field);
    } catch (const btpow::Error& e) {
        INFO("what(): " << e.what());
        CHECK(e.field() == field);
        CHECK(std::string(e.what()).rfind(field + ": ", 0) == 0);
        return e.code();
    }
    FAIL("'" << text << "' was accepted");
    return ErrorCode::bad_option;
}

std::string what_of_parse(const std::string& text) {
    try {
        Account::parse(text, "--hotkey");
    } catch (const btpow::Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("SS58: Alice and Bob from docs/protocol.md §5 decode to their keys and re-encode", "[accounts]") {
    const Account alice = Account::parse(kAliceSs58);
    CHECK(alice.hex() == kAliceHex);
    CHECK(alice.ss58() == kAliceSs58);
    const Account bob = Account::parse(kBobSs58);
    CHECK(bob.hex() == kBobHex);
    CHECK(bob.ss58() == kBobSs58);
    CHECK(Account::parse(kAliceHex) == alice);
    CHECK_FALSE(alice == bob);
}

TEST_CASE("SS58: every vector round-trips through hex and SS58", "[accounts]") {
    std::ifstream in(BTPOW_TEST_DATA "/vectors.json");
    REQUIRE(in.good());
    const nlohmann::json vectors = nlohmann::json::parse(in);
    for (const auto& entry : vectors["ss58"]) {
        const std::string address = entry["ss58"].get<std::string>();
        const std::string hex = "0x" + entry["pubkey"].get<std::string>();
        INFO(entry["name"].get<std::string>());
        const Account from_ss58 = Account::parse(address);
        const Account from_hex = Account::parse(hex);
        CHECK(from_ss58 == from_hex);
        CHECK(from_hex.ss58() == address);
        CHECK(from_ss58.hex() == hex);
        CHECK(Account::parse(from_ss58.ss58()) == from_ss58);
    }
}

TEST_CASE("hex accounts: with or without 0x, any case", "[accounts]") {
    const Account alice = Account::parse(kAliceSs58);
    const std::string digits = std::string(kAliceHex).substr(2);
    std::string upper = digits;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(Account::parse(digits) == alice);
    CHECK(Account::parse("0x" + upper) == alice);
    CHECK(Account::parse("0X" + digits) == alice);
    CHECK(Account::parse(upper) == alice);
    CHECK(Account::parse(std::string(64, '0')) == Account{});
    CHECK(Account{}.hex() == "0x" + std::string(64, '0'));
}

TEST_CASE("hex accounts: wrong length and bad characters are refused", "[accounts]") {
    CHECK(code_of_parse(std::string(kAliceHex).substr(0, 65)) == ErrorCode::bad_hex_length);
    CHECK(code_of_parse(std::string(kAliceHex) + "00") == ErrorCode::bad_hex_length);
    CHECK(code_of_parse("0x") == ErrorCode::bad_hex_length);
    std::string bad = kAliceHex;
    bad[10] = 'g';
    CHECK(code_of_parse(bad) == ErrorCode::bad_hex_character);
    CHECK(code_of_parse(bad.substr(2)) == ErrorCode::bad_hex_character);
    CHECK_THAT(what_of_parse("0x1234"), Catch::Contains("64 hex digits") && Catch::Contains("SS58"));
}

TEST_CASE("SS58: a wrong length is refused as bad_ss58_length", "[accounts]") {
    const std::string alice = kAliceSs58;
    CHECK(code_of_parse(alice.substr(0, 47)) == ErrorCode::bad_ss58_length);
    CHECK(code_of_parse(alice + "1") == ErrorCode::bad_ss58_length);
    CHECK(code_of_parse(alice.substr(0, 10)) == ErrorCode::bad_ss58_length);
    CHECK(code_of_parse("") == ErrorCode::bad_ss58_length);
    CHECK_THAT(what_of_parse(alice.substr(0, 47)), Catch::Contains("47 characters") && Catch::Contains("35"));
}

TEST_CASE("SS58: characters outside base58 are refused as bad_ss58_character", "[accounts]") {
    const std::string alice = kAliceSs58;
    for (char c : {'0', 'O', 'I', 'l', ' ', '-', '+', '/'}) {
        std::string bad = alice;
        bad[20] = c;
        INFO("character '" << c << "'");
        CHECK(code_of_parse(bad) == ErrorCode::bad_ss58_character);
    }
    CHECK(code_of_parse(alice + " ") == ErrorCode::bad_ss58_character);
    CHECK(code_of_parse(" " + alice) == ErrorCode::bad_ss58_character);
    CHECK(code_of_parse(alice.substr(0, 47) + "\xc3\xa9") == ErrorCode::bad_ss58_character);
    std::string bad = alice;
    bad[5] = '0';
    CHECK_THAT(what_of_parse(bad), Catch::Contains("position 5") && Catch::Contains("base58"));
}

TEST_CASE("SS58: a mistyped character is refused as bad_ss58_checksum", "[accounts]") {
    const std::string alice = kAliceSs58;
    for (std::size_t position : {5u, 10u, 30u, 46u, 47u}) {
        std::string typo = alice;
        typo[position] = typo[position] == 'z' ? 'y' : 'z';
        INFO("typo at " << position << ": " << typo);
        CHECK(code_of_parse(typo) == ErrorCode::bad_ss58_checksum);
    }
    CHECK_THAT(what_of_parse(alice.substr(0, 47) + "Z"), Catch::Contains("checksum"));
}

TEST_CASE("SS58: addresses of other networks are refused as bad_ss58_prefix", "[accounts]") {
    CHECK(code_of_parse(kAlicePolkadot) == ErrorCode::bad_ss58_prefix);
    CHECK(code_of_parse(kAliceKusama) == ErrorCode::bad_ss58_prefix);
    CHECK(code_of_parse(kAlicePrefix255) == ErrorCode::bad_ss58_prefix);
    CHECK(code_of_parse(kAlicePrefix1284) == ErrorCode::bad_ss58_prefix);
    CHECK_THAT(what_of_parse(kAlicePolkadot), Catch::Contains("prefix 0") && Catch::Contains("prefix 42"));
    CHECK_THAT(what_of_parse(kAliceKusama), Catch::Contains("prefix 2:"));
    CHECK_THAT(what_of_parse(kAlicePrefix1284), Catch::Contains("prefix 1284"));
}

TEST_CASE("account errors name the field they were given", "[accounts]") {
    try {
        Account::parse("nonsense!", "--coldkey");
        FAIL("accepted");
    } catch (const btpow::Error& e) {
        CHECK(e.field() == "--coldkey");
        CHECK_THAT(std::string(e.what()), Catch::StartsWith("--coldkey: "));
    }
    try {
        Account::parse("nonsense!");
        FAIL("accepted");
    } catch (const btpow::Error& e) {
        CHECK(e.field() == "account");
    }
}
