// Fuzz target: the integer parsers, Difficulty::parse (decimal or 0x-hex up to 2^256-1) and
// parse_u64 (decimal, 0..2^64-1), and the rule names. Accepted values round-trip through their
// printed forms.
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const btpow::Difficulty difficulty = btpow::Difficulty::parse(text, "--difficulty");
        btpow::fuzz::require(btpow::Difficulty::parse(difficulty.decimal(), "--difficulty") == difficulty);
        btpow::fuzz::require(btpow::Difficulty::parse(difficulty.value.hex(), "--difficulty") == difficulty);
    } catch (const btpow::Error& error) {
        btpow::fuzz::check_refusal(error);
    }
    try {
        const std::uint64_t value = btpow::parse_u64(text, "--nonce");
        btpow::fuzz::require(btpow::parse_u64(std::to_string(value), "--nonce") == value);
    } catch (const btpow::Error& error) {
        btpow::fuzz::check_refusal(error);
    }
    try {
        btpow::parse_rule(text, "--rule");
    } catch (const btpow::Error& error) {
        btpow::fuzz::check_refusal(error);
    }
    return 0;
}
