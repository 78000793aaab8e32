// Fuzz target: Account::parse (SS58 with prefix 42, or 64 hex digits). Accepted accounts
// round-trip through both forms.
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const btpow::Account account = btpow::Account::parse(text, "--account");
        btpow::fuzz::require(btpow::Account::parse(account.ss58(), "--account") == account);
        btpow::fuzz::require(btpow::Account::parse(account.hex(), "--account") == account);
    } catch (const btpow::Error& error) {
        btpow::fuzz::check_refusal(error);
    }
    return 0;
}
