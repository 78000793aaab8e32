// The flags that say which seal a job is and whose accounts go into it, shared by seal, verify,
// scan and solve: --account for the old seal; --seal v1 with --netuid, --hotkey and --coldkey
// for pow_register's seal (SPEC §10).
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <btpow/types.hpp>

namespace btpow::cli {

struct SealKindFlags {
    std::string seal = "old";
    std::string account;
    std::string netuid;
    std::string hotkey;
    std::string coldkey;
};

// Adds --seal, --account, --netuid, --hotkey and --coldkey to command; returns --account's option
// (for the solve command's exclusions).
CLI::Option* add_seal_flags(CLI::App& command, SealKindFlags& flags);

// Sets job's seal kind and accounts from the flags. A flag of the other seal kind, or a missing
// one, is Error(bad_option) naming it; `missing_hint` ends the missing-flag message. A v1 job
// keeps rule le: any other rule is Error(bad_rule) naming --rule.
void apply_seal_flags(const SealKindFlags& flags, Job& job, std::string_view missing_hint = "");

}  // namespace btpow::cli
