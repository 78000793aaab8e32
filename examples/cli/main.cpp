// The btpow command-line tool: builds the command tree, parses, runs the chosen command, and maps
// every outcome to the exit codes of exit_codes.hpp.
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include <btpow/solver.hpp>
#include <btpow/types.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"

namespace {

// Why there is no device, for the no_device message: the library names the backend, this names
// the cause (a build without CUDA, or what the driver said).
std::string no_device_reason() {
    try {
        const btpow::SystemInfo info = btpow::system_info();
        if (!info.cuda_compiled) return " (this build has no CUDA backend; configure with -DBTPOW_ENABLE_CUDA=ON)";
        if (info.cuda_devices.empty())
            return " (no CUDA device visible" + (info.cuda_error.empty() ? "" : ": " + info.cuda_error) + ")";
        return "";
    } catch (const std::exception&) {
        return "";
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace btpow::cli;

    CLI::App app{"btpow: Bittensor registration proof-of-work (SPEC §2-§4) on CPU SIMD paths and CUDA devices",
                 "btpow"};
    app.set_version_flag("--version", "btpow " BTPOW_CLI_VERSION);
    app.require_subcommand(1);
    CommandBody selected;
    add_check_commands(app, selected);
    add_system_commands(app, selected);
    add_solve_command(app, selected);
    app.footer(std::string(kExitCodesHelp));
    for (CLI::App* command : app.get_subcommands({})) command->footer(std::string(kExitCodesHelp));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // CLI11 has its own exit codes for usage errors; this tool has one (2). --help and
        // --version come through here too, with code 0.
        return app.exit(error) == 0 ? exit_ok : exit_bad_input;
    }

    try {
        return selected();
    } catch (const btpow::Error& error) {
        std::string message = describe(error);
        if (error.code() == btpow::ErrorCode::no_device && message.find("CUDA") == std::string::npos)
            message += no_device_reason();
        print_error(message);
        return exit_code_for(error.code());
    } catch (const std::exception& error) {
        print_error(error.what());
        return exit_device_failure;
    }
}
