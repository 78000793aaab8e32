// --seal and the accounts of a job (seal_flags.hpp).
#include "seal_flags.hpp"

#include <fmt/format.h>

namespace btpow::cli {

CLI::Option* add_seal_flags(CLI::App& command, SealKindFlags& flags) {
    command
        .add_option("--seal", flags.seal,
                    "Which seal: old (faucet, Torus, register before spec 474) or v1 (pow_register, spec 474+)")
        ->type_name("old|v1")
        ->capture_default_str();
    CLI::Option* account =
        command
            .add_option("--account", flags.account,
                        "Old seal: hotkey (or faucet signer), SS58 address (prefix 42) or 64 hex digits")
            ->type_name("SS58|HEX");
    command.add_option("--netuid", flags.netuid, "v1: the subnet, 1-65535 (root has no PoW)")->type_name("N");
    command.add_option("--hotkey", flags.hotkey, "v1: the hotkey to register, SS58 or 64 hex digits")
        ->type_name("SS58|HEX");
    command.add_option("--coldkey", flags.coldkey, "v1: the coldkey that signs pow_register, SS58 or 64 hex digits")
        ->type_name("SS58|HEX");
    return account;
}

void apply_seal_flags(const SealKindFlags& flags, Job& job, std::string_view missing_hint) {
    job.seal = parse_seal_kind(flags.seal, "--seal");
    const bool v1 = job.seal == SealKind::v1;
    const auto refuse_other = [&](const std::string& value, std::string_view flag) {
        if (!value.empty())
            throw Error(ErrorCode::bad_option, std::string(flag),
                        v1 ? fmt::format("{}: the v1 seal takes --netuid, --hotkey and --coldkey, not {}", flag, flag)
                           : fmt::format("{}: belongs to the v1 seal; add --seal v1", flag));
    };
    const auto required = [&](const std::string& value, std::string_view flag) -> const std::string& {
        if (value.empty())
            throw Error(ErrorCode::bad_option, std::string(flag),
                        fmt::format("{} is required{}{}", flag, v1 ? " for --seal v1" : "", missing_hint));
        return value;
    };
    if (!v1) {
        for (const auto& [value, flag] : {std::pair{&flags.netuid, "--netuid"}, std::pair{&flags.hotkey, "--hotkey"},
                                          std::pair{&flags.coldkey, "--coldkey"}})
            refuse_other(*value, flag);
        job.account = Account::parse(required(flags.account, "--account"), "--account");
        return;
    }
    refuse_other(flags.account, "--account");
    job.netuid = parse_netuid(required(flags.netuid, "--netuid"), "--netuid");
    job.hotkey = Account::parse(required(flags.hotkey, "--hotkey"), "--hotkey");
    job.coldkey = Account::parse(required(flags.coldkey, "--coldkey"), "--coldkey");
    if (job.rule != Rule::le)
        throw Error(ErrorCode::bad_rule, "--rule",
                    fmt::format("--rule: a v1 seal is read little-endian only (SPEC §10): expected le, got {}",
                                to_string(job.rule)));
}

}  // namespace btpow::cli
