// The production kernel's rotation variants (internal to cuda/; plain C++). All three compute the
// same seal; they differ only in which execution pipe does the rotations (see
// include/btpow/core/mul_rotate.hpp). Which one is fastest depends on the GPU's pipes, so each
// device times them at start (DeviceScanner::calibrate) unless BTPOW_CUDA_ROTATIONS names one.
#pragma once

#include <optional>
#include <string_view>

namespace btpow::cuda {

enum class Rotations {
    funnel,    // every rotation on the funnel shifter (SHF), beside LOP3 and IADD3 on one pipe
    split,     // Keccak's rotations on the multiplier (IMAD, IMAD.HI), SHA-256's on the shifter
    multiply,  // every rotation and shift on the multiplier but three of SHA-256's schedule
};

inline constexpr Rotations kAllRotations[] = {Rotations::funnel, Rotations::split, Rotations::multiply};

// The environment variable that pins one variant on every device.
inline constexpr const char* kRotationsVariable = "BTPOW_CUDA_ROTATIONS";

constexpr std::string_view to_string(Rotations r) {
    switch (r) {
        case Rotations::funnel: return "funnel";
        case Rotations::split: return "split";
        case Rotations::multiply: return "multiply";
    }
    return "?";
}

// The variant named by `text` ("funnel", "split" or "multiply"), or nullopt.
constexpr std::optional<Rotations> parse_rotations(std::string_view text) {
    for (Rotations r : kAllRotations)
        if (to_string(r) == text) return r;
    return std::nullopt;
}

}  // namespace btpow::cuda
