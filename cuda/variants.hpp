// The production kernel's variants (internal to cuda/; plain C++17), listed once. All compute the
// same seal; they differ in which execution pipe does the rotations and in whether Keccak's rounds
// run as straight-line code or as a loop (a third of the code, for GPUs whose instruction caches
// the straight-line kernel outgrows). Which one is fastest depends on the GPU, so each device
// times them at start (DeviceScanner::calibrate) unless BTPOW_CUDA_ROTATIONS names one.
//
// BTPOW_CUDA_VARIANTS is the list. kVariants and the names below, the dispatch switch
// (kernels.cpp), the per-variant translation units (sources.cmake reads the rows), the
// benchmark's entries, the host tests and scripts/device-check.sh all come from it. A row is
// X(rotations, rounds_loop), one per line; calibration tries them in this order.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// clang-format off
#define BTPOW_CUDA_VARIANTS(X) \
    X(funnel, false)           \
    X(split, false)            \
    X(multiply, false)         \
    X(funnel, true)            \
    X(split, true)             \
    X(multiply, true)
// clang-format on

namespace btpow::cuda {

// Which pipe does the rotations (the masks are in variant_policy.hpp).
enum class Rotations {
    funnel,    // every rotation on the funnel shifter (SHF), beside LOP3 and IADD3 on one pipe
    split,     // Keccak's rotations on the multiplier (IMAD, IMAD.HI), SHA-256's on the shifter
    multiply,  // every rotation and shift on the multiplier but three of SHA-256's schedule
};

struct Variant {
    Rotations rotations = Rotations::funnel;
    bool rounds_loop = false;  // Keccak's rounds 1..22 as a loop instead of straight-line code

    friend constexpr bool operator==(Variant a, Variant b) {
        return a.rotations == b.rotations && a.rounds_loop == b.rounds_loop;
    }
    friend constexpr bool operator!=(Variant a, Variant b) { return !(a == b); }
    // A distinct small number per variant, for a switch.
    constexpr int code() const { return 2 * static_cast<int>(rotations) + (rounds_loop ? 1 : 0); }
};

#define BTPOW_CUDA_VARIANT_VALUE(rotations, rounds_loop) Variant{Rotations::rotations, rounds_loop},
inline constexpr Variant kVariants[] = {BTPOW_CUDA_VARIANTS(BTPOW_CUDA_VARIANT_VALUE)};
#undef BTPOW_CUDA_VARIANT_VALUE
inline constexpr std::size_t kVariantCount = sizeof(kVariants) / sizeof(kVariants[0]);

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

// The user-visible name, as BTPOW_CUDA_ROTATIONS, the benchmark and the log write it: the
// rotations, with "-loop" when the rounds loop (funnel, funnel-loop, ...).
inline std::string to_string(Variant v) { return std::string(to_string(v.rotations)) + (v.rounds_loop ? "-loop" : ""); }

// Every variant's name, for messages: "funnel, split, ... or multiply-loop".
inline std::string variant_names() {
    std::string names;
    for (std::size_t i = 0; i < kVariantCount; ++i)
        names += (i == 0 ? "" : i + 1 == kVariantCount ? " or " : ", ") + to_string(kVariants[i]);
    return names;
}

// The variant named by `text` (one of variant_names()), or nullopt.
inline std::optional<Variant> parse_variant(std::string_view text) {
    for (const Variant v : kVariants)
        if (to_string(v) == text) return v;
    return std::nullopt;
}

}  // namespace btpow::cuda
