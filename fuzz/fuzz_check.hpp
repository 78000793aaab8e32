// What every fuzz target asserts about a refusal: a btpow::Error whose message is short, valid
// UTF-8 on one line, whatever bytes came in. A violation aborts, which libFuzzer reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <btpow/types.hpp>

namespace btpow::fuzz {

inline constexpr std::size_t kMaxMessageBytes = 2000;

inline bool valid_utf8_line(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead == '\n' || lead == '\r') return false;
        std::size_t length = lead < 0x80                    ? 1
                             : lead >= 0xc2 && lead <= 0xdf ? 2
                             : lead >= 0xe0 && lead <= 0xef ? 3
                             : lead >= 0xf0 && lead <= 0xf4 ? 4
                                                            : 0;
        if (length == 0 || i + length > text.size()) return false;
        std::uint32_t code = length == 1 ? lead : lead & (0x7f >> length);
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) return false;
            code = (code << 6) | (next & 0x3f);
        }
        const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < least[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
        i += length;
    }
    return true;
}

inline void check_refusal(const Error& error) {
    const std::string_view message = error.what();
    if (message.empty() || message.size() > kMaxMessageBytes || !valid_utf8_line(message)) std::abort();
    if (!error.field().empty() && message.find(error.field()) == std::string_view::npos) std::abort();
}

inline void require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace btpow::fuzz
