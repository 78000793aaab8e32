// The btpow command-line tool: parses (checking every flag), runs the chosen command, makes sure
// its output reached stdout, and maps every outcome to the exit codes of exit_codes.hpp.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include <btpow/solver.hpp>
#include <btpow/types.hpp>

#include "app.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "signals.hpp"

namespace {

using namespace btpow::cli;

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

int report(const btpow::Error& error) {
    std::string message = describe(error);
    if (error.code() == btpow::ErrorCode::no_device && message.find("CUDA") == std::string::npos)
        message += no_device_reason();
    print_error(message);
    return exit_code_for(error.code());
}

int parse_and_run(int argc, char** argv) {
    CommandBody selected;
    const auto app = make_app(selected);
    try {
        app->parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // --help and --version come through here with code 0; every usage error is exit 2.
        if (error.get_exit_code() == 0) {
            app->exit(error);
            return exit_ok;
        }
        print_error(std::string(error.what()) + " (run with --help for the usage)");
        return exit_bad_input;
    } catch (const btpow::Error& error) {
        return report(error);
    }

    try {
        return selected();
    } catch (const IoError& error) {
        print_error(error.what());
        return exit_io_failure;
    } catch (const btpow::Error& error) {
        return report(error);
    } catch (const std::exception& error) {
        print_error(error.what());
        return exit_device_failure;
    }
}

}  // namespace

int main(int argc, char** argv) {
    install_signal_handling();
    // A closed stdin or stderr would be taken by the next file the process opens; a closed stdout
    // means nothing can be delivered.
    for (const int descriptor : {STDIN_FILENO, STDERR_FILENO})
        if (fcntl(descriptor, F_GETFD) == -1) open("/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY);
    if (fcntl(STDOUT_FILENO, F_GETFD) == -1) {
        print_error("standard output is closed: no result could be delivered");
        return exit_io_failure;
    }
    int code = parse_and_run(argc, argv);
    // What sits in a buffer is not delivered yet: a failed final flush or close is a write error.
    try {
        std::cout.flush();
        if (!std::cout) throw IoError("cannot write to standard output");
        close_stdout();
    } catch (const IoError& error) {
        if (code != exit_io_failure) print_error(error.what());
        code = exit_io_failure;
    }
    return code;
}
