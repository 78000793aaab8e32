// Fuzz target: Hash32::parse (64 hex digits, 0x optional). Accepted text round-trips through hex().
#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const btpow::Hash32 hash = btpow::Hash32::parse(text, "--block-hash");
        btpow::fuzz::require(btpow::Hash32::parse(hash.hex(), "--block-hash") == hash);
    } catch (const btpow::Error& error) {
        btpow::fuzz::check_refusal(error);
    }
    return 0;
}
