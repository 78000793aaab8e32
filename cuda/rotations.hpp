// The production kernel's variants (internal to cuda/; plain C++). All six compute the same
// seal; they differ in which execution pipe does the rotations and in code size (see
// include/btpow/core/mul_rotate.hpp). Which one is fastest depends on the GPU's pipes, so each
// device times them at start (DeviceScanner::calibrate) unless BTPOW_CUDA_ROTATIONS names one.
#pragma once

#include <optional>
#include <string_view>

namespace btpow::cuda {

enum class Rotations {
    funnel,         // every rotation on the funnel shifter (SHF), beside LOP3 and IADD3 on one pipe
    split,          // Keccak's rotations on the multiplier (IMAD, IMAD.HI), SHA-256's on the shifter
    multiply,       // every rotation and shift on the multiplier but three of SHA-256's schedule
    funnel_loop,    // funnel with Keccak's rounds 1..22 as a loop: a third of the code
    split_loop,     // split with that loop
    multiply_loop,  // multiply with that loop
};

inline constexpr Rotations kAllRotations[] = {Rotations::funnel,      Rotations::split,      Rotations::multiply,
                                              Rotations::funnel_loop, Rotations::split_loop, Rotations::multiply_loop};
// The names of kAllRotations, for messages.
inline constexpr const char* kRotationNames = "funnel, split, multiply, funnel-loop, split-loop or multiply-loop";

// The environment variable that pins one variant on every device.
inline constexpr const char* kRotationsVariable = "BTPOW_CUDA_ROTATIONS";

constexpr std::string_view to_string(Rotations r) {
    switch (r) {
        case Rotations::funnel: return "funnel";
        case Rotations::split: return "split";
        case Rotations::multiply: return "multiply";
        case Rotations::funnel_loop: return "funnel-loop";
        case Rotations::split_loop: return "split-loop";
        case Rotations::multiply_loop: return "multiply-loop";
    }
    return "?";
}

// The variant named by `text` (one of kRotationNames), or nullopt.
constexpr std::optional<Rotations> parse_rotations(std::string_view text) {
    for (Rotations r : kAllRotations)
        if (to_string(r) == text) return r;
    return std::nullopt;
}

}  // namespace btpow::cuda
