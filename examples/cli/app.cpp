// The btpow command tree: every command group, the version flag and the exit-code footer.
#include "app.hpp"

#include <string>

#include "exit_codes.hpp"

namespace btpow::cli {

std::unique_ptr<CLI::App> make_app(CommandBody& selected) {
    auto app = std::make_unique<CLI::App>(
        "btpow: Bittensor registration proof-of-work (docs/protocol.md §2-§4) on CPU SIMD paths and CUDA devices",
        "btpow");
    app->set_version_flag("--version", "btpow " BTPOW_CLI_VERSION);
    app->require_subcommand(1);
    add_check_commands(*app, selected);
    add_system_commands(*app, selected);
    add_solve_command(*app, selected);
    app->footer(std::string(kExitCodesHelp));
    for (CLI::App* command : app->get_subcommands({})) command->footer(std::string(kExitCodesHelp));
    return app;
}

}  // namespace btpow::cli
