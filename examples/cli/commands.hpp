// The CLI's command groups. Each adds its subcommands to the app; the one the user picked stores
// its body in `selected`, which main runs after parsing (so that parse errors and run errors
// are told apart and mapped to exit codes in one place).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace btpow::cli {

// A command's body; returns the exit code (see exit_codes.hpp) or throws btpow::Error.
using CommandBody = std::function<int()>;

// seal, verify, scan: the puzzle itself, no solver.
void add_check_commands(CLI::App& app, CommandBody& selected);
// devices, bench: what this machine offers and how fast it is.
void add_system_commands(CLI::App& app, CommandBody& selected);
// solve: one job from flags, or a feed of jobs as JSON lines.
void add_solve_command(CLI::App& app, CommandBody& selected);

}  // namespace btpow::cli
