// The CPU backend's dispatcher: reads CPUID (and XGETBV, for the operating system's support of
// the AVX and AVX-512 register state) once, lists the paths this machine can run best first,
// resolves names (and BTPOW_CPU_ISA) to paths, and hands scans to the chosen path's file.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>

#include "btpow/types.hpp"
#include "lib/cpu/cpu.hpp"
#include "lib/cpu/dispatch.hpp"
#include "lib/cpu/paths.hpp"

#if defined(BTPOW_CPU_X86_PATHS)
#include <cpuid.h>
#endif

namespace btpow::cpu {
namespace {

struct Features {
    bool sse41 = false, ssse3 = false, sha = false;
    bool avx2 = false;                                         // with the OS saving the YMM state
    bool avx512f = false, avx512vl = false, avx512bw = false;  // with the OS saving ZMM/opmask state
    std::string brand;
};

#if defined(BTPOW_CPU_X86_PATHS)
std::uint64_t enabled_register_state() {
    std::uint32_t low = 0, high = 0;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return (static_cast<std::uint64_t>(high) << 32) | low;
}

Features read_features() {
    Features f;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const unsigned max_leaf = static_cast<unsigned>(__get_cpuid_max(0, nullptr));
    if (max_leaf < 1 || !__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
    f.ssse3 = (ecx >> 9) & 1;
    f.sse41 = (ecx >> 19) & 1;
    const bool osxsave = (ecx >> 27) & 1;
    const bool avx = (ecx >> 28) & 1;
    // XCR0 bits 1, 2: SSE and AVX state; 5, 6, 7: AVX-512 opmask and upper ZMM state.
    const std::uint64_t xcr0 = osxsave ? enabled_register_state() : 0;
    const bool os_avx = avx && (xcr0 & 0x6) == 0x6;
    const bool os_avx512 = os_avx && (xcr0 & 0xE0) == 0xE0;
    if (max_leaf >= 7 && __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        f.avx2 = os_avx && ((ebx >> 5) & 1);
        f.avx512f = os_avx512 && ((ebx >> 16) & 1);
        f.sha = (ebx >> 29) & 1;
        f.avx512bw = os_avx512 && ((ebx >> 30) & 1);
        f.avx512vl = os_avx512 && ((ebx >> 31) & 1);
    }
    if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) >= 0x80000004u) {
        std::array<unsigned, 12> words{};
        for (unsigned i = 0; i < 3; ++i)
            __get_cpuid(0x80000002u + i, &words[4 * i], &words[4 * i + 1], &words[4 * i + 2], &words[4 * i + 3]);
        const char* text = reinterpret_cast<const char*>(words.data());
        f.brand.assign(text, std::find(text, text + 48, '\0'));
    }
    return f;
}
#else
Features read_features() { return {}; }
#endif

const Features& features() {
    static const Features detected = read_features();
    return detected;
}

struct Path {
    std::string_view name;
    bool (*runs_here)(const Features&);
    paths::ScanFunction scan;
    std::uint64_t chunk;  // nonces per worker chunk: about 2 ms on one thread
};

// Best first, by measured single-thread speed (bench/bench_cpu.cpp); "scalar" runs everywhere.
constexpr std::array kPaths = {
#if defined(BTPOW_CPU_X86_PATHS)
    Path{"avx512", [](const Features& f) { return f.avx512f && f.avx512vl && f.avx512bw; }, paths::scan_avx512,
         1u << 15},
    Path{"avx2+sha", [](const Features& f) { return f.avx2 && f.sha && f.sse41 && f.ssse3; }, paths::scan_avx2_sha,
         1u << 13},
    Path{"avx2", [](const Features& f) { return f.avx2; }, paths::scan_avx2, 1u << 13},
    // For CPUs with SHA-NI but no AVX2 (Goldmont, Tremont); needs no BMI, which those lack.
    Path{"sha", [](const Features& f) { return f.sha && f.sse41 && f.ssse3; }, paths::scan_sha, 1u << 12},
#endif
    Path{"scalar", [](const Features&) { return true; }, paths::scan_scalar, 1u << 11},
};

const Path* find_path(std::string_view name) {
    for (const Path& path : kPaths)
        if (path.name == name) return &path;
    return nullptr;
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

std::string all_names() {
    std::string text;
    for (const Path& path : kPaths) text += (text.empty() ? "" : ", ") + std::string(path.name);
    return text;
}

// A named path this machine can run, or Error(bad_option) naming field.
const Path& checked_path(std::string_view name, std::string_view field) {
    const Path* path = find_path(name);
    if (path == nullptr)
        throw Error(ErrorCode::bad_option, std::string(field),
                    std::string(field) + ": unknown CPU path '" + printable(name, 40) + "'; expected auto or one of " +
                        all_names());
    if (!path->runs_here(features()))
        throw Error(ErrorCode::bad_option, std::string(field),
                    std::string(field) + ": this CPU cannot run path '" + printable(name, 40) + "'; it supports " +
                        joined(supported_isas()));
    return *path;
}

}  // namespace

std::vector<std::string> supported_isas() {
    std::vector<std::string> names;
    for (const Path& path : kPaths)
        if (path.runs_here(features())) names.emplace_back(path.name);
    return names;
}

std::string default_isa() {
    const char* requested = std::getenv("BTPOW_CPU_ISA");
    if (requested != nullptr && *requested != '\0' && std::string_view(requested) != "auto")
        return std::string(checked_path(requested, "BTPOW_CPU_ISA").name);
    return supported_isas().front();
}

std::string resolve_isa(std::string_view requested, std::string_view field) {
    if (requested.empty() || requested == "auto") return default_isa();
    return std::string(checked_path(requested, field).name);
}

std::string model_name() {
    std::string name = features().brand;
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    return name.empty() ? "unknown CPU" : name;
}

PathRunner path_runner(std::string_view isa) {
    const Path& path = checked_path(isa, "cpu isa");
    return {path.scan, path.chunk};
}

namespace {

// The positions a v1 plan's run covers from `position` on, after moving the plan to that run:
// 2^24 positions share the search order's first two blocks, 2^40 nonces the range order's
// last block words (docs/protocol.md §10).
std::uint64_t enter_run(core::Plan& plan, std::uint64_t position) {
    switch (plan.kind) {
        case core::PlanKind::old_seal: break;
        case core::PlanKind::v1_search: {
            const std::uint64_t run = position >> 24;
            if (plan.v1_low != run) core::plan_v1_search_run(plan, run);
            return core::kV1SearchRun - (position & (core::kV1SearchRun - 1));
        }
        case core::PlanKind::v1_range: {
            const auto high = static_cast<std::uint32_t>(position >> core::kV1SearchLowBits);
            if (plan.v1_last_high != high) core::plan_v1_range_run(plan, high);
            constexpr std::uint64_t kLastBlockRun = std::uint64_t(1) << core::kV1SearchLowBits;
            return kLastBlockRun - (position & (kLastBlockRun - 1));
        }
    }
    return ~std::uint64_t{0};
}

}  // namespace

void scan_range(paths::ScanFunction scan, core::Plan& plan, std::uint64_t start, std::uint64_t count,
                std::vector<std::uint64_t>& candidates) {
    std::uint64_t found[paths::kScanBlock];
    while (count > 0) {
        const std::uint64_t block = std::min({count, paths::kScanBlock, enter_run(plan, start)});
        const std::size_t hits = scan(plan, start, block, found);
        for (std::size_t i = 0; i < hits; ++i) candidates.push_back(core::nonce_at(plan, found[i]));
        start += block;
        count -= block;
    }
}

void scan_candidates(std::string_view isa, const core::Plan& plan, std::uint64_t start, std::uint64_t count,
                     std::vector<std::uint64_t>& candidates) {
    core::Plan working = plan;
    scan_range(path_runner(isa).scan, working, start, count, candidates);
}

}  // namespace btpow::cpu
